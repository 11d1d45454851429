//! A region of many teams: 50 team folders x 20 members x 5 years (each
//! member shares a story every working day, each story has applause from
//! three colleagues and every fifth a comment, each member's weekly
//! tallies), followed read-only by one region. Prints the time to write
//! them, the region's first open of every team (goal under 60 s), reading
//! one new tally among them (goal under 1 s), the region's numbers as the
//! Insights screen asks for them (goal under 200 ms to painted), the peak
//! memory (goal under 300 MB) and the files the folders hold. Asserts
//! nothing. `cargo bench --bench region`; REGION_TEAMS, REGION_MEMBERS
//! and REGION_YEARS make it smaller (a disk with less room).

use chrono::{Datelike, Duration, Utc};
use fanday_core::team::body::StoryContent;
use fanday_core::team_event::{fingerprint, new_signing_key, public_key_text, Event};
use fanday_core::{Customer, Fanday, FixedClock, Language, ProfileInput, Role, Situation};
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Member {
    id: String,
    key: ed25519_dalek::SigningKey,
    dir: PathBuf,
    last_hash: String,
    seq: u64,
    lines: Vec<String>,
    /// The story texts of the months not written yet, as the member's app
    /// keeps them: one file a month.
    months: std::collections::BTreeMap<String, Vec<StoryContent>>,
}

impl Member {
    fn sign(&mut self, team: &str, at: chrono::DateTime<Utc>, kind: &str, body: serde_json::Value) {
        self.seq += 1;
        let event = Event {
            v: 2,
            id: String::new(),
            team: team.to_string(),
            member: self.id.clone(),
            seq: self.seq,
            prev: Some(self.last_hash.clone()),
            at,
            kind: kind.into(),
            body,
            sig: String::new(),
        }
        .sign(&self.key);
        self.last_hash = event.hash();
        self.lines.push(event.to_line());
    }

    /// Writes the month files of the stories kept, then the events: the
    /// month still going stays kept, to be written whole again.
    fn write(&mut self) {
        let newest = self.months.keys().next_back().cloned();
        for (month, stories) in &self.months {
            std::fs::write(
                self.dir
                    .join("stories")
                    .join(fanday_core::team::month_file_name(month)),
                fanday_core::team::month_file_text(month, stories),
            )
            .unwrap_or_else(|err| panic!("{err}"));
        }
        self.months
            .retain(|month, _| Some(month) == newest.as_ref());
        // The lines for followers, by quarter, as the member's app keeps
        // them: the lines come in order, so each quarter's file is appended.
        let open = self.dir.join(fanday_core::team::OPEN_DIR);
        std::fs::create_dir_all(&open).unwrap_or_else(|err| panic!("{err}"));
        for (name, text) in fanday_core::team::open_files(self.lines.iter().map(String::as_str)) {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(open.join(name))
                .and_then(|mut file| file.write_all(text.as_bytes()))
                .unwrap_or_else(|err| panic!("{err}"));
        }
        let mut file = std::io::BufWriter::new(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(self.dir.join("events-1.jsonl"))
                .unwrap_or_else(|err| panic!("{err}")),
        );
        for line in self.lines.drain(..) {
            writeln!(file, "{line}").unwrap_or_else(|err| panic!("{err}"));
        }
    }
}

fn person(dir: &Path, name: &str, now: chrono::DateTime<chrono::FixedOffset>) -> Fanday {
    let app =
        Fanday::open(dir, Arc::new(FixedClock::new(now))).unwrap_or_else(|err| panic!("{err}"));
    app.save_profile(&ProfileInput {
        display_name: name.into(),
        role: Role::Lead,
        language: Language::Sv,
    })
    .unwrap_or_else(|err| panic!("{err}"));
    app
}

fn read_whole(app: &Fanday) {
    while app.read_team().is_ok_and(|report| report.more) {}
}

/// One team, five years ago: a lead (a real Fanday) founds it and lets
/// `members - 1` colleagues in. Today the region asks to follow it and the
/// lead lets it follow. Returns the team's id and the colleagues.
fn found_team(
    folder: &Path,
    lead_dir: &Path,
    index: usize,
    members: usize,
    began: chrono::DateTime<chrono::FixedOffset>,
    now: chrono::DateTime<chrono::FixedOffset>,
    region: &Fanday,
) -> (String, Vec<Member>) {
    let lead = person(lead_dir, &format!("Lead {index}"), began);
    let team = lead
        .create_team(&format!("Team {index:02}"), folder)
        .unwrap_or_else(|err| panic!("{err}"))
        .team_id;
    let people: Vec<Member> = (1..members)
        .map(|n| {
            let key = new_signing_key().unwrap_or_else(|| panic!("no randomness"));
            let id = uuid::Uuid::now_v7().to_string();
            let dir = folder.join("members").join(&id);
            std::fs::create_dir_all(dir.join("stories")).unwrap_or_else(|err| panic!("{err}"));
            let mut member = Member {
                id,
                key,
                dir,
                last_hash: String::new(),
                seq: 0,
                lines: Vec::new(),
                months: Default::default(),
            };
            let public = public_key_text(&member.key.verifying_key());
            let start = (began + Duration::hours(1)).with_timezone(&Utc);
            member.sign(
                &team,
                start,
                "member.requested",
                json!({"name": format!("Kollega {n}"), "key": public}),
            );
            member.write();
            member
        })
        .collect();
    read_whole(&lead);
    for member in &people {
        lead.admit(&member.id, &fingerprint(&member.key.verifying_key()))
            .unwrap_or_else(|err| panic!("{err}"));
    }
    drop(lead);
    let preview = region
        .preview_team(folder)
        .unwrap_or_else(|err| panic!("{err}"));
    region
        .follow_team(folder, &preview.founder_fingerprint)
        .unwrap_or_else(|err| panic!("{err}"));
    let lead = Fanday::open(lead_dir, Arc::new(FixedClock::new(now)))
        .unwrap_or_else(|err| panic!("{err}"));
    read_whole(&lead);
    let asking = lead
        .team_members()
        .unwrap_or_else(|err| panic!("{err}"))
        .into_iter()
        .find(|m| m.status == "asks_to_follow")
        .unwrap_or_else(|| panic!("nobody asks to follow"));
    lead.let_follow(&asking.member_id, &asking.fingerprint)
        .unwrap_or_else(|err| panic!("{err}"));
    (team, people)
}

/// Five years of a team, written straight into its folder: every member
/// shares a story each working day (its text in the member's file of the
/// month), three
/// colleagues applaud it, one comments on every fifth, and each member
/// sends a tally and their word of being recognised each week (copies of
/// those lines, and of their request to join, in their files for
/// followers). Returns how many events.
fn five_years(
    team: &str,
    people: &mut [Member],
    days: usize,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> u64 {
    let today = now.date_naive();
    let mut day = today - Duration::days(days as i64 * 7 / 5);
    let count = people.len();
    let mut shared = 0_u64;
    let before: u64 = people.iter().map(|m| m.seq).sum();
    while day <= today {
        if day.weekday().number_from_monday() <= 5 {
            let at = day.and_hms_opt(10, 0, 0).unwrap_or_default().and_utc();
            for who in 0..count {
                let content = StoryContent {
                    v: 2,
                    story_id: uuid::Uuid::now_v7().to_string(),
                    date: day,
                    situation: Situation::JustBecause,
                    customer: Customer::External,
                    text: "Hjälpte en kund att hitta rätt och följde med hela vägen".into(),
                    reaction: None,
                };
                let author = people[who].id.clone();
                people[who]
                    .months
                    .entry(fanday_core::team::month_of(day).unwrap_or_default())
                    .or_default()
                    .push(content.clone());
                people[who].sign(
                    team,
                    at,
                    "story.shared",
                    serde_json::to_value(content.body()).unwrap_or_default(),
                );
                shared += 1;
                for other in 1..=3 {
                    people[(who + other) % count].sign(
                        team,
                        at + Duration::minutes(other as i64),
                        "reaction.added",
                        json!({"story_author": author, "story_id": content.story_id}),
                    );
                }
                if shared % 5 == 0 {
                    people[(who + 4) % count].sign(team, at + Duration::minutes(5), "comment.added",
                        json!({"story_author": author, "story_id": content.story_id, "text": "Snyggt!"}));
                }
            }
        }
        if day.weekday().number_from_monday() == 5 {
            let week = day.iso_week();
            let at = day.and_hms_opt(16, 0, 0).unwrap_or_default().and_utc();
            for member in people.iter_mut() {
                member.sign(team, at, "tally.week", json!({"week": format!("{}-W{:02}", week.year(), week.week()),
                    "fans": 5, "just_because": 3, "said_no": 1, "complaint": 1, "external": 4, "internal": 1,
                    "exceptions_used": 1, "plans_followed": 0}));
                member.sign(team, at, "recognition.week",
                    json!({"week": format!("{}-W{:02}", week.year(), week.week()), "recognised": true}));
            }
        }
        if day.day() == 1 || day == today {
            for member in people.iter_mut() {
                member.write();
            }
        }
        day += Duration::days(1);
    }
    people.iter().map(|m| m.seq).sum::<u64>() - before
}

fn files_under(dir: &Path) -> (u64, u64) {
    let (mut files, mut bytes) = (0, 0);
    let mut todo = vec![dir.to_path_buf()];
    while let Some(next) = todo.pop() {
        for entry in std::fs::read_dir(&next).into_iter().flatten().flatten() {
            match entry.file_type() {
                Ok(t) if t.is_dir() => todo.push(entry.path()),
                _ => {
                    files += 1;
                    bytes += entry.metadata().map_or(0, |m| m.len());
                }
            }
        }
    }
    (files, bytes)
}

fn peak_memory_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Starts the peak over, so that what is printed next is the region's
/// own (Linux: writing 5 to clear_refs resets VmHWM).
fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn main() {
    let teams = setting("REGION_TEAMS", 50);
    let members = setting("REGION_MEMBERS", 20);
    let years = setting("REGION_YEARS", 5);
    let days = years * 260;
    let work = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let now = chrono::Local::now().fixed_offset();

    // Fifty teams founded five years ago, each followed by the region
    // from the start (its store then holds next to nothing).
    let started = Instant::now();
    let began = now - Duration::days(days as i64 * 7 / 5 + 10);
    let region = person(&work.path().join("region"), "Rut", now);
    let mut founded: Vec<(String, Vec<Member>)> = (0..teams)
        .map(|i| {
            let folder = work.path().join(format!("folders/team-{i:02}"));
            let lead_dir = work.path().join(format!("leads/{i:02}"));
            found_team(&folder, &lead_dir, i, members, began, now, &region)
        })
        .collect();
    println!(
        "founded {teams} teams of {members}, each followed by the region, in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let written: u64 = std::thread::scope(|scope| {
        let (even, odd): (Vec<_>, Vec<_>) = founded
            .iter_mut()
            .enumerate()
            .partition(|(i, _)| i % 2 == 0);
        let workers: Vec<_> = [even, odd]
            .into_iter()
            .map(|half| {
                scope.spawn(move || {
                    half.into_iter()
                        .map(|(_, (team, people))| five_years(team, people, days, now))
                        .sum::<u64>()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_default())
            .sum()
    });
    let _ = std::process::Command::new("sync").status();
    let (files, bytes) = files_under(&work.path().join("folders"));
    println!(
        "wrote {years} years of them ({written} events) in {:.0} s: the folders hold {files} files, {:.1} GB",
        started.elapsed().as_secs_f64(),
        bytes as f64 / 1e9
    );

    println!(
        "peak memory while writing the folders: {:.0} MB",
        peak_memory_mb()
    );
    reset_peak_memory();
    let started = Instant::now();
    region
        .read_region(|_, _| {})
        .unwrap_or_else(|err| panic!("{err}"));
    println!(
        "the region's first open of {teams} teams ({written} events): {:.1} s, peak memory {:.0} MB",
        started.elapsed().as_secs_f64(),
        peak_memory_mb()
    );

    let started = Instant::now();
    region
        .read_region(|_, _| {})
        .unwrap_or_else(|err| panic!("{err}"));
    println!(
        "reading the region again, nothing new: {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );

    // The app started again: nothing kept in memory, nothing new.
    let started = Instant::now();
    person(&work.path().join("region"), "Rut", now)
        .read_region(|_, _| {})
        .unwrap_or_else(|err| panic!("{err}"));
    println!(
        "reading the region after a start of the app, nothing new: {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );

    // One colleague's new tally of this week, in one team.
    let (team_id, people) = &mut founded[teams / 2];
    let colleague = &mut people[0];
    let week = now.date_naive().iso_week();
    colleague.sign(
        team_id,
        Utc::now(),
        "tally.week",
        json!({"week": format!("{}-W{:02}", week.year(), week.week()),
        "fans": 6, "just_because": 4, "said_no": 1, "complaint": 1, "external": 5, "internal": 1,
        "exceptions_used": 1, "plans_followed": 0}),
    );
    colleague.write();
    let started = Instant::now();
    region
        .read_region(|_, _| {})
        .unwrap_or_else(|err| panic!("{err}"));
    println!(
        "reading one new tally among {teams} teams: {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );

    // The first time ever: nothing worked out before, in memory or kept.
    let started = Instant::now();
    let first = person(&work.path().join("region"), "Rut", now)
        .region(8)
        .unwrap_or_else(|err| panic!("{err}"));
    let first_ms = started.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(first.teams.len(), teams);
    // As after a start of the app: nothing in memory, the numbers kept in
    // the person's store from before.
    let started = Instant::now();
    let cold = person(&work.path().join("region"), "Rut", now)
        .region(8)
        .unwrap_or_else(|err| panic!("{err}"));
    let cold_ms = started.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(cold, first);
    let mut times = Vec::new();
    for _ in 0..11 {
        let started = Instant::now();
        let numbers = region.region(8).unwrap_or_else(|err| panic!("{err}"));
        let json = serde_json::to_string(&numbers).unwrap_or_default();
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(numbers.teams.len(), teams);
        assert!(!json.is_empty());
    }
    times.sort_by(f64::total_cmp);
    let shown = region.region(8).unwrap_or_else(|err| panic!("{err}"));
    let following = shown
        .teams
        .iter()
        .filter(|t| t.team.following == fanday_core::region::Following::Following)
        .count();
    println!(
        "teams that let the region follow: {following} of {teams}; this week together: {} tallies, {} fans",
        shown.together[0].week.tallied.members, shown.together[0].week.tallied.fans
    );
    println!(
        "the region's numbers for Insights (8 weeks x {teams} teams, as sent to the window): {first_ms:.0} ms the first time ever, {cold_ms:.0} ms after a start of the app, then median {:.1} ms",
        times[times.len() / 2]
    );
    let (region_files, region_bytes) = files_under(&work.path().join("region"));
    println!(
        "the region's data folder: {region_files} files, {:.0} MB",
        region_bytes as f64 / 1e6
    );
    println!("peak memory: {:.0} MB", peak_memory_mb());
}

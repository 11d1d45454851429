//! What one member's writing costs a sync engine that uploads a whole file
//! at every change (OneDrive and SharePoint for files that are not Office
//! documents; each upload is also a new SharePoint version): a member
//! shares a story every working day for eight years (2,000 events, each
//! written to the team folder as it is made), and after each write the
//! size of the file that changed is what such an engine sends again.
//! Printed beside what the same events would cost with the roll-over of
//! 4 MiB Fanday had before. Goal: a small upload per event, at most the
//! roll-over size and one event. The story texts travel in a file per
//! month, written again at each share: what that sends is printed beside
//! what one file per story sent; the member's lines for followers (their
//! tallies) likewise. Prints figures; asserts nothing. Run with
//! `cargo bench --bench team_writes`.

use fanday_core::team::ROLL_OVER_BYTES;
use fanday_core::{
    Customer, Fanday, FixedClock, Language, MomentInput, ProfileInput, Role, Situation,
};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

const EVENTS: usize = 2000;
const ROLL_OVER_BEFORE: u64 = 4 * 1024 * 1024;

/// The member's events files and their sizes.
fn events_files(dir: &Path) -> Vec<(String, u64)> {
    files_ending(dir, ".jsonl")
}

/// The files in `dir` whose names end so, and their sizes.
fn files_ending(dir: &Path, end: &str) -> Vec<(String, u64)> {
    let mut files: Vec<(String, u64)> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|entry| entry.file_name().to_string_lossy().ends_with(end))
                .map(|entry| {
                    (
                        entry.file_name().to_string_lossy().into_owned(),
                        entry.metadata().map(|m| m.len()).unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// What an engine uploading whole files sends per write, for writes of
/// `lines` bytes each into files rolled over at `roll_over`.
fn uploads(lines: &[u64], roll_over: u64) -> Vec<u64> {
    let mut size = 0;
    lines
        .iter()
        .map(|line| {
            if size >= roll_over {
                size = 0;
            }
            size += line;
            size
        })
        .collect()
}

fn summary(label: &str, sent: &[u64]) {
    let total: u64 = sent.iter().sum();
    let most = sent.iter().copied().max().unwrap_or(0);
    println!(
        "{label}: {:.1} KiB sent again per event on average, {:.1} KiB at most, {:.1} MiB in all",
        total as f64 / sent.len().max(1) as f64 / 1024.0,
        most as f64 / 1024.0,
        total as f64 / 1024.0 / 1024.0
    );
}

fn main() {
    let folder = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let data = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    // Eight years of working days, one story each, up to today.
    let today = chrono::Local::now().fixed_offset();
    let first = today - chrono::Duration::days(EVENTS as i64 * 7 / 5);
    let clock = Arc::new(FixedClock::new(first));
    let app = Fanday::open(data.path(), clock.clone()).unwrap_or_else(|err| panic!("{err}"));
    let me = app
        .save_profile(&ProfileInput {
            display_name: "Lena".into(),
            role: Role::Lead,
            language: Language::Sv,
        })
        .unwrap_or_else(|err| panic!("{err}"));
    app.create_team("Kundtjänst", folder.path())
        .unwrap_or_else(|err| panic!("{err}"));
    let dir = folder.path().join("members").join(&me.id);
    let text = "Ringde upp en kund som väntat länge och bokade om resan åt henne.";
    let stories = dir.join("stories");
    let open = dir.join(fanday_core::team::OPEN_DIR);
    let mut open_sent = Vec::with_capacity(EVENTS);
    let mut sent = Vec::with_capacity(EVENTS);
    let mut lines = Vec::with_capacity(EVENTS);
    let mut texts_sent = Vec::with_capacity(EVENTS);
    let mut texts_alone = Vec::with_capacity(EVENTS);
    let mut day = first;
    let started = Instant::now();
    for n in 0..EVENTS {
        while chrono::Datelike::weekday(&day).number_from_monday() > 5 {
            day += chrono::Duration::days(1);
        }
        clock.set(day);
        day += chrono::Duration::days(1);
        let before = events_files(&dir);
        let months_before = files_ending(&stories, ".json");
        let open_before = files_ending(&open, ".jsonl");
        app.add_moment(&MomentInput {
            shared: true,
            ..MomentInput::new(Situation::JustBecause, Customer::External, text)
        })
        .unwrap_or_else(|err| panic!("{err}"));
        // The next day's moment: one story a day.
        if n % 250 == 249 {
            app.read_team().unwrap_or_else(|err| panic!("{err}"));
        }
        let months_after = files_ending(&stories, ".json");
        if let Some((_, len)) = months_after
            .iter()
            .find(|file| !months_before.contains(file))
        {
            texts_sent.push(*len);
            // What the month's file grew by: about the story's own file.
            let total = |files: &[(String, u64)]| files.iter().map(|(_, l)| l).sum::<u64>();
            texts_alone.push(total(&months_after).saturating_sub(total(&months_before)));
        }
        let open_after = files_ending(&open, ".jsonl");
        if let Some((_, len)) = open_after.iter().find(|file| !open_before.contains(file)) {
            open_sent.push(*len);
        }
        let after = events_files(&dir);
        let changed = after
            .iter()
            .find(|(name, len)| !before.iter().any(|(n, l)| n == name && l == len));
        if let Some((name, len)) = changed {
            let was = before
                .iter()
                .find(|(n, _)| n == name)
                .map_or(0, |(_, l)| *l);
            lines.push(len.saturating_sub(was));
            sent.push(*len);
        }
    }
    println!(
        "{} events written one by one in {:.1} s, into {} events files (roll-over at {} KiB)",
        sent.len(),
        started.elapsed().as_secs_f64(),
        events_files(&dir).len(),
        ROLL_OVER_BYTES / 1024
    );
    summary(
        &format!("now, roll-over at {} KiB", ROLL_OVER_BYTES / 1024),
        &sent,
    );
    summary(
        "before, roll-over at 4096 KiB (the same events)",
        &uploads(&lines, ROLL_OVER_BEFORE),
    );
    println!(
        "story texts: {} month files for {} stories",
        files_ending(&stories, ".json").len(),
        texts_sent.len()
    );
    summary("story texts now, a month's file per share", &texts_sent);
    summary(
        "story texts before, a file of its own per story",
        &texts_alone,
    );
    println!(
        "lines for followers: {} quarter files, written again at {} of the shares",
        files_ending(&open, ".jsonl").len(),
        open_sent.len()
    );
    summary(
        "lines for followers, a quarter's file per change",
        &open_sent,
    );
}

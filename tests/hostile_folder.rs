//! The team folder as hostile input: junk files, links, pipes and folders
//! where files belong, and files a sync engine truncated, replaced,
//! reordered or glued bytes onto. Each case asserts what the colleagues
//! end up with, not only that nothing crashed.

#[path = "support/team.rs"]
mod support;

use fanday_core::team::{Budget, ReadReport, MAX_SKIP_ROWS};
use fanday_core::{Fanday, Role, Situation};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;
use support::{
    append_raw, codes, event_lines, events_file, feed, feed_texts, join, member, member_dir, read,
    seqs_in_folder, share, skip_count, story_key, team, unshare, Member,
};

const CHILD_DATA_DIR: &str = "FANDAY_TEST_READER_DATA_DIR";

/// A member folder that looks right (a valid profile with a real key) and
/// holds whatever the test puts in its events file.
fn stranger_folder(folder: &Path) -> PathBuf {
    let id = uuid::Uuid::now_v7().to_string();
    let dir = member_dir(folder, &id);
    fs::create_dir_all(&dir).unwrap_or_else(|err| panic!("{err}"));
    let key = fanday_core::team_event::new_signing_key().unwrap_or_else(|| panic!("a key"));
    let profile = serde_json::json!({
        "v": 1, "member": id, "name": "Junk",
        "key": fanday_core::team_event::public_key_text(&key.verifying_key()),
    });
    fs::write(dir.join("profile.json"), profile.to_string()).unwrap_or_else(|err| panic!("{err}"));
    dir
}

fn write_junk(path: &Path, bytes: usize) -> u64 {
    let mut file =
        std::io::BufWriter::new(fs::File::create(path).unwrap_or_else(|err| panic!("{err}")));
    let line = b"x\n";
    for _ in 0..bytes / line.len() {
        file.write_all(line).unwrap_or_else(|err| panic!("{err}"));
    }
    file.flush().unwrap_or_else(|err| panic!("{err}"));
    (bytes / line.len()) as u64
}

fn peak_memory_kib() -> u64 {
    fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Run as a child process of `a_junk_file_costs_its_bytes_once`: reads the
/// team folder as the app's loop does, pass after pass, then once more, and
/// prints what it cost.
#[test]
#[ignore = "a child process of the junk file tests"]
fn child_reads_the_team_folder_and_reports_its_peak_memory() {
    let Some(dir) = std::env::var_os(CHILD_DATA_DIR) else {
        return;
    };
    let app = Fanday::open(Path::new(&dir), Arc::new(fanday_core::SystemClock))
        .unwrap_or_else(|err| panic!("{err}"));
    let mut passes = 0;
    let mut first_bytes = 0;
    loop {
        let report = app.read_team().unwrap_or_else(|err| panic!("{err}"));
        passes += 1;
        first_bytes += report.bytes_read;
        if !report.more {
            break;
        }
    }
    let again = app.read_team().unwrap_or_else(|err| panic!("{err}"));
    println!(
        "{}",
        serde_json::json!({
            "peak_kib": peak_memory_kib(),
            "passes": passes,
            "first_bytes": first_bytes,
            "again_bytes": again.bytes_read,
            "again_events": again.new_events,
        })
    );
}

fn a_junk_file_costs_its_bytes_once(megabytes: usize) {
    let t = team();
    share(
        &t.sara,
        "Hjälpte en kund att hitta rätt",
        Situation::JustBecause,
    );
    let junk = stranger_folder(t.path()).join("events-1.jsonl");
    let lines = write_junk(&junk, megabytes * 1024 * 1024);
    let data_dir = t.lena.data_dir().to_path_buf();
    let output = Command::new(std::env::current_exe().unwrap_or_else(|err| panic!("{err}")))
        .args([
            "--exact",
            "child_reads_the_team_folder_and_reports_its_peak_memory",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DATA_DIR, &data_dir)
        .output()
        .unwrap_or_else(|err| panic!("{err}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let figures: serde_json::Value = stdout
        .lines()
        .find_map(|line| serde_json::from_str(&line[line.find('{')?..]).ok())
        .unwrap_or_else(|| panic!("the reader printed no figures: {stdout}"));
    println!("{megabytes} MiB of junk: {figures}");
    let peak_mb = figures["peak_kib"].as_u64().unwrap_or(u64::MAX) / 1024;
    assert!(peak_mb < 150, "peak memory {peak_mb} MB while reading");
    assert!(figures["first_bytes"].as_u64().unwrap_or(0) >= (megabytes * 1024 * 1024) as u64);
    assert_eq!(
        figures["again_bytes"], 0,
        "the next read reads nothing again"
    );

    // The colleague's app still works, shows the story, and reports the
    // junk as one line of the status, with the count.
    let report = read(&t.lena);
    assert_eq!(report.bytes_read, 0);
    assert_eq!(feed_texts(&t.lena), vec!["Hjälpte en kund att hitta rätt"]);
    let junk_rows: Vec<_> = report
        .skipped
        .iter()
        .filter(|s| s.path.ends_with("events-1.jsonl") && s.code == "not_event")
        .collect();
    assert_eq!(junk_rows.len(), 1, "{:?}", report.skipped);
    assert_eq!(junk_rows[0].count, lines);
    assert_eq!(junk_rows[0].first_offset, Some(0));
    assert!(report.skipped.len() as i64 <= MAX_SKIP_ROWS);
}

#[test]
fn a_junk_file_of_1_mib_is_read_once_in_bounded_memory() {
    a_junk_file_costs_its_bytes_once(1);
}

#[test]
fn a_junk_file_of_60_mib_is_read_once_in_bounded_memory() {
    a_junk_file_costs_its_bytes_once(60);
}

#[test]
fn a_big_folder_is_read_over_several_passes_within_each_passes_budget() {
    let t = team();
    for n in 0..20 {
        let text = format!("Berättelse {n}: {}", "å".repeat(500));
        share(&t.sara, &text, Situation::SaidNo);
        share(&t.ali, &text, Situation::Complaint);
    }
    let small = Budget {
        bytes: 1024,
        time: Duration::from_secs(60),
    };
    let mut passes = 0;
    loop {
        let report = t
            .lena
            .app
            .read_team_within(small)
            .unwrap_or_else(|err| panic!("{err}"));
        passes += 1;
        assert!(report.bytes_read <= small.bytes + fanday_core::team::lines::CHUNK as u64);
        if !report.more {
            break;
        }
        assert!(passes < 100, "reading never ends");
    }
    assert!(passes > 1, "the budget split the reading");
    assert_eq!(feed(&t.lena).len(), 40);
}

/// Reads on another thread; fails if the read does not come back in time
/// (a pipe that blocks, a device that never ends).
fn read_within(member: &Member, limit: Duration) -> ReadReport {
    std::thread::scope(|scope| {
        let (done, result) = std::sync::mpsc::channel();
        scope.spawn(move || {
            let _ = done.send(member.app.read_team());
        });
        result
            .recv_timeout(limit)
            .unwrap_or_else(|_| panic!("reading the folder did not come back"))
            .unwrap_or_else(|err| panic!("{err}"))
    })
}

fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo {}", path.display());
}

#[cfg(unix)]
#[test]
fn links_in_the_folder_are_never_followed_for_reading_or_writing() {
    use std::os::unix::fs::symlink;
    let t = team();
    let first = share(&t.sara, "Före länken", Situation::JustBecause);
    read(&t.lena);

    // A stranger's events file and a colleague's point at /dev/zero.
    let stranger = stranger_folder(t.path());
    symlink("/dev/zero", stranger.join("events-1.jsonl")).unwrap_or_else(|err| panic!("{err}"));
    let alis = share(&t.ali, "Alis berättelse", Situation::SaidNo);
    let alis_file = events_file(t.path(), &t.ali.id);
    fs::remove_file(&alis_file).unwrap_or_else(|err| panic!("{err}"));
    symlink("/dev/zero", &alis_file).unwrap_or_else(|err| panic!("{err}"));

    // Sara's file is made a link to a file of hers outside the folder.
    let home = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let bashrc = home.path().join(".bashrc");
    fs::write(&bashrc, "alias ll='ls -l'\n").unwrap_or_else(|err| panic!("{err}"));
    let saras_file = events_file(t.path(), &t.sara.id);
    fs::remove_file(&saras_file).unwrap_or_else(|err| panic!("{err}"));
    symlink(&bashrc, &saras_file).unwrap_or_else(|err| panic!("{err}"));
    let second = share(&t.sara, "Efter länken", Situation::Complaint);

    assert_eq!(
        fs::read_to_string(&bashrc).unwrap_or_default(),
        "alias ll='ls -l'\n",
        "nothing was appended through the link"
    );
    let report = read_within(&t.lena, Duration::from_secs(20));
    let strangers = format!(
        "{}/events-1.jsonl",
        stranger.file_name().unwrap_or_default().to_string_lossy()
    );
    assert_eq!(
        skip_count(&report, &strangers, "link"),
        1,
        "{:?}",
        report.skipped
    );
    assert_eq!(
        skip_count(&report, &format!("{}/events-1.jsonl", t.ali.id), "link"),
        1
    );
    assert_eq!(
        skip_count(&report, &format!("{}/events-1.jsonl", t.sara.id), "link"),
        1
    );
    // Sara's app wrote her events again into a real file: nothing lost.
    let olle = member("Olle", Role::Staff);
    support::join_and_admit(&olle, t.path(), &t.lena);
    while read_within(&olle, Duration::from_secs(20)).more {}
    let ids: Vec<String> = feed(&olle).into_iter().map(|s| s.story_id).collect();
    assert!(
        ids.contains(&story_key(&t.sara, &first)) && ids.contains(&story_key(&t.sara, &second)),
        "{ids:?}"
    );
    // Ali's file is a link: his story waits until his app writes it again.
    read(&t.ali);
    read(&olle);
    assert!(
        feed(&olle)
            .iter()
            .any(|s| s.story_id == story_key(&t.ali, &alis)),
        "Ali's app healed his file"
    );
}

#[cfg(unix)]
#[test]
fn pipes_folders_and_huge_files_never_block_a_read_or_stop_a_writer() {
    let t = team();
    share(&t.sara, "Före", Situation::JustBecause);
    share(&t.ali, "Alis före", Situation::JustBecause);
    read(&t.lena);

    // A pipe where a stranger's events file and Ali's belong.
    let pipe_member = stranger_folder(t.path());
    mkfifo(&pipe_member.join("events-1.jsonl"));
    let alis_file = events_file(t.path(), &t.ali.id);
    fs::remove_file(&alis_file).unwrap_or_else(|err| panic!("{err}"));
    mkfifo(&alis_file);
    // Folders where a stranger's events file and Sara's belong.
    let folder_member = stranger_folder(t.path());
    fs::create_dir(folder_member.join("events-1.jsonl")).unwrap_or_else(|err| panic!("{err}"));
    let saras_file = events_file(t.path(), &t.sara.id);
    fs::remove_file(&saras_file).unwrap_or_else(|err| panic!("{err}"));
    fs::create_dir(&saras_file).unwrap_or_else(|err| panic!("{err}"));
    // A story file of 10 MB, for a story not read yet.
    let big = share(&t.sara, "Stor", Situation::Complaint);
    let story_file = member_dir(t.path(), &t.sara.id)
        .join("stories")
        .join(format!("{big}.json"));
    let huge = fs::File::create(&story_file).unwrap_or_else(|err| panic!("{err}"));
    huge.set_len(10 * 1024 * 1024)
        .unwrap_or_else(|err| panic!("{err}"));

    let report = read_within(&t.lena, Duration::from_secs(20));
    let events_of = |dir: &Path| {
        format!(
            "{}/events-1.jsonl",
            dir.file_name().unwrap_or_default().to_string_lossy()
        )
    };
    assert_eq!(
        skip_count(&report, &events_of(&pipe_member), "not_regular"),
        1,
        "{:?}",
        report.skipped
    );
    assert_eq!(
        skip_count(
            &report,
            &format!("{}/events-1.jsonl", t.ali.id),
            "not_regular"
        ),
        1
    );
    assert_eq!(
        skip_count(&report, &events_of(&folder_member), "folder_not_file"),
        1
    );
    assert_eq!(
        skip_count(
            &report,
            &format!("{}/events-1.jsonl", t.sara.id),
            "folder_not_file"
        ),
        1
    );
    assert_eq!(
        skip_count(&report, &format!("stories/{big}.json"), "too_large"),
        1
    );
    assert_eq!(
        t.lena.app.team_members().unwrap_or_default().len(),
        3,
        "no stranger was pinned"
    );

    // Sara and Ali go on sharing: their apps write their events again into
    // a fresh file, and the colleagues get everything.
    share(&t.sara, "Efter", Situation::SaidNo);
    read_within(&t.ali, Duration::from_secs(20));
    share(&t.ali, "Alis efter", Situation::SaidNo);
    let report = read_within(&t.lena, Duration::from_secs(20));
    assert!(codes(&report).contains(&"not_regular"));
    assert_eq!(
        feed_texts(&t.lena),
        vec!["Alis efter", "Alis före", "Efter", "Före", "Stor"],
        "nothing was lost"
    );
}

/// Lena's copy of a story file, before the sync engine does something to it.
fn three_stories(t: &support::Team) -> (Vec<String>, PathBuf) {
    let ids = ["Ett", "Två", "Tre"]
        .iter()
        .map(|text| share(&t.sara, text, Situation::JustBecause))
        .collect();
    read(&t.lena);
    assert_eq!(feed(&t.lena).len(), 3);
    (ids, events_file(t.path(), &t.sara.id))
}

fn late_joiner_sees(t: &support::Team) -> Vec<String> {
    let olle = member("Olle", Role::Staff);
    support::join_and_admit(&olle, t.path(), &t.lena);
    while read(&olle).more {}
    feed_texts(&olle)
}

#[test]
fn a_truncated_file_is_written_again_by_its_writer_and_noticed_by_its_readers() {
    let t = team();
    let (_, saras_file) = three_stories(&t);
    let bytes = fs::read(&saras_file).unwrap_or_default();
    fs::write(&saras_file, &bytes[..bytes.len() / 2]).unwrap_or_else(|err| panic!("{err}"));

    share(&t.sara, "Fyra", Situation::SaidNo);
    let report = read(&t.sara);
    assert!(report.healed, "Sara is told her file was written again");
    assert!(!read(&t.sara).healed, "and told once");
    let report = read(&t.lena);
    assert_eq!(
        skip_count(&report, &format!("{}/events-1.jsonl", t.sara.id), "rewound"),
        1
    );
    assert_eq!(feed_texts(&t.lena), vec!["Ett", "Fyra", "Tre", "Två"]);
    assert!(report.gaps.is_empty(), "{:?}", report.gaps);
    assert_eq!(late_joiner_sees(&t), vec!["Ett", "Fyra", "Tre", "Två"]);
}

#[test]
fn an_older_copy_of_a_file_is_written_again_and_a_later_withdrawal_still_counts() {
    let t = team();
    let first = share(&t.sara, "Ett", Situation::JustBecause);
    let saras_file = events_file(t.path(), &t.sara.id);
    let older = fs::read(&saras_file).unwrap_or_default();
    let second = share(&t.sara, "Två", Situation::JustBecause);
    share(&t.sara, "Tre", Situation::JustBecause);
    read(&t.lena);
    fs::write(&saras_file, &older).unwrap_or_else(|err| panic!("{err}"));

    unshare(&t.sara, &second);
    read(&t.lena);
    assert_eq!(feed_texts(&t.lena), vec!["Ett", "Tre"]);
    assert_eq!(late_joiner_sees(&t), vec!["Ett", "Tre"]);
    assert!(feed(&t.lena)
        .iter()
        .any(|s| s.story_id == story_key(&t.sara, &first)));
}

#[test]
fn reordered_lines_give_the_same_feed_and_the_writer_starts_a_fresh_file() {
    let t = team();
    let first = share(&t.sara, "Ett", Situation::JustBecause);
    unshare(&t.sara, &first);
    share(&t.sara, "Två", Situation::JustBecause);
    let saras_file = events_file(t.path(), &t.sara.id);
    let mut lines = event_lines(t.path(), &t.sara.id);
    lines.reverse();
    fs::write(&saras_file, format!("{}\n", lines.join("\n"))).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        late_joiner_sees(&t),
        vec!["Två"],
        "the withdrawal holds, read first"
    );

    share(&t.sara, "Tre", Situation::SaidNo);
    assert!(member_dir(t.path(), &t.sara.id)
        .join("events-2.jsonl")
        .is_file());
    read(&t.lena);
    assert_eq!(feed_texts(&t.lena), vec!["Tre", "Två"]);
}

#[test]
fn a_byte_glued_onto_a_leads_file_does_not_swallow_her_withdrawal() {
    let t = team();
    let story = share(&t.lena, "Lenas berättelse", Situation::Complaint);
    read(&t.sara);
    assert_eq!(feed_texts(&t.sara), vec!["Lenas berättelse"]);
    append_raw(&events_file(t.path(), &t.lena.id), "x");

    unshare(&t.lena, &story);
    read(&t.sara);
    assert!(feed(&t.sara).is_empty(), "the withdrawal reached Sara");
    assert!(read(&t.lena).healed);
}

#[test]
fn a_deleted_own_file_is_written_again_with_the_same_events() {
    let t = team();
    share(&t.sara, "Ett", Situation::JustBecause);
    share(&t.sara, "Två", Situation::SaidNo);
    read(&t.lena);
    let saras_file = events_file(t.path(), &t.sara.id);
    let before = event_lines(t.path(), &t.sara.id);
    fs::remove_file(&saras_file).unwrap_or_else(|err| panic!("{err}"));

    let report = read(&t.sara);
    assert!(report.healed);
    let mut after = event_lines(t.path(), &t.sara.id);
    let mut before_sorted = before.clone();
    after.sort();
    before_sorted.sort();
    assert_eq!(after, before_sorted, "same ids, same signatures");
    assert_eq!(late_joiner_sees(&t), vec!["Ett", "Två"]);
}

#[test]
fn a_later_file_and_conflict_copies_are_taken_and_gaps_are_shown_by_name() {
    let t = team();
    three_stories(&t);
    // A colleague's copy of the folder where the sync has not brought all
    // of Sara's file yet: her request and first story, and her third story
    // in a later file; her second is missing.
    let copy = copy_of_folder(&t);
    let lines = event_lines(t.path(), &t.sara.id);
    assert_eq!(lines.len(), 4, "a request and three stories");
    let dir = member_dir(copy.path(), &t.sara.id);
    fs::write(
        dir.join("events-1.jsonl"),
        format!("{}\n{}\n", lines[0], lines[1]),
    )
    .unwrap_or_else(|err| panic!("{err}"));
    fs::write(dir.join("events-2.jsonl"), format!("{}\n", lines[3]))
        .unwrap_or_else(|err| panic!("{err}"));

    // A newcomer who has not been let in yet can read the feed.
    let olle = member("Olle", Role::Staff);
    join(&olle, copy.path());
    let report = read(&olle);
    assert_eq!(feed_texts(&olle), vec!["Ett", "Tre"]);
    let gap = report.gaps.iter().find(|g| g.member_id == t.sara.id);
    assert_eq!(
        gap.map(|g| (g.name.as_str(), g.missing)),
        Some(("Sara", 1)),
        "{:?}",
        report.gaps
    );

    // The missing line arrives in a sync engine's conflict copy.
    fs::write(
        dir.join("events-1.sync-conflict-20261123-101500-ABCDEFG.jsonl"),
        format!("{}\n{}\n{}\n", lines[0], lines[1], lines[2]),
    )
    .unwrap_or_else(|err| panic!("{err}"));
    let report = read(&olle);
    assert_eq!(feed_texts(&olle), vec!["Ett", "Tre", "Två"]);
    assert!(report.gaps.is_empty(), "{:?}", report.gaps);
}

/// A copy of the team folder as another PC's sync engine has it: team.json,
/// every member's files and story texts; the test then takes some away.
fn copy_of_folder(t: &support::Team) -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    copy_tree(t.path(), copy.path());
    copy
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap_or_else(|err| panic!("{err}"));
    for entry in fs::read_dir(from)
        .unwrap_or_else(|err| panic!("{err}"))
        .flatten()
    {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap_or_else(|err| panic!("{err}"));
        }
    }
}

fn assert_no_number_repeats(folder: &Path, member: &str) {
    let seqs = seqs_in_folder(folder, member);
    let mut unique = seqs.clone();
    unique.dedup();
    assert_eq!(seqs, unique, "a number was used twice");
}

#[test]
fn leaving_and_joining_again_never_reuses_a_number() {
    let t = team();
    let first = share(&t.sara, "Ett", Situation::JustBecause);
    share(&t.sara, "Två", Situation::JustBecause);
    read(&t.lena);
    let highest = seqs_in_folder(t.path(), &t.sara.id)
        .last()
        .copied()
        .unwrap_or(0);

    t.sara
        .app
        .leave_team()
        .unwrap_or_else(|err| panic!("{err}"));
    join(&t.sara, t.path());
    unshare(&t.sara, &first);
    assert!(
        seqs_in_folder(t.path(), &t.sara.id)
            .last()
            .copied()
            .unwrap_or(0)
            > highest
    );
    assert_no_number_repeats(t.path(), &t.sara.id);
    let report = read(&t.lena);
    assert_eq!(
        feed_texts(&t.lena),
        vec!["Två"],
        "the withdrawal reached Lena"
    );
    assert!(report.gaps.is_empty(), "{:?}", report.gaps);
}

#[test]
fn restoring_a_backup_never_reuses_a_number_and_keeps_later_stories_shared() {
    let t = team();
    let first = share(&t.sara, "Ett", Situation::JustBecause);
    let backup = t.sara.data_dir().join("before.sqlite3");
    t.sara
        .app
        .backup_to(&backup)
        .unwrap_or_else(|err| panic!("{err}"));
    share(&t.sara, "Två", Situation::JustBecause);
    share(&t.sara, "Tre", Situation::JustBecause);
    read(&t.lena);

    t.sara
        .app
        .restore(&backup)
        .unwrap_or_else(|err| panic!("{err}"));
    unshare(&t.sara, &first);
    assert_no_number_repeats(t.path(), &t.sara.id);
    let report = read(&t.lena);
    assert_eq!(feed_texts(&t.lena), vec!["Tre", "Två"]);
    assert!(report.gaps.is_empty(), "{:?}", report.gaps);
}

#[test]
fn a_backup_restored_while_the_folder_is_away_renumbers_what_waits_to_be_sent() {
    let t = team();
    let first = share(&t.sara, "Ett", Situation::JustBecause);
    let backup = t.sara.data_dir().join("before.sqlite3");
    t.sara
        .app
        .backup_to(&backup)
        .unwrap_or_else(|err| panic!("{err}"));
    share(&t.sara, "Två", Situation::JustBecause);
    read(&t.lena);

    let away = t.path().with_extension("away");
    fs::rename(t.path(), &away).unwrap_or_else(|err| panic!("{err}"));
    // The restored data knows nothing of "Två": the withdrawal is given the
    // number "Två" has in the folder, and waits to be sent.
    let sara = &t.sara;
    sara.app
        .restore(&backup)
        .unwrap_or_else(|err| panic!("{err}"));
    unshare(sara, &first);
    assert_eq!(read(sara).waiting_to_send, 1);
    fs::rename(&away, t.path()).unwrap_or_else(|err| panic!("{err}"));

    let report = read(sara);
    assert_eq!(report.waiting_to_send, 0, "{report:?}");
    assert_no_number_repeats(t.path(), &t.sara.id);
    let report = read(&t.lena);
    assert_eq!(feed_texts(&t.lena), vec!["Två"]);
    assert!(
        report.gaps.is_empty() && !codes(&report).contains(&"fork"),
        "{report:?}"
    );
}

/// A line whose own signature is broken, inside a member's chain: the next
/// event, signed, names its hash and vouches for it. Every PC must come to
/// the same answer, whether it read both at once or one after the other.
#[test]
fn a_line_vouched_for_by_the_next_one_counts_the_same_on_every_pc() {
    let t = team();
    share(&t.sara, "Ett", Situation::JustBecause);
    share(&t.sara, "Två", Situation::JustBecause);
    share(&t.sara, "Tre", Situation::JustBecause);
    let lines = event_lines(t.path(), &t.sara.id);
    let broken = lines[2].replacen("\"sig\":\"", "\"sig\":\"AAAA", 1);
    let copy = copy_of_folder(&t);
    let saras = member_dir(copy.path(), &t.sara.id).join("events-1.jsonl");

    // One PC reads the broken line before the line after it arrives.
    fs::write(&saras, format!("{}\n{}\n{broken}\n", lines[0], lines[1]))
        .unwrap_or_else(|err| panic!("{err}"));
    let olle = member("Olle", Role::Staff);
    join(&olle, copy.path());
    while read(&olle).more {}
    assert_eq!(feed_texts(&olle), vec!["Ett"], "the broken line waits");
    append_raw(&saras, &format!("{}\n", lines[3]));
    while read(&olle).more {}

    // Another reads them all at once.
    let pia = member("Pia", Role::Staff);
    join(&pia, copy.path());
    while read(&pia).more {}
    assert_eq!(feed_texts(&pia), vec!["Ett", "Tre", "Två"]);
    assert_eq!(feed_texts(&olle), feed_texts(&pia));
}

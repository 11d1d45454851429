//! The team folder as hostile input: junk files, links, pipes and folders
//! where files belong, and more than a pass can read. Each case asserts
//! what the colleagues end up with, not only that nothing crashed
//! (damaged_folder.rs has what sync engines do to files). Memory is
//! measured from /proc, so those cases run on Linux; links and pipes are
//! Unix files.
#![cfg_attr(not(target_os = "linux"), allow(unused_imports, dead_code))]

use crate::support::team as support;

use fanday_core::team::{Budget, ReadReport, MAX_SKIP_ROWS};
use fanday_core::{Fanday, Role, Situation};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;
use support::{
    codes, events_file, feed, feed_texts, member, member_dir, read, share, skip_count, story_key,
    team, Member,
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
#[cfg(target_os = "linux")]
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
            "team::hostile::child_reads_the_team_folder_and_reports_its_peak_memory",
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

#[cfg(target_os = "linux")]
#[test]
fn a_junk_file_of_1_mib_is_read_once_in_bounded_memory() {
    a_junk_file_costs_its_bytes_once(1);
}

#[cfg(target_os = "linux")]
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
        assert!(report.bytes_read <= small.bytes + fanday_core::folder::lines::CHUNK as u64);
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
    // Sara's app removed the link in her own folder (the link itself, not
    // her .bashrc) and wrote her events again into a real file: nothing
    // lost.
    assert_eq!(
        skip_count(&report, &format!("{}/events-1.jsonl", t.sara.id), "link"),
        0
    );
    assert!(!saras_file.is_symlink() && saras_file.is_file());
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
    share(&t.sara, "Stor", Situation::Complaint);
    let story_file = support::month_file(t.path(), &t.sara.id);
    let month = story_file
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
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
    // Sara's app moved the folder in her own folder aside as it wrote her
    // events again.
    assert_eq!(
        skip_count(
            &report,
            &format!("{}/events-1.jsonl", t.sara.id),
            "folder_not_file"
        ),
        0
    );
    assert!(saras_file.is_file());
    assert_eq!(
        skip_count(&report, &format!("stories/{month}"), "too_large"),
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

#[test]
fn junk_in_a_file_read_again_from_its_start_is_counted_once() {
    let t = team();
    let mut newcomer = support::Stranger::new(t.path(), &uuid::Uuid::now_v7().to_string());
    newcomer.asks_to_join("Nora");
    let file = newcomer.dir.join("events-1.jsonl");
    support::append_raw(&file, &"x\n".repeat(1000));
    let junk = |report: &ReadReport| {
        skip_count(
            report,
            &format!("{}/events-1.jsonl", newcomer.id),
            "not_event",
        )
    };
    let first = read(&t.lena);
    assert_eq!(junk(&first), 1000, "{:?}", first.skipped);

    // Letting Nora in changes the keys the team knows for her folder, so
    // her file is read again from its start: the same lines, counted once.
    t.lena
        .app
        .admit(&newcomer.id, &newcomer.fingerprint())
        .unwrap_or_else(|err| panic!("{err}"));
    for _ in 0..3 {
        let report = read(&t.lena);
        assert_eq!(junk(&report), 1000, "{:?}", report.skipped);
    }
}

#[test]
fn two_thousand_stray_entries_keep_the_skip_rows_bounded_and_are_all_counted() {
    let t = team();
    share(&t.sara, "Ett", Situation::JustBecause);
    let alis = member_dir(t.path(), &t.ali.id);
    for n in 0..1000 {
        let stray = t.path().join("members").join(format!("stray-{n}.txt"));
        fs::write(stray, "x").unwrap_or_else(|err| panic!("{err}"));
        fs::write(alis.join(format!("note-{n}.txt")), "x").unwrap_or_else(|err| panic!("{err}"));
    }
    let count = |report: &ReadReport, code: &str| -> u64 {
        report
            .skipped
            .iter()
            .filter(|s| s.code == code)
            .map(|s| s.count)
            .sum()
    };
    for pass in 0..3 {
        let report = read(&t.lena);
        let db = rusqlite::Connection::open_with_flags(
            t.lena.app.database_path(),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .unwrap_or_else(|err| panic!("{err}"));
        let rows: i64 = db
            .query_row("SELECT count(*) FROM team_skips", [], |row| row.get(0))
            .unwrap_or_else(|err| panic!("{err}"));
        assert!(rows <= MAX_SKIP_ROWS, "{rows} skip rows (pass {pass})");
        // The status still says how many, pass after pass.
        assert_eq!(count(&report, "not_a_folder"), 1000, "pass {pass}");
        assert_eq!(count(&report, "not_event_file"), 1000, "pass {pass}");
        assert_eq!(feed_texts(&t.lena), vec!["Ett"]);
    }
}

/// A budget of a few bytes more than `before`: a pass reads those, then
/// one chunk of whatever comes next, and stops.
fn budget_past(before: u64) -> Budget {
    Budget {
        bytes: before + 1,
        time: Duration::from_secs(60),
    }
}

#[test]
fn files_read_again_with_a_key_learned_in_the_pass_share_the_passes_budget() {
    let t = team();
    while t
        .lena
        .app
        .read_team_whole()
        .unwrap_or_else(|err| panic!("{err}"))
        .more
    {}
    // Nora asks to join in events-1 and renames herself in events-2, which
    // is verified only once her request is in: her files are read again in
    // the same read. Her events-3 is junk of three chunks.
    let mut nora = support::Stranger::new(t.path(), &uuid::Uuid::now_v7().to_string());
    nora.asks_to_join("Nora");
    nora.file = "events-2.jsonl".into();
    nora.writes("member.renamed", serde_json::json!({"name": "Nora B"}));
    let size = |name: &str| fs::metadata(nora.dir.join(name)).map_or(0, |m| m.len());
    let budget = budget_past(size("events-1.jsonl") + size("events-2.jsonl"));
    let lines = write_junk(&nora.dir.join("events-3.jsonl"), 3 * 1024 * 1024);

    let mut passes = 0;
    let report = loop {
        let report = t
            .lena
            .app
            .read_team_within(budget)
            .unwrap_or_else(|err| panic!("{err}"));
        passes += 1;
        assert!(
            report.bytes_read <= budget.bytes + fanday_core::folder::lines::CHUNK as u64,
            "pass {passes} read {} bytes",
            report.bytes_read
        );
        if !report.more {
            break report;
        }
        assert!(passes < 100, "reading never ends");
    };
    let noras = |file: &str| format!("{}/{file}", nora.id);
    assert_eq!(
        skip_count(&report, &noras("events-2.jsonl"), "bad_signature"),
        0,
        "{:?}",
        report.skipped
    );
    assert_eq!(
        skip_count(&report, &noras("events-3.jsonl"), "not_event"),
        lines
    );
    let members = t.lena.app.team_members().unwrap_or_default();
    assert!(
        members
            .iter()
            .any(|m| m.member_id == nora.id && m.status == "pending"),
        "{members:?}"
    );
}

#[test]
fn reading_the_own_folder_back_shares_the_passes_budget() {
    let support::Team {
        folder, lena, sara, ..
    } = team();
    share(&sara, "Ett", Situation::JustBecause);
    while lena
        .app
        .read_team_whole()
        .unwrap_or_else(|err| panic!("{err}"))
        .more
    {}
    // A sync engine's copy of junk in Lena's own folder, found when her app
    // starts and reads her folder back.
    let junk = member_dir(folder.path(), &lena.id).join("events-1 (1).jsonl");
    let lines = write_junk(&junk, 3 * 1024 * 1024);
    let lena = lena.reopen();

    let budget = budget_past(0);
    let first = lena
        .app
        .read_team_within(budget)
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(first.more, "the next pass goes on");
    let junk_rel = format!("{}/events-1 (1).jsonl", lena.id);
    assert!(
        skip_count(&first, &junk_rel, "not_event") < lines,
        "no more than the budget was read"
    );
    let mut passes = 1;
    let mut report = first;
    while report.more {
        report = lena
            .app
            .read_team_within(budget)
            .unwrap_or_else(|err| panic!("{err}"));
        assert!(report.bytes_read <= budget.bytes + fanday_core::folder::lines::CHUNK as u64);
        passes += 1;
        assert!(passes < 100, "reading never ends");
    }
    assert_eq!(skip_count(&report, &junk_rel, "not_event"), lines);
    // Lena goes on sharing once her folder is read back. Sara's app reads
    // the junk too, pass after pass (on a slow PC one pass of 1.5 s does
    // not reach Lena's file, which sorts after the junk).
    share(&lena, "Lenas", Situation::SaidNo);
    while read(&sara).more {}
    assert_eq!(feed_texts(&sara), vec!["Ett", "Lenas"]);
}

#[cfg(unix)]
#[test]
fn story_texts_are_never_read_through_a_stories_link() {
    let t = team();
    share(&t.sara, "Saras berättelse", Situation::JustBecause);
    // Sara's stories folder is moved out of the team folder and linked
    // back before Lena first reads: the texts are where the link points.
    let elsewhere = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let stories = member_dir(t.path(), &t.sara.id).join("stories");
    let moved = elsewhere.path().join("stories");
    fs::rename(&stories, &moved).unwrap_or_else(|err| panic!("{err}"));
    std::os::unix::fs::symlink(&moved, &stories).unwrap_or_else(|err| panic!("{err}"));
    let report = read(&t.lena);
    assert_eq!(
        skip_count(&report, &format!("{}/stories", t.sara.id), "link"),
        1,
        "{:?}",
        report.skipped
    );
    assert!(
        feed_texts(&t.lena).is_empty(),
        "no text taken through the link"
    );
}

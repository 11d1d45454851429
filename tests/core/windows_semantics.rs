//! Fanday where most of its people are: a Windows PC, a team folder on
//! OneDrive or a file share. Swedish letters and spaces in every path, a
//! `\\server\share` path, a file another program holds open, JSON a
//! Windows editor saved, and the export CSV as Excel opens it. Each test
//! runs on Linux and, built for Windows, under Wine; what only means
//! something on Windows says so.

use crate::support::team::{
    codes, feed, feed_texts, join_and_admit, member, member_in, read, share, Member,
};
use fanday_core::export::{Format, What};
use fanday_core::{Role, Situation};
use std::fs;
use std::path::{Path, PathBuf};

/// `C:\Users\Åsa\OneDrive - Företag` as it is on a PC at work: under a
/// temp folder here, with the same names.
fn onedrive(root: &Path) -> PathBuf {
    root.join("Users").join("Åsa").join("OneDrive - Företag")
}

fn team_info(member: &Member) -> fanday_core::team::TeamInfo {
    member
        .app
        .team_info()
        .unwrap_or_else(|err| panic!("{err}"))
        .unwrap_or_else(|| panic!("{} is in no team", member.id))
}

/// The team folder's files, as a Windows editor saves them: a byte-order
/// mark, pretty-printed, CRLF line ends.
fn resave_as_windows_editor(path: &Path) {
    let value: serde_json::Value =
        serde_json::from_slice(&fs::read(path).unwrap_or_else(|err| panic!("{err}")))
            .unwrap_or_else(|err| panic!("{err}"));
    let pretty = serde_json::to_string_pretty(&value).unwrap_or_else(|err| panic!("{err}"));
    let text = format!("\u{feff}{}\r\n", pretty.replace('\n', "\r\n"));
    fs::write(path, text).unwrap_or_else(|err| panic!("{err}"));
}

#[test]
fn a_team_and_its_exports_work_under_swedish_letters_and_spaces_in_every_path() {
    let root = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let onedrive = onedrive(root.path());
    let folder = onedrive.join("Kundtjänst");
    let sara = member_in(&onedrive.join("AppData Åsa"), "Sara", Role::Lead);
    let bjorn = member_in(&onedrive.join("AppData Björn Öst"), "Björn", Role::Staff);
    assert!(sara.data_dir().to_string_lossy().contains("Åsa"));

    sara.app
        .create_team("Kundtjänst Söder", &folder)
        .unwrap_or_else(|err| panic!("{err}"));
    join_and_admit(&bjorn, &folder, &sara);
    share(
        &sara,
        "Hjälpte en kund på Åsgatan med återbetalningen; \"tusen tack\", sa hon",
        Situation::Complaint,
    );
    read(&sara);
    let report = read(&bjorn);
    assert!(codes(&report).is_empty(), "{:?}", report.skipped);
    assert_eq!(
        feed_texts(&bjorn),
        ["Hjälpte en kund på Åsgatan med återbetalningen; \"tusen tack\", sa hon"]
    );
    assert_eq!(
        feed(&bjorn).first().map(|s| s.author_name.clone()),
        Some("Sara".to_string())
    );
    assert_eq!(team_info(&bjorn).my_status, "admitted");
    assert_eq!(team_info(&bjorn).folder, folder.display().to_string());

    // After a restart the team folder is found again by the same name.
    let sara = sara.reopen();
    assert_eq!(team_info(&sara).folder, folder.display().to_string());
    assert_eq!(team_info(&sara).members, 2);

    let exports = onedrive.join("Exporter för Åsa");
    fs::create_dir_all(&exports).unwrap_or_else(|err| panic!("{err}"));
    let csv_path = exports.join("mina ögonblick – vecka 48.csv");
    let json_path = exports.join("mina ögonblick – vecka 48.json");
    let stories_path = exports.join("teamets berättelser.csv");
    for (what, format, path) in [
        (What::Mine, Format::Csv, &csv_path),
        (What::Mine, Format::Json, &json_path),
        (What::TeamStories, Format::Csv, &stories_path),
    ] {
        let rows = sara
            .app
            .export(what, format, path)
            .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        assert_eq!(rows, 1, "{}", path.display());
    }
    let csv = fs::read_to_string(&csv_path).unwrap_or_else(|err| panic!("{err}"));
    assert!(csv.contains("Åsgatan"), "{csv}");
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(&json_path).unwrap_or_else(|err| panic!("{err}")))
            .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(json["profile"]["display_name"], "Sara");
    let stories = fs::read_to_string(&stories_path).unwrap_or_else(|err| panic!("{err}"));
    assert!(stories.contains("Åsgatan"), "{stories}");
}

/// Whoever is in a team keeps it, folder and all, whatever path failed.
fn assert_still_in(member: &Member, team_id: &str, folder: &Path) {
    let info = team_info(member);
    assert_eq!(info.team_id, team_id);
    assert_eq!(info.folder, folder.display().to_string());
}

#[test]
fn a_server_share_that_cannot_be_reached_is_a_clear_error_and_changes_nothing() {
    let unc = Path::new(r"\\fanday-no-such-server\share\Kundtjänst");
    let folder = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let lena = member("Lena", Role::Lead);
    let ali = member("Ali", Role::Staff);
    let team = lena
        .app
        .create_team("Kundtjänst", folder.path())
        .unwrap_or_else(|err| panic!("{err}"));

    let tries = [
        lena.app.create_team("Kundtjänst", unc).map(|_| ()),
        ali.app.create_team("Kundtjänst", unc).map(|_| ()),
        ali.app.preview_team(unc).map(|_| ()),
        ali.app.join_team(unc, "ABCD").map(|_| ()),
    ];
    for tried in tries {
        let err = tried.err().unwrap_or_else(|| panic!("{unc:?} was taken"));
        if cfg!(windows) {
            // A whole path to a server that is not there: the folder
            // cannot be found, and the message names it as given.
            assert_eq!(err.code(), "team_folder", "{err}");
            assert!(
                err.to_string().contains(r"\\fanday-no-such-server\share"),
                "{err}"
            );
        } else {
            // On Linux it is no whole path at all: never a folder of that
            // name wherever Fanday was started.
            assert_eq!(err.code(), "team_folder_path", "{err}");
            assert_eq!(err.field(), Some("team_folder"));
        }
    }
    assert!(!unc.exists(), "nothing was made at {unc:?}");
    assert_still_in(&lena, &team.team_id, folder.path());
    assert!(ali.app.team_info().ok().flatten().is_none());

    // A relative path is refused the same way on every system.
    let relative = Path::new("Kundtjänst");
    let err = ali
        .app
        .create_team("Kundtjänst", relative)
        .err()
        .unwrap_or_else(|| panic!("a relative path was taken"));
    assert_eq!(err.code(), "team_folder_path");
    assert!(!relative.exists());
}

/// `\\?\C:\…`, the form Windows hands out for long paths and that a
/// pasted path from Explorer's "Copy as path" of a long folder can take,
/// works end to end: one colleague on it, the other on the usual form.
#[cfg(windows)]
#[test]
fn a_verbatim_windows_path_to_the_team_folder_works_end_to_end() {
    let root = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let folder = onedrive(root.path()).join("Kundtjänst");
    fs::create_dir_all(&folder).unwrap_or_else(|err| panic!("{err}"));
    let verbatim = fs::canonicalize(&folder).unwrap_or_else(|err| panic!("{err}"));
    assert!(
        verbatim.to_string_lossy().starts_with(r"\\?\"),
        "{verbatim:?}"
    );
    let lena = member("Lena", Role::Lead);
    let sara = member("Sara", Role::Staff);
    lena.app
        .create_team("Kundtjänst", &verbatim)
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(folder.join("team.json").is_file());
    join_and_admit(&sara, &folder, &lena);
    share(&lena, "Ringde upp kunden på fredagen", Situation::Complaint);
    share(&sara, "Bytte varan utan kvitto", Situation::Complaint);
    let lena_read = read(&lena);
    let sara_read = read(&sara);
    assert!(codes(&lena_read).is_empty(), "{:?}", lena_read.skipped);
    assert!(codes(&sara_read).is_empty(), "{:?}", sara_read.skipped);
    let both = ["Bytte varan utan kvitto", "Ringde upp kunden på fredagen"];
    assert_eq!(feed_texts(&lena), both);
    assert_eq!(feed_texts(&sara), both);
    assert_eq!(team_info(&lena).folder, verbatim.display().to_string());
    assert_eq!(team_info(&lena).members, 2);
}

#[test]
fn team_json_and_a_profile_saved_by_a_windows_editor_are_still_read() {
    let folder = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let lena = member("Lena", Role::Lead);
    let sara = member("Sara", Role::Staff);
    let created = lena
        .app
        .create_team("Kundtjänst", folder.path())
        .unwrap_or_else(|err| panic!("{err}"));
    let team_json = folder.path().join("team.json");
    resave_as_windows_editor(&team_json);
    assert!(fs::read(&team_json)
        .unwrap_or_default()
        .starts_with(b"\xEF\xBB\xBF{\r\n"));

    let preview = sara
        .app
        .preview_team(folder.path())
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(preview.name, "Kundtjänst");
    assert_eq!(preview.founder_fingerprint, created.founder_fingerprint);
    join_and_admit(&sara, folder.path(), &lena);

    let profile = folder
        .path()
        .join("members")
        .join(&sara.id)
        .join("profile.json");
    resave_as_windows_editor(&profile);
    share(
        &sara,
        "Följde upp ärendet dagen efter",
        Situation::Complaint,
    );
    let sara_read = read(&sara);
    let lena_read = read(&lena);
    assert!(codes(&sara_read).is_empty(), "{:?}", sara_read.skipped);
    assert!(codes(&lena_read).is_empty(), "{:?}", lena_read.skipped);
    assert_eq!(feed_texts(&lena), ["Följde upp ärendet dagen efter"]);
    assert_eq!(
        feed(&lena).first().map(|s| s.author_name.clone()),
        Some("Sara".to_string())
    );
    assert_eq!(team_info(&sara).my_status, "admitted");
    assert_eq!(team_info(&sara).members, 2);
}

/// Every record of a CSV ends in CRLF: no line feed outside quotes stands
/// alone. Returns the number of records, the header included.
fn crlf_records(bytes: &[u8]) -> usize {
    let mut quoted = false;
    let mut records = 0;
    for (at, byte) in bytes.iter().enumerate() {
        match byte {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => {
                assert_eq!(
                    at.checked_sub(1).and_then(|before| bytes.get(before)),
                    Some(&b'\r'),
                    "a record ends in a bare line feed at byte {at}"
                );
                records += 1;
            }
            _ => {}
        }
    }
    assert!(bytes.ends_with(b"\r\n"), "the last record ends in CRLF");
    records
}

#[test]
fn the_export_csv_opens_in_excel_as_written() {
    let root = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let lena = member("Lena", Role::Lead);
    let texts = [
        "Kunden sa: \"Tack, Åsa!\"\nOch gick glad därifrån",
        "=SUMMA(A1:A9) skrev kunden i chatten",
        "+46 70 123 45 67 ringde tillbaka",
        "-20 % på nästa köp",
        "@Björn hjälpte till",
        "Vanlig dag, inget särskilt",
    ];
    for text in texts {
        lena.app
            .add_moment(&crate::support::moment(text, Situation::Complaint))
            .unwrap_or_else(|err| panic!("{err}"));
    }
    let path = root.path().join("ögonblick.csv");
    let rows = lena
        .app
        .export(What::Mine, Format::Csv, &path)
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(rows, texts.len());
    let bytes = fs::read(&path).unwrap_or_else(|err| panic!("{err}"));
    let body = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or_else(|| panic!("no byte-order mark: Excel would not read UTF-8"));
    assert!(body.starts_with(b"date,situation,customer,what_i_did,"));
    assert_eq!(crlf_records(body), texts.len() + 1);

    let text = String::from_utf8_lossy(body);
    // RFC 4180: a field with a comma, a quote or a line break is quoted,
    // its quotes doubled, the line break kept inside.
    assert!(
        text.contains("\"Kunden sa: \"\"Tack, Åsa!\"\"\nOch gick glad därifrån\""),
        "{text}"
    );
    assert!(text.contains("\"Vanlig dag, inget särskilt\""), "{text}");
    // A cell that starts as a formula would is kept as text.
    for kept in [
        ",'=SUMMA(A1:A9) skrev kunden i chatten,",
        ",'+46 70 123 45 67 ringde tillbaka,",
        ",'-20 % på nästa köp,",
        ",'@Björn hjälpte till,",
    ] {
        assert!(text.contains(kept), "{kept} in {text}");
    }
    let mut reader = csv::Reader::from_reader(body);
    let read_back: Vec<String> = reader
        .records()
        .map(|record| record.map(|r| r[3].to_string()))
        .collect::<Result<_, _>>()
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(read_back.contains(&texts[0].to_string()), "{read_back:?}");

    // The weekly reflections and the team's stories are written alike.
    let reflections = root.path().join("reflektioner.csv");
    lena.app
        .export(What::Reflections, Format::Csv, &reflections)
        .unwrap_or_else(|err| panic!("{err}"));
    let bytes = fs::read(&reflections).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        bytes.strip_prefix(b"\xEF\xBB\xBF").map(crlf_records),
        Some(1)
    );
}

#[test]
fn a_program_reading_the_last_export_for_a_moment_does_not_stop_the_next_one() {
    let root = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let lena = member("Lena", Role::Lead);
    let path = root.path().join("ögonblick.csv");
    fs::write(&path, "förra exporten").unwrap_or_else(|err| panic!("{err}"));
    // Opened as most programs (a virus scanner, a sync client looking at
    // it), and Fanday itself, open a file to read it, for half a second.
    // Linux replaces it at once; Windows (or Wine) may refuse while it is
    // open, and Fanday waits.
    let reader = fs::File::open(&path).unwrap_or_else(|err| panic!("{err}"));
    let reading = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(500));
        drop(reader);
    });
    let exported = lena.app.export(What::Mine, Format::Csv, &path);
    let _ = reading.join();
    exported.unwrap_or_else(|err| panic!("{err}"));
    let text = fs::read_to_string(&path).unwrap_or_else(|err| panic!("{err}"));
    assert!(text.starts_with("\u{feff}date,"), "{text}");
}

#[cfg(windows)]
mod held_open {
    //! A sync client uploading a file, or Excel showing the last export,
    //! holds it open without letting anyone delete it: Windows then
    //! refuses to replace it. Fanday waits a few seconds for it to let go,
    //! then says so and keeps the old file whole.

    use super::*;
    use std::io::{BufRead, BufReader};
    use std::process::{Child, Command, Stdio};
    use std::time::{Duration, Instant};

    const HOLD_FILE: &str = "FANDAY_TEST_HOLD_FILE";
    const HOLD_MS: &str = "FANDAY_TEST_HOLD_MS";
    const HOLD_SHARING: &str = "FANDAY_TEST_HOLD_SHARING";

    /// Run by the tests below in a process of its own: opens the file
    /// sharing it for reading only, says so, holds it, and exits.
    #[test]
    #[ignore = "a child process of the tests of a file held open"]
    fn child_holds_a_file_open() {
        use std::io::Write;
        use std::os::windows::fs::OpenOptionsExt;
        let (Some(path), Some(ms)) = (std::env::var_os(HOLD_FILE), std::env::var_os(HOLD_MS))
        else {
            return;
        };
        const FILE_SHARE_READ: u32 = 1;
        let sharing = std::env::var(HOLD_SHARING)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(FILE_SHARE_READ);
        let _held = fs::OpenOptions::new()
            .read(true)
            .share_mode(sharing)
            .open(path)
            .unwrap_or_else(|err| panic!("{err}"));
        println!("HOLDING");
        let _ = std::io::stdout().flush();
        let ms: u64 = ms.to_string_lossy().parse().unwrap_or(1000);
        std::thread::sleep(Duration::from_millis(ms));
    }

    /// Starts the holder and returns once it has the file open.
    fn hold(path: &Path, ms: u64) -> Child {
        hold_sharing(path, ms, 1)
    }

    /// As [`hold`], sharing the file as `sharing` says (0: with nobody, as
    /// an antivirus scan or a backup may).
    fn hold_sharing(path: &Path, ms: u64, sharing: u32) -> Child {
        let exe = std::env::current_exe().unwrap_or_else(|err| panic!("{err}"));
        let mut child = Command::new(exe)
            .args([
                "--exact",
                "windows_semantics::held_open::child_holds_a_file_open",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(HOLD_FILE, path)
            .env(HOLD_MS, ms.to_string())
            .env(HOLD_SHARING, sharing.to_string())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|err| panic!("{err}"));
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        let mut lines = BufReader::new(stdout).lines().map_while(Result::ok);
        let holding = lines.any(|line| line.contains("HOLDING"));
        assert!(holding, "the holder never opened {}", path.display());
        // Read what else it says, so that it never writes to a closed pipe.
        std::thread::spawn(move || lines.for_each(drop));
        child
    }

    fn temp_files(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap_or_else(|err| panic!("{err}"))
            .flatten()
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".tmp"))
            .collect()
    }

    #[test]
    fn windows_refuses_to_replace_a_file_held_without_delete_sharing() {
        let root = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
        let path = root.path().join("profile.json");
        let other = root.path().join("other.json");
        fs::write(&path, "old").unwrap_or_else(|err| panic!("{err}"));
        fs::write(&other, "new").unwrap_or_else(|err| panic!("{err}"));
        let mut holder = hold(&path, 10_000);
        let refused = fs::rename(&other, &path);
        let _ = holder.kill();
        let _ = holder.wait();
        let err = refused
            .err()
            .unwrap_or_else(|| panic!("a held file was replaced"));
        assert!(
            matches!(err.raw_os_error(), Some(5 | 32 | 33)),
            "not a sharing violation: {err:?}"
        );
    }

    #[test]
    fn an_export_over_a_file_a_sync_client_holds_for_a_second_waits_and_is_written() {
        let root = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
        let lena = member("Lena", Role::Lead);
        lena.app
            .add_moment(&crate::support::moment("Ny rad", Situation::Complaint))
            .unwrap_or_else(|err| panic!("{err}"));
        let path = root.path().join("ögonblick.csv");
        fs::write(&path, "förra exporten").unwrap_or_else(|err| panic!("{err}"));
        let mut holder = hold(&path, 1000);
        let started = Instant::now();
        let rows = lena
            .app
            .export(What::Mine, Format::Csv, &path)
            .unwrap_or_else(|err| panic!("{err}"));
        let waited = started.elapsed();
        let _ = holder.wait();
        assert_eq!(rows, 1);
        let text = fs::read_to_string(&path).unwrap_or_else(|err| panic!("{err}"));
        assert!(text.contains("Ny rad"), "{text}");
        assert!(
            waited >= Duration::from_millis(300),
            "the export did not wait for the holder: {waited:?}"
        );
        assert_eq!(temp_files(root.path()), Vec::<String>::new());
    }

    #[test]
    fn an_export_over_a_file_excel_never_lets_go_of_says_so_and_keeps_the_old_file() {
        let root = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
        let lena = member("Lena", Role::Lead);
        let path = root.path().join("ögonblick.csv");
        fs::write(&path, "förra exporten").unwrap_or_else(|err| panic!("{err}"));
        let mut holder = hold(&path, 30_000);
        let started = Instant::now();
        let failed = lena.app.export(What::Mine, Format::Csv, &path);
        let waited = started.elapsed();
        let _ = holder.kill();
        let _ = holder.wait();
        let err = failed
            .err()
            .unwrap_or_else(|| panic!("a file held open was replaced"));
        assert_eq!(err.code(), "file_in_use", "{err}");
        assert!(err.to_string().contains("ögonblick.csv"), "{err}");
        assert!(
            (Duration::from_secs(2)..Duration::from_secs(10)).contains(&waited),
            "waited {waited:?}"
        );
        assert_eq!(
            fs::read_to_string(&path).unwrap_or_default(),
            "förra exporten"
        );
        assert_eq!(temp_files(root.path()), Vec::<String>::new());
    }

    #[test]
    fn a_colleagues_file_held_by_another_program_waits_and_is_read_once_let_go() {
        use crate::support::team::{events_file, team};
        let t = team();
        share(&t.sara, "Före", Situation::JustBecause);
        read(&t.lena);
        share(&t.sara, "Medan filen hölls", Situation::SaidNo);
        let file = events_file(t.path(), &t.sara.id);
        let mut holder = hold_sharing(&file, 30_000, 0);
        let report = read(&t.lena);
        let _ = holder.kill();
        let _ = holder.wait();
        let waits: Vec<(&str, &str)> = report
            .waiting_files
            .iter()
            .map(|w| (w.path.as_str(), w.code))
            .collect();
        assert!(
            waits
                .iter()
                .any(|(path, code)| path.ends_with("events-1.jsonl") && *code == "held"),
            "the file waits, held by another program: {waits:?}"
        );
        assert!(report.skipped.is_empty(), "{:?}", report.skipped);
        // Let go: read at a later pass (the clock moves on at each look).
        for _ in 0..30 {
            if feed_texts(&t.lena).contains(&"Medan filen hölls".to_string()) {
                break;
            }
            read(&t.lena);
        }
        assert!(feed_texts(&t.lena).contains(&"Medan filen hölls".to_string()));
    }
}

//! A member's own folder is theirs: whatever a colleague, a sync engine or
//! an attacker puts where Fanday writes (a file, a link, a pipe or a folder
//! in place of `stories` or `profile.json`) never stops the member's
//! events from reaching their colleagues, and nothing outside the team
//! folder is touched through a link. Links and pipes are Unix files.
#![cfg_attr(not(unix), allow(unused_imports, dead_code))]

use crate::support::team as support;

use fanday_core::Situation;
use std::fs;
use std::path::Path;
use support::{feed, feed_texts, member_dir, read, share, team, unshare};

#[cfg(unix)]
#[test]
fn a_withdrawal_never_deletes_a_file_outside_the_folder_through_a_stories_link() {
    use std::os::unix::fs::symlink;
    let t = team();
    let story = share(&t.sara, "Ett", Situation::JustBecause);
    read(&t.lena);
    assert_eq!(feed_texts(&t.lena), vec!["Ett"]);

    // Sara's stories folder becomes a link to a folder outside the team
    // folder holding a file of the story's name.
    let outside = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let kept = outside.path().join(format!("{story}.json"));
    fs::write(&kept, "keep me").unwrap_or_else(|err| panic!("{err}"));
    let stories = member_dir(t.path(), &t.sara.id).join("stories");
    fs::remove_dir_all(&stories).unwrap_or_else(|err| panic!("{err}"));
    symlink(outside.path(), &stories).unwrap_or_else(|err| panic!("{err}"));

    unshare(&t.sara, &story);
    assert_eq!(
        fs::read_to_string(&kept).unwrap_or_default(),
        "keep me",
        "nothing outside the folder was deleted"
    );
    read(&t.lena);
    assert!(feed(&t.lena).is_empty(), "the withdrawal reached Lena");
}

/// What a colleague, a sync engine or an attacker puts where Fanday writes.
#[cfg(unix)]
#[derive(Debug, Clone, Copy)]
enum InTheWay {
    File,
    Link,
    Pipe,
    Folder,
}

/// Puts `what` at `path` (whatever was there goes); a link points at a
/// file or folder of the same kind outside the team folder, which must be
/// left as it is.
#[cfg(unix)]
fn put(path: &Path, what: InTheWay, outside: &Path) {
    use std::os::unix::fs::symlink;
    if path.is_dir() {
        fs::remove_dir_all(path).unwrap_or_else(|err| panic!("{err}"));
    } else if fs::symlink_metadata(path).is_ok() {
        fs::remove_file(path).unwrap_or_else(|err| panic!("{err}"));
    }
    match what {
        InTheWay::File => fs::write(path, "not a folder").unwrap_or_else(|err| panic!("{err}")),
        InTheWay::Link => symlink(outside, path).unwrap_or_else(|err| panic!("{err}")),
        InTheWay::Pipe => {
            let made = std::process::Command::new("mkfifo").arg(path).status();
            assert!(made.is_ok_and(|s| s.success()), "mkfifo {}", path.display());
        }
        InTheWay::Folder => fs::create_dir(path).unwrap_or_else(|err| panic!("{err}")),
    }
}

/// Sara's story reaches Lena, and Sara is told once what went.
#[cfg(unix)]
fn shared_after_room_was_made(t: &support::Team, replaced: &str, case: InTheWay) {
    share(&t.sara, "Två", Situation::SaidNo);
    let report = read(&t.sara);
    assert_eq!(report.send_error, None, "{case:?}");
    assert_eq!(report.waiting_to_send, 0, "{case:?}");
    assert_eq!(report.replaced, vec![replaced.to_string()], "{case:?}");
    assert!(read(&t.sara).replaced.is_empty(), "told once ({case:?})");
    while read(&t.lena).more {}
    assert_eq!(feed_texts(&t.lena), vec!["Ett", "Två"], "{case:?}");
}

#[cfg(unix)]
#[test]
fn a_file_link_or_pipe_in_place_of_the_stories_folder_never_silences_its_member() {
    for case in [InTheWay::File, InTheWay::Link, InTheWay::Pipe] {
        let t = team();
        share(&t.sara, "Ett", Situation::JustBecause);
        read(&t.lena);
        let outside = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
        let kept = outside.path().join("kept.json");
        fs::write(&kept, "keep me").unwrap_or_else(|err| panic!("{err}"));
        let stories = member_dir(t.path(), &t.sara.id).join("stories");
        put(&stories, case, outside.path());

        shared_after_room_was_made(&t, &format!("members/{}/stories", t.sara.id), case);
        assert!(stories.is_dir() && !stories.is_symlink(), "{case:?}");
        let left: Vec<_> = fs::read_dir(outside.path())
            .unwrap_or_else(|err| panic!("{err}"))
            .filter_map(|e| e.ok().map(|e| e.file_name()))
            .collect();
        assert_eq!(
            left,
            vec![std::ffi::OsString::from("kept.json")],
            "{case:?}"
        );
        assert_eq!(fs::read_to_string(&kept).unwrap_or_default(), "keep me");
    }
}

#[cfg(unix)]
#[test]
fn a_folder_link_or_pipe_in_place_of_profile_json_never_stops_a_heal() {
    for case in [InTheWay::Folder, InTheWay::Link, InTheWay::Pipe] {
        let t = team();
        share(&t.sara, "Ett", Situation::JustBecause);
        read(&t.lena);
        let outside = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
        let kept = outside.path().join("profile.json");
        fs::write(&kept, "keep me").unwrap_or_else(|err| panic!("{err}"));
        let dir = member_dir(t.path(), &t.sara.id);
        put(&dir.join("profile.json"), case, &kept);
        // Her events file is gone too: her app writes it again, and her
        // profile with it.
        fs::remove_file(dir.join("events-1.jsonl")).unwrap_or_else(|err| panic!("{err}"));

        shared_after_room_was_made(&t, &format!("members/{}/profile.json", t.sara.id), case);
        let profile = fs::read_to_string(dir.join("profile.json")).unwrap_or_default();
        assert!(profile.contains(&t.sara.id), "{case:?}: {profile}");
        assert_eq!(fs::read_to_string(&kept).unwrap_or_default(), "keep me");
    }
}

/// The names of the event files in a member's folder.
fn event_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("{err}"))
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".jsonl"))
        .collect();
    names.sort();
    names
}

/// Sara's events file is gone (deleted, or a pipe in its place): her app
/// writes it again once, and what she shares afterwards goes on in that one
/// file, however many passes follow.
fn healed_once_then_one_file(pipe: bool) {
    let t = team();
    share(&t.sara, "Ett", Situation::JustBecause);
    read(&t.sara);
    // A byte glued on by the sync: her app goes on in events-2.jsonl.
    let dir = member_dir(t.path(), &t.sara.id);
    support::append_raw(&dir.join("events-1.jsonl"), "x");
    share(&t.sara, "Två", Situation::SaidNo);
    assert!(read(&t.sara).healed);
    assert_eq!(event_files(&dir), vec!["events-1.jsonl", "events-2.jsonl"]);

    // The sync engine deletes the first file (or puts a pipe there).
    fs::remove_file(dir.join("events-1.jsonl")).unwrap_or_else(|err| panic!("{err}"));
    if pipe {
        let made = std::process::Command::new("mkfifo")
            .arg(dir.join("events-1.jsonl"))
            .status();
        assert!(made.is_ok_and(|s| s.success()));
    }
    let before = event_files(&dir);
    assert!(read(&t.sara).healed, "written again");
    for n in 0..5 {
        share(&t.sara, &format!("Efter {n}"), Situation::JustBecause);
        let report = read(&t.sara);
        assert!(!report.healed, "told once (pass {n})");
        assert_eq!(report.waiting_to_send, 0);
    }
    let after = event_files(&dir);
    let new: Vec<&String> = after.iter().filter(|name| !before.contains(name)).collect();
    assert_eq!(new.len(), 1, "one new file: {before:?} then {after:?}");
    while read(&t.lena).more {}
    assert_eq!(feed(&t.lena).len(), 7, "nothing lost");
}

#[test]
fn a_deleted_own_file_is_written_again_once_and_not_at_every_pass() {
    healed_once_then_one_file(false);
}

#[cfg(unix)]
#[test]
fn a_pipe_in_place_of_an_own_file_is_written_around_once_and_not_at_every_pass() {
    healed_once_then_one_file(true);
}

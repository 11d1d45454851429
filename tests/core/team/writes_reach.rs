//! What a member shares reaches the team whatever the folder does to her
//! own files: names squatted, lines written into her folder by someone
//! else, her story files replaced or copied by a sync engine. Each case
//! asserts what her colleagues end up with.

use crate::support::team as support;

use fanday_core::{Role, Situation};
use serde_json::json;
use std::fs;
use std::path::{Path, PathBuf};
use support::{
    append_raw, feed_texts, member, member_dir, names_in, read, share, team, unshare, Stranger,
};

/// Every events file of Sara's with her lines in it, and the folder's
/// files by name.
/// Glues a byte onto every events file that holds Sara's lines, as a sync
/// engine's bad merge does: her app heals into a fresh file.
fn glue_onto_her_files(dir: &Path, her_id: &str) {
    for name in names_in(dir) {
        let path = dir.join(&name);
        if name.ends_with(".jsonl")
            && path.is_file()
            && !path.is_symlink()
            && support::file_holds(&path, her_id)
        {
            append_raw(&path, "x");
        }
    }
}

/// The stories in `member`'s feed, by text.
fn texts(member: &support::Member) -> Vec<String> {
    let mut texts = feed_texts(member);
    texts.sort();
    texts
}

fn late_joiner_sees(t: &support::Team) -> Vec<String> {
    let olle = member("Olle", Role::Staff);
    support::join_and_admit(&olle, t.path(), &t.lena);
    while read(&olle).more {}
    texts(&olle)
}

#[test]
fn files_squatting_the_names_her_app_would_take_never_silence_her() {
    let t = team();
    share(&t.sara, "Först", Situation::JustBecause);
    let dir = member_dir(t.path(), &t.sara.id);
    // Plain files at the highest number the protocol names and at the next
    // ones after hers, a folder and (on Unix) a link among them.
    for name in [
        "events-999999999.jsonl",
        "events-2.jsonl",
        "events-3.jsonl",
        "events-4.jsonl",
    ] {
        fs::write(dir.join(name), "").unwrap_or_else(|err| panic!("{err}"));
    }
    fs::create_dir(dir.join("events-5.jsonl")).unwrap_or_else(|err| panic!("{err}"));
    #[cfg(unix)]
    std::os::unix::fs::symlink("/dev/null", dir.join("events-6.jsonl"))
        .unwrap_or_else(|err| panic!("{err}"));
    // Damage makes her app heal into a fresh file, twice.
    for text in ["Andra", "Tredje"] {
        glue_onto_her_files(&dir, &t.sara.id);
        share(&t.sara, text, Situation::JustBecause);
        let report = read(&t.sara);
        assert_eq!(report.send_error, None, "her app writes on");
        assert_eq!(report.waiting_to_send, 0);
    }
    read(&t.lena);
    assert_eq!(texts(&t.lena), vec!["Andra", "Först", "Tredje"]);
    assert_eq!(late_joiner_sees(&t), vec!["Andra", "Först", "Tredje"]);
}

/// The comments under each story in `member`'s feed.
fn comments(member: &support::Member) -> Vec<String> {
    let mut said: Vec<String> = support::feed(member)
        .iter()
        .flat_map(|story| story.comments.iter().map(|c| c.text.clone()))
        .collect();
    said.sort();
    said
}

#[test]
fn a_line_in_her_folder_not_signed_with_her_key_never_takes_what_waits_to_be_sent() {
    let t = team();
    let lenas = share(&t.lena, "Lenas berättelse", Situation::JustBecause);
    read(&t.sara);
    // Someone with folder access (who read team.json to sign lines for
    // this team) goes on from her last event in the folder.
    let mut stranger = Stranger::continuing(t.path(), &t.sara.id);
    // The folder is away (a share that dropped): her comment waits.
    let team_file = t.path().join("team.json");
    let away = t.path().join("team.json.away");
    fs::rename(&team_file, &away).unwrap_or_else(|err| panic!("{err}"));
    t.sara
        .app
        .comment(&support::story_key(&t.lena, &lenas), "Så bra, Lena!")
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(read(&t.sara).waiting_to_send, 1);
    // They write lines at the numbers that wait, with a key of their own,
    // into her folder, chained to nothing of hers; her app reads them
    // while her comment still waits.
    stranger.prev = String::new();
    stranger.asks_to_join("Sara");
    stranger.writes("member.renamed", json!({"name": "Sara"}));
    read(&t.sara);
    // The folder comes back: her comment is written as she signed it.
    fs::rename(&away, &team_file).unwrap_or_else(|err| panic!("{err}"));
    let report = read(&t.sara);
    assert_eq!(report.waiting_to_send, 0);
    assert_eq!(report.send_error, None);
    for viewer in [&t.lena, &t.ali] {
        while read(viewer).more {}
        assert_eq!(
            comments(viewer),
            vec!["Så bra, Lena!"],
            "what her app said was shared reached the team"
        );
    }
}

/// The file that holds Sara's story texts of this month.
fn story_file(t: &support::Team) -> PathBuf {
    support::month_file(t.path(), &t.sara.id)
}

#[test]
fn a_same_length_junk_replacement_of_her_story_file_is_written_again() {
    let t = team();
    share(&t.sara, "Hon fick låna vår laddare", Situation::JustBecause);
    let path = story_file(&t);
    let original = fs::read(&path).unwrap_or_else(|err| panic!("{err}"));
    // A sync engine's bad merge: the same length, other bytes, a moment
    // later.
    std::thread::sleep(std::time::Duration::from_millis(20));
    fs::write(&path, vec![b'x'; original.len()]).unwrap_or_else(|err| panic!("{err}"));
    read(&t.sara);
    assert_eq!(
        fs::read(&path).unwrap_or_default(),
        original,
        "her app wrote the story's file again"
    );
    assert_eq!(late_joiner_sees(&t), vec!["Hon fick låna vår laddare"]);
}

/// The conflict copies each sync engine makes of a file `name.json`.
fn conflict_copies(stem: &str) -> Vec<String> {
    vec![
        format!("{stem}-DESKTOP-AB12.json"),
        format!("{stem} (Sara's conflicted copy 2026-12-06).json"),
        format!("{stem}.sync-conflict-20261206-101010-ABCDEFG.json"),
        format!("{stem} (1).json"),
    ]
}

#[test]
fn a_story_text_is_read_from_a_conflict_copy_when_its_own_file_is_gone() {
    let t = team();
    share(
        &t.sara,
        "Vi ringde tillbaka samma dag",
        Situation::Complaint,
    );
    let path = story_file(&t);
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    // On a colleague's PC the engine kept only a conflict copy of the file
    // (Sara's PC is off, so her app cannot write it again).
    let copy = path.with_file_name(format!("{stem} (Sara's conflicted copy 2026-12-06).json"));
    fs::rename(&path, &copy).unwrap_or_else(|err| panic!("{err}"));
    read(&t.lena);
    assert_eq!(feed_texts(&t.lena), vec!["Vi ringde tillbaka samma dag"]);
}

#[test]
fn a_withdrawn_storys_conflict_copies_are_erased_with_it() {
    let t = team();
    let id = share(&t.sara, "Något hon ångrar", Situation::SaidNo);
    share(&t.sara, "Något hon står för", Situation::JustBecause);
    let path = story_file(&t);
    let month = path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let stories = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let text = fs::read(&path).unwrap_or_else(|err| panic!("{err}"));
    assert!(String::from_utf8_lossy(&text).contains("Något hon ångrar"));
    for copy in conflict_copies(&stem) {
        fs::write(stories.join(copy), &text).unwrap_or_else(|err| panic!("{err}"));
    }
    read(&t.lena);
    unshare(&t.sara, &id);
    let words_left = |stories: &Path| {
        names_in(stories)
            .iter()
            .filter(|name| {
                String::from_utf8_lossy(&fs::read(stories.join(name)).unwrap_or_default())
                    .contains("Något hon ångrar")
            })
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names_in(&stories),
        vec![month.clone()],
        "every copy of the month's file is gone"
    );
    assert!(
        words_left(&stories).is_empty(),
        "the withdrawn text is in no file"
    );
    // An engine brings a copy back later: it goes again.
    fs::write(stories.join(&conflict_copies(&stem)[0]), &text)
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.sara);
    assert_eq!(names_in(&stories), vec![month]);
    assert!(words_left(&stories).is_empty());
    read(&t.lena);
    assert_eq!(feed_texts(&t.lena), vec!["Något hon står för"]);
}

#[test]
fn conflict_copies_of_her_profile_are_passed_over_without_a_word() {
    let t = team();
    let dir = member_dir(t.path(), &t.sara.id);
    let profile = fs::read(dir.join("profile.json")).unwrap_or_else(|err| panic!("{err}"));
    for copy in conflict_copies("profile") {
        fs::write(dir.join(copy), &profile).unwrap_or_else(|err| panic!("{err}"));
    }
    let report = read(&t.lena);
    assert_eq!(
        report.skipped,
        Vec::new(),
        "a copy of a profile is no refusal"
    );
}

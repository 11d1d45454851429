//! A member's own folder is theirs: whatever a colleague, a sync engine or
//! an attacker puts where Fanday writes (a file, a link, a pipe or a folder
//! in place of `stories` or `profile.json`) never stops the member's
//! events from reaching their colleagues, and nothing outside the team
//! folder is touched through a link. Links and pipes are Unix files.
#![cfg_attr(not(unix), allow(unused_imports, dead_code))]

use crate::support::team as support;

use fanday_core::Situation;
use std::fs;
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

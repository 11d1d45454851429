//! The names of the files in a member's folder, as the protocol gives them
//! and as sync engines copy them: what a reader takes each file for.

use super::PROFILE_FILE;
use crate::team::refusal::Refusal;

/// The number of an event file as the protocol names it: `events-<n>.jsonl`.
pub fn event_file_number(name: &str) -> Option<u64> {
    name.strip_prefix("events-")
        .and_then(|rest| rest.strip_suffix(".jsonl"))
        .filter(|n| !n.is_empty() && n.len() <= 9 && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|n| n.parse().ok())
}

pub fn event_file_name(number: u64) -> String {
    format!("events-{number}.jsonl")
}

/// What a file in a member's folder is to a reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    Profile,
    /// Lines of signed events: `events-<n>.jsonl`, or a sync engine's copy
    /// of one (`events-1 (1).jsonl`, `events-1.sync-conflict-….jsonl`,
    /// `events-1-PCNAME.jsonl`), whose validly signed lines count as much
    /// as the original's.
    Events,
    /// A sync engine's conflict copy of a file Fanday keeps whole (here
    /// profile.json): it says nothing the original does not, and is passed
    /// over without a word.
    CopyOf(&'static str),
    Refused(Refusal),
}

pub fn classify(name: &str) -> FileRole {
    let lower = name.to_lowercase();
    if name == PROFILE_FILE {
        FileRole::Profile
    } else if name.starts_with("~$") || name.starts_with('.') || lower.ends_with(".tmp") {
        FileRole::Refused(Refusal::TempFile)
    } else if lower.ends_with(".jsonl") {
        FileRole::Events
    } else if is_copy_of(name, PROFILE_FILE) {
        FileRole::CopyOf(PROFILE_FILE)
    } else {
        FileRole::Refused(Refusal::NotEventFile)
    }
}

/// Is `name` a sync engine's conflict copy of `original`? Each engine adds
/// its mark between the name and the extension: Syncthing
/// `name.sync-conflict-20261206-101010-ABCDEFG.ext`, Dropbox `name (Sara's
/// conflicted copy 2026-12-06).ext`, Google Drive and others `name (1).ext`,
/// Windows `name - Copy.ext`, OneDrive `name-PCNAME.ext`.
pub fn is_copy_of(name: &str, original: &str) -> bool {
    let Some((stem, ext)) = original.rsplit_once('.') else {
        return false;
    };
    let Some(rest) = name.strip_prefix(stem) else {
        return false;
    };
    let Some(mark) = rest
        .len()
        .checked_sub(ext.len() + 1)
        .and_then(|end| rest.get(..end))
        .filter(|_| rest.to_lowercase().ends_with(&format!(".{ext}")))
    else {
        return false;
    };
    [".sync-conflict-", " (", " - ", "-", "_"]
        .iter()
        .any(|sep| mark.len() > sep.len() && mark.starts_with(sep))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_files_are_numbered_and_nothing_else_is() {
        assert_eq!(event_file_number("events-1.jsonl"), Some(1));
        assert_eq!(event_file_number("events-12.jsonl"), Some(12));
        assert_eq!(event_file_number("events-.jsonl"), None);
        assert_eq!(event_file_number("events-1 (1).jsonl"), None);
        assert_eq!(event_file_number("events-99999999999.jsonl"), None);
        assert_eq!(
            classify("events-1.sync-conflict-20261122-1.jsonl"),
            FileRole::Events
        );
        assert_eq!(classify("events-1 (1).jsonl"), FileRole::Events);
        assert_eq!(classify("profile.json"), FileRole::Profile);
        assert_eq!(
            classify("~$events-1.jsonl"),
            FileRole::Refused(Refusal::TempFile)
        );
        assert_eq!(
            classify(".profile.json.0193.tmp"),
            FileRole::Refused(Refusal::TempFile)
        );
        assert_eq!(
            classify("notes.txt"),
            FileRole::Refused(Refusal::NotEventFile)
        );
        assert_eq!(classify("events-1-DESKTOP-AB12.jsonl"), FileRole::Events);
        assert_eq!(
            classify("profile-DESKTOP-AB12.json"),
            FileRole::CopyOf(PROFILE_FILE)
        );
        assert_eq!(
            classify("profile (Sara's conflicted copy 2026-12-06).json"),
            FileRole::CopyOf(PROFILE_FILE)
        );
        assert_eq!(
            classify("profile.sync-conflict-20261206-101010-ABCDEFG.json"),
            FileRole::CopyOf(PROFILE_FILE)
        );
        assert_eq!(
            classify("profiles.json"),
            FileRole::Refused(Refusal::NotEventFile)
        );
    }

    #[test]
    fn every_engines_conflict_copy_of_a_story_file_is_known_as_one() {
        let story = "0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b.json";
        let stem = "0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b";
        for copy in [
            format!("{stem}-DESKTOP-AB12.json"),
            format!("{stem} (Sara's conflicted copy 2026-12-06).json"),
            format!("{stem} (Saras kopia i konflikt 2026-12-06).json"),
            format!("{stem}.sync-conflict-20261206-101010-ABCDEFG.json"),
            format!("{stem} (1).json"),
            format!("{stem} - Copy.json"),
            format!("{stem}.sync-conflict-20261206-101010-ABCDEFG.JSON"),
        ] {
            assert!(is_copy_of(&copy, story), "{copy}");
        }
        for other in [
            story.to_string(),
            format!("{stem}.json.tmp"),
            format!("{stem}0.json"),
            format!("{stem}-.json"),
            format!("{stem}-DESKTOP.jsonl"),
            "0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5c.json".to_string(),
        ] {
            assert!(!is_copy_of(&other, story), "{other}");
        }
    }
}

//! A story's own file (`members/<id>/stories/<story>.json`): how every
//! story's text travelled before a month's texts shared one file
//! (`story_bundles`), and still how a story that would overfill its
//! month's file travels. Read where the month's file does not hold the
//! text (also from a sync engine's conflict copy of it); erased, with
//! every copy, when the story is withdrawn or its text is in its month's
//! file.

use crate::error::{CoreError, Result};
use crate::folder::waits::WaitReason;
use crate::folder::{self, EntryKind, OpenError, MAX_SMALL_FILE, STORIES_DIR};
use crate::team::body::StoryContent;
use crate::team::refusal::Refusal;
use std::path::{Path, PathBuf};

/// An id as it may stand in a file name: letters, digits and dashes.
pub fn is_plain_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn file_name(story_id: &str) -> String {
    format!("{story_id}.json")
}

/// A member's stories folder, if it is a real folder (never a link).
pub fn stories_dir(member_dir: &Path) -> Option<PathBuf> {
    let dir = member_dir.join(STORIES_DIR);
    (folder::is_real_dir(&dir) == Ok(true)).then_some(dir)
}

/// What looking for a story's file came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    Content(StoryContent),
    /// Not there (yet).
    Missing,
    /// There, but it cannot be read just now.
    Waiting(WaitReason),
    /// Read, and not a story file at all: the file, and why.
    Wrong(Refusal, PathBuf),
}

/// The story's own file, if it holds the content `hash` names.
pub fn read_own_name(stories: &Path, story_id: &str, hash: &str) -> Found {
    if !is_plain_id(story_id) {
        return Found::Missing;
    }
    read_content(&stories.join(file_name(story_id)), story_id, hash)
}

/// As [`read_own_name`], on this thread, without a deadline of its own:
/// for a caller that has one for many files together.
pub fn read_here(stories: &Path, story_id: &str, hash: &str) -> Found {
    if !is_plain_id(story_id) {
        return Found::Missing;
    }
    let path = stories.join(file_name(story_id));
    content_of(
        folder::read_small(&path, MAX_SMALL_FILE),
        &path,
        story_id,
        hash,
    )
}

/// As [`read_own_name`], and where that is not the content, the sync
/// engines' conflict copies of the file, one of which may hold it.
pub fn find(stories: &Path, story_id: &str, hash: &str) -> Found {
    let own = read_own_name(stories, story_id, hash);
    if matches!(own, Found::Content(_)) || !is_plain_id(story_id) {
        return own;
    }
    for copy in copies(stories, story_id) {
        if let Found::Content(content) = read_content(&copy, story_id, hash) {
            return Found::Content(content);
        }
    }
    own
}

fn read_content(path: &Path, story_id: &str, hash: &str) -> Found {
    content_of(
        folder::read_small_within(path, MAX_SMALL_FILE),
        path,
        story_id,
        hash,
    )
}

fn content_of(
    read: std::result::Result<Vec<u8>, OpenError>,
    path: &Path,
    story_id: &str,
    hash: &str,
) -> Found {
    match read {
        Ok(bytes) => match serde_json::from_slice::<StoryContent>(&bytes) {
            Ok(content) if content.story_id == story_id && content.hash() == hash => {
                Found::Content(content)
            }
            // Another version of the story: not wrong, just not this one.
            Ok(_) => Found::Missing,
            Err(_) => Found::Wrong(Refusal::StoryFile, path.to_path_buf()),
        },
        Err(OpenError::Missing) => Found::Missing,
        Err(OpenError::Waiting(reason)) => Found::Waiting(reason),
        Err(err) => Found::Wrong(
            err.refusal().unwrap_or(Refusal::StoryFile),
            path.to_path_buf(),
        ),
    }
}

/// The sync engines' conflict copies of a story's file in `stories`.
pub fn copies(stories: &Path, story_id: &str) -> Vec<PathBuf> {
    let original = file_name(story_id);
    folder::list(stories)
        .unwrap_or_default()
        .into_iter()
        .filter(|(name, _, kind)| {
            *kind == EntryKind::File && crate::folder::file_names::is_copy_of(name, &original)
        })
        .map(|(_, path, _)| path)
        .collect()
}

/// Erases a story's file and every conflict copy of it from this member's
/// own stories folder. Only inside a real folder of theirs: the last part
/// of a path is never followed, but a `stories` link would take the
/// deletion wherever it points.
pub fn erase(member_dir: &Path, story_id: &str) -> Result<()> {
    let Some(stories) = stories_dir(member_dir) else {
        return Ok(());
    };
    if !is_plain_id(story_id) {
        return Ok(());
    }
    let own = stories.join(file_name(story_id));
    let mut doomed = copies(&stories, story_id);
    if std::fs::symlink_metadata(&own).is_ok() {
        doomed.push(own);
    }
    for path in doomed {
        // A folder put at the name is moved aside: it holds no text of hers.
        folder::take_away(&path)?;
    }
    Ok(())
}

/// Writes a story's file whole, in this member's own stories folder.
pub fn write(member_dir: &Path, story_id: &str, content: &str) -> Result<()> {
    if !is_plain_id(story_id) {
        return Err(CoreError::TeamFolder(format!(
            "{story_id:?} cannot name a story file"
        )));
    }
    let stories = member_dir.join(STORIES_DIR);
    folder::ensure_dir(&stories)?;
    folder::write_whole(&stories.join(file_name(story_id)), content.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(story_id: &str, text: &str) -> StoryContent {
        StoryContent {
            v: 2,
            story_id: story_id.into(),
            date: chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap_or_default(),
            situation: crate::Situation::JustBecause,
            customer: crate::Customer::External,
            text: text.into(),
            reaction: None,
        }
    }

    const ID: &str = "0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b";

    #[test]
    fn a_story_is_found_in_a_conflict_copy_when_its_own_file_holds_another_text() {
        let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
        let stories = dir.path().join(STORIES_DIR);
        std::fs::create_dir(&stories).unwrap_or_else(|err| panic!("{err}"));
        let wanted = content(ID, "Vi bar upp kartongerna.");
        let other = content(ID, "Något annat.");
        let write = |name: &str, content: &StoryContent| {
            std::fs::write(
                stories.join(name),
                serde_json::to_vec(content).unwrap_or_default(),
            )
            .unwrap_or_else(|err| panic!("{err}"));
        };
        write(&format!("{ID}.json"), &other);
        assert_eq!(find(&stories, ID, &wanted.hash()), Found::Missing);
        write(
            &format!("{ID} (Sara's conflicted copy 2026-12-06).json"),
            &wanted,
        );
        assert_eq!(
            find(&stories, ID, &wanted.hash()),
            Found::Content(wanted.clone())
        );
        erase(dir.path(), ID).unwrap_or_else(|err| panic!("{err}"));
        assert!(
            folder::list(&stories).unwrap_or_default().is_empty(),
            "the story and its copy are gone"
        );
    }
}

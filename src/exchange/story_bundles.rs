//! A member's story texts of one month in one file,
//! `members/<id>/stories/<YYYY-MM>.json` (the month of the story's date):
//! a team of twenty shares about 25,000 stories in five years, and sync
//! engines slow down long before a library holds a million files. A story
//! that would make its month's file larger than [`MAX_BUNDLE`] keeps a
//! file of its own, as every story had before; readers look in both.
//! Each text is still the content the signed event names by its hash, so
//! where it lies changes nothing of what a reader trusts.

use super::story_files::{self, Found};
use crate::folder::waits::WaitReason;
use crate::folder::{self, EntryKind, OpenError};
use crate::team::body::StoryContent;
use crate::team::refusal::Refusal;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// A month's file is read only up to this size: a month of one person's
/// stories is tens of KiB.
pub const MAX_BUNDLE: u64 = 1024 * 1024;

#[derive(Debug, Serialize, Deserialize)]
struct Bundle {
    v: u32,
    month: String,
    stories: Vec<StoryContent>,
}

/// The month a story's text is kept under, `YYYY-MM`; `None` for a date
/// no such name can hold (its text keeps a file of its own).
pub fn month_of(date: NaiveDate) -> Option<String> {
    (1000..=9999)
        .contains(&date.year())
        .then(|| date.format("%Y-%m").to_string())
}

pub fn file_name(month: &str) -> String {
    format!("{month}.json")
}

/// The month a file's name says it holds: its own name or a sync
/// engine's conflict copy of it.
pub fn month_in_name(name: &str) -> Option<String> {
    let month = name.get(..7)?;
    let plain = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()?;
    let month = month_of(plain).filter(|m| m == month)?;
    let original = file_name(&month);
    (name == original || folder::file_names::is_copy_of(name, &original)).then_some(month)
}

/// The text of a month's file holding `stories`, in the order given.
pub fn text(month: &str, stories: &[StoryContent]) -> String {
    let bundle = Bundle {
        v: crate::team_event::EVENT_VERSION,
        month: month.to_string(),
        stories: stories.to_vec(),
    };
    serde_json::to_string(&bundle).unwrap_or_default()
}

/// How a member's stories lie in their folder.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Layout {
    /// Each month's stories, by id.
    pub months: BTreeMap<String, Vec<StoryContent>>,
    /// Stories that keep a file of their own.
    pub alone: Vec<StoryContent>,
}

/// Where each of `stories` lies: in its month's file, by id, while that
/// file stays within [`MAX_BUNDLE`]; the rest in files of their own. The
/// same stories always lie the same way.
pub fn layout(stories: impl IntoIterator<Item = StoryContent>) -> Layout {
    let mut by_month: BTreeMap<String, Vec<StoryContent>> = BTreeMap::new();
    let mut layout = Layout::default();
    for story in stories {
        match month_of(story.date) {
            Some(month) => by_month.entry(month).or_default().push(story),
            None => layout.alone.push(story),
        }
    }
    // Room for the file's own fields around the stories.
    let room = MAX_BUNDLE as usize - 1024;
    for (month, mut stories) in by_month {
        stories.sort_by(|a, b| a.story_id.cmp(&b.story_id));
        stories.dedup_by(|a, b| a.story_id == b.story_id);
        let mut size = 0;
        let mut kept = Vec::new();
        for story in stories {
            let bytes = serde_json::to_string(&story).map_or(usize::MAX, |t| t.len() + 1);
            if size + bytes <= room {
                size += bytes;
                kept.push(story);
            } else {
                layout.alone.push(story);
            }
        }
        layout.months.insert(month, kept);
    }
    layout.alone.sort_by(|a, b| a.story_id.cmp(&b.story_id));
    layout
}

/// What reading a month's file (and, where asked, its conflict copies)
/// came to.
#[derive(Debug)]
pub enum Read {
    Stories(Vec<StoryContent>),
    Missing,
    Waiting(WaitReason),
    Wrong(Refusal, PathBuf),
}

/// One month's file (or a copy of it), read whole.
pub fn read_file(path: &Path, within: bool) -> Read {
    let bytes = if within {
        folder::read_small_within(path, MAX_BUNDLE)
    } else {
        folder::read_small(path, MAX_BUNDLE)
    };
    match bytes {
        Ok(bytes) => match serde_json::from_slice::<Bundle>(&bytes) {
            Ok(bundle) => Read::Stories(bundle.stories),
            Err(_) => Read::Wrong(Refusal::StoryFile, path.to_path_buf()),
        },
        Err(OpenError::Missing) => Read::Missing,
        Err(OpenError::Waiting(reason)) => Read::Waiting(reason),
        Err(err) => Read::Wrong(
            err.refusal().unwrap_or(Refusal::StoryFile),
            path.to_path_buf(),
        ),
    }
}

/// The month's file under its own name and, with `copies`, the sync
/// engines' conflict copies of it: the stories of all that could be read.
fn read_month(stories_dir: &Path, month: &str, within: bool, copies: bool) -> Read {
    let own = read_file(&stories_dir.join(file_name(month)), within);
    if !copies {
        return own;
    }
    let mut found = match &own {
        Read::Stories(stories) => stories.clone(),
        _ => Vec::new(),
    };
    let mut any = matches!(own, Read::Stories(_));
    for path in copies_of(stories_dir, month) {
        if let Read::Stories(more) = read_file(&path, within) {
            found.extend(more);
            any = true;
        }
    }
    if any {
        Read::Stories(found)
    } else {
        own
    }
}

/// Conflict copies of one file looked at, at most: each is read whole.
const MOST_COPIES: usize = 8;

/// The sync engines' conflict copies of a month's file (the first few by
/// name).
pub fn copies_of(stories_dir: &Path, month: &str) -> Vec<PathBuf> {
    let original = file_name(month);
    folder::list(stories_dir)
        .unwrap_or_default()
        .into_iter()
        .filter(|(name, _, kind)| {
            *kind == EntryKind::File
                && *name != original
                && month_in_name(name).as_deref() == Some(month)
        })
        .map(|(_, path, _)| path)
        .take(MOST_COPIES)
        .collect()
}

/// One member's stories folder as a reader looks in it: each month's file
/// read once, however many stories are looked for in it.
pub struct Shelf {
    dir: PathBuf,
    /// Every open with a deadline of its own (else the caller has one for
    /// all together).
    within: bool,
    /// Conflict copies looked in too.
    copies: bool,
    months: HashMap<String, Read>,
}

impl Shelf {
    pub fn new(dir: &Path, within: bool, copies: bool) -> Shelf {
        Shelf {
            dir: dir.to_path_buf(),
            within,
            copies,
            months: HashMap::new(),
        }
    }

    /// The story's text of the content `hash` names: in its month's file,
    /// else in a file of its own.
    pub fn find(&mut self, story_id: &str, hash: &str, date: NaiveDate) -> Found {
        let mut in_month = Found::Missing;
        if let Some(month) = month_of(date) {
            let (dir, within, copies) = (&self.dir, self.within, self.copies);
            let read = self
                .months
                .entry(month)
                .or_insert_with_key(|month| read_month(dir, month, within, copies));
            match read {
                Read::Stories(stories) => {
                    if let Some(story) = stories
                        .iter()
                        .find(|s| s.story_id == story_id && s.hash() == hash)
                    {
                        return Found::Content(story.clone());
                    }
                }
                Read::Missing => {}
                Read::Waiting(reason) => in_month = Found::Waiting(*reason),
                Read::Wrong(refusal, path) => in_month = Found::Wrong(*refusal, path.clone()),
            }
        }
        let alone = match (self.within, self.copies) {
            (_, true) => story_files::find(&self.dir, story_id, hash),
            (true, false) => story_files::read_own_name(&self.dir, story_id, hash),
            (false, false) => story_files::read_here(&self.dir, story_id, hash),
        };
        match (alone, in_month) {
            (Found::Content(content), _) => Found::Content(content),
            (_, waiting @ Found::Waiting(_)) => waiting,
            (waiting @ Found::Waiting(_), _) => waiting,
            (Found::Missing, wrong @ Found::Wrong(..)) => wrong,
            (alone, _) => alone,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story(id: &str, date: NaiveDate, text_len: usize) -> StoryContent {
        StoryContent {
            v: 2,
            story_id: id.into(),
            date,
            situation: crate::Situation::JustBecause,
            customer: crate::Customer::External,
            text: "å".repeat(text_len),
            reaction: None,
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn stories_lie_by_month_and_a_full_month_leaves_the_rest_alone() {
        let mut stories: Vec<StoryContent> = (0..400)
            .map(|n| story(&format!("id-{n:03}"), day(2026, 11, 1 + n % 28), 1_000))
            .collect();
        stories.push(story("id-dec", day(2026, 12, 1), 10));
        stories.push(story("id-far", day(12_000, 1, 1), 10));
        let layout = layout(stories.clone());
        assert_eq!(
            layout.months.keys().collect::<Vec<_>>(),
            vec!["2026-11", "2026-12"]
        );
        let november = &layout.months["2026-11"];
        assert!(text("2026-11", november).len() as u64 <= MAX_BUNDLE);
        assert!(november.len() > 300, "most of November fits");
        assert_eq!(
            november.len() + layout.alone.len(),
            401,
            "the rest of November and the far date alone"
        );
        assert!(layout.alone.iter().any(|s| s.story_id == "id-far"));
        stories.reverse();
        assert_eq!(
            super::layout(stories),
            layout,
            "the order given is not the layout's"
        );
    }

    #[test]
    fn a_months_file_and_its_conflict_copies_are_known_by_their_names() {
        assert_eq!(month_in_name("2026-11.json").as_deref(), Some("2026-11"));
        assert_eq!(
            month_in_name("2026-11 (Sara's conflicted copy 2026-12-06).json").as_deref(),
            Some("2026-11")
        );
        assert_eq!(
            month_in_name("2026-11.sync-conflict-20261206-101010-ABCDEFG.json").as_deref(),
            Some("2026-11")
        );
        assert_eq!(month_in_name("2026-13.json"), None);
        assert_eq!(month_in_name("2026-11.txt"), None);
        assert_eq!(
            month_in_name("0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b.json"),
            None
        );
    }

    #[test]
    fn a_reader_finds_a_text_in_its_months_file_or_its_own_and_names_a_broken_months_file() {
        let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
        let november = story(
            "0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b",
            day(2026, 11, 23),
            20,
        );
        let alone = story(
            "0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5c",
            day(2026, 11, 24),
            20,
        );
        let write = |name: &str, text: String| {
            std::fs::write(dir.path().join(name), text).unwrap_or_else(|err| panic!("{err}"));
        };
        write(
            "2026-11.json",
            text("2026-11", std::slice::from_ref(&november)),
        );
        write(
            &format!("{}.json", alone.story_id),
            serde_json::to_string(&alone).unwrap_or_default(),
        );
        let mut shelf = Shelf::new(dir.path(), false, false);
        let date = day(2026, 11, 1);
        assert_eq!(
            shelf.find(&november.story_id, &november.hash(), date),
            Found::Content(november.clone())
        );
        assert_eq!(
            shelf.find(&alone.story_id, &alone.hash(), date),
            Found::Content(alone.clone())
        );
        assert_eq!(
            shelf.find(&november.story_id, &alone.hash(), date),
            Found::Missing,
            "another content under the id is not the one named"
        );
        write("2026-11.json", "{ not a month".into());
        let mut shelf = Shelf::new(dir.path(), true, true);
        assert_eq!(
            shelf.find(&november.story_id, &november.hash(), date),
            Found::Wrong(Refusal::StoryFile, dir.path().join("2026-11.json"))
        );
        assert_eq!(
            shelf.find(&alone.story_id, &alone.hash(), date),
            Found::Content(alone)
        );
    }
}

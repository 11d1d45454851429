//! This member's story texts in their own folder, as they should lie:
//! every story they share now in its month's file (or in one of its own),
//! and nothing of a story they withdrew. Worked out from the store before
//! each write, and the folder made to match, so that a text is there
//! before the event naming it, and whatever a sync engine lost, changed or
//! brought back is written again or erased.

use super::runtime::Runtime;
use super::story_bundles::{self, Read};
use super::story_files::{self, Found};
use super::survey::Sighting;
use crate::error::Result;
use crate::folder::{self, Keeps};
use crate::store::Store;
use crate::team::body::{Body, StoryContent};
use crate::team_event::Event;
use chrono::NaiveDate;
use rusqlite::Connection;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// This member's stories as they stand.
#[derive(Debug, Default)]
pub(super) struct Mine {
    /// Shared now, with the content this PC keeps of them and its hash.
    known: BTreeMap<String, (StoryContent, String)>,
    /// Shared now, whose content this PC does not keep (shared from
    /// another PC of theirs, say): the date and the hash it must have.
    unknown: BTreeMap<String, (NaiveDate, String)>,
    withdrawn: BTreeSet<String>,
}

impl Mine {
    /// Whether this PC knows the story as one of this member's.
    fn heard_of(&self, id: &str) -> bool {
        self.known.contains_key(id) || self.unknown.contains_key(id) || self.withdrawn.contains(id)
    }
}

/// `team_events.applied` of an event the fold kept aside, and of one it
/// refused for good.
const KEPT_ASIDE: i64 = 0;
const REFUSED: i64 = 2;

/// One row of the team's state for a story of this member's.
struct Folded {
    story_id: String,
    content: Option<StoryContent>,
    date: Option<NaiveDate>,
    hash: Option<String>,
    version: i64,
    withdrawn: bool,
}

fn folded(conn: &Connection, me: &str) -> Result<Vec<Folded>> {
    let word = |text: String| serde_json::Value::String(text);
    Ok(conn
        .prepare_cached(
            "SELECT story_id, local_date, situation, customer, text, reaction, text_hash,
                    version, withdrawn
               FROM stories WHERE author_id = ?1",
        )?
        .query_map([me], |row| {
            let story_id: String = row.get(0)?;
            let date = NaiveDate::parse_from_str(&row.get::<_, String>(1)?, "%Y-%m-%d").ok();
            let text: String = row.get(4)?;
            let content = match (
                date,
                serde_json::from_value(word(row.get(2)?)),
                serde_json::from_value(word(row.get(3)?)),
            ) {
                (Some(date), Ok(situation), Ok(customer)) if !text.is_empty() => {
                    Some(StoryContent {
                        v: crate::team_event::EVENT_VERSION,
                        story_id: story_id.clone(),
                        date,
                        situation,
                        customer,
                        text,
                        reaction: row.get(5)?,
                    })
                }
                _ => None,
            };
            Ok(Folded {
                story_id,
                content,
                date,
                hash: row.get(6)?,
                version: row.get(7)?,
                withdrawn: row.get(8)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// What the team's state says of this member's stories (each at its
/// version), with what this PC sent since on top: a share or withdrawal
/// not folded yet counts already. A member's events are folded in the
/// order of their numbers, so only those after the highest version
/// folded can be news.
fn mine(conn: &Connection, me: &str) -> Result<Mine> {
    let folded = folded(conn, me)?;
    let newest = folded.iter().map(|f| f.version).max().unwrap_or(0);
    // With what the fold made of each (nothing yet, or counted, kept
    // aside, refused).
    let sent: Vec<(String, Option<String>, Option<i64>)> = conn
        .prepare_cached(
            "SELECT o.line, o.attachment, t.applied FROM own_events o
               LEFT JOIN team_events t ON t.id = o.event_id
              WHERE o.seq > ?1
                AND (o.attachment IS NOT NULL OR instr(o.line, '\"story.withdrawn\"') > 0)
              ORDER BY o.seq",
        )?
        .query_map([newest], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    // Each story's last word from this PC since, and whether the fold
    // kept it aside (it may count later, but the version counted now is
    // what readers look for).
    let mut last_sent: HashMap<String, (Option<(StoryContent, String)>, bool)> = HashMap::new();
    for (line, attachment, applied) in sent {
        if applied == Some(REFUSED) {
            continue;
        }
        let aside = applied == Some(KEPT_ASIDE);
        let Ok(event) = Event::parse(&line) else {
            continue;
        };
        match Body::parse(&event.kind, &event.body) {
            Ok(Body::StoryShared(story) | Body::StoryEdited(story)) => {
                let Some(content) = attachment
                    .and_then(|text| serde_json::from_str::<StoryContent>(&text).ok())
                    .filter(|c| c.story_id == story.story_id)
                else {
                    continue;
                };
                let hash = content.hash();
                if story.hash.as_ref() == Some(&hash) {
                    last_sent.insert(story.story_id, (Some((content, hash)), aside));
                }
            }
            Ok(Body::StoryWithdrawn(story)) => {
                last_sent.insert(story.story_id, (None, aside));
            }
            _ => {}
        }
    }
    let mut mine = Mine::default();
    let take = |mine: &mut Mine, id: String, sent: Option<(StoryContent, String)>| match sent {
        Some(known) => {
            mine.known.insert(id, known);
        }
        None => {
            mine.withdrawn.insert(id);
        }
    };
    for row in folded {
        let sent = last_sent.remove(&row.story_id).filter(|(_, aside)| !aside);
        if let Some((sent, _)) = sent {
            take(&mut mine, row.story_id, sent);
        } else if row.withdrawn {
            mine.withdrawn.insert(row.story_id);
        } else if let (Some(hash), Some(date)) = (row.hash, row.date) {
            match row.content.filter(|content| content.hash() == hash) {
                Some(content) => take(&mut mine, row.story_id, Some((content, hash))),
                None => {
                    mine.unknown.insert(row.story_id, (date, hash));
                }
            }
        }
    }
    for (id, (sent, _)) in last_sent {
        take(&mut mine, id, sent);
    }
    Ok(mine)
}

/// A short mark of what a month's file should hold: a file seen holding
/// it is not read again while it looks the same.
fn mark_of(known: &[StoryContent], mine: &Mine, unknown: &[(&String, &String)]) -> String {
    let hashes = &mine.known;
    let mut all: Vec<(String, String)> = known
        .iter()
        .map(|s| {
            let hash = hashes.get(&s.story_id).map(|(_, hash)| hash.clone());
            (s.story_id.clone(), hash.unwrap_or_default())
        })
        .chain(
            unknown
                .iter()
                .map(|(id, hash)| ((*id).clone(), (*hash).clone())),
        )
        .collect();
    all.sort();
    // A story withdrawn may lie in any month's file (one carried from
    // another PC of hers): each is looked at again after a withdrawal.
    let withdrawn = mine
        .withdrawn
        .iter()
        .map(|id| (id.clone(), "-".to_string()));
    all.extend(withdrawn);
    let joined: String = all
        .iter()
        .map(|(id, hash)| format!("{id}:{hash};"))
        .collect();
    folder::short_hash(joined.as_bytes())
}

/// Makes this member's stories folder hold what [`mine`] says, and
/// nothing of a withdrawn story. Each month's file is read once while the
/// app runs and again when it or what it should hold changes, or a
/// conflict copy of it lies there; `thorough` reads every one. What stood
/// in the way is noted in `replaced`.
pub(super) fn settle_own(
    store: &Store,
    runtime: &Runtime,
    team: &Path,
    dir: &Path,
    me: &str,
    thorough: bool,
    replaced: &mut Vec<String>,
) -> Result<()> {
    let mine = mine(&store.conn(), me)?;
    if !mine.known.is_empty() {
        // Room was made for it before anything is written.
        folder::ensure_dir(&dir.join(folder::STORIES_DIR))?;
    }
    let Some(stories) = story_files::stories_dir(dir) else {
        return Ok(());
    };
    let layout = story_bundles::layout(mine.known.values().map(|(content, _)| content.clone()));
    // A story leaving its month's file has its own first.
    for story in &layout.alone {
        settle_alone(runtime, team, dir, &stories, story)?;
    }
    let mut unknown_by_month: BTreeMap<String, Vec<(&String, &String)>> = BTreeMap::new();
    for (id, (date, hash)) in &mine.unknown {
        if let Some(month) = story_bundles::month_of(*date) {
            unknown_by_month.entry(month).or_default().push((id, hash));
        }
    }
    let listed = folder::list(&stories).unwrap_or_default();
    let mut months: BTreeSet<String> = layout
        .months
        .keys()
        .chain(unknown_by_month.keys())
        .cloned()
        .collect();
    let mut copied: HashSet<String> = HashSet::new();
    for (name, _, _) in &listed {
        if let Some(month) = story_bundles::month_in_name(name) {
            if *name != story_bundles::file_name(&month) {
                copied.insert(month.clone());
            }
            months.insert(month);
        }
    }
    // Stories whose text lies in their month's file as it should.
    let mut bundled: HashSet<String> = HashSet::new();
    for month in &months {
        let known = layout.months.get(month).map_or(&[][..], Vec::as_slice);
        let unknown = unknown_by_month.get(month).map_or(&[][..], Vec::as_slice);
        let path = stories.join(story_bundles::file_name(month));
        let seen_as = format!(
            "{}#{}",
            folder::relative(team, &path),
            mark_of(known, &mine, unknown)
        );
        let looks_right =
            Sighting::of(&path).is_some_and(|seen| runtime.sightings.is(&seen_as, &seen));
        if !thorough && looks_right && !copied.contains(month) {
            bundled.extend(known.iter().map(|s| s.story_id.clone()));
            continue;
        }
        let this_month = Month {
            stories: &stories,
            dir,
            month,
            known,
            unknown,
        };
        let Some(held) = this_month.settle(&mine, team, replaced)? else {
            continue;
        };
        bundled.extend(held);
        if let Some(seen) = Sighting::of(&path) {
            runtime.sightings.saw(&seen_as, seen);
        }
    }
    // What lies there and should not: texts withdrawn, and texts now kept
    // in their month's file.
    for (name, _, _) in &listed {
        let Some(id) = name.get(..36).filter(|_| name.len() > 36) else {
            continue;
        };
        if mine.withdrawn.contains(id) || bundled.contains(id) {
            story_files::erase(dir, id)?;
        }
    }
    Ok(())
}

/// One month of this member's stories, to be made right in the folder.
struct Month<'a> {
    stories: &'a Path,
    dir: &'a Path,
    month: &'a str,
    known: &'a [StoryContent],
    unknown: &'a [(&'a String, &'a String)],
}

impl Month<'_> {
    /// Makes the month's file hold its known stories, and whatever its file
    /// or a conflict copy of it held of stories shared now without a text
    /// on this PC (what no longer fits goes to a file of its own), or of
    /// stories this PC never heard of, while they fit. A copy goes once all
    /// it held is kept as it was or withdrawn. The ids of this PC's
    /// stories the file holds then, or `None` where it cannot be read just
    /// now and must be.
    fn settle(
        &self,
        mine: &Mine,
        team: &Path,
        replaced: &mut Vec<String>,
    ) -> Result<Option<Vec<String>>> {
        let path = self.stories.join(story_bundles::file_name(self.month));
        let held = match story_bundles::read_file(&path, true) {
            // Its texts are only needed to keep what this PC has not got,
            // and it is only worth writing for what this PC has.
            Read::Waiting(_) if !self.unknown.is_empty() || self.known.is_empty() => {
                return Ok(None)
            }
            Read::Stories(held) => held,
            Read::Waiting(_) | Read::Missing | Read::Wrong(..) => Vec::new(),
        };
        let copies: Vec<(PathBuf, Read)> = story_bundles::copies_of(self.stories, self.month)
            .into_iter()
            .map(|copy| {
                let read = story_bundles::read_file(&copy, true);
                (copy, read)
            })
            .collect();
        let wanted: HashSet<(&str, &str)> = self
            .unknown
            .iter()
            .map(|(id, hash)| (id.as_str(), hash.as_str()))
            .collect();
        let mut want: Vec<StoryContent> = self.known.to_vec();
        let mut spilled = Vec::new();
        // Stories shared now whose text this PC has not got, found here.
        let mut fetched = Vec::new();
        let mut size = story_bundles::text(self.month, &want).len();
        let found = held
            .iter()
            .chain(copies.iter().flat_map(|(_, read)| match read {
                Read::Stories(stories) => stories.as_slice(),
                _ => &[],
            }));
        // Where else no reader would ever look for it.
        let belongs = |story: &StoryContent| {
            story_files::is_plain_id(&story.story_id)
                && story_bundles::month_of(story.date).as_deref() == Some(self.month)
        };
        for story in found {
            let id = story.story_id.as_str();
            let shared_now = wanted.contains(&(id, story.hash().as_str()));
            // One this PC never heard of (another PC of hers wrote it) is
            // carried while it fits.
            let unheard = !mine.heard_of(id) && belongs(story);
            if !(shared_now || unheard) || want.iter().any(|s| s.story_id == id) {
                continue;
            }
            let bytes = serde_json::to_string(story).map_or(usize::MAX, |t| t.len() + 1);
            if size.saturating_add(bytes) < story_bundles::MAX_BUNDLE as usize - 1024 {
                size += bytes;
                want.push(story.clone());
                if shared_now {
                    fetched.push(id.to_string());
                }
            } else if shared_now && story_files::is_plain_id(id) {
                spilled.push(story.clone());
            }
        }
        for story in &spilled {
            let text = serde_json::to_string(story).unwrap_or_default();
            story_files::write(self.dir, &story.story_id, &text)?;
        }
        want.sort_by(|a, b| a.story_id.cmp(&b.story_id));
        if ids(&held) != ids(&want) || std::fs::symlink_metadata(&path).is_err() {
            if want.is_empty() {
                folder::take_away_own(team, &path, replaced)?;
            } else {
                folder::own_room(team, &path, Keeps::File, replaced)?;
                let text = story_bundles::text(self.month, &want);
                folder::write_whole(&path, text.as_bytes())?;
            }
        }
        let kept: HashSet<(String, String)> = ids(&want).into_iter().chain(ids(&spilled)).collect();
        for (copy, read) in &copies {
            let spent = match read {
                // Every story it held is kept as it was, or withdrawn, or
                // a version of one whose text this PC has, or not one a
                // reader would look for here.
                Read::Stories(stories) => stories.iter().all(|s| {
                    !belongs(s)
                        || mine.withdrawn.contains(&s.story_id)
                        || mine.known.contains_key(&s.story_id)
                        || kept.contains(&(s.story_id.clone(), s.hash()))
                }),
                // Holds no text anyone can read.
                Read::Wrong(..) => true,
                Read::Waiting(_) | Read::Missing => false,
            };
            if spent {
                folder::take_away_own(team, copy, replaced)?;
            }
        }
        let known = self.known.iter().map(|s| s.story_id.clone());
        Ok(Some(known.chain(fetched).collect()))
    }
}

/// The ids and hashes of `stories`, in order.
fn ids(stories: &[StoryContent]) -> Vec<(String, String)> {
    let mut ids: Vec<_> = stories
        .iter()
        .map(|s| (s.story_id.clone(), s.hash()))
        .collect();
    ids.sort();
    ids
}

/// A story that keeps a file of its own: written again where it is not
/// its content. Read once while the app runs and again when its length,
/// time of change or version moves.
fn settle_alone(
    runtime: &Runtime,
    team: &Path,
    dir: &Path,
    stories: &Path,
    story: &StoryContent,
) -> Result<()> {
    let path = stories.join(format!("{}.json", story.story_id));
    let hash = story.hash();
    // Seen holding this version: an edit looks at it again.
    let rel = format!("{}#{hash}", folder::relative(team, &path));
    if Sighting::of(&path).is_some_and(|seen| runtime.sightings.is(&rel, &seen)) {
        return Ok(());
    }
    match story_files::read_own_name(stories, &story.story_id, &hash) {
        Found::Content(_) => {}
        // Not read, so not known to be wrong: looked at again later.
        Found::Waiting(_) => return Ok(()),
        _ => {
            let text = serde_json::to_string(story).unwrap_or_default();
            story_files::write(dir, &story.story_id, &text)?;
        }
    }
    if let Some(seen) = Sighting::of(&path) {
        runtime.sightings.saw(&rel, seen);
    }
    Ok(())
}

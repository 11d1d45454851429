//! Looking at the team folder before reading it, without the store's
//! lock: which files have news, which are refused and why, which wait,
//! whose key to pin (format 1) or which keys each member's lines may carry
//! (format 2).

use super::open_lines::{is_file_name, OPEN_DIR};
use crate::error::Result;
use crate::folder::deadline;
use crate::folder::file_names::{classify, FileRole};
use crate::folder::lines::{Chunk, Cursor};
use crate::folder::waits::{self, WaitBook, WaitReason};
use crate::folder::{
    self, list, member_dir, relative, EntryKind, FolderFile, OpenError, MEMBERS_DIR, PROFILE_FILE,
};
use crate::store::Store;
use crate::team::authority::Authority;
use crate::team::membership::MemberFile;
use crate::team::refusal::Refusal;
use crate::team::verify::KeyBook;
use crate::team_event::{parse_public_key, LEGACY_VERSION};
use chrono::{DateTime, Utc};
use ed25519_dalek::VerifyingKey;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

/// Event files larger than this are not read (a runaway or hostile file).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// How many bytes before the read position identify the file as the same.
const TAIL: u64 = 64;

/// Which member folders a pass reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Everyone,
    /// Only this PC's own folder: what it wrote, read back.
    Own,
}

#[derive(Debug, Clone)]
pub struct FileState {
    pub read_to: u64,
    pub tail_hash: String,
    pub long_line_from: Option<u64>,
    pub member: String,
    /// How the file looked when it was last read to its end.
    pub seen: Option<Sighting>,
}

/// A file's length and time of change as the file system tells them,
/// without opening it (which would download an online-only file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sighting {
    pub len: u64,
    pub modified: Option<SystemTime>,
}

impl Sighting {
    /// How `path` looks now, without following a link or opening it.
    pub fn of(path: &Path) -> Option<Sighting> {
        std::fs::symlink_metadata(path).ok().map(|meta| Sighting {
            len: meta.len(),
            modified: meta.modified().ok(),
        })
    }

    /// As the store keeps it: the length, and the time of change in
    /// nanoseconds (none where the file system gives no time).
    pub fn stored(&self) -> Option<(i64, i64)> {
        let modified = self.modified?.duration_since(std::time::UNIX_EPOCH).ok()?;
        Some((
            i64::try_from(self.len).ok()?,
            i64::try_from(modified.as_nanos()).ok()?,
        ))
    }

    fn from_stored(len: Option<i64>, modified: Option<i64>) -> Option<Sighting> {
        Some(Sighting {
            len: u64::try_from(len?).ok()?,
            modified: Some(
                std::time::UNIX_EPOCH
                    + std::time::Duration::from_nanos(u64::try_from(modified?).ok()?),
            ),
        })
    }
}

/// The files read to their end, as they were then: one that still looks
/// so is not opened again while the app runs.
#[derive(Debug, Default)]
pub struct Sightings(Mutex<HashMap<String, Sighting>>);

impl Sightings {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Sighting>> {
        crate::lock::locked(&self.0)
    }

    pub fn is(&self, path: &str, sighting: &Sighting) -> bool {
        self.map().get(path) == Some(sighting)
    }

    pub fn saw(&self, path: &str, sighting: Sighting) {
        self.map().insert(path.to_string(), sighting);
    }

    pub fn forget(&self, path: &str) {
        self.map().remove(path);
    }

    pub fn clear(&self) {
        self.map().clear();
    }
}

pub struct Job {
    pub rel: String,
    pub path: PathBuf,
    pub member: String,
    pub book: KeyBook,
    pub from: Cursor,
    /// Where the file was read to before, and the hash of the bytes just
    /// before it: checked when it is opened.
    pub check: Option<(u64, String)>,
    /// How the file looked when the pass began.
    pub sighting: Sighting,
    /// Whether story texts are read beside the events (not where the team
    /// is only followed).
    pub texts: bool,
}

impl Job {
    /// Where the texts of the stories this file names are, if they are
    /// read: only from a real folder, never through a link, wherever it
    /// points.
    pub fn stories_dir(&self) -> Option<PathBuf> {
        self.path
            .parent()
            .filter(|_| self.texts)
            .map(|dir| dir.join(crate::folder::STORIES_DIR))
            .filter(|dir| crate::folder::is_real_dir(dir) == Ok(true))
    }
}

#[derive(Default)]
pub struct Plan {
    pub jobs: Vec<Job>,
    pub whole_file: Vec<(String, Refusal)>,
    pub rewound: Vec<String>,
    /// Files still waiting to be tried again (or whose open is still out).
    pub waiting: Vec<String>,
    /// Files that could not be looked at now, and why.
    pub waited: Vec<(String, WaitReason)>,
    /// Format 1: keys pinned at first sight of a profile.json.
    pub pins: Vec<(String, String, String)>,
    pub renames: Vec<(String, String)>,
    pub folder_missing: bool,
    pub own_damaged: bool,
}

/// The bytes of `file` just before `pos`, hashed: the file's identity there.
pub fn tail_hash(file: &FolderFile, pos: u64) -> std::result::Result<String, OpenError> {
    let start = pos.saturating_sub(TAIL);
    let bytes = file.read(start, (pos - start) as usize)?;
    Ok(folder::short_hash(&bytes))
}

/// The same, from the chunk just read where it holds those bytes (as it
/// does unless the chunk took fewer than [`TAIL`] of them).
pub fn tail_hash_after(
    file: &FolderFile,
    chunk: &Chunk,
    from: u64,
) -> std::result::Result<String, OpenError> {
    let pos = chunk.next.pos;
    let start = pos.saturating_sub(TAIL);
    match (start.checked_sub(from), pos.checked_sub(from)) {
        (Some(a), Some(b)) if (b as usize) <= chunk.buf.len() => Ok(folder::short_hash(
            chunk.buf.get(a as usize..b as usize).unwrap_or_default(),
        )),
        _ => tail_hash(file, pos),
    }
}

pub fn load_states(store: &Store) -> Result<HashMap<String, FileState>> {
    let conn = store.conn();
    let mut stmt = conn.prepare_cached(
        "SELECT path, read_to, tail_hash, long_line_from, member_id, seen_len, seen_modified
           FROM team_files",
    )?;
    let rows = stmt.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            FileState {
                read_to: row.get::<_, i64>(1)?.max(0) as u64,
                tail_hash: row.get(2)?,
                long_line_from: row.get::<_, Option<i64>>(3)?.map(|n| n.max(0) as u64),
                member: row.get(4)?,
                seen: Sighting::from_stored(row.get(5)?, row.get(6)?),
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Per member, per missing number: the hash its next event names for it,
/// and the key that signed that event.
pub type Vouchers = HashMap<String, BTreeMap<u64, (String, VerifyingKey)>>;

/// For members with events missing: what their next events vouch for.
pub fn load_vouchers(store: &Store) -> Result<Vouchers> {
    let conn = store.conn();
    let members: Vec<String> = conn
        .prepare_cached("SELECT member_id FROM team_members WHERE missing > 0")?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut vouchers = Vouchers::new();
    for member in members {
        for (seq, prev, signer) in crate::team::events::vouchers(&conn, &member)? {
            if let Some(key) = parse_public_key(&signer) {
                vouchers
                    .entry(member.clone())
                    .or_default()
                    .insert(seq, (prev, key));
            }
        }
    }
    Ok(vouchers)
}

/// What a pass looks at besides the folder and the store: who counts,
/// files that wait, and the files seen unchanged since they were read.
pub struct Seen<'a> {
    pub authority: &'a Authority,
    pub vouchers: &'a Vouchers,
    pub states: &'a HashMap<String, FileState>,
    pub waits: &'a WaitBook,
    pub sightings: &'a Sightings,
    pub now: DateTime<Utc>,
    /// Whether story texts are read (not where the team is only followed).
    pub texts: bool,
}

/// Looks at the folder (no lock held): which files have news, what is
/// refused, whose key to pin. Nothing here opens a colleague's events file:
/// the file system's own length and time say whether it changed, and a
/// file is opened only by the reader, with a deadline.
pub fn plan(folder: &Path, me: &str, scope: Scope, seen: &Seen<'_>) -> Plan {
    let mut plan = Plan::default();
    let members = folder.join(MEMBERS_DIR);
    if let Err(refusal) = folder::is_real_dir(&members) {
        plan.whole_file.push((MEMBERS_DIR.into(), refusal));
        return plan;
    }
    let Ok(entries) = list(&members) else {
        plan.folder_missing = true;
        return plan;
    };
    for (name, dir, kind) in entries {
        if scope == Scope::Own && name != me {
            continue;
        }
        let rel = relative(folder, &dir);
        match kind {
            EntryKind::Dir => {}
            EntryKind::Link => {
                plan.whole_file.push((rel, Refusal::Link));
                continue;
            }
            _ => {
                plan.whole_file.push((rel, Refusal::NotAFolder));
                continue;
            }
        }
        if uuid::Uuid::parse_str(&name).is_err() {
            plan.whole_file.push((rel, Refusal::NotMemberFolder));
            continue;
        }
        let book = if seen.authority.format == LEGACY_VERSION {
            match member_key(folder, &name, me, seen, &mut plan) {
                Some(key) => {
                    let mut book = KeyBook::default();
                    book.keys.set_after(0, key);
                    book
                }
                None => continue,
            }
        } else {
            let mut book = KeyBook::of(seen.authority, &name);
            book.vouched = seen.vouchers.get(&name).cloned().unwrap_or_default();
            book
        };
        plan_member(folder, &name, me, book, seen, &mut plan);
    }
    {
        // A file of ours read before and gone now. One that cannot be
        // looked at just now is not gone: it waits.
        let own_prefix = format!("{MEMBERS_DIR}/{me}/");
        let listed: HashSet<&str> = plan
            .jobs
            .iter()
            .map(|j| j.rel.as_str())
            .chain(plan.whole_file.iter().map(|(rel, _)| rel.as_str()))
            .chain(plan.waiting.iter().map(String::as_str))
            .collect();
        plan.own_damaged |= seen.states.iter().any(|(path, state)| {
            state.member == me
                && path.starts_with(&own_prefix)
                && !listed.contains(path.as_str())
                && match std::fs::symlink_metadata(folder.join(path)) {
                    Ok(meta) => !meta.is_file(),
                    Err(err) => err.kind() == std::io::ErrorKind::NotFound,
                }
        });
    }
    plan
}

/// The member's key: pinned at first sight of their profile.json (the
/// founder's at join); a profile.json that later shows another is not
/// believed. Format 1 only.
fn member_key(
    folder: &Path,
    member: &str,
    me: &str,
    seen: &Seen<'_>,
    plan: &mut Plan,
) -> Option<VerifyingKey> {
    let pinned_key = seen
        .authority
        .member(member)
        .and_then(|m| m.keys.last())
        .map(crate::team_event::public_key_text);
    let path = member_dir(folder, member).join(PROFILE_FILE);
    let rel = relative(folder, &path);
    let file: std::result::Result<MemberFile, Refusal> =
        match folder::read_small_within(&path, folder::MAX_SMALL_FILE) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|_| Refusal::ProfileInvalid),
            Err(OpenError::Missing) => Err(Refusal::ProfileMissing),
            Err(OpenError::Waiting(reason)) => {
                // Not read, so not wrong: the key pinned before holds.
                plan.waited.push((rel, reason));
                return pinned_key.as_deref().and_then(parse_public_key);
            }
            Err(err) => Err(err.refusal().unwrap_or(Refusal::Unreadable)),
        };
    match (pinned_key.as_ref(), file) {
        (Some(key), file) => {
            match file {
                Ok(file) if file.key != *key => {
                    plan.whole_file.push((rel, Refusal::ProfileOtherKey));
                    plan.own_damaged |= member == me;
                }
                Ok(file) => {
                    if member != me {
                        plan.renames.push((member.to_string(), file.name));
                    }
                }
                Err(refusal) => {
                    if refusal != Refusal::ProfileMissing {
                        plan.whole_file.push((rel, refusal));
                    }
                    plan.own_damaged |= member == me;
                }
            }
            parse_public_key(key)
        }
        (None, Ok(file)) if file.member == member => match parse_public_key(&file.key) {
            Some(key) => {
                plan.pins.push((member.to_string(), file.name, file.key));
                Some(key)
            }
            None => {
                plan.whole_file.push((rel, Refusal::ProfileInvalid));
                None
            }
        },
        (None, Ok(_)) => {
            plan.whole_file.push((rel, Refusal::ProfileOtherMember));
            None
        }
        (None, Err(refusal)) => {
            plan.whole_file.push((rel, refusal));
            None
        }
    }
}

fn plan_member(
    folder: &Path,
    member: &str,
    me: &str,
    book: KeyBook,
    seen: &Seen<'_>,
    plan: &mut Plan,
) {
    let dir = member_dir(folder, member);
    let Ok(entries) = list(&dir) else {
        return;
    };
    // A follower reads a member's lines for followers where they keep
    // them, and their events files only where they keep none (a Fanday
    // from before them).
    if !seen.texts {
        let open = dir.join(OPEN_DIR);
        let keeps_open = entries
            .iter()
            .any(|(name, _, kind)| name == OPEN_DIR && *kind == EntryKind::Dir);
        if keeps_open {
            match list(&open) {
                Ok(files) => {
                    seen.waits.answered(&relative(folder, &open));
                    for (name, path, kind) in files {
                        if is_file_name(&name) {
                            plan_file(folder, member, me, &book, seen, plan, path, kind);
                        }
                    }
                    return;
                }
                // Gone since it was seen: read as a member who keeps none.
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                // Not listed just now: it waits, and is not taken as read.
                Err(err) => {
                    plan.waited
                        .push((relative(folder, &open), waits::reason_of(&err)));
                    return;
                }
            }
        }
    }
    for (name, path, kind) in entries {
        if name == OPEN_DIR {
            continue;
        }
        if name == folder::STORIES_DIR {
            match kind {
                EntryKind::Dir => {}
                EntryKind::Link => plan
                    .whole_file
                    .push((relative(folder, &path), Refusal::Link)),
                _ => plan
                    .whole_file
                    .push((relative(folder, &path), Refusal::NotAFolder)),
            }
            continue;
        }
        match classify(&name) {
            FileRole::Profile | FileRole::CopyOf(_) => continue,
            FileRole::Events => {}
            // Our own whole-file writes pass through hidden temp files.
            FileRole::Refused(Refusal::TempFile) if member == me && name.starts_with('.') => {
                continue
            }
            FileRole::Refused(refusal) => {
                plan.whole_file.push((relative(folder, &path), refusal));
                continue;
            }
        }
        plan_file(folder, member, me, &book, seen, plan, path, kind);
    }
}

/// What reading one file of a member's lines takes, if anything.
#[allow(clippy::too_many_arguments)]
fn plan_file(
    folder: &Path,
    member: &str,
    me: &str,
    book: &KeyBook,
    seen: &Seen<'_>,
    plan: &mut Plan,
    path: PathBuf,
    kind: EntryKind,
) {
    let rel = relative(folder, &path);
    let refused = match kind {
        EntryKind::File => None,
        EntryKind::Link => Some(Refusal::Link),
        EntryKind::Dir => Some(Refusal::FolderNotFile),
        EntryKind::Other => Some(Refusal::NotRegular),
    };
    if let Some(refusal) = refused {
        plan.whole_file.push((rel, refusal));
        plan.own_damaged |= member == me;
        return;
    }
    // Waiting to be tried again, or an earlier open still out.
    if !seen.waits.is_due(&rel, seen.now) || deadline::is_in_flight(&path) {
        plan.waiting.push(rel);
        return;
    }
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return,
        Err(err) => {
            plan.waited.push((rel, waits::reason_of(&err)));
            return;
        }
    };
    let sighting = Sighting {
        len: meta.len(),
        modified: meta.modified().ok(),
    };
    if sighting.len > MAX_FILE_BYTES {
        plan.whole_file.push((rel, Refusal::TooLarge));
        return;
    }
    let state = seen.states.get(&rel);
    let read_to = state.map_or(0, |s| s.read_to);
    // Read to its end and not touched since: nothing to open.
    // A store that follows a team (opened anew at each reading) trusts
    // the look it kept; a member's store opens each file once after a
    // start, which notices a rewrite of the same length and time.
    let looks_as_read = seen.sightings.is(&rel, &sighting)
        || (!seen.texts && state.is_some_and(|state| state.seen == Some(sighting)));
    if sighting.len == read_to && (read_to == 0 || looks_as_read) {
        return;
    }
    let (from, check) = match state {
        // Read again from the start on purpose (a member's key changed).
        Some(state) if state.read_to == 0 => (Cursor::default(), None),
        // Whether its bytes before that point are still the ones read
        // (not a replacement of the same length, or longer), the
        // reader checks as it opens it.
        Some(state) if sighting.len >= read_to => (
            Cursor {
                pos: read_to,
                long_line_from: state.long_line_from,
            },
            Some((read_to, state.tail_hash.clone())),
        ),
        Some(_) => {
            // Shorter than where it was read: never read from mid-line;
            // take it again from the start.
            plan.rewound.push(rel.clone());
            plan.own_damaged |= member == me;
            (Cursor::default(), None)
        }
        None => (Cursor::default(), None),
    };
    plan.jobs.push(Job {
        rel,
        path,
        member: member.to_string(),
        book: book.clone(),
        from,
        check,
        sighting,
        texts: seen.texts,
    });
}

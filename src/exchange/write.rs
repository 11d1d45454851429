//! Writing this member's own file. Before appending, the file is checked
//! to end where this PC left it: a file a sync engine truncated, replaced,
//! deleted or glued bytes onto is never appended to; the events missing
//! from the folder are written again, same content and signatures, into a
//! fresh file, and the story files this member shares are checked and
//! written again too. The store's lock is never held while the folder is
//! written. A file of ours that cannot be read just now (online-only, held
//! by another program, on a share that is away) is not damage: nothing is
//! written until it can be read, and what waits, waits in the store.

use super::runtime::Runtime;
use crate::error::{CoreError, Result};
use crate::folder::file_names::{classify, event_file_name, event_file_number, FileRole};
use crate::folder::lines::{read_chunk, Cursor};
use crate::folder::waits::WaitReason;
use crate::folder::{
    self, list, member_dir, EntryKind, FolderFile, Keeps, OpenError, MEMBERS_DIR, PROFILE_FILE,
    STORIES_DIR,
};
use crate::profile::Profile;
use crate::sql::exec;
use crate::store::Store;
use crate::team::events::event_key;
use crate::team::membership::{device_key, joined, MemberFile};
use crate::team::verify::{verify_chunk, KeyBook};
use crate::team_event::{public_key_text, EVENT_VERSION};
use chrono::{DateTime, Utc};
use ed25519_dalek::VerifyingKey;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

/// A member's event file rolls over to the next number at this size: small
/// enough that a sync engine which uploads a whole file at each change
/// (OneDrive, SharePoint) sends little with each event.
pub const ROLL_OVER_BYTES: u64 = 256 * 1024;
/// Own files that could not be read for this long are taken as lost: what
/// they held of ours is written again into a fresh file, once.
pub const OWN_FILES_LOST_AFTER: chrono::Duration = chrono::Duration::hours(1);

/// An event of ours as kept: its key, its line, and its story file if any.
type Line = (String, String, Option<String>);

/// How this PC's file ended after its last write.
#[derive(Debug, Clone)]
struct OwnFile {
    name: String,
    length: u64,
    last_hash: String,
    last_length: u64,
    check_folder: bool,
}

fn own_file(conn: &Connection) -> Result<Option<OwnFile>> {
    Ok(conn
        .query_row(
            "SELECT name, length, last_hash, last_length, check_folder FROM own_file",
            [],
            |row| {
                Ok(OwnFile {
                    name: row.get(0)?,
                    length: row.get::<_, i64>(1)?.max(0) as u64,
                    last_hash: row.get(2)?,
                    last_length: row.get::<_, i64>(3)?.max(0) as u64,
                    check_folder: row.get(4)?,
                })
            },
        )
        .optional()?)
}

/// Does the file still end exactly where this PC left it? `Err` where it
/// cannot be read just now: then nobody knows, and nothing is written.
fn is_intact(path: &Path, state: &OwnFile) -> std::result::Result<bool, WaitReason> {
    let file = match FolderFile::open(path) {
        Ok(file) => file,
        Err(OpenError::Waiting(reason)) => return Err(reason),
        Err(_) => return Ok(false),
    };
    let len = file.len;
    if len != state.length || state.last_length > len {
        return Ok(false);
    }
    if len == 0 {
        return Ok(true);
    }
    match file.read(len - state.last_length, state.last_length as usize) {
        Ok(last) => Ok(last.ends_with(b"\n") && folder::short_hash(&last) == state.last_hash),
        Err(OpenError::Waiting(reason)) => Err(reason),
        Err(_) => Ok(false),
    }
}

/// This member's events found, validly signed, in their folder; `Err`
/// where a file of theirs cannot be read just now (and `patient`: only
/// once they have waited past [`OWN_FILES_LOST_AFTER`] is a file that
/// cannot be read taken as lost).
fn events_in_folder(
    dir: &Path,
    me: &str,
    book: &KeyBook,
    patient: bool,
) -> std::result::Result<HashSet<String>, WaitReason> {
    let mut found = HashSet::new();
    let entries = match list(dir) {
        Ok(entries) => entries,
        Err(err) => return Err(crate::folder::waits::reason_of(&err)),
    };
    for (name, path, kind) in entries {
        if kind != EntryKind::File || classify(&name) != FileRole::Events {
            continue;
        }
        let file = match FolderFile::open(&path) {
            Ok(file) => file,
            Err(OpenError::Waiting(reason)) if patient => return Err(reason),
            Err(_) => continue,
        };
        if file.len > super::read::MAX_FILE_BYTES {
            continue;
        }
        let mut book = book.clone();
        let mut cursor = Cursor::default();
        loop {
            let chunk = match read_chunk(&file, cursor) {
                Ok(chunk) => chunk,
                Err(OpenError::Waiting(reason)) if patient => return Err(reason),
                Err(_) => break,
            };
            let verified = verify_chunk(&chunk, me, &mut book, None);
            found.extend(verified.events.iter().map(|s| event_key(&s.event)));
            if chunk.at_end || chunk.next.pos == cursor.pos {
                break;
            }
            cursor = chunk.next;
        }
    }
    Ok(found)
}

/// The highest number the protocol names an events file with.
const LAST_FILE_NUMBER: u64 = 999_999_999;

/// Creates a new events file of ours, under a name nothing holds: the
/// first free number after `after` (our last file's), past any that
/// others put there; where the numbers run out, the lowest free one. Files
/// squatting the names it would take never stop it.
fn fresh_file(dir: &Path, after: u64) -> Result<(String, std::fs::File)> {
    let taken: HashSet<String> = list(dir)
        .map_err(|err| folder::io_error(dir, err))?
        .into_iter()
        .map(|(name, _, _)| name.to_lowercase())
        .collect();
    let after = after.min(LAST_FILE_NUMBER);
    let candidates = (after + 1..=LAST_FILE_NUMBER).chain(1..=after);
    let mut tried = 0;
    for number in candidates {
        let name = event_file_name(number);
        if taken.contains(&name) {
            continue;
        }
        let path = dir.join(&name);
        match folder::create_new(&path) {
            Ok(file) => return Ok((name, file)),
            // Made meanwhile by someone else: the next.
            Err(OpenError::Exists) if tried < 100 => tried += 1,
            Err(err) => return Err(err.into_core(&path)),
        }
    }
    Err(CoreError::TeamFolder(format!(
        "{} has no free name for a new events file",
        dir.display()
    )))
}

/// The files of this member's folder that were read before and are no
/// regular file now.
fn gone_files(store: &Store, team: &Path, me: &str) -> Result<Vec<String>> {
    let known: Vec<String> = store
        .conn()
        .prepare_cached("SELECT path FROM team_files WHERE member_id = ?1 AND path LIKE ?2")?
        .query_map(params![me, format!("{MEMBERS_DIR}/{me}/%")], |row| {
            row.get(0)
        })?
        .collect::<rusqlite::Result<_>>()?;
    // One that cannot be looked at just now is not gone: it waits.
    Ok(known
        .into_iter()
        .filter(|path| match std::fs::symlink_metadata(team.join(path)) {
            Ok(meta) => !meta.is_file(),
            Err(err) => err.kind() == std::io::ErrorKind::NotFound,
        })
        .collect())
}

/// What a flush did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Flushed {
    pub written: u32,
    /// This PC's file was damaged and its missing events written again.
    pub healed: bool,
    /// A file of ours cannot be read just now: nothing was written, and
    /// what waits to be sent waits in the store.
    pub waiting: Option<WaitReason>,
}

/// Makes sure this member's profile.json says who they are.
fn heal_profile(
    team: &Path,
    dir: &Path,
    me: &Profile,
    key: &VerifyingKey,
    replaced: &mut Vec<String>,
) -> Result<()> {
    let path = dir.join(PROFILE_FILE);
    let right = match folder::read_small_within(&path, folder::MAX_SMALL_FILE) {
        Ok(bytes) => serde_json::from_slice::<MemberFile>(&bytes)
            .is_ok_and(|file| file.member == me.id && file.key == public_key_text(key)),
        // Not read, so not known to be wrong.
        Err(OpenError::Waiting(_)) => true,
        Err(_) => false,
    };
    if right {
        return Ok(());
    }
    let text = serde_json::to_string_pretty(&MemberFile {
        v: EVENT_VERSION,
        member: me.id.clone(),
        name: me.display_name.clone(),
        key: public_key_text(key),
    })
    .map_err(|err| CoreError::TeamFolder(err.to_string()))?;
    folder::own_room(team, &path, Keeps::File, replaced)?;
    folder::write_whole(&path, text.as_bytes())
}

/// Appends what the folder lacks of this PC's events, healing the file
/// first where it was damaged. The store's lock is held only to read and
/// record, never while the folder is written. What stood in the way in
/// this member's own folder (a file, a link or a pipe where Fanday keeps a
/// folder, say) goes, and the person is told at the next read. While a
/// file of ours cannot be read, nothing is written.
pub fn flush(
    store: &Store,
    runtime: &Runtime,
    me: &Profile,
    now: DateTime<Utc>,
) -> Result<Flushed> {
    // What is said of the copies for followers is of this write's try.
    *crate::lock::locked(&runtime.open_trouble) = None;
    let (team, state, pending) = {
        let conn = store.conn();
        let Some(team) = joined(&conn)? else {
            return Ok(Flushed::default());
        };
        let state = own_file(&conn)?;
        let pending: Vec<Line> = conn
            .prepare_cached(
                "SELECT event_id, line, attachment FROM own_events WHERE written = 0 ORDER BY seq",
            )?
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        (team, state, pending)
    };
    if pending.is_empty() && state.is_none() {
        return Ok(Flushed::default());
    }
    // Never create the team folder itself: where it is missing (an
    // unplugged drive, a share that is away) nothing is written until it is
    // back.
    if let Err(err) = std::fs::symlink_metadata(team.folder.join(folder::TEAM_FILE)) {
        if pending.is_empty() {
            return Ok(Flushed::default());
        }
        if err.kind() != std::io::ErrorKind::NotFound {
            return Ok(Flushed {
                waiting: Some(crate::folder::waits::reason_of(&err)),
                ..Flushed::default()
            });
        }
        return Err(CoreError::TeamFolder(format!(
            "{} cannot be reached; what you share is sent when it is back",
            team.folder.display()
        )));
    }
    let mut replaced = Vec::new();
    let flushed = write_to(
        store,
        runtime,
        &team.folder,
        me,
        state,
        pending,
        now,
        &mut replaced,
    );
    if matches!(flushed, Ok(Flushed { waiting: None, .. })) {
        let dir = member_dir(&team.folder, &me.id);
        super::own_open::settle_open(store, runtime, &team.folder, &dir, now, &mut replaced);
    }
    crate::lock::locked(&runtime.replaced).extend(replaced);
    flushed
}

#[allow(clippy::too_many_arguments)]
fn write_to(
    store: &Store,
    runtime: &Runtime,
    team: &Path,
    me: &Profile,
    state: Option<OwnFile>,
    pending: Vec<Line>,
    now: DateTime<Utc>,
    replaced: &mut Vec<String>,
) -> Result<Flushed> {
    folder::ensure_dir(&team.join(MEMBERS_DIR))?;
    let dir = member_dir(team, &me.id);
    // The member's own folder is theirs: nothing in it stops their writes.
    folder::own_room(team, &dir, Keeps::Folder, replaced)?;
    folder::ensure_dir(&dir)?;
    folder::own_room(team, &dir.join(STORIES_DIR), Keeps::Folder, replaced)?;
    let intact = match state.as_ref().filter(|s| !s.check_folder) {
        Some(state) => match is_intact(&dir.join(&state.name), state) {
            Ok(intact) => intact,
            Err(reason) => {
                let rel = folder::relative(team, &dir.join(&state.name));
                runtime.waits.waited(&rel, reason, now);
                return Ok(Flushed {
                    waiting: Some(reason),
                    ..Flushed::default()
                });
            }
        },
        None => false,
    };
    let damaged = state.is_some() && !intact;
    if !damaged {
        super::own_stories::settle_own(store, runtime, team, &dir, &me.id, false, replaced)?;
    }
    if pending.is_empty() && !damaged {
        return Ok(Flushed::default());
    }
    let mut lines: Vec<Line> = pending;
    if damaged {
        // The keys this member signed with, to know their own events.
        let (key, book) = {
            let conn = store.conn();
            let key = device_key(&conn, now)?.verifying_key();
            let mut book = KeyBook::of(&runtime.current.authority(&conn, &me.id, now)?, &me.id);
            book.keys.set_after(0, key);
            (key, book)
        };
        // What is there of ours must be known before anything is written
        // again: files that cannot be read just now are waited for, up to
        // an hour; only then are they taken as lost.
        let own_prefix = folder::relative(team, &dir) + "/";
        let patient = runtime
            .waits
            .waiting_since(&own_prefix)
            .map_or(true, |since| now - since < OWN_FILES_LOST_AFTER);
        let present = match events_in_folder(&dir, &me.id, &book, patient) {
            Ok(present) => present,
            Err(reason) => {
                return Ok(Flushed {
                    waiting: Some(reason),
                    ..Flushed::default()
                })
            }
        };
        heal_profile(team, &dir, me, &key, replaced)?;
        // A link, a pipe or a folder where a file of ours belongs goes, or
        // every pass would find it and heal again.
        for (name, path, kind) in list(&dir).unwrap_or_default() {
            if kind != EntryKind::File && classify(&name) == FileRole::Events {
                folder::own_room(team, &path, Keeps::File, replaced)?;
            }
        }
        super::own_stories::settle_own(store, runtime, team, &dir, &me.id, true, replaced)?;
        let all: Vec<Line> = store
            .conn()
            .prepare_cached("SELECT event_id, line, attachment FROM own_events ORDER BY seq")?
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        lines = all
            .into_iter()
            .filter(|(id, _, _)| !present.contains(id))
            .collect();
    }
    let append_to = state
        .as_ref()
        .filter(|s| intact && s.length < ROLL_OVER_BYTES)
        .map(|s| s.name.clone());
    // After healing, the lowest free name; else the next after our own.
    let last_number = state
        .as_ref()
        .filter(|_| !damaged)
        .and_then(|s| event_file_number(&s.name))
        .unwrap_or(0);
    let written = if lines.is_empty() {
        None
    } else {
        Some(write_lines(&dir, append_to, last_number, &lines)?)
    };
    // Files of ours read before and gone now were healed around: they are
    // forgotten, or every pass would find them gone and heal again.
    let gone = if damaged {
        gone_files(store, team, &me.id)?
    } else {
        Vec::new()
    };
    let conn = store.conn();
    let tx = conn.unchecked_transaction()?;
    for (id, _, _) in &lines {
        exec(
            &tx,
            "UPDATE own_events SET written = 1 WHERE event_id = ?1",
            [id],
        )?;
    }
    let healed = damaged && !lines.is_empty();
    for path in &gone {
        super::report::forget_file(&tx, path)?;
    }
    if let Some((name, length, last)) = &written {
        exec(
            &tx,
            "INSERT INTO own_file (singleton, name, length, last_hash, last_length, check_folder,
                                   healed)
             VALUES (1, ?1, ?2, ?3, ?4, 0, ?5)
             ON CONFLICT (singleton) DO UPDATE SET name = excluded.name, length = excluded.length,
                 last_hash = excluded.last_hash, last_length = excluded.last_length,
                 check_folder = 0, healed = max(own_file.healed, excluded.healed)",
            params![
                name,
                *length as i64,
                folder::short_hash(last.as_bytes()),
                last.len() as i64,
                healed
            ],
        )?;
    } else if damaged {
        // Nothing was missing: the next write starts a fresh file.
        exec(&tx, "DELETE FROM own_file", [])?;
    }
    tx.commit()?;
    Ok(Flushed {
        written: lines.len() as u32,
        healed,
        waiting: None,
    })
}

/// Whether this PC's file was written again since the last time this was
/// asked: the person is told once.
pub fn take_healed(conn: &Connection) -> Result<bool> {
    let healed = exec(conn, "UPDATE own_file SET healed = 0 WHERE healed = 1", [])?;
    Ok(healed > 0)
}

/// Appends `lines` to `append_to`, or to a fresh file after
/// `last_number`; returns the file's name, its new length and its last
/// line.
fn write_lines(
    dir: &Path,
    append_to: Option<String>,
    last_number: u64,
    lines: &[Line],
) -> Result<(String, u64, String)> {
    let opened = match append_to {
        Some(name) => match folder::open_append(&dir.join(&name)) {
            Ok((file, len)) => Some((name, file, len)),
            Err(err @ OpenError::Waiting(_)) => return Err(err.into_core(&dir.join(&name))),
            Err(_) => None,
        },
        None => None,
    };
    let (name, mut file, mut length) = match opened {
        Some(opened) => opened,
        None => {
            let (name, file) = fresh_file(dir, last_number)?;
            (name, file, 0)
        }
    };
    let path = dir.join(&name);
    let mut text = String::new();
    let mut last = String::new();
    for (_, line, _) in lines {
        last = format!("{line}\n");
        text.push_str(&last);
    }
    file.write_all(text.as_bytes())
        .and_then(|()| file.flush())
        .and_then(|()| file.sync_all())
        .map_err(|err| folder::io_error(&path, err))?;
    length += text.len() as u64;
    Ok((name, length, last))
}

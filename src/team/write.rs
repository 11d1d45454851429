//! Writing this member's own file. Every event is signed into the store
//! first (`own_events`, the outbox) and taken here at once; flushing then
//! appends what the folder lacks. Before appending, the file is checked to
//! end where this PC left it: a file a sync engine truncated, replaced,
//! deleted or glued bytes onto is never appended to; the events missing
//! from the folder are written again, same ids and signatures, into a
//! fresh file. Numbers never repeat: the next is above both the store's
//! and the folder's highest.

use super::body::Body;
use super::folder::{
    self, event_file_name, event_file_number, list, member_dir, EntryKind, MEMBERS_DIR,
    PROFILE_FILE,
};
use super::lines::{read_chunk, Cursor};
use super::membership::{device_key, joined, MemberFile};
use super::rules::{self, Changes};
use super::take::take;
use super::verify::verify_chunk;
use crate::error::{CoreError, Result};
use crate::profile::Profile;
use crate::sql::{exec, query_one};
use crate::store::Store;
use crate::team_event::{public_key_text, Event, EVENT_VERSION};
use chrono::{DateTime, Utc};
use ed25519_dalek::VerifyingKey;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

/// A member's event file rolls over to the next number at this size.
pub const ROLL_OVER_BYTES: u64 = 4 * 1024 * 1024;

fn next_seq(conn: &Connection, me: &str) -> Result<u64> {
    let highest: i64 = query_one(
        conn,
        "SELECT max(coalesce((SELECT max(seq) FROM own_events), 0),
                    coalesce((SELECT max_seq FROM team_members WHERE member_id = ?1), 0))",
        [me],
        |row| row.get(0),
    )?;
    Ok(highest.max(0) as u64 + 1)
}

/// Signs `body` as this member's next event, keeps it to be sent, and
/// takes it here. `None` when this PC is in no team.
pub fn append(
    conn: &Connection,
    me: &Profile,
    body: &Body,
    now: DateTime<Utc>,
) -> Result<Option<Event>> {
    if joined(conn)?.is_none() {
        return Ok(None);
    }
    let key = device_key(conn, now)?;
    let event = Event {
        v: EVENT_VERSION,
        id: uuid::Uuid::now_v7().to_string(),
        member: me.id.clone(),
        seq: next_seq(conn, &me.id)?,
        at: now,
        kind: body.kind().to_string(),
        body: body.to_value(),
        sig: String::new(),
    }
    .sign(&key);
    exec(
        conn,
        "INSERT INTO own_events (seq, event_id, line, written) VALUES (?1, ?2, ?3, 0)",
        params![event.seq as i64, event.id, event.to_line()],
    )?;
    let mut changes = Changes::default();
    take(conn, &event, &me.id, &mut changes)?;
    if changes.leads {
        rules::after_new_leads(conn)?;
    }
    Ok(Some(event))
}

/// An event of ours not yet in the folder whose number the folder shows
/// taken (after a backup was restored, or the team left and joined again
/// while the folder was away) is signed again with a free number.
pub fn renumber_unwritten(conn: &Connection, event_id: &str, taken_seq: u64) -> Result<bool> {
    let line: Option<String> = query_one(
        conn,
        "SELECT line FROM own_events WHERE event_id = ?1 AND written = 0",
        [event_id],
        |row| row.get(0),
    )
    .optional()?;
    let Some(mut event) = line.and_then(|line| Event::parse(&line).ok()) else {
        return Ok(false);
    };
    let old_seq = event.seq as i64;
    let next = next_seq(conn, &event.member)?.max(taken_seq + 1);
    let key = device_key(conn, event.at)?;
    event.seq = next;
    let event = event.sign(&key);
    let new_seq = next as i64;
    exec(
        conn,
        "UPDATE own_events SET seq = ?2, line = ?3 WHERE event_id = ?1",
        params![event_id, new_seq, event.to_line()],
    )?;
    exec(
        conn,
        "UPDATE team_events SET seq = ?2 WHERE id = ?1",
        params![event_id, new_seq],
    )?;
    exec(
        conn,
        "UPDATE stories SET version = ?3 WHERE author_id = ?1 AND version = ?2",
        params![event.member, old_seq, new_seq],
    )?;
    exec(
        conn,
        "UPDATE team_members SET max_seq = max(max_seq, ?2) WHERE member_id = ?1",
        params![event.member, new_seq],
    )?;
    Ok(true)
}

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

/// Does the file still end exactly where this PC left it?
fn is_intact(path: &Path, state: &OwnFile) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let Ok((mut file, len)) = folder::open_read(path) else {
        return false;
    };
    if len != state.length || state.last_length > len {
        return false;
    }
    if len == 0 {
        return true;
    }
    let mut last = Vec::with_capacity(state.last_length as usize);
    let read = file
        .seek(SeekFrom::Start(len - state.last_length))
        .and_then(|_| file.take(state.last_length).read_to_end(&mut last));
    read.is_ok() && last.ends_with(b"\n") && folder::short_hash(&last) == state.last_hash
}

/// The ids of this member's events found, validly signed, in their folder.
fn ids_in_folder(dir: &Path, me: &str, key: &VerifyingKey) -> HashSet<String> {
    let mut found = HashSet::new();
    let Ok(entries) = list(dir) else {
        return found;
    };
    for (name, path, kind) in entries {
        if kind != EntryKind::File || folder::classify(&name) != folder::FileRole::Events {
            continue;
        }
        let Ok((mut file, len)) = folder::open_read(&path) else {
            continue;
        };
        if len > super::read::MAX_FILE_BYTES {
            continue;
        }
        let mut cursor = Cursor::default();
        while let Ok(chunk) = read_chunk(&mut file, cursor) {
            let verified = verify_chunk(&chunk, me, key);
            found.extend(verified.events.into_iter().map(|(_, e)| e.id));
            if chunk.at_end || chunk.next.pos == cursor.pos {
                break;
            }
            cursor = chunk.next;
        }
    }
    found
}

/// The next free file number in this member's folder.
fn fresh_name(dir: &Path) -> String {
    let highest = list(dir)
        .unwrap_or_default()
        .iter()
        .filter_map(|(name, _, _)| event_file_number(name))
        .max()
        .unwrap_or(0);
    event_file_name(highest + 1)
}

/// What a flush did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Flushed {
    pub written: u32,
    /// This PC's file was damaged and its missing events written again.
    pub healed: bool,
}

/// Makes sure this member's profile.json says who they are.
fn heal_profile(dir: &Path, me: &Profile, key: &VerifyingKey) -> Result<()> {
    let path = dir.join(PROFILE_FILE);
    let right = folder::read_small(&path, folder::MAX_SMALL_FILE)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<MemberFile>(&bytes).ok())
        .is_some_and(|file| file.member == me.id && file.key == public_key_text(key));
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
    folder::write_whole(&path, text.as_bytes())
}

/// Appends what the folder lacks of this PC's events, healing the file
/// first where it was damaged. The store's lock is held only to read and
/// record, never while the folder is written.
pub fn flush(store: &Store, me: &Profile) -> Result<Flushed> {
    let (team, state, pending, key) = {
        let conn = store.conn();
        let Some(team) = joined(&conn)? else {
            return Ok(Flushed::default());
        };
        let state = own_file(&conn)?;
        let pending: Vec<(String, String)> = conn
            .prepare_cached("SELECT event_id, line FROM own_events WHERE written = 0 ORDER BY seq")?
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let key = device_key(&conn, chrono::Utc::now())?.verifying_key();
        (team, state, pending, key)
    };
    if pending.is_empty() && state.is_none() {
        return Ok(Flushed::default());
    }
    // Never create the team folder itself: where it is missing (an
    // unplugged drive, a share that is away) nothing is written until it is
    // back.
    if std::fs::symlink_metadata(team.folder.join(folder::TEAM_FILE)).is_err() {
        if pending.is_empty() {
            return Ok(Flushed::default());
        }
        return Err(CoreError::TeamFolder(format!(
            "{} cannot be reached; what you share is sent when it is back",
            team.folder.display()
        )));
    }
    folder::ensure_dir(&team.folder.join(MEMBERS_DIR))?;
    let dir = member_dir(&team.folder, &me.id);
    folder::ensure_dir(&dir)?;
    let intact = state
        .as_ref()
        .filter(|s| !s.check_folder)
        .is_some_and(|s| is_intact(&dir.join(&s.name), s));
    let damaged = state.is_some() && !intact;
    if pending.is_empty() && !damaged {
        return Ok(Flushed::default());
    }
    let mut lines: Vec<(String, String)> = pending;
    if damaged {
        heal_profile(&dir, me, &key)?;
        let present = ids_in_folder(&dir, &me.id, &key);
        let conn = store.conn();
        let all: Vec<(String, String)> = conn
            .prepare_cached("SELECT event_id, line FROM own_events ORDER BY seq")?
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        lines = all
            .into_iter()
            .filter(|(id, _)| !present.contains(id))
            .collect();
    }
    let append_to = state
        .as_ref()
        .filter(|s| intact && s.length < ROLL_OVER_BYTES)
        .map(|s| s.name.clone());
    let written = if lines.is_empty() {
        None
    } else {
        Some(write_lines(&dir, append_to, &lines)?)
    };
    let conn = store.conn();
    let tx = conn.unchecked_transaction()?;
    for (id, _) in &lines {
        exec(
            &tx,
            "UPDATE own_events SET written = 1 WHERE event_id = ?1",
            [id],
        )?;
    }
    let healed = damaged && !lines.is_empty();
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
    })
}

/// Whether this PC's file was written again since the last time this was
/// asked: the person is told once.
pub fn take_healed(conn: &Connection) -> Result<bool> {
    let healed = exec(conn, "UPDATE own_file SET healed = 0 WHERE healed = 1", [])?;
    Ok(healed > 0)
}

/// Appends `lines` to `append_to`, or to a fresh file; returns the file's
/// name, its new length and its last line.
fn write_lines(
    dir: &Path,
    append_to: Option<String>,
    lines: &[(String, String)],
) -> Result<(String, u64, String)> {
    let opened = append_to.and_then(|name| {
        folder::open_append(&dir.join(&name))
            .ok()
            .map(|(file, len)| (name, file, len))
    });
    let (name, mut file, mut length) = match opened {
        Some(opened) => opened,
        None => {
            let name = fresh_name(dir);
            let path = dir.join(&name);
            let file = folder::create_new(&path).map_err(|err| err.into_core(&path))?;
            (name, file, 0)
        }
    };
    let path = dir.join(&name);
    let mut text = String::new();
    let mut last = String::new();
    for (_, line) in lines {
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

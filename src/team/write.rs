//! Writing this member's own file. Before appending, the file is checked
//! to end where this PC left it: a file a sync engine truncated, replaced,
//! deleted or glued bytes onto is never appended to; the events missing
//! from the folder are written again, same content and signatures, into a
//! fresh file, and the story files this member shares are checked and
//! written again too. The store's lock is never held while the folder is
//! written.

use super::authority;
use super::body::StoryContent;
use super::folder::{
    self, event_file_name, event_file_number, list, member_dir, EntryKind, Keeps, MEMBERS_DIR,
    PROFILE_FILE, STORIES_DIR,
};
use super::lines::{read_chunk, Cursor};
use super::membership::{device_key, joined, MemberFile};
use super::take::event_key;
use super::verify::{verify_chunk, KeyBook};
use crate::error::{CoreError, Result};
use crate::profile::Profile;
use crate::sql::exec;
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

/// This member's events found, validly signed, in their folder.
fn events_in_folder(dir: &Path, me: &str, book: &KeyBook) -> HashSet<String> {
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
        let mut book = book.clone();
        let mut cursor = Cursor::default();
        while let Ok(chunk) = read_chunk(&mut file, cursor) {
            let verified = verify_chunk(&chunk, me, &mut book, None);
            found.extend(verified.events.iter().map(|s| event_key(&s.event)));
            if chunk.at_end || chunk.next.pos == cursor.pos {
                break;
            }
            cursor = chunk.next;
        }
    }
    found
}

/// Writes or deletes the story file that goes with an event of ours.
fn put_story_file(dir: &Path, line: &str, attachment: Option<&str>) -> Result<()> {
    let Ok(event) = Event::parse(line) else {
        return Ok(());
    };
    let Some(story_id) = event.body.get("story_id").and_then(|v| v.as_str()) else {
        return Ok(());
    };
    let stories = dir.join(STORIES_DIR);
    let path = stories.join(format!("{story_id}.json"));
    match (event.kind.as_str(), attachment) {
        // Deleted only inside a real folder of ours: the last part of a
        // path is never followed, but a `stories` link would take the
        // deletion wherever it points.
        ("story.withdrawn", _) if folder::is_real_dir(&stories) != Ok(true) => Ok(()),
        ("story.withdrawn", _) => match std::fs::symlink_metadata(&path) {
            Ok(_) => std::fs::remove_file(&path).map_err(|err| folder::io_error(&path, err)),
            Err(_) => Ok(()),
        },
        ("story.shared" | "story.edited", Some(content)) => {
            folder::ensure_dir(&stories)?;
            folder::write_whole(&path, content.as_bytes())
        }
        _ => Ok(()),
    }
}

/// The files of the stories this member shares now, written again where a
/// sync engine lost or changed them. Without `thorough`, a file of the
/// right size is taken as intact (a look at every pass costs a stat each).
fn heal_story_files(store: &Store, dir: &Path, me: &str, thorough: bool) -> Result<()> {
    let shared: Vec<(String, String, String)> = store
        .conn()
        .prepare_cached(
            "SELECT s.story_id, s.text_hash, o.attachment FROM stories s
               JOIN own_events o ON o.attachment IS NOT NULL
                AND json_extract(o.attachment, '$.story_id') = s.story_id
              WHERE s.author_id = ?1 AND s.withdrawn = 0 AND s.text_hash IS NOT NULL
              ORDER BY o.seq",
        )?
        .query_map([me], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (story_id, hash, attachment) in shared {
        let Ok(content) = serde_json::from_str::<StoryContent>(&attachment) else {
            continue;
        };
        if content.hash() != hash {
            continue;
        }
        let path = dir.join(STORIES_DIR).join(format!("{story_id}.json"));
        let right_size = std::fs::symlink_metadata(&path)
            .is_ok_and(|m| m.is_file() && m.len() == attachment.len() as u64);
        if right_size && !thorough {
            continue;
        }
        let intact = right_size
            && folder::read_small(&path, folder::MAX_SMALL_FILE)
                .ok()
                .and_then(|bytes| serde_json::from_slice::<StoryContent>(&bytes).ok())
                .is_some_and(|found| found.hash() == hash);
        if !intact {
            folder::ensure_dir(&dir.join(STORIES_DIR))?;
            folder::write_whole(&path, attachment.as_bytes())?;
        }
    }
    Ok(())
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
    Ok(known
        .into_iter()
        .filter(|path| !std::fs::symlink_metadata(team.join(path)).is_ok_and(|m| m.is_file()))
        .collect())
}

/// What a flush did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Flushed {
    pub written: u32,
    /// This PC's file was damaged and its missing events written again.
    pub healed: bool,
}

/// Makes room at `path` in this member's own folder for what Fanday keeps
/// there, noting what was in the way (by its path in the team folder).
fn own_room(team: &Path, path: &Path, keeps: Keeps, replaced: &mut Vec<String>) -> Result<()> {
    if folder::make_room(path, keeps)? {
        replaced.push(folder::relative(team, path));
    }
    Ok(())
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
    own_room(team, &path, Keeps::File, replaced)?;
    folder::write_whole(&path, text.as_bytes())
}

/// Appends what the folder lacks of this PC's events, healing the file
/// first where it was damaged. The store's lock is held only to read and
/// record, never while the folder is written. What stood in the way in
/// this member's own folder (a file, a link or a pipe where Fanday keeps a
/// folder, say) goes, and its path is added to `replaced`.
pub fn flush(
    store: &Store,
    me: &Profile,
    now: DateTime<Utc>,
    replaced: &mut Vec<String>,
) -> Result<Flushed> {
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
    // The member's own folder is theirs: nothing in it stops their writes.
    own_room(&team.folder, &dir, Keeps::Folder, replaced)?;
    folder::ensure_dir(&dir)?;
    own_room(
        &team.folder,
        &dir.join(STORIES_DIR),
        Keeps::Folder,
        replaced,
    )?;
    let intact = state
        .as_ref()
        .filter(|s| !s.check_folder)
        .is_some_and(|s| is_intact(&dir.join(&s.name), s));
    let damaged = state.is_some() && !intact;
    if !damaged {
        heal_story_files(store, &dir, &me.id, false)?;
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
            let mut book = KeyBook::of(&authority::load(&conn)?.0, &me.id);
            book.keys.set_after(0, key);
            (key, book)
        };
        heal_profile(&team.folder, &dir, me, &key, replaced)?;
        // A link, a pipe or a folder where a file of ours belongs goes, or
        // every pass would find it and heal again.
        for (name, path, kind) in list(&dir).unwrap_or_default() {
            if kind != EntryKind::File && folder::classify(&name) == folder::FileRole::Events {
                own_room(&team.folder, &path, Keeps::File, replaced)?;
            }
        }
        heal_story_files(store, &dir, &me.id, true)?;
        let present = events_in_folder(&dir, &me.id, &book);
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
    for (_, line, attachment) in &lines {
        put_story_file(&dir, line, attachment.as_deref())?;
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
    // Files of ours read before and gone now were healed around: they are
    // forgotten, or every pass would find them gone and heal again.
    let gone = if damaged {
        gone_files(store, &team.folder, &me.id)?
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
    lines: &[Line],
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

//! The team folder: no server, one folder a sync engine keeps in step.
//! Each member's app writes only its own `members/<id>/events-<n>.jsonl`
//! (append, flush, fsync) and reads everyone else's, verifying every line's
//! signature against the member's pinned key and applying the authority
//! rules. Whatever is wrong in the folder is skipped and reported, never
//! fatal. The protocol is written down in docs/TEAM-FOLDER.md.

use crate::error::{CoreError, Result};
use crate::profile::Profile;
use crate::team_event::{
    fingerprint, new_signing_key, parse_public_key, parse_secret_key, public_key_text,
    secret_key_text, Event, Rejected, EVENT_VERSION,
};
use chrono::{DateTime, NaiveDate, Utc};
use ed25519_dalek::{SigningKey, VerifyingKey};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// A member's event file rolls over to the next number at this size.
pub const ROLL_OVER_BYTES: u64 = 4 * 1024 * 1024;
/// Files larger than this are not read (a runaway or hostile file).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
pub const MAX_STORY_CHARS: usize = 2000;

const TEAM_FILE: &str = "team.json";
const MEMBERS_DIR: &str = "members";
const PROFILE_FILE: &str = "profile.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamFile {
    pub v: u32,
    pub team_id: String,
    pub name: String,
    pub founder: String,
    pub founder_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberFile {
    pub v: u32,
    pub member: String,
    pub name: String,
    pub key: String,
}

/// What a person sees before joining: compare the fingerprint with the
/// founder's, read aloud or in a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamPreview {
    pub team_id: String,
    pub name: String,
    pub founder_fingerprint: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamInfo {
    pub team_id: String,
    pub name: String,
    pub folder: String,
    pub founder_fingerprint: String,
    pub my_fingerprint: String,
    pub members: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skip {
    pub path: String,
    /// Where in the file the skipped line starts, in bytes.
    pub offset: Option<u64>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct ReadReport {
    pub new_events: u32,
    pub skipped: Vec<Skip>,
    pub folder_missing: bool,
    /// This read brought a lead's grant that made this PC's person a lead.
    pub became_lead: bool,
}

/// Statements run once per event are prepared once per connection.
fn exec<P: rusqlite::Params>(conn: &Connection, sql: &str, params: P) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(params)
}

fn query_one<T, P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    params: P,
    row: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    conn.prepare_cached(sql)?.query_row(params, row)
}

fn team_error(reason: impl Into<String>) -> CoreError {
    CoreError::TeamFolder(reason.into())
}

fn io_error(path: &Path, err: std::io::Error) -> CoreError {
    if err.raw_os_error() == Some(28) {
        return CoreError::DiskFull;
    }
    team_error(format!("{}: {err}", path.display()))
}

// ---------- keys and set-up ----------

/// This computer's signing key, made the first time it is needed. The
/// secret never leaves the local database.
pub fn device_key(conn: &Connection, now: DateTime<Utc>) -> Result<SigningKey> {
    let stored: Option<String> = conn
        .query_row("SELECT secret_key FROM device_key", [], |row| row.get(0))
        .optional()?;
    if let Some(key) = stored.as_deref().and_then(parse_secret_key) {
        return Ok(key);
    }
    let key = new_signing_key().ok_or_else(|| team_error("no randomness for a new key"))?;
    exec(
        conn,
        "INSERT OR REPLACE INTO device_key (singleton, secret_key, public_key, created_at)
         VALUES (1, ?1, ?2, ?3)",
        params![
            secret_key_text(&key),
            public_key_text(&key.verifying_key()),
            now
        ],
    )?;
    Ok(key)
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T> {
    let text = fs::read_to_string(path).map_err(|err| io_error(path, err))?;
    serde_json::from_str(&text)
        .map_err(|err| team_error(format!("{} is not valid: {err}", path.display())))
}

/// Writes a small file whole: to a temp name first, then renamed, so a
/// sync engine never sees half of it.
fn write_json(path: &Path, value: &impl Serialize) -> Result<()> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|err| team_error(format!("cannot write {}: {err}", path.display())))?;
    let temp = path.with_extension("json.tmp");
    let mut file = File::create(&temp).map_err(|err| io_error(&temp, err))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|err| io_error(&temp, err))?;
    fs::rename(&temp, path).map_err(|err| io_error(path, err))
}

pub fn preview(folder: &Path) -> Result<TeamPreview> {
    let team: TeamFile = read_json(&folder.join(TEAM_FILE))?;
    let key = parse_public_key(&team.founder_key)
        .ok_or_else(|| team_error("team.json has no valid founder key"))?;
    Ok(TeamPreview {
        team_id: team.team_id,
        name: team.name,
        founder_fingerprint: fingerprint(&key),
    })
}

fn member_dir(folder: &Path, member: &str) -> PathBuf {
    folder.join(MEMBERS_DIR).join(member)
}

fn write_member_profile(folder: &Path, profile: &Profile, key: &VerifyingKey) -> Result<()> {
    let dir = member_dir(folder, &profile.id);
    fs::create_dir_all(&dir).map_err(|err| io_error(&dir, err))?;
    write_json(
        &dir.join(PROFILE_FILE),
        &MemberFile {
            v: EVENT_VERSION,
            member: profile.id.clone(),
            name: profile.display_name.clone(),
            key: public_key_text(key),
        },
    )
}

fn save_team(conn: &Connection, team: &TeamFile, folder: &Path, now: DateTime<Utc>) -> Result<()> {
    exec(
        conn,
        "INSERT OR REPLACE INTO team (singleton, team_id, name, folder, founder_id, founder_key,
                                      joined_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            team.team_id,
            team.name,
            folder.display().to_string(),
            team.founder,
            team.founder_key,
            now
        ],
    )?;
    exec(conn,
        "INSERT OR REPLACE INTO team_members (member_id, name, public_key, is_lead, last_seq)
         VALUES (?1, '', ?2, 1, coalesce((SELECT last_seq FROM team_members WHERE member_id = ?1), 0))",
        params![team.founder, team.founder_key],
    )?;
    Ok(())
}

fn pin_me(conn: &Connection, profile: &Profile, key: &VerifyingKey) -> Result<()> {
    exec(
        conn,
        "INSERT INTO team_members (member_id, name, public_key) VALUES (?1, ?2, ?3)
         ON CONFLICT (member_id) DO UPDATE SET name = excluded.name",
        params![profile.id, profile.display_name, public_key_text(key)],
    )?;
    Ok(())
}

/// Makes `folder` a team folder with this person as its founder and lead.
pub fn create(
    conn: &Connection,
    profile: &Profile,
    name: &str,
    folder: &Path,
    now: DateTime<Utc>,
) -> Result<TeamInfo> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(crate::ValidationError::TeamName.into());
    }
    fs::create_dir_all(folder).map_err(|err| io_error(folder, err))?;
    if folder.join(TEAM_FILE).exists() {
        return Err(team_error(
            "this folder already holds a team; join it instead",
        ));
    }
    let key = device_key(conn, now)?;
    let team = TeamFile {
        v: EVENT_VERSION,
        team_id: uuid::Uuid::now_v7().to_string(),
        name: name.to_string(),
        founder: profile.id.clone(),
        founder_key: public_key_text(&key.verifying_key()),
    };
    write_member_profile(folder, profile, &key.verifying_key())?;
    write_json(&folder.join(TEAM_FILE), &team)?;
    save_team(conn, &team, folder, now)?;
    pin_me(conn, profile, &key.verifying_key())?;
    info(conn)?.ok_or_else(|| team_error("the team was not saved"))
}

/// Joins the team in `folder`, pinning the founder's key from team.json.
pub fn join(
    conn: &Connection,
    profile: &Profile,
    folder: &Path,
    now: DateTime<Utc>,
) -> Result<TeamInfo> {
    let team: TeamFile = read_json(&folder.join(TEAM_FILE))?;
    parse_public_key(&team.founder_key)
        .ok_or_else(|| team_error("team.json has no valid founder key"))?;
    let key = device_key(conn, now)?;
    write_member_profile(folder, profile, &key.verifying_key())?;
    save_team(conn, &team, folder, now)?;
    pin_me(conn, profile, &key.verifying_key())?;
    info(conn)?.ok_or_else(|| team_error("the team was not saved"))
}

/// Leaves the team on this computer: the team's data here is forgotten;
/// nothing in the folder is touched.
pub fn leave(conn: &mut Connection) -> Result<()> {
    let tx = conn.transaction()?;
    for table in [
        "team",
        "team_members",
        "team_events",
        "team_files",
        "stories",
        "story_reactions",
        "story_comments",
        "story_reviews",
        "team_skips",
    ] {
        tx.execute(&format!("DELETE FROM {table}"), [])?;
    }
    tx.commit()?;
    Ok(())
}

struct Joined {
    folder: PathBuf,
}

fn joined(conn: &Connection) -> Result<Option<Joined>> {
    Ok(conn
        .query_row("SELECT folder FROM team", [], |row| {
            Ok(Joined {
                folder: PathBuf::from(row.get::<_, String>(0)?),
            })
        })
        .optional()?)
}

pub fn info(conn: &Connection) -> Result<Option<TeamInfo>> {
    let row = conn
        .query_row(
            "SELECT team_id, name, folder, founder_key FROM team",
            [],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                ))
            },
        )
        .optional()?;
    let Some((team_id, name, folder, founder_key)) = row else {
        return Ok(None);
    };
    let mine: Option<String> = conn
        .query_row("SELECT public_key FROM device_key", [], |row| row.get(0))
        .optional()?;
    let members: u32 = query_one(conn, "SELECT count(*) FROM team_members", [], |row| {
        row.get(0)
    })?;
    let print = |text: &str| {
        parse_public_key(text)
            .map(|k| fingerprint(&k))
            .unwrap_or_default()
    };
    Ok(Some(TeamInfo {
        team_id,
        name,
        folder,
        founder_fingerprint: print(&founder_key),
        my_fingerprint: mine.as_deref().map(print).unwrap_or_default(),
        members,
    }))
}

// ---------- writing ----------

fn own_event_file(dir: &Path) -> Result<PathBuf> {
    let mut number = 1;
    loop {
        let path = dir.join(format!("events-{number}.jsonl"));
        match fs::metadata(&path) {
            Ok(meta) if meta.len() >= ROLL_OVER_BYTES => number += 1,
            _ => return Ok(path),
        }
    }
}

/// Appends a signed event to this member's own file and applies it here.
/// Does nothing when this computer is not in a team.
pub fn append(
    conn: &Connection,
    profile: &Profile,
    kind: &str,
    body: Value,
    now: DateTime<Utc>,
) -> Result<Option<Event>> {
    let Some(team) = joined(conn)? else {
        return Ok(None);
    };
    // Never create the team folder itself: where it is missing (an unplugged
    // drive, a share that is away) nothing is written until it is back.
    if !team.folder.join(TEAM_FILE).is_file() {
        return Err(team_error(format!(
            "{} cannot be reached; what you share is sent when it is back",
            team.folder.display()
        )));
    }
    let key = device_key(conn, now)?;
    let seq: u64 = conn
        .query_row(
            "SELECT last_seq FROM team_members WHERE member_id = ?1",
            [&profile.id],
            |row| row.get::<_, i64>(0),
        )
        .optional()?
        .map_or(0, |n| n.max(0) as u64)
        + 1;
    let event = Event {
        v: EVENT_VERSION,
        id: uuid::Uuid::now_v7().to_string(),
        member: profile.id.clone(),
        seq,
        at: now,
        kind: kind.to_string(),
        body,
        sig: String::new(),
    }
    .sign(&key);
    let dir = member_dir(&team.folder, &profile.id);
    fs::create_dir_all(&dir).map_err(|err| io_error(&dir, err))?;
    let path = own_event_file(&dir)?;
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|err| io_error(&path, err))?;
    let line = format!("{}\n", event.to_line());
    file.write_all(line.as_bytes())
        .and_then(|()| file.flush())
        .and_then(|()| file.sync_all())
        .map_err(|err| io_error(&path, err))?;
    // Our own file is never read back: what was written is applied now.
    let read_to = fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    exec(
        conn,
        "INSERT INTO team_files (path, read_to) VALUES (?1, ?2)
         ON CONFLICT (path) DO UPDATE SET read_to = excluded.read_to",
        params![relative(&team.folder, &path), read_to as i64],
    )?;
    apply(conn, &event).map_err(|reason| team_error(format!("own event not applied: {reason}")))?;
    note_seq(conn, &profile.id, seq)?;
    Ok(Some(event))
}

fn relative(folder: &Path, path: &Path) -> String {
    path.strip_prefix(folder)
        .unwrap_or(path)
        .display()
        .to_string()
}

// ---------- reading ----------

/// An event file name as the protocol writes it: `events-<n>.jsonl`.
fn is_event_file(name: &str) -> bool {
    name.strip_prefix("events-")
        .and_then(|rest| rest.strip_suffix(".jsonl"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn skip_reason_for_name(name: &str) -> &'static str {
    if name.contains(".sync-conflict-") || name.contains(" (") || name.contains("conflict") {
        "a sync engine's conflict copy"
    } else if name.starts_with("~$") || name.starts_with('.') || name.ends_with(".tmp") {
        "a temporary file"
    } else {
        "not an event file"
    }
}

/// Reads every other member's new lines into the store. Never fails on
/// what is in the folder: everything wrong is in the report.
pub fn read(conn: &mut Connection, profile: &Profile, now: DateTime<Utc>) -> Result<ReadReport> {
    let Some(team) = joined(conn)? else {
        return Ok(ReadReport::default());
    };
    let mut report = ReadReport::default();
    let members_dir = team.folder.join(MEMBERS_DIR);
    let entries = match fs::read_dir(&members_dir) {
        Ok(entries) => entries,
        Err(_) => {
            report.folder_missing = true;
            return Ok(report);
        }
    };
    let tx = conn.transaction()?;
    tx.execute("DELETE FROM team_skips", [])?;
    let mut works: Vec<FileWork> = Vec::new();
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    dirs.sort();
    for dir in dirs {
        let Some(member) = dir.file_name().and_then(|n| n.to_str()).map(str::to_string) else {
            continue;
        };
        if member == profile.id || !dir.is_dir() {
            continue;
        }
        if uuid::Uuid::parse_str(&member).is_err() {
            report.skipped.push(Skip {
                path: relative(&team.folder, &dir),
                offset: None,
                reason: "not a member folder".into(),
            });
            continue;
        }
        works.extend(read_member(&tx, &team.folder, &dir, &member, &mut report)?);
    }
    // Signatures are checked on other threads while this one applies the
    // files already checked, in order.
    std::thread::scope(|scope| -> Result<()> {
        let (checked_tx, checked_rx) = std::sync::mpsc::sync_channel(2);
        let works = &works;
        scope.spawn(move || {
            for (index, work) in works.iter().enumerate() {
                let checked = check_lines(&work.lines(), &work.member, &work.key);
                if checked_tx.send((index, checked)).is_err() {
                    break;
                }
            }
        });
        for (index, checked) in checked_rx {
            if let Some(work) = works.get(index) {
                apply_file(&tx, work, checked, &mut report)?;
            }
        }
        Ok(())
    })?;
    report.new_events += retry_kept_aside(&tx)?;
    for skip in &report.skipped {
        tx.execute(
            "INSERT INTO team_skips (path, line, reason, at) VALUES (?1, ?2, ?3, ?4)",
            params![skip.path, skip.offset.map(|l| l as i64), skip.reason, now],
        )?;
    }
    tx.commit()?;
    Ok(report)
}

/// The member's key: pinned at first sight (the founder's at join); a
/// profile.json that later shows another key is not believed.
fn member_key(
    conn: &Connection,
    folder: &Path,
    dir: &Path,
    member: &str,
    report: &mut ReadReport,
) -> Result<Option<VerifyingKey>> {
    let pinned: Option<String> = conn
        .query_row(
            "SELECT public_key FROM team_members WHERE member_id = ?1",
            [member],
            |row| row.get(0),
        )
        .optional()?;
    let profile_path = dir.join(PROFILE_FILE);
    let file: Option<MemberFile> = read_json(&profile_path).ok();
    let skip = |report: &mut ReadReport, reason: &str| {
        report.skipped.push(Skip {
            path: relative(folder, &profile_path),
            offset: None,
            reason: reason.into(),
        });
    };
    match (pinned, file) {
        (Some(pinned), file) => {
            if let Some(file) = &file {
                if file.key != pinned {
                    skip(report, "profile.json shows another key than the one pinned");
                } else {
                    exec(
                        conn,
                        "UPDATE team_members SET name = ?2 WHERE member_id = ?1 AND name <> ?2",
                        params![member, truncate(&file.name, 60)],
                    )?;
                }
            }
            Ok(parse_public_key(&pinned))
        }
        (None, Some(file)) if file.member == member => match parse_public_key(&file.key) {
            Some(key) => {
                exec(
                    conn,
                    "INSERT INTO team_members (member_id, name, public_key) VALUES (?1, ?2, ?3)",
                    params![member, truncate(&file.name, 60), file.key],
                )?;
                Ok(Some(key))
            }
            None => {
                skip(report, "profile.json has no valid key");
                Ok(None)
            }
        },
        (None, Some(_)) => {
            skip(report, "profile.json names another member");
            Ok(None)
        }
        (None, None) => {
            skip(report, "no readable profile.json yet");
            Ok(None)
        }
    }
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// New bytes of one event file, up to its last complete line.
struct FileWork {
    rel: String,
    member: String,
    key: VerifyingKey,
    read_to: u64,
    complete: Vec<u8>,
}

impl FileWork {
    fn lines(&self) -> Vec<(u64, &[u8])> {
        let mut lines = Vec::new();
        let mut line_start = self.read_to;
        for raw in self.complete.split(|&b| b == b'\n') {
            let offset = line_start;
            line_start += raw.len() as u64 + 1;
            if !raw.is_empty() {
                lines.push((offset, raw));
            }
        }
        lines
    }
}

fn read_member(
    conn: &Connection,
    folder: &Path,
    dir: &Path,
    member: &str,
    report: &mut ReadReport,
) -> Result<Vec<FileWork>> {
    let mut works = Vec::new();
    let Some(key) = member_key(conn, folder, dir, member, report)? else {
        return Ok(works);
    };
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(works);
    };
    let mut files: Vec<(u64, PathBuf)> = Vec::new();
    for entry in entries.filter_map(|e| e.ok()) {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == PROFILE_FILE || name.ends_with(".json.tmp") {
            continue;
        }
        if !is_event_file(&name) {
            report.skipped.push(Skip {
                path: relative(folder, &path),
                offset: None,
                reason: skip_reason_for_name(&name).into(),
            });
            continue;
        }
        let number = name
            .trim_start_matches("events-")
            .trim_end_matches(".jsonl")
            .parse()
            .unwrap_or(u64::MAX);
        files.push((number, path));
    }
    files.sort();
    for (_, path) in files {
        if let Some(work) = load_file(conn, folder, &path, member, &key, report)? {
            works.push(work);
        }
    }
    Ok(works)
}

fn load_file(
    conn: &Connection,
    folder: &Path,
    path: &Path,
    member: &str,
    key: &VerifyingKey,
    report: &mut ReadReport,
) -> Result<Option<FileWork>> {
    let rel = relative(folder, path);
    let size = fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if size > MAX_FILE_BYTES {
        report.skipped.push(Skip {
            path: rel,
            offset: None,
            reason: format!("larger than {} MiB", MAX_FILE_BYTES / 1024 / 1024),
        });
        return Ok(None);
    }
    let read_to: u64 = conn
        .query_row(
            "SELECT read_to FROM team_files WHERE path = ?1",
            [&rel],
            |row| row.get::<_, i64>(0),
        )
        .optional()?
        .map_or(0, |n| n.max(0) as u64);
    if size <= read_to {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    let opened = File::open(path).and_then(|mut file| {
        file.seek(SeekFrom::Start(read_to))?;
        file.take(MAX_FILE_BYTES).read_to_end(&mut bytes)
    });
    if opened.is_err() {
        return Ok(None);
    }
    // Only complete lines: a torn last line is read again once it is whole.
    let Some(end) = bytes.iter().rposition(|&b| b == b'\n') else {
        return Ok(None);
    };
    bytes.truncate(end + 1);
    Ok(Some(FileWork {
        rel,
        member: member.to_string(),
        key: *key,
        read_to,
        complete: bytes,
    }))
}

/// Applies one file's checked lines in order, under the authority rules.
fn apply_file(
    conn: &Connection,
    work: &FileWork,
    checked: Vec<(u64, std::result::Result<Event, String>)>,
    report: &mut ReadReport,
) -> Result<()> {
    let member = work.member.as_str();
    let rel = &work.rel;
    let mut last_seq: u64 = conn
        .prepare_cached("SELECT last_seq FROM team_members WHERE member_id = ?1")?
        .query_row([member], |row| row.get::<_, i64>(0))
        .optional()?
        .map_or(0, |n| n.max(0) as u64);
    for (offset, checked) in checked {
        let skip = |reason: String, report: &mut ReadReport| {
            report.skipped.push(Skip {
                path: rel.clone(),
                offset: Some(offset),
                reason,
            });
        };
        let event = match checked {
            Ok(event) => event,
            Err(reason) => {
                skip(reason, report);
                continue;
            }
        };
        if event.seq <= last_seq {
            // The same event again (a re-read or a copy) is no news; another
            // event with an old number is a replay.
            let known = conn
                .prepare_cached("SELECT 1 FROM team_events WHERE id = ?1")?
                .exists([&event.id])?;
            if !known {
                skip("a replayed or out-of-order event".into(), report);
            }
            continue;
        }
        match apply(conn, &event) {
            Ok(()) => report.new_events += 1,
            Err(reason) if reason.starts_with(KEPT_ASIDE) => {
                keep_aside(conn, &event)?;
                skip(reason, report);
            }
            Err(reason) => {
                skip(reason, report);
                continue;
            }
        }
        last_seq = event.seq;
    }
    note_seq(conn, member, last_seq)?;
    exec(
        conn,
        "INSERT INTO team_files (path, read_to) VALUES (?1, ?2)
         ON CONFLICT (path) DO UPDATE SET read_to = excluded.read_to",
        params![rel, (work.read_to + work.complete.len() as u64) as i64],
    )?;
    Ok(())
}

/// Parses each line and checks it is the member's own, signed with their
/// key: the costly part of reading, spread over the computer's cores.
fn check_lines(
    lines: &[(u64, &[u8])],
    member: &str,
    key: &VerifyingKey,
) -> Vec<(u64, std::result::Result<Event, String>)> {
    let parse = |raw: &[u8]| -> std::result::Result<Event, String> {
        let line = std::str::from_utf8(raw).map_err(|_| "not UTF-8 text".to_string())?;
        let event = match Event::parse(line) {
            Ok(event) => event,
            Err(Rejected::UnknownVersion(v)) => {
                return Err(format!("event format {v} is unknown to this Fanday"));
            }
            Err(_) => return Err("not a valid event".into()),
        };
        if event.member != member {
            return Err("written in another member's folder".into());
        }
        Ok(event)
    };
    let check_part = |part: &[(u64, &[u8])]| {
        let parsed: Vec<(u64, std::result::Result<Event, String>)> =
            part.iter().map(|(o, raw)| (*o, parse(raw))).collect();
        let candidates: Vec<&Event> = parsed.iter().filter_map(|(_, p)| p.as_ref().ok()).collect();
        let mut verdicts = crate::team_event::verify_all(&candidates, key).into_iter();
        parsed
            .into_iter()
            .map(|(o, p)| {
                let checked = p.and_then(|event| {
                    if verdicts.next().unwrap_or(false) {
                        Ok(event)
                    } else {
                        Err("the signature does not match the member's key".to_string())
                    }
                });
                (o, checked)
            })
            .collect::<Vec<_>>()
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if threads < 2 || lines.len() < 128 {
        return check_part(lines);
    }
    let chunk = lines.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = lines
            .chunks(chunk)
            .map(|part| (part, scope.spawn(move || check_part(part))))
            .collect();
        handles
            .into_iter()
            .flat_map(|(part, handle)| handle.join().unwrap_or_else(|_| check_part(part)))
            .collect()
    })
}

// ---------- applying ----------

/// The highest `seq` taken from a member: anything at or below is a replay.
fn note_seq(conn: &Connection, member: &str, seq: u64) -> Result<()> {
    exec(
        conn,
        "UPDATE team_members SET last_seq = max(last_seq, ?2) WHERE member_id = ?1",
        params![member, seq as i64],
    )?;
    Ok(())
}

fn keep_aside(conn: &Connection, event: &Event) -> Result<()> {
    exec(
        conn,
        "INSERT OR IGNORE INTO team_events (id, member_id, seq, at, kind, body, applied, sig)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7)",
        params![
            event.id,
            event.member,
            event.seq as i64,
            event.at,
            event.kind,
            event.body.to_string(),
            event.sig
        ],
    )?;
    exec(
        conn,
        "UPDATE team_members SET last_seq = max(last_seq, ?2) WHERE member_id = ?1",
        params![event.member, event.seq as i64],
    )?;
    Ok(())
}

/// Tries the events kept aside again, oldest first, until none more count.
fn retry_kept_aside(conn: &Connection) -> Result<u32> {
    let mut applied = 0;
    loop {
        let waiting: Vec<Event> = conn
            .prepare(
                "SELECT id, member_id, seq, at, kind, body, sig FROM team_events
                  WHERE applied = 0 ORDER BY at, id",
            )?
            .query_map([], |row| {
                let body: String = row.get(5)?;
                Ok(Event {
                    v: EVENT_VERSION,
                    id: row.get(0)?,
                    member: row.get(1)?,
                    seq: row.get::<_, i64>(2)?.max(0) as u64,
                    at: row.get(3)?,
                    kind: row.get(4)?,
                    body: serde_json::from_str(&body).unwrap_or(Value::Null),
                    sig: row.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let before = applied;
        for event in waiting {
            if apply(conn, &event).is_ok() {
                exec(
                    conn,
                    "UPDATE team_events SET applied = 1 WHERE id = ?1",
                    [&event.id],
                )?;
                applied += 1;
            }
        }
        if applied == before {
            return Ok(applied);
        }
    }
}

#[derive(Debug, Deserialize)]
struct StoryBody {
    story_id: String,
    date: NaiveDate,
    situation: crate::Situation,
    customer: crate::Customer,
    text: String,
    #[serde(default)]
    reaction: Option<String>,
}

#[derive(Debug, Deserialize)]
struct StoryRef {
    story_id: String,
}

#[derive(Debug, Deserialize)]
struct CommentBody {
    story_id: String,
    text: String,
}

#[derive(Debug, Deserialize)]
struct ReviewBody {
    story_id: String,
    mark: String,
}

#[derive(Debug, Deserialize)]
struct ProposalBody {
    exception_id: String,
    #[serde(flatten)]
    exception: crate::ExceptionInput,
}

#[derive(Debug, Deserialize)]
struct DecisionBody {
    exception_id: String,
    decision_id: String,
    action: crate::exception::Action,
    #[serde(default)]
    note: Option<String>,
}

/// A member as the exception rules see them: their role in the team.
fn member_as_profile(conn: &Connection, event: &Event) -> Profile {
    let name: String = conn
        .query_row(
            "SELECT name FROM team_members WHERE member_id = ?1",
            [&event.member],
            |row| row.get(0),
        )
        .unwrap_or_default();
    Profile {
        id: event.member.clone(),
        display_name: name,
        role: if is_lead(conn, &event.member) {
            crate::Role::Lead
        } else {
            crate::Role::Staff
        },
        language: crate::Language::Sv,
        created_at: event.at,
        updated_at: event.at,
    }
}

#[derive(Debug, Deserialize)]
struct GrantBody {
    member: String,
    role: String,
}

fn body<T: for<'de> Deserialize<'de>>(event: &Event) -> std::result::Result<T, String> {
    T::deserialize(&event.body)
        .map_err(|_| format!("a {} event with a body that does not fit", event.kind))
}

/// Kept aside, to count once the signer is known as a lead, if ever.
fn from_a_lead(conn: &Connection, event: &Event, what: &str) -> std::result::Result<(), String> {
    if is_lead(conn, &event.member) {
        Ok(())
    } else {
        Err(format!("{KEPT_ASIDE}{what} from someone who is not a lead"))
    }
}

pub(crate) fn is_lead(conn: &Connection, member: &str) -> bool {
    query_one(
        conn,
        "SELECT is_lead FROM team_members WHERE member_id = ?1",
        [member],
        |row| row.get::<_, bool>(0),
    )
    .unwrap_or(false)
}

fn story_author(conn: &Connection, story_id: &str) -> Option<String> {
    query_one(
        conn,
        "SELECT author_id FROM stories WHERE story_id = ?1",
        [story_id],
        |row| row.get(0),
    )
    .ok()
}

fn check_text(text: &str) -> std::result::Result<(), String> {
    let len = text.chars().count();
    if text.trim().is_empty() || len > MAX_STORY_CHARS {
        return Err(format!("text of {len} characters is empty or too long"));
    }
    Ok(())
}

/// Applies one verified event under the authority rules, and records it.
/// Reasons that start with this keep the event aside, to be tried again
/// after every read: it may count once what it depends on has arrived.
const KEPT_ASIDE: &str = "kept aside: ";

fn apply(conn: &Connection, event: &Event) -> std::result::Result<(), String> {
    let db = |err: rusqlite::Error| err.to_string();
    match event.kind.as_str() {
        "story.shared" | "story.edited" => {
            let story: StoryBody = body(event)?;
            check_text(&story.text)?;
            if let Some(reaction) = &story.reaction {
                if reaction.chars().count() > MAX_STORY_CHARS {
                    return Err("a reaction that is too long".into());
                }
            }
            if let Some(author) = story_author(conn, &story.story_id) {
                if author != event.member {
                    return Err("an edit of someone else's story".into());
                }
            }
            exec(
                conn,
                "INSERT INTO stories (story_id, author_id, local_date, situation, customer, text,
                                      reaction, version, shared_at, withdrawn)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0)
                 ON CONFLICT (story_id) DO UPDATE SET
                     local_date = excluded.local_date, situation = excluded.situation,
                     customer = excluded.customer, text = excluded.text,
                     reaction = excluded.reaction, version = excluded.version, withdrawn = 0
                 WHERE excluded.version > stories.version",
                params![
                    story.story_id,
                    event.member,
                    story.date,
                    crate::sql::enum_text(&story.situation),
                    crate::sql::enum_text(&story.customer),
                    story.text,
                    story.reaction,
                    event.seq as i64,
                    event.at
                ],
            )
            .map_err(db)?;
        }
        "story.withdrawn" => {
            let story: StoryRef = body(event)?;
            match story_author(conn, &story.story_id) {
                Some(author) if author != event.member => {
                    return Err("a withdrawal of someone else's story".into());
                }
                Some(_) => {
                    exec(
                        conn,
                        "UPDATE stories SET withdrawn = 1, version = ?2
                          WHERE story_id = ?1 AND version < ?2",
                        params![story.story_id, event.seq as i64],
                    )
                    .map_err(db)?;
                }
                None => {}
            }
        }
        "reaction.added" => {
            let story: StoryRef = body(event)?;
            exec(conn,
                "INSERT OR IGNORE INTO story_reactions (story_id, member_id, at) VALUES (?1, ?2, ?3)",
                params![story.story_id, event.member, event.at],
            )
            .map_err(db)?;
        }
        "comment.added" => {
            let comment: CommentBody = body(event)?;
            check_text(&comment.text)?;
            exec(
                conn,
                "INSERT OR IGNORE INTO story_comments (event_id, story_id, member_id, text, at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    event.id,
                    comment.story_id,
                    event.member,
                    comment.text,
                    event.at
                ],
            )
            .map_err(db)?;
        }
        "review.marked" => {
            let review: ReviewBody = body(event)?;
            from_a_lead(conn, event, "a review")?;
            if review.mark != "reviewed" && review.mark != "featured" {
                return Err("an unknown review mark".into());
            }
            exec(
                conn,
                "INSERT INTO story_reviews (story_id, mark, by_id, at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (story_id) DO UPDATE SET mark = excluded.mark,
                     by_id = excluded.by_id, at = excluded.at
                 WHERE excluded.at >= story_reviews.at",
                params![review.story_id, review.mark, event.member, event.at],
            )
            .map_err(db)?;
        }
        "role.granted" => {
            let grant: GrantBody = body(event)?;
            from_a_lead(conn, event, "a role grant")?;
            if grant.role == "lead" {
                exec(
                    conn,
                    "UPDATE team_members SET is_lead = 1 WHERE member_id = ?1",
                    [&grant.member],
                )
                .map_err(db)?;
            }
        }
        "exception.proposed" => {
            let proposal: ProposalBody = body(event)?;
            let proposer = member_as_profile(conn, event);
            crate::exception::insert_proposal(
                conn,
                &proposal.exception_id,
                &proposal.exception,
                &proposer,
                event.at,
            )
            .map_err(|err| format!("a proposal that does not fit: {err}"))?;
        }
        "exception.decided" => {
            let decision: DecisionBody = body(event)?;
            let known: bool = conn
                .query_row(
                    "SELECT 1 FROM exception_events WHERE id = ?1",
                    [&decision.decision_id],
                    |_| Ok(true),
                )
                .optional()
                .map_err(db)?
                .unwrap_or(false);
            if !known {
                let actor = member_as_profile(conn, event);
                if decision.action != crate::exception::Action::Withdraw
                    && actor.role != crate::Role::Lead
                {
                    return Err(format!(
                        "{KEPT_ASIDE}an exception decision from someone who is not a lead"
                    ));
                }
                if crate::exception::status_of(conn, &decision.exception_id)
                    .map_err(|err| err.to_string())?
                    .is_none()
                {
                    return Err(format!("{KEPT_ASIDE}a decision on a proposal not read yet"));
                }
                crate::exception::act_in(
                    conn,
                    &decision.exception_id,
                    decision.action,
                    decision.note.as_deref(),
                    &actor,
                    event.at,
                    &decision.decision_id,
                )
                .map_err(|err| format!("an exception decision that does not apply: {err}"))?;
            }
        }
        other => return Err(format!("an unknown kind of event: {}", truncate(other, 40))),
    }
    exec(
        conn,
        "INSERT OR IGNORE INTO team_events (id, member_id, seq, at, kind, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            event.id,
            event.member,
            event.seq as i64,
            event.at,
            event.kind,
            // Stories live in their own table; only exception events are
            // looked up by their body later.
            if event.kind.starts_with("exception.") {
                event.body.to_string()
            } else {
                String::from("{}")
            }
        ],
    )
    .map_err(db)?;
    Ok(())
}

// ---------- the feed ----------

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub author_name: String,
    pub text: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Story {
    pub story_id: String,
    pub author_id: String,
    pub author_name: String,
    pub date: NaiveDate,
    pub situation: crate::Situation,
    pub customer: crate::Customer,
    pub text: String,
    pub reaction: Option<String>,
    pub applause: u32,
    pub applauded_by_me: bool,
    pub comments: Vec<Comment>,
    /// `reviewed` or `featured`, by a lead.
    pub review: Option<String>,
}

/// The feed, featured stories first, then newest first; withdrawn ones gone.
pub fn feed(
    conn: &Connection,
    me: &str,
    situation: Option<crate::Situation>,
    limit: u32,
) -> Result<Vec<Story>> {
    // Featured stories first (there are few), then the newest, walking the
    // newest-first index so that only one page is ever read.
    const COLUMNS: &str = "s.story_id, s.author_id, coalesce(m.name, ''), s.local_date,
        s.situation, s.customer, s.text, s.reaction,
        (SELECT count(*) FROM story_reactions r WHERE r.story_id = s.story_id),
        EXISTS (SELECT 1 FROM story_reactions r WHERE r.story_id = s.story_id
                                                  AND r.member_id = ?1),
        (SELECT mark FROM story_reviews v WHERE v.story_id = s.story_id)";
    let situation = situation.as_ref().map(crate::sql::enum_text);
    let from_row = |row: &rusqlite::Row<'_>| {
        Ok(Story {
            story_id: row.get(0)?,
            author_id: row.get(1)?,
            author_name: row.get(2)?,
            date: row.get(3)?,
            situation: crate::sql::enum_column(row, 4)?,
            customer: crate::sql::enum_column(row, 5)?,
            text: row.get(6)?,
            reaction: row.get(7)?,
            applause: row.get(8)?,
            applauded_by_me: row.get(9)?,
            comments: Vec::new(),
            review: row.get(10)?,
        })
    };
    let mut stories: Vec<Story> = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM story_reviews f
               JOIN stories s ON s.story_id = f.story_id
               LEFT JOIN team_members m ON m.member_id = s.author_id
              WHERE f.mark = 'featured' AND s.withdrawn = 0 AND (?2 IS NULL OR s.situation = ?2)
              ORDER BY s.local_date DESC, s.shared_at DESC LIMIT ?3"
        ))?
        .query_map(params![me, situation, limit], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    let rest: Vec<Story> = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM stories s
               LEFT JOIN team_members m ON m.member_id = s.author_id
              WHERE s.withdrawn = 0 AND (?2 IS NULL OR s.situation = ?2)
                AND NOT EXISTS (SELECT 1 FROM story_reviews f
                                 WHERE f.story_id = s.story_id AND f.mark = 'featured')
              ORDER BY s.local_date DESC, s.shared_at DESC LIMIT ?3"
        ))?
        .query_map(
            params![me, situation, limit.saturating_sub(stories.len() as u32)],
            from_row,
        )?
        .collect::<rusqlite::Result<_>>()?;
    stories.extend(rest);
    let mut comments = conn.prepare_cached(
        "SELECT coalesce(m.name, ''), c.text, c.at FROM story_comments c
           LEFT JOIN team_members m ON m.member_id = c.member_id
          WHERE c.story_id = ?1 ORDER BY c.at, c.event_id",
    )?;
    for story in &mut stories {
        story.comments = comments
            .query_map([&story.story_id], |row| {
                Ok(Comment {
                    author_name: row.get(0)?,
                    text: row.get(1)?,
                    at: row.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
    }
    Ok(stories)
}

/// The body of a `story.shared` / `story.edited` event for a moment.
pub fn story_body(moment: &crate::Moment) -> Value {
    json!({
        "story_id": moment.id,
        "date": moment.date,
        "situation": moment.situation,
        "customer": moment.customer,
        "text": moment.text,
        "reaction": moment.reaction,
    })
}

/// Brings the folder in line with what this person shares: a shared moment
/// missing from the feed (never sent, or sent while the folder was away) is
/// shared; a story no longer shared or deleted is withdrawn. Safe to repeat.
pub fn reconcile(conn: &Connection, profile: &Profile, now: DateTime<Utc>) -> Result<u32> {
    if joined(conn)?.is_none() {
        return Ok(0);
    }
    let mut sent = 0;
    let to_share: Vec<String> = conn
        .prepare(
            "SELECT m.id FROM moments m
              WHERE m.shared = 1 AND m.deleted_at IS NULL AND m.author = ?1
                AND NOT EXISTS (SELECT 1 FROM stories s WHERE s.story_id = m.id
                                 AND s.withdrawn = 0 AND s.text = m.text
                                 AND s.local_date = m.local_date
                                 AND s.situation = m.situation AND s.customer = m.customer
                                 AND s.reaction IS m.reaction)",
        )?
        .query_map([&profile.id], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in to_share {
        let moment = crate::moment::get(conn, &id)?;
        let kind = if story_author(conn, &id).is_some() {
            "story.edited"
        } else {
            "story.shared"
        };
        append(conn, profile, kind, story_body(&moment), now)?;
        sent += 1;
    }
    let to_withdraw: Vec<String> = conn
        .prepare(
            "SELECT s.story_id FROM stories s
              WHERE s.author_id = ?1 AND s.withdrawn = 0
                AND NOT EXISTS (SELECT 1 FROM moments m WHERE m.id = s.story_id
                                 AND m.shared = 1 AND m.deleted_at IS NULL)",
        )?
        .query_map([&profile.id], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in to_withdraw {
        append(
            conn,
            profile,
            "story.withdrawn",
            json!({ "story_id": id }),
            now,
        )?;
        sent += 1;
    }
    sent += reconcile_exceptions(conn, profile, now)?;
    Ok(sent)
}

/// Proposals and decisions made here that the team has not been sent yet.
fn reconcile_exceptions(conn: &Connection, profile: &Profile, now: DateTime<Utc>) -> Result<u32> {
    let mut sent = 0;
    let proposals: Vec<String> = conn
        .prepare(
            "SELECT e.id FROM exceptions e
              WHERE e.proposed_by = ?1
                AND NOT EXISTS (SELECT 1 FROM team_events t WHERE t.kind = 'exception.proposed'
                                 AND json_extract(t.body, '$.exception_id') = e.id)
              ORDER BY e.proposed_at, e.id",
        )?
        .query_map([&profile.id], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in proposals {
        let e = crate::exception::get(conn, &id)?;
        let body = json!({
            "exception_id": e.id, "rule": e.rule, "allowed": e.allowed, "limits": e.limits,
            "amount_sek": e.amount_sek, "minutes": e.minutes, "applies_when": e.applies_when,
        });
        append(conn, profile, "exception.proposed", body, now)?;
        sent += 1;
    }
    let decisions: Vec<(String, String, String, Option<String>)> = conn
        .prepare(
            "SELECT v.id, v.exception_id, v.kind, v.note FROM exception_events v
              WHERE v.actor_id = ?1 AND v.kind <> 'proposed'
                AND NOT EXISTS (SELECT 1 FROM team_events t WHERE t.kind = 'exception.decided'
                                 AND json_extract(t.body, '$.decision_id') = v.id)
              ORDER BY v.at, v.id",
        )?
        .query_map([&profile.id], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (decision_id, exception_id, kind, note) in decisions {
        let action = match kind.as_str() {
            "approved" => "approve",
            "rejected" => "reject",
            "retired" => "retire",
            _ => "withdraw",
        };
        let body = json!({
            "exception_id": exception_id, "decision_id": decision_id,
            "action": action, "note": note,
        });
        append(conn, profile, "exception.decided", body, now)?;
        sent += 1;
    }
    Ok(sent)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamMember {
    pub member_id: String,
    pub name: String,
    pub is_lead: bool,
    pub fingerprint: String,
    pub is_me: bool,
}

/// Everyone this computer knows in the team, leads first, then by name.
pub fn members(conn: &Connection, me: &str) -> Result<Vec<TeamMember>> {
    let mut stmt = conn.prepare_cached(
        "SELECT member_id, name, is_lead, public_key FROM team_members
          ORDER BY is_lead DESC, name COLLATE NOCASE, member_id",
    )?;
    let rows = stmt.query_map([], |row| {
        let member_id: String = row.get(0)?;
        let key: String = row.get(3)?;
        Ok(TeamMember {
            is_me: member_id == me,
            member_id,
            name: row.get(1)?,
            is_lead: row.get(2)?,
            fingerprint: parse_public_key(&key)
                .map(|k| fingerprint(&k))
                .unwrap_or_default(),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn is_team_lead(conn: &Connection, member: &str) -> bool {
    is_lead(conn, member)
}

//! Who is in the team: this PC's key, creating and joining a team, the
//! members and their pinned keys, and who the leads are.

use super::folder::{self, member_dir, MAX_SMALL_FILE, MEMBERS_DIR, PROFILE_FILE, TEAM_FILE};
use crate::error::{CoreError, Result};
use crate::profile::Profile;
use crate::sql::{exec, query_one};
use crate::team_event::{
    fingerprint, new_signing_key, parse_public_key, parse_secret_key, public_key_text,
    secret_key_text, EVENT_VERSION,
};
use chrono::{DateTime, Utc};
use ed25519_dalek::{SigningKey, VerifyingKey};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

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
pub struct TeamMember {
    pub member_id: String,
    pub name: String,
    pub is_lead: bool,
    pub fingerprint: String,
    pub is_me: bool,
    /// Events of theirs with lower numbers than their latest that never
    /// arrived here.
    pub missing: u32,
    /// Events of theirs that reuse a number (one key on two PCs, or a
    /// rewritten file): put aside.
    pub forks: u32,
}

fn team_error(reason: impl Into<String>) -> CoreError {
    CoreError::TeamFolder(reason.into())
}

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

pub fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T> {
    let bytes = folder::read_small(path, MAX_SMALL_FILE).map_err(|err| err.into_core(path))?;
    serde_json::from_slice(&bytes)
        .map_err(|err| team_error(format!("{} is not valid: {err}", path.display())))
}

fn write_json(path: &Path, value: &impl Serialize) -> Result<()> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|err| team_error(format!("cannot write {}: {err}", path.display())))?;
    folder::write_whole(path, text.as_bytes())
}

/// Reads team.json, with a founder key that parses.
pub fn read_team_file(folder: &Path) -> Result<TeamFile> {
    let team: TeamFile = read_json(&folder.join(TEAM_FILE))?;
    parse_public_key(&team.founder_key)
        .ok_or_else(|| team_error("team.json has no valid founder key"))?;
    Ok(team)
}

pub fn preview(folder: &Path) -> Result<TeamPreview> {
    let team = read_team_file(folder)?;
    let key = parse_public_key(&team.founder_key)
        .ok_or_else(|| team_error("team.json has no valid founder key"))?;
    Ok(TeamPreview {
        team_id: team.team_id,
        name: team.name,
        founder_fingerprint: fingerprint(&key),
    })
}

/// Writes this member's folder and profile.json (links refused).
pub fn write_member_profile(folder: &Path, profile: &Profile, key: &VerifyingKey) -> Result<()> {
    folder::ensure_dir(&folder.join(MEMBERS_DIR))?;
    let dir = member_dir(folder, &profile.id);
    folder::ensure_dir(&dir)?;
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

/// The team.json of a new team founded by this person.
pub fn new_team_file(name: &str, founder: &Profile, key: &VerifyingKey) -> Result<TeamFile> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(crate::ValidationError::TeamName.into());
    }
    Ok(TeamFile {
        v: EVENT_VERSION,
        team_id: uuid::Uuid::now_v7().to_string(),
        name: name.to_string(),
        founder: founder.id.clone(),
        founder_key: public_key_text(key),
    })
}

/// Makes `folder` a team folder: its members folder, this member's
/// profile, then team.json. Only the file system; nothing is saved here.
pub fn found_in(
    folder: &Path,
    team: &TeamFile,
    profile: &Profile,
    key: &VerifyingKey,
) -> Result<()> {
    std::fs::create_dir_all(folder).map_err(|err| folder::io_error(folder, err))?;
    if std::fs::symlink_metadata(folder.join(TEAM_FILE)).is_ok() {
        return Err(team_error(
            "this folder already holds a team; join it instead",
        ));
    }
    write_member_profile(folder, profile, key)?;
    write_json(&folder.join(TEAM_FILE), team)
}

/// Remembers the team this PC is in, pinning the founder as a lead and
/// this person with their own key.
pub fn save_team(
    conn: &Connection,
    team: &TeamFile,
    folder: &Path,
    me: &Profile,
    my_key: &VerifyingKey,
    now: DateTime<Utc>,
) -> Result<()> {
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
    exec(
        conn,
        "INSERT INTO team_members (member_id, name, public_key) VALUES (?1, '', ?2)
         ON CONFLICT (member_id) DO NOTHING",
        params![team.founder, team.founder_key],
    )?;
    exec(
        conn,
        "INSERT OR IGNORE INTO team_leads (member_id) VALUES (?1)",
        [&team.founder],
    )?;
    exec(
        conn,
        "INSERT INTO team_members (member_id, name, public_key) VALUES (?1, ?2, ?3)
         ON CONFLICT (member_id) DO UPDATE SET name = excluded.name",
        params![me.id, me.display_name, public_key_text(my_key)],
    )?;
    Ok(())
}

/// Forgets the team on this computer; nothing in the folder is touched.
pub fn leave(conn: &mut Connection) -> Result<()> {
    let tx = conn.transaction()?;
    for table in [
        "team",
        "team_members",
        "team_leads",
        "team_events",
        "team_forks",
        "team_files",
        "team_skips",
        "own_events",
        "own_file",
        "stories",
        "story_reactions",
        "story_comments",
        "story_reviews",
    ] {
        tx.execute(&format!("DELETE FROM {table}"), [])?;
    }
    tx.commit()?;
    Ok(())
}

/// The team this PC is in: its folder and id.
#[derive(Debug, Clone)]
pub struct Joined {
    pub folder: PathBuf,
}

pub fn joined(conn: &Connection) -> Result<Option<Joined>> {
    Ok(conn
        .query_row("SELECT folder FROM team", [], |row| {
            Ok(Joined {
                folder: PathBuf::from(row.get::<_, String>(0)?),
            })
        })
        .optional()?)
}

fn print(text: &str) -> String {
    parse_public_key(text)
        .map(|k| fingerprint(&k))
        .unwrap_or_default()
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
    Ok(Some(TeamInfo {
        team_id,
        name,
        folder,
        founder_fingerprint: print(&founder_key),
        my_fingerprint: mine.as_deref().map(print).unwrap_or_default(),
        members,
    }))
}

/// Everyone this computer knows in the team, leads first, then by name.
pub fn members(conn: &Connection, me: &str) -> Result<Vec<TeamMember>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.member_id, m.name, l.member_id IS NOT NULL, m.public_key, m.missing, m.forks
           FROM team_members m LEFT JOIN team_leads l ON l.member_id = m.member_id
          ORDER BY l.member_id IS NULL, m.name COLLATE NOCASE, m.member_id",
    )?;
    let rows = stmt.query_map([], |row| {
        let member_id: String = row.get(0)?;
        let key: String = row.get(3)?;
        Ok(TeamMember {
            is_me: member_id == me,
            member_id,
            name: row.get(1)?,
            is_lead: row.get(2)?,
            fingerprint: print(&key),
            missing: row.get(4)?,
            forks: row.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn is_lead(conn: &Connection, member: &str) -> bool {
    query_one(
        conn,
        "SELECT EXISTS (SELECT 1 FROM team_leads WHERE member_id = ?1)",
        [member],
        |row| row.get::<_, bool>(0),
    )
    .unwrap_or(false)
}

/// The keys pinned so far, by member.
pub fn pinned_keys(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached("SELECT member_id, public_key FROM team_members")?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Pins a member's key at first sight of their profile.json.
pub fn pin(conn: &Connection, member: &str, name: &str, key: &str) -> Result<()> {
    exec(
        conn,
        "INSERT INTO team_members (member_id, name, public_key) VALUES (?1, ?2, ?3)
         ON CONFLICT (member_id) DO NOTHING",
        params![member, truncate(name, 60), key],
    )?;
    Ok(())
}

pub fn rename(conn: &Connection, member: &str, name: &str) -> Result<()> {
    exec(
        conn,
        "UPDATE team_members SET name = ?2 WHERE member_id = ?1 AND name <> ?2",
        params![member, truncate(name, 60)],
    )?;
    Ok(())
}

pub fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

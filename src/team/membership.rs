//! Who is in the team: creating and joining a team, the members and their
//! pinned keys, and who the leads are (this PC's own key is `keys`'s).

use crate::error::{CoreError, Result};
use crate::folder::{self, member_dir, MAX_SMALL_FILE, MEMBERS_DIR, PROFILE_FILE, TEAM_FILE};
// The folder's writer still names it from here.
pub(crate) use crate::keys::device_key;
use crate::profile::Profile;
use crate::sql::{exec, query_one};
use crate::team_event::{
    fingerprint, parse_public_key, public_key_text, EVENT_VERSION, LEGACY_VERSION,
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
    /// Format 2: signed by the founder with the rest.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub founder_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
    /// On the upgrade from format 1: the founder's format-1 events count up
    /// to this number.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub legacy_until: u64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sig: String,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl TeamFile {
    fn unsigned(&self) -> TeamFile {
        TeamFile {
            sig: String::new(),
            ..self.clone()
        }
    }

    pub fn sign(mut self, key: &SigningKey) -> TeamFile {
        self.sig = crate::team_event::sign_value(&self.unsigned(), key);
        self
    }
}

/// Is a format-2 team.json signed by the founder key it names?
pub fn team_file_is_signed(team: &TeamFile) -> bool {
    parse_public_key(&team.founder_key)
        .is_some_and(|key| crate::team_event::verify_value(&team.unsigned(), &team.sig, &key))
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
    /// Whether a cloud provider keeps the folder (Fanday then offers to
    /// keep it on this PC).
    pub cloud: crate::folder::cloud::CloudFolder,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamInfo {
    pub team_id: String,
    pub name: String,
    pub folder: String,
    pub founder_fingerprint: String,
    pub my_fingerprint: String,
    pub members: u32,
    /// This person in the team: `admitted`, `pending` (waiting for a lead
    /// to let them in), `returning`, `declined` or `removed`.
    pub my_status: String,
    /// The team folder's format: 1 until its founder has updated Fanday.
    pub format: u32,
    /// Where this PC's key is kept: `keyring` or `file`.
    pub key_kept_in: String,
    /// Whether a cloud provider keeps the folder, and keeps it on this PC.
    pub cloud: crate::folder::cloud::CloudFolder,
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
    /// `admitted`, `pending` (asks to join), `returning` (asks to come back
    /// with a new key), `asks_to_follow` (read-only, for a region),
    /// `follower`, `declined` or `removed`.
    pub status: String,
    /// Stories they shared while their request waits: seen by leads only.
    pub waiting_stories: Vec<String>,
}

/// A team folder is named by its whole path: a relative one would be
/// looked for wherever Fanday happened to be started (and on Linux a
/// pasted `\\server\share\…` is one).
pub fn whole_path(folder: &Path) -> Result<()> {
    if folder.is_absolute() {
        Ok(())
    } else {
        Err(crate::ValidationError::TeamFolderPath.into())
    }
}

fn team_error(reason: impl Into<String>) -> CoreError {
    CoreError::TeamFolder(reason.into())
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

/// Reads team.json: a founder key that parses and, in format 2, the
/// founder's signature over it.
pub fn read_team_file(folder: &Path) -> Result<TeamFile> {
    let team: TeamFile = read_json(&folder.join(TEAM_FILE))?;
    parse_public_key(&team.founder_key)
        .ok_or_else(|| team_error("team.json has no valid founder key"))?;
    match team.v {
        LEGACY_VERSION => Ok(team),
        EVENT_VERSION if team_file_is_signed(&team) => Ok(team),
        EVENT_VERSION => Err(team_error(
            "team.json is not signed by the founder it names",
        )),
        v => Err(team_error(format!(
            "team.json is of format {v}, unknown to this Fanday; update Fanday"
        ))),
    }
}

pub fn preview(folder: &Path) -> Result<TeamPreview> {
    preview_of(read_team_file(folder)?)
}

/// What a person compares before joining, from a team.json already read.
pub fn preview_of(team: TeamFile) -> Result<TeamPreview> {
    let key = parse_public_key(&team.founder_key)
        .ok_or_else(|| team_error("team.json has no valid founder key"))?;
    Ok(TeamPreview {
        team_id: team.team_id,
        name: team.name,
        founder_fingerprint: fingerprint(&key),
        cloud: Default::default(),
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

/// The signed team.json of a new team founded by this person.
pub fn new_team_file(
    name: &str,
    founder: &Profile,
    key: &SigningKey,
    now: DateTime<Utc>,
) -> Result<TeamFile> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(crate::ValidationError::TeamName.into());
    }
    Ok(TeamFile {
        v: EVENT_VERSION,
        team_id: uuid::Uuid::now_v7().to_string(),
        name: name.to_string(),
        founder: founder.id.clone(),
        founder_key: public_key_text(&key.verifying_key()),
        founder_name: truncate(&founder.display_name, 60),
        created_at: Some(now),
        legacy_until: 0,
        sig: String::new(),
    }
    .sign(key))
}

/// Writes team.json again (the founder's upgrade to format 2).
pub fn write_team_file(folder: &Path, team: &TeamFile) -> Result<()> {
    write_json(&folder.join(TEAM_FILE), team)
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
    follows: bool,
) -> Result<()> {
    exec(
        conn,
        "INSERT OR REPLACE INTO team (singleton, team_id, name, folder, founder_id, founder_key,
                                      joined_at, format, created_at, founder_name, follows)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            team.team_id,
            team.name,
            folder.display().to_string(),
            team.founder,
            team.founder_key,
            now,
            team.v,
            team.created_at,
            team.founder_name,
            follows
        ],
    )?;
    exec(
        conn,
        "INSERT INTO team_members (member_id, name, public_key, status)
         VALUES (?1, ?2, ?3, 'admitted')
         ON CONFLICT (member_id) DO NOTHING",
        params![team.founder, team.founder_name, team.founder_key],
    )?;
    exec(
        conn,
        "INSERT OR IGNORE INTO team_leads (member_id) VALUES (?1)",
        [&team.founder],
    )?;
    // In format 2 a joiner counts once a lead admits them.
    let status = if follows {
        "asks_to_follow"
    } else if team.v == EVENT_VERSION && me.id != team.founder {
        "pending"
    } else {
        "admitted"
    };
    exec(
        conn,
        "INSERT INTO team_members (member_id, name, public_key, status) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (member_id) DO UPDATE SET name = excluded.name",
        params![me.id, me.display_name, public_key_text(my_key), status],
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
        "story_texts",
        "own_events",
        "own_file",
        "stories",
        "story_reactions",
        "story_comments",
        "story_reviews",
        "team_tallies",
        "team_tally_stops",
        "team_recognition",
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
    /// Followed read-only (a region's view): nothing of this person's is
    /// shared or tallied, and no story file is read.
    pub follows: bool,
}

pub fn joined(conn: &Connection) -> Result<Option<Joined>> {
    Ok(conn
        .query_row("SELECT folder, follows FROM team", [], |row| {
            Ok(Joined {
                folder: PathBuf::from(row.get::<_, String>(0)?),
                follows: row.get(1)?,
            })
        })
        .optional()?)
}

/// Is this person a member of the team in this store (not only a
/// follower): the one who shares and tallies?
pub fn in_team(conn: &Connection) -> Result<bool> {
    Ok(joined(conn)?.is_some_and(|team| !team.follows))
}

/// Is the team in this store one followed read-only?
pub fn follows(conn: &Connection) -> Result<bool> {
    Ok(joined(conn)?.is_some_and(|team| team.follows))
}

fn print(text: &str) -> String {
    parse_public_key(text)
        .map(|k| fingerprint(&k))
        .unwrap_or_default()
}

pub fn info(conn: &Connection) -> Result<Option<TeamInfo>> {
    let row: Option<(String, String, String, String, u32)> = conn
        .query_row(
            "SELECT team_id, name, folder, founder_key, format FROM team",
            [],
            |row| row.try_into(),
        )
        .optional()?;
    let Some((team_id, name, folder, founder_key, format)) = row else {
        return Ok(None);
    };
    let my_status: String = query_one(
        conn,
        "SELECT coalesce((SELECT status FROM team_members
                           WHERE member_id = (SELECT id FROM profile)), 'pending')",
        [],
        |row| row.get(0),
    )?;
    Ok(Some(TeamInfo {
        team_id,
        name,
        folder,
        founder_fingerprint: print(&founder_key),
        my_fingerprint: crate::keys::device_key_text(conn)?
            .as_deref()
            .map(print)
            .unwrap_or_default(),
        members: admitted_members(conn)?,
        my_status,
        format,
        key_kept_in: crate::keys::key_place(conn)?,
        cloud: Default::default(),
    }))
}

/// Who the team counts now, as a condition on `team_members`: admitted,
/// also while a request to come back with another key waits (which anyone
/// can write; the key the member has still counts until a lead lets the
/// new one in).
pub const COUNTED: &str = "status IN ('admitted', 'returning') AND public_key <> ''";

/// How many members the team counts now.
pub fn admitted_members(conn: &Connection) -> Result<u32> {
    Ok(query_one(
        conn,
        &format!("SELECT count(*) FROM team_members WHERE {COUNTED}"),
        [],
        |row| row.get(0),
    )?)
}

/// Whether anyone follows the team (a region let in by a lead).
pub fn has_followers(conn: &Connection) -> Result<bool> {
    Ok(query_one(
        conn,
        "SELECT EXISTS (SELECT 1 FROM team_members WHERE status = 'follower')",
        [],
        |row| row.get(0),
    )?)
}

/// Everyone this computer knows in the team, leads first, then by name;
/// requests to join after the members.
pub fn members(conn: &Connection, me: &str) -> Result<Vec<TeamMember>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.member_id, m.name, l.member_id IS NOT NULL, m.public_key, m.missing, m.forks,
                m.status
           FROM team_members m LEFT JOIN team_leads l ON l.member_id = m.member_id
          WHERE m.status <> 'unknown' AND m.public_key <> ''
          ORDER BY m.status IN ('pending', 'returning'), l.member_id IS NULL,
                   m.name COLLATE NOCASE, m.member_id",
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
            status: row.get(6)?,
            waiting_stories: Vec::new(),
        })
    })?;
    let mut members: Vec<TeamMember> = rows.collect::<rusqlite::Result<_>>()?;
    let mut kept =
        conn.prepare_cached("SELECT text FROM story_texts WHERE story_key = ?1 AND hash = ?2")?;
    // What someone waiting shared is for leads only, in their request.
    let lead = is_lead(conn, me);
    for member in &mut members {
        if !lead || !matches!(member.status.as_str(), "pending" | "returning") {
            continue;
        }
        for (author, story) in super::events::waiting_stories(conn, Some(&member.member_id))? {
            let Some(hash) = story.hash else { continue };
            let key = format!("{author}/{}", story.story_id);
            if let Some(text) = kept.query_row([&key, &hash], |row| row.get(0)).optional()? {
                member.waiting_stories.push(text);
            }
            if member.waiting_stories.len() == 20 {
                break;
            }
        }
    }
    Ok(members)
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

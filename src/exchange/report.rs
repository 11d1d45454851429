//! What reading the folder found, for the Team screen's status line: what
//! was not taken (one row per file and reason, at most a few hundred in
//! all), whose events are missing or reuse a number, and what waits to be
//! sent.

use crate::error::Result;
use crate::sql::exec;
use crate::team::refusal::Refusal;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use serde::Serialize;
use std::collections::HashMap;

/// At most this many rows of what was skipped are kept.
pub const MAX_SKIP_ROWS: i64 = 300;
/// What does not fit is summed per reason under this path.
const OVERFLOW_PATH: &str = "…";
/// Rows for single files: the rest of the table is kept for one overflow
/// row per reason at most, so it never holds more than [`MAX_SKIP_ROWS`].
const FILE_ROWS: i64 = MAX_SKIP_ROWS - Refusal::ALL.len() as i64;

fn rows(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM team_skips", [], |row| row.get(0))?)
}

/// What was not taken from one file, for one reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skip {
    pub path: String,
    pub code: &'static str,
    /// In English, for logs; the window words it from `code`.
    pub reason: String,
    pub count: u64,
    /// Where in the file the first such line starts, in bytes.
    pub first_offset: Option<u64>,
}

/// Why this PC's events could not be sent: the error's code, which the
/// window words, and its message, for logs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SendError {
    pub code: &'static str,
    pub message: String,
}

/// A member some of whose events never arrived, or reuse a number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    pub member_id: String,
    pub name: String,
    pub missing: u32,
    pub forks: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct ReadReport {
    pub new_events: u32,
    pub bytes_read: u64,
    /// The pass stopped at its budget; the next one goes on.
    pub more: bool,
    pub folder_missing: bool,
    /// This read brought a lead's grant that made this PC's person a lead.
    pub became_lead: bool,
    /// This PC's own team file was damaged and written again.
    pub healed: bool,
    /// What stood where Fanday writes in this PC's own folder (a file, a
    /// link or a pipe where its stories folder belongs, say) and was
    /// removed or moved aside, by path in the team folder; told once.
    pub replaced: Vec<String>,
    /// Events made here that are not in the folder yet.
    pub waiting_to_send: u32,
    /// Why they could not be sent, when they could not.
    pub send_error: Option<SendError>,
    /// Why those who follow the team (a region) do not get this member's
    /// weekly numbers just now: their copies could not be written. Only
    /// where someone follows.
    pub followers_error: Option<SendError>,
    pub skipped: Vec<Skip>,
    pub gaps: Vec<Gap>,
    /// Files that cannot be read just now (online-only, held by another
    /// program, on a share that is away), tried again later.
    pub waiting_files: Vec<crate::folder::waits::WaitingFile>,
}

/// Skips gathered while taking a batch, saved in one go.
#[derive(Debug, Default)]
pub struct SkipBook(HashMap<(String, Refusal), (u64, u64)>);

impl SkipBook {
    pub fn add(&mut self, path: &str, refusal: Refusal, count: u64, first: u64) {
        let entry = self
            .0
            .entry((path.to_string(), refusal))
            .or_insert((0, first));
        entry.0 += count;
        entry.1 = entry.1.min(first);
    }

    pub fn save(self, conn: &Connection, now: DateTime<Utc>) -> Result<()> {
        for ((path, refusal), (count, first)) in self.0 {
            add_skip(conn, &path, refusal, count, Some(first), false, now)?;
        }
        Ok(())
    }
}

fn add_skip(
    conn: &Connection,
    path: &str,
    refusal: Refusal,
    count: u64,
    first: Option<u64>,
    whole_file: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let count = count.min(i64::MAX as u64) as i64;
    let updated = exec(
        conn,
        "UPDATE team_skips SET count = min(count + ?3, 9223372036854775807), at = ?4
          WHERE path = ?1 AND reason = ?2",
        params![path, refusal.code(), count, now],
    )?;
    if updated > 0 {
        return Ok(());
    }
    let path = if rows(conn)? < FILE_ROWS {
        path
    } else {
        OVERFLOW_PATH
    };
    exec(
        conn,
        "INSERT INTO team_skips (path, reason, count, first_offset, whole_file, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (path, reason) DO UPDATE SET count = count + excluded.count, at = excluded.at",
        params![
            path,
            refusal.code(),
            count,
            first.map(|n| n.min(i64::MAX as u64) as i64),
            whole_file,
            now
        ],
    )?;
    Ok(())
}

/// Which files are to be read again from their start.
pub enum ReadAgain<'a> {
    /// One file, by its path in the team folder.
    File(&'a str),
    /// Every file of one member.
    Member(&'a str),
}

pub fn read_again(conn: &Connection, which: ReadAgain<'_>) -> Result<()> {
    let (files, key) = match which {
        ReadAgain::File(path) => ("path = ?1", path),
        ReadAgain::Member(member) => ("member_id = ?1", member),
    };
    exec(
        conn,
        &format!(
            "UPDATE team_files SET read_to = 0, tail_hash = '', long_line_from = NULL,
                    seen_len = NULL, seen_modified = NULL
              WHERE {files}"
        ),
        [key],
    )?;
    Ok(())
}

/// A file read from its start: what was counted of its lines before is
/// counted again by this read, so each rejected line counts once (a rewind
/// stays on record: it happened).
pub fn forget_line_skips(conn: &Connection, path: &str) -> Result<()> {
    exec(
        conn,
        "DELETE FROM team_skips WHERE path = ?1 AND whole_file = 0 AND reason <> 'rewound'",
        [path],
    )?;
    Ok(())
}

/// A file that is gone: how far it was read and what it held that was not
/// taken are forgotten.
pub fn forget_file(conn: &Connection, path: &str) -> Result<()> {
    exec(conn, "DELETE FROM team_files WHERE path = ?1", [path])?;
    exec(conn, "DELETE FROM team_skips WHERE path = ?1", [path])?;
    Ok(())
}

/// The whole-file refusals are looked at again at every pass: the ones of
/// this pass replace the last pass's.
pub fn replace_whole_file_skips(
    conn: &Connection,
    found: &[(String, Refusal)],
    now: DateTime<Utc>,
) -> Result<()> {
    exec(conn, "DELETE FROM team_skips WHERE whole_file = 1", [])?;
    for (path, refusal) in found {
        add_whole_file_skip(conn, path, *refusal, now)?;
    }
    Ok(())
}

/// One file refused as a whole, said once however many passes find it
/// (the whole-file rows are replaced at every pass); where there is no
/// room left, it is counted in its reason's overflow row.
pub fn add_whole_file_skip(
    conn: &Connection,
    path: &str,
    refusal: Refusal,
    now: DateTime<Utc>,
) -> Result<()> {
    let known: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM team_skips WHERE path = ?1 AND reason = ?2)",
        params![path, refusal.code()],
        |row| row.get(0),
    )?;
    if known {
        return Ok(());
    }
    let path = if rows(conn)? < FILE_ROWS {
        path
    } else {
        OVERFLOW_PATH
    };
    exec(
        conn,
        "INSERT INTO team_skips (path, reason, count, first_offset, whole_file, at)
         VALUES (?1, ?2, 1, NULL, 1, ?3)
         ON CONFLICT (path, reason) DO UPDATE SET count = count + 1, at = excluded.at",
        params![path, refusal.code(), now],
    )?;
    Ok(())
}

/// What was skipped, whole files first, then by path.
pub fn skips(conn: &Connection) -> Result<Vec<Skip>> {
    let mut stmt = conn.prepare_cached(
        "SELECT path, reason, count, first_offset FROM team_skips
          ORDER BY whole_file DESC, path, reason LIMIT ?1",
    )?;
    let rows = stmt.query_map([MAX_SKIP_ROWS], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, i64>(2)?,
            row.get::<_, Option<i64>>(3)?,
        ))
    })?;
    let mut found: Vec<(String, String, i64, Option<i64>)> =
        rows.collect::<rusqlite::Result<_>>()?;
    // What waits: kept aside in the store, per member and reason, as it is
    // now (a later admission or rebuild may have taken it since).
    let waiting = crate::team::events::kept_aside_counts(conn, MAX_SKIP_ROWS)?;
    found.extend(
        waiting
            .into_iter()
            .map(|(member, reason, count)| (format!("members/{member}/"), reason, count, None)),
    );
    let mut skips = Vec::new();
    for row in found {
        let (path, code, count, first) = row;
        let Some(refusal) = Refusal::from_code(&code) else {
            continue;
        };
        skips.push(Skip {
            path,
            code: refusal.code(),
            reason: refusal.text().to_string(),
            count: count.max(0) as u64,
            first_offset: first.map(|n| n.max(0) as u64),
        });
    }
    Ok(skips)
}

/// Members with events that never arrived or that reuse a number.
pub fn gaps(conn: &Connection) -> Result<Vec<Gap>> {
    let mut stmt = conn.prepare_cached(
        "SELECT member_id, name, missing, forks FROM team_members
          WHERE missing > 0 OR forks > 0 ORDER BY name COLLATE NOCASE, member_id",
    )?;
    let rows = stmt.query_map([], |row| {
        Ok(Gap {
            member_id: row.get(0)?,
            name: row.get(1)?,
            missing: row.get(2)?,
            forks: row.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn waiting_to_send(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row(
        "SELECT count(*) FROM own_events WHERE written = 0",
        [],
        |row| row.get(0),
    )?)
}

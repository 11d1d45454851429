//! The log: every verified event of the team this PC has, as one row type
//! (`team_events`), and every query on it. Accepting is a set union: an
//! event is stored once, by its key, whatever order it came in and
//! whatever it means; what it means is the fold's (`fold`).

use super::accepted::{Accepted, Outcome};
use super::body::Body;
use super::refusal::Refusal;
use crate::error::Result;
use crate::sql::exec;
use crate::team_event::{parse_public_key, public_key_text, Event, LEGACY_VERSION};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};

/// The event as the store names it: ids belong to their author.
pub fn event_key(event: &Event) -> String {
    format!("{}/{}", event.member, event.identity())
}

/// A verified event, as the log keeps it (its body parsed here where it
/// was not yet).
pub fn accepted(event: &Event, hash: &str, signer: ed25519_dalek::VerifyingKey) -> Accepted {
    accepted_typed(event, hash, signer, Body::parse(&event.kind, &event.body))
}

/// As [`accepted`], with the body parsed when it was verified.
pub fn accepted_typed(
    event: &Event,
    hash: &str,
    signer: ed25519_dalek::VerifyingKey,
    body: Result<Body, Refusal>,
) -> Accepted {
    Accepted {
        key: event_key(event),
        member: event.member.clone(),
        seq: event.seq,
        v: event.v,
        hash: if event.v == LEGACY_VERSION {
            event.id.clone()
        } else {
            hash.to_string()
        },
        prev: event.prev.clone(),
        at: event.at,
        signer: Some(signer),
        body,
    }
}

/// Stores `event` once, as counted until the fold says otherwise (only
/// what does not count is written back); returns whether it was new.
pub fn insert(conn: &Connection, event: &Event, accepted: &Accepted) -> Result<bool> {
    let added = exec(
        conn,
        "INSERT OR IGNORE INTO team_events (id, member_id, seq, at, kind, body, applied, reason,
                                            sig, hash, prev, v, signer)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, NULL, '', ?7, ?8, ?9, ?10)",
        params![
            accepted.key,
            event.member,
            event.seq as i64,
            event.at,
            event.kind,
            event.body.to_string(),
            accepted.hash,
            event.prev,
            event.v,
            accepted
                .signer
                .as_ref()
                .map(public_key_text)
                .unwrap_or_default()
        ],
    )?;
    Ok(added > 0)
}

type Row = (
    String,
    String,
    i64,
    DateTime<Utc>,
    String,
    String,
    u32,
    String,
    Option<String>,
    Option<String>,
);

/// Keys as the log writes them, parsed once each (a key is a point on a
/// curve, costly to read; a team has a few hundred at most).
#[derive(Default)]
struct Keys(std::collections::HashMap<String, Option<ed25519_dalek::VerifyingKey>>);

impl Keys {
    fn parse(&mut self, text: String) -> Option<ed25519_dalek::VerifyingKey> {
        if let Some(key) = self.0.get(&text) {
            return *key;
        }
        let key = parse_public_key(&text);
        self.0.insert(text, key);
        key
    }
}

fn from_row(row: Row, keys: &mut Keys) -> Accepted {
    let (key, member, seq, at, kind, body, v, signer, hash, prev) = row;
    let body = Body::parse_text(&kind, &body);
    // A format-1 event's identity is its id (the key's second part).
    let identity = key.split_once('/').map(|(_, id)| id.to_string());
    Accepted {
        hash: hash
            .filter(|_| v != LEGACY_VERSION)
            .or(identity)
            .unwrap_or_default(),
        key,
        member,
        seq: seq.max(0) as u64,
        v,
        prev,
        at,
        signer: keys.parse(signer),
        body,
    }
}

const COLUMNS: &str = "id, member_id, seq, at, kind, body, v, signer, hash, prev";

fn read_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
        row.get(7)?,
        row.get(8)?,
        row.get(9)?,
    ))
}

/// The whole log.
pub fn all(conn: &Connection) -> Result<Vec<Accepted>> {
    let rows: Vec<Row> = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM team_events"))?
        .query_map([], read_row)?
        .collect::<rusqlite::Result<_>>()?;
    let mut keys = Keys::default();
    Ok(rows
        .into_iter()
        .map(|row| from_row(row, &mut keys))
        .collect())
}

/// The events stored after the row `rowid`.
pub fn since(conn: &Connection, rowid: i64) -> Result<Vec<Accepted>> {
    let rows: Vec<Row> = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM team_events WHERE rowid > ?1 ORDER BY rowid"
        ))?
        .query_map([rowid], read_row)?
        .collect::<rusqlite::Result<_>>()?;
    let mut keys = Keys::default();
    Ok(rows
        .into_iter()
        .map(|row| from_row(row, &mut keys))
        .collect())
}

/// How many events were stored after the row `rowid`.
pub fn count_since(conn: &Connection, rowid: i64) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM team_events WHERE rowid > ?1",
        [rowid],
        |row| row.get(0),
    )?)
}

/// How many times events were taken out of the log (the setting's key).
const TAKEN_OUT: &str = "team.log.taken_out";

/// What the log holds now, in two numbers (its last row, and how many
/// times events were taken out of it), both at once: a change to them
/// means the log changed.
pub fn version(conn: &Connection) -> Result<(i64, i64)> {
    Ok(conn.query_row(
        "SELECT coalesce((SELECT max(rowid) FROM team_events), 0),
                coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = ?1), 0)",
        [TAKEN_OUT],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?)
}

/// Takes an event out of the log (one of this PC's own never written, to
/// be signed again with another number).
pub fn delete(conn: &Connection, key: &str) -> Result<()> {
    exec(conn, "DELETE FROM team_events WHERE id = ?1", [key])?;
    exec(
        conn,
        "INSERT INTO settings (key, value) VALUES (?1, '1')
         ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
        [TAKEN_OUT],
    )?;
    Ok(())
}

/// Writes what became of events, for the Team status.
pub fn record(conn: &Connection, key: &str, outcome: Outcome) -> Result<()> {
    exec(
        conn,
        "UPDATE team_events SET applied = ?2, reason = ?3 WHERE id = ?1",
        params![
            key,
            outcome.applied_flag(),
            outcome.refusal().map(Refusal::code)
        ],
    )?;
    Ok(())
}

/// The member's highest line of their own that is not put aside, with its
/// hash: where a lead's step about them holds from (lines anyone else
/// wrote into their folder never raise it).
pub fn own_end(
    conn: &Connection,
    member: &str,
    is_own: impl Fn(&Accepted) -> bool,
) -> Result<Option<(u64, String)>> {
    let rows: Vec<Row> = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM team_events
              WHERE member_id = ?1 AND reason IS NOT 'fork' ORDER BY seq DESC"
        ))?
        .query_map([member], read_row)?
        .collect::<rusqlite::Result<_>>()?;
    let mut keys = Keys::default();
    Ok(rows
        .into_iter()
        .map(|row| from_row(row, &mut keys))
        .find(|event| is_own(event))
        .map(|event| (event.seq, event.hash)))
}

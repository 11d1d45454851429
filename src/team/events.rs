//! The log: every verified event of the team this PC has, as one row type
//! (`team_events`), and every query on it. Accepting is a set union: an
//! event is stored once, by its key, whatever order it came in and
//! whatever it means; what it means is the fold's (`fold`).

use super::accepted::{Accepted, Outcome};
use super::body::{kind, Body, StoryBody};
use super::refusal::Refusal;
use crate::error::Result;
use crate::sql::exec;
use crate::team_event::{parse_public_key, public_key_text, Event, LEGACY_VERSION};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use std::sync::Arc;

/// The event as the store names it: ids belong to their author.
pub fn event_key(event: &Event) -> String {
    key_of(&event.member, &event.identity())
}

fn key_of(member: &str, identity: &str) -> String {
    format!("{member}/{identity}")
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
    // The event's identity, as `event_key` says it, from the hash worked
    // out when it was verified.
    let identity = if event.v == LEGACY_VERSION {
        event.id.clone()
    } else {
        hash.to_string()
    };
    Accepted {
        key: key_of(&event.member, &identity),
        member: event.member.clone(),
        seq: event.seq,
        v: event.v,
        hash: identity,
        prev: event.prev.clone(),
        at: event.at,
        signer: Some(Arc::new(signer)),
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
                .map(|key| public_key_text(key))
                .unwrap_or_default()
        ],
    )?;
    Ok(added > 0)
}

/// Keys as the log writes them, parsed once each (a key is a point on a
/// curve, costly to read; a team has a few hundred at most).
#[derive(Default)]
struct Keys(std::collections::HashMap<String, Option<Arc<ed25519_dalek::VerifyingKey>>>);

impl Keys {
    fn parse(&mut self, text: String) -> Option<Arc<ed25519_dalek::VerifyingKey>> {
        if let Some(key) = self.0.get(&text) {
            return key.clone();
        }
        let key = parse_public_key(&text).map(Arc::new);
        self.0.insert(text, key.clone());
        key
    }
}

/// Whether this store's log is a follower's (its bodies are its own
/// making, not the lines as they came).
fn followers_log(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT coalesce((SELECT follows FROM team), 0)",
        [],
        |row| row.get(0),
    )
}

fn from_row(
    row: &rusqlite::Row<'_>,
    keys: &mut Keys,
    followers: bool,
) -> rusqlite::Result<Accepted> {
    let (key, v, hash): (String, u32, Option<String>) = (row.get(0)?, row.get(6)?, row.get(8)?);
    // A format-1 event's identity is its id (the key's second part).
    let identity = key.split_once('/').map(|(_, id)| id.to_string());
    Ok(Accepted {
        hash: hash
            .filter(|_| v != LEGACY_VERSION)
            .or(identity)
            .unwrap_or_default(),
        key,
        member: row.get(1)?,
        seq: row.get::<_, i64>(2)?.max(0) as u64,
        v,
        prev: row.get(9)?,
        at: row.get(3)?,
        signer: keys.parse(row.get(7)?),
        body: Body::parse_logged(
            &row.get::<_, String>(4)?,
            &row.get::<_, String>(5)?,
            followers,
        ),
    })
}

const COLUMNS: &str = "id, member_id, seq, at, kind, body, v, signer, hash, prev";

/// The whole log.
pub fn all(conn: &Connection) -> Result<Vec<Accepted>> {
    // Sized once: a log of a hundred thousand events grown by doubling
    // would hold both the old and the new copy for a moment.
    let count: i64 = conn.query_row("SELECT count(*) FROM team_events", [], |row| row.get(0))?;
    let mut all = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
    select_into(conn, "", [], &mut all)?;
    Ok(all)
}

/// The events stored after the row `rowid`.
pub fn since(conn: &Connection, rowid: i64) -> Result<Vec<Accepted>> {
    select(conn, "WHERE rowid > ?1 ORDER BY rowid", [rowid])
}

/// The log's events `tail` (a WHERE and ORDER BY) picks, each signer's key
/// parsed once.
fn select(conn: &Connection, tail: &str, params: impl rusqlite::Params) -> Result<Vec<Accepted>> {
    let mut events = Vec::new();
    select_into(conn, tail, params, &mut events)?;
    Ok(events)
}

fn select_into(
    conn: &Connection,
    tail: &str,
    params: impl rusqlite::Params,
    events: &mut Vec<Accepted>,
) -> Result<()> {
    let mut keys = Keys::default();
    let followers = followers_log(conn)?;
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM team_events {tail}"))?;
    let mut rows = stmt.query(params)?;
    while let Some(row) = rows.next()? {
        events.push(from_row(row, &mut keys, followers)?);
    }
    Ok(())
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
    let tail = "WHERE member_id = ?1 AND reason IS NOT ?2 ORDER BY seq DESC";
    Ok(select(conn, tail, params![member, Refusal::Fork.code()])?
        .into_iter()
        .find(|event| is_own(event))
        .map(|event| (event.seq, event.hash)))
}

/// A member's events of these kinds, by number, typed (a body that does
/// not parse is left out: it never counted).
pub fn of_member(conn: &Connection, member: &str, kinds: &[&str]) -> Result<Vec<(u64, Body)>> {
    let kinds = serde_json::to_string(kinds).unwrap_or_default();
    let rows: Vec<(i64, String, String)> = conn
        .prepare_cached(
            "SELECT seq, kind, body FROM team_events
              WHERE member_id = ?1 AND kind IN (SELECT value FROM json_each(?2))
              ORDER BY seq",
        )?
        .query_map(params![member, kinds], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let followers = followers_log(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(seq, kind, body)| {
            Some((
                seq.max(0) as u64,
                Body::parse_logged(&kind, &body, followers).ok()?,
            ))
        })
        .collect())
}

/// Stories shared or edited by keys that wait for a lead (of one member,
/// or of all): who shared them and what they name.
pub fn waiting_stories(
    conn: &Connection,
    member: Option<&str>,
) -> Result<Vec<(String, StoryBody)>> {
    let rows: Vec<(String, String, String)> = conn
        .prepare_cached(
            "SELECT member_id, kind, body FROM team_events
              WHERE applied = 0 AND reason = ?1 AND kind IN (?2, ?3)
                AND (?4 IS NULL OR member_id = ?4)
              ORDER BY member_id, seq",
        )?
        .query_map(
            params![
                Refusal::NotAdmitted.code(),
                kind::STORY_SHARED,
                kind::STORY_EDITED,
                member
            ],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )?
        .collect::<rusqlite::Result<_>>()?;
    let followers = followers_log(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(
            |(member, kind, body)| match Body::parse_logged(&kind, &body, followers) {
                Ok(Body::StoryShared(story) | Body::StoryEdited(story)) => Some((member, story)),
                _ => None,
            },
        )
        .collect())
}

/// Every event counts again until the fold says otherwise (a fold from
/// empty writes back only what does not).
pub fn reset_outcomes(conn: &Connection) -> Result<()> {
    exec(
        conn,
        "UPDATE team_events SET applied = 1, reason = NULL WHERE applied <> 1",
        [],
    )?;
    Ok(())
}

/// Is an event that was dated ahead due by `until` (and not from before
/// `not_before`, where the team says when it began)?
pub fn dated_ahead_due(
    conn: &Connection,
    until: DateTime<Utc>,
    not_before: Option<DateTime<Utc>>,
) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM team_events
                         WHERE applied = 0 AND reason = ?1
                           AND at <= ?2 AND (?3 IS NULL OR at >= ?3))",
        params![Refusal::DateOutOfRange.code(), until, not_before],
        |row| row.get(0),
    )?)
}

/// What a member's events just after a gap vouch for: the number below
/// each, the hash it names there and the key that signed it.
pub fn vouchers(conn: &Connection, member: &str) -> Result<Vec<(u64, String, String)>> {
    let rows: Vec<(i64, String, String)> = conn
        .prepare_cached(
            "SELECT e.seq - 1, e.prev, e.signer FROM team_events e
              WHERE e.member_id = ?1 AND e.v = 2 AND e.seq > 1 AND e.prev IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM team_events p
                                 WHERE p.member_id = ?1 AND p.seq = e.seq - 1)",
        )?
        .query_map([member], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows
        .into_iter()
        .map(|(seq, prev, signer)| (seq.max(0) as u64, prev, signer))
        .collect())
}

/// A member's highest number in the log; with `signer`, only lines that
/// key signed (or that carry no signer, format 1) count.
pub fn highest_seq(conn: &Connection, member: &str, signer: Option<&str>) -> Result<u64> {
    let highest: i64 = conn.query_row(
        "SELECT coalesce(max(seq), 0) FROM team_events
          WHERE member_id = ?1 AND (?2 IS NULL OR signer = '' OR signer = ?2)",
        params![member, signer],
        |row| row.get(0),
    )?;
    Ok(highest.max(0) as u64)
}

/// The hash of a member's event at `seq`, where the log has it.
pub fn hash_at(conn: &Connection, member: &str, seq: u64) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT hash FROM team_events WHERE member_id = ?1 AND seq = ?2 AND hash IS NOT NULL",
            params![member, seq as i64],
            |row| row.get(0),
        )
        .optional()?)
}

/// When the oldest event in the log was signed.
pub fn first_at(conn: &Connection) -> Result<Option<DateTime<Utc>>> {
    Ok(conn
        .query_row("SELECT min(at) FROM team_events", [], |row| row.get(0))
        .optional()?
        .flatten())
}

/// How many events wait, per member and reason (at most `limit` rows).
pub fn kept_aside_counts(conn: &Connection, limit: i64) -> Result<Vec<(String, String, i64)>> {
    Ok(conn
        .prepare_cached(
            "SELECT member_id, reason, count(*)
               FROM team_events INDEXED BY team_events_kept_aside_by_reason
              WHERE applied = 0 AND reason IS NOT NULL
              GROUP BY member_id, reason ORDER BY member_id, reason LIMIT ?1",
        )?
        .query_map([limit], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

/// The keys a member asked to join with, by the number of the request.
pub fn requests_of(conn: &Connection, member: &str) -> Result<Vec<(u64, String)>> {
    Ok(of_member(
        conn,
        member,
        &[kind::MEMBER_REQUESTED, kind::FOLLOW_REQUESTED],
    )?
    .into_iter()
    .filter_map(|(seq, body)| match body {
        Body::MemberRequested(request) | Body::FollowRequested(request) => Some((seq, request.key)),
        _ => None,
    })
    .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::team_event::{new_signing_key, EVENT_VERSION};

    fn event(v: u32) -> Event {
        Event {
            v,
            id: "0190a1b2-0000-7000-8000-000000000001".into(),
            team: "team".into(),
            member: "member".into(),
            seq: 7,
            prev: None,
            at: chrono::DateTime::parse_from_rfc3339("2026-12-01T09:00:00Z")
                .unwrap_or_else(|err| panic!("{err}"))
                .with_timezone(&chrono::Utc),
            kind: "reaction.added".into(),
            body: serde_json::json!({"story_author": "a", "story_id": "s"}),
            sig: String::new(),
        }
    }

    /// The key an event is stored under is the one every other room names
    /// it by, in both formats, though it is made from the hash worked out
    /// when the line was verified.
    #[test]
    fn an_accepted_event_is_named_as_the_log_names_it() {
        let key = new_signing_key().unwrap_or_else(|| panic!("no randomness"));
        for v in [LEGACY_VERSION, EVENT_VERSION] {
            let event = event(v).sign(&key);
            let accepted = accepted(&event, &event.hash(), key.verifying_key());
            assert_eq!(accepted.key, event_key(&event));
            assert_eq!(accepted.hash, event.identity());
        }
    }
}

//! Taking one verified event into the store: once by id, never over
//! another event with the same number, then under the rules.

use super::body::Body;
use super::refusal::Refusal;
use super::rules::{self, Changes, Outcome};
use super::write;
use crate::error::Result;
use crate::sql::{exec, query_one};
use crate::team_event::Event;
use rusqlite::{params, Connection, OptionalExtension};

/// What taking an event came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    /// Seen before (a re-read, a copy): no news.
    Known,
    /// Another event of the member already has this number: put aside.
    Fork,
    New(Outcome),
}

pub fn take(conn: &Connection, event: &Event, me: &str, changes: &mut Changes) -> Result<Taken> {
    let known = conn
        .prepare_cached("SELECT 1 FROM team_events WHERE id = ?1")?
        .exists([&event.id])?;
    if known {
        return Ok(Taken::Known);
    }
    let seq = event.seq as i64;
    let holder: Option<String> = query_one(
        conn,
        "SELECT id FROM team_events WHERE member_id = ?1 AND seq = ?2 LIMIT 1",
        params![event.member, seq],
        |row| row.get(0),
    )
    .optional()?;
    if let Some(holder) = holder {
        // One of our own not yet in the folder gives way to what is there:
        // it is signed again with a number nobody has used.
        let gave_way = event.member == me && write::renumber_unwritten(conn, &holder, event.seq)?;
        if !gave_way {
            exec(
                conn,
                "INSERT OR IGNORE INTO team_forks (event_id, member_id, seq, line)
                 VALUES (?1, ?2, ?3, ?4)",
                params![event.id, event.member, seq, event.to_line()],
            )?;
            exec(
                conn,
                "UPDATE team_members SET forks = forks + 1 WHERE member_id = ?1",
                [&event.member],
            )?;
            return Ok(Taken::Fork);
        }
    }
    let kept_body = if Body::keeps_body(&event.kind) {
        event.body.to_string()
    } else {
        String::from("{}")
    };
    exec(
        conn,
        "INSERT INTO team_events (id, member_id, seq, at, kind, body, applied, sig)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, '')",
        params![event.id, event.member, seq, event.at, event.kind, kept_body],
    )?;
    let outcome = match Body::parse(&event.kind, &event.body) {
        Ok(body) => rules::apply(conn, event, &body, changes)?,
        Err(refusal) => Outcome::Refused(refusal),
    };
    exec(
        conn,
        "UPDATE team_events SET applied = ?2, reason = ?3 WHERE id = ?1",
        params![
            event.id,
            outcome.applied_flag(),
            outcome.refusal().map(Refusal::code)
        ],
    )?;
    exec(
        conn,
        "UPDATE team_members SET max_seq = max(max_seq, ?2) WHERE member_id = ?1",
        params![event.member, seq],
    )?;
    if event.member == me {
        exec(
            conn,
            "INSERT OR IGNORE INTO own_events (seq, event_id, line, written) VALUES (?1, ?2, ?3, 1)",
            params![seq, event.id, event.to_line()],
        )?;
    }
    Ok(Taken::New(outcome))
}

/// How many of a member's numbers below their highest never arrived.
pub fn count_missing(conn: &Connection, member: &str) -> Result<()> {
    exec(
        conn,
        "UPDATE team_members SET missing = max(0, max_seq -
             (SELECT count(DISTINCT seq) FROM team_events WHERE member_id = ?1))
          WHERE member_id = ?1",
        [member],
    )?;
    Ok(())
}

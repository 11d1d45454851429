//! Taking one verified event into the store: once by id, never over
//! another event with the same number, then under the rules.

use super::body::Body;
use super::refusal::Refusal;
use super::rules::{self, Changes, Outcome};
use super::write;
use crate::error::Result;
use crate::sql::exec;
use crate::team_event::Event;
use rusqlite::{params, Connection};

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
    let seq = event.seq as i64;
    // The same event always carries the same number: one look finds both
    // a re-read and another event under this number.
    let holders: Vec<String> = conn
        .prepare_cached("SELECT id FROM team_events WHERE member_id = ?1 AND seq = ?2")?
        .query_map(params![event.member, seq], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if holders.contains(&event.id) {
        return Ok(Taken::Known);
    }
    if let Some(holder) = holders.first() {
        // One of our own not yet in the folder gives way to what is there:
        // it is signed again with a number nobody has used.
        let gave_way = event.member == me && write::renumber_unwritten(conn, holder, event.seq)?;
        if !gave_way {
            let known_fork = exec(
                conn,
                "INSERT OR IGNORE INTO team_forks (event_id, member_id, seq, line)
                 VALUES (?1, ?2, ?3, ?4)",
                params![event.id, event.member, seq, event.to_line()],
            )? == 0;
            if known_fork {
                return Ok(Taken::Known);
            }
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
    let record = |outcome: Outcome| {
        exec(
            conn,
            "INSERT INTO team_events (id, member_id, seq, at, kind, body, applied, reason, sig)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, '')
             ON CONFLICT (id) DO UPDATE SET applied = excluded.applied, reason = excluded.reason",
            params![
                event.id,
                event.member,
                seq,
                event.at,
                event.kind,
                kept_body,
                outcome.applied_flag(),
                outcome.refusal().map(Refusal::code)
            ],
        )
    };
    let body = Body::parse(&event.kind, &event.body);
    // A decision is replayed with the others of its exception, itself
    // among them: it is stored first.
    if matches!(body, Ok(Body::ExceptionDecided(_))) {
        record(Outcome::KeptAside(Refusal::DecisionWaiting))?;
    }
    let outcome = match &body {
        Ok(body) => rules::apply(conn, event, body, changes)?,
        Err(refusal) => Outcome::Refused(*refusal),
    };
    record(outcome)?;
    if event.member == me {
        exec(
            conn,
            "INSERT OR IGNORE INTO own_events (seq, event_id, line, written) VALUES (?1, ?2, ?3, 1)",
            params![seq, event.id, event.to_line()],
        )?;
        note_highest(conn, me, event.seq)?;
    }
    Ok(Taken::New(outcome))
}

/// Raises the member's highest number seen (after a batch, once per member).
pub fn note_highest(conn: &Connection, member: &str, seq: u64) -> Result<()> {
    exec(
        conn,
        "UPDATE team_members SET max_seq = max(max_seq, ?2) WHERE member_id = ?1",
        params![member, seq as i64],
    )?;
    Ok(())
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

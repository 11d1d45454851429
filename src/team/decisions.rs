//! Rule exceptions in a team: a proposal belongs to whoever proposed it
//! first, and its status is what its decisions make of it when replayed in
//! the order they were taken (time, then event id). A decision read before
//! its proposal, or before the lead who took it is known, waits and is
//! replayed when they arrive; two PCs with the same events agree.

use super::body::{DecisionBody, ProposalBody};
use super::membership::is_lead;
use super::refusal::Refusal;
use super::rules::Outcome;
use crate::error::{CoreError, Result};
use crate::exception::{next_status, Action, EventKind, Status};
use crate::profile::Profile;
use crate::sql::{enum_text, exec, query_one};
use crate::team_event::Event;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

/// A member as the exception rules see them: their name and team role.
fn as_profile(conn: &Connection, member: &str, at: DateTime<Utc>) -> Profile {
    let name: String = query_one(
        conn,
        "SELECT name FROM team_members WHERE member_id = ?1",
        [member],
        |row| row.get(0),
    )
    .unwrap_or_default();
    Profile {
        id: member.to_string(),
        display_name: name,
        role: if is_lead(conn, member) {
            crate::Role::Lead
        } else {
            crate::Role::Staff
        },
        language: crate::Language::Sv,
        created_at: at,
        updated_at: at,
    }
}

fn proposer_of(conn: &Connection, exception_id: &str) -> Result<Option<String>> {
    Ok(query_one(
        conn,
        "SELECT proposed_by FROM exceptions WHERE id = ?1",
        [exception_id],
        |row| row.get(0),
    )
    .optional()?)
}

pub fn take_proposal(conn: &Connection, event: &Event, proposal: &ProposalBody) -> Result<Outcome> {
    if let Some(proposer) = proposer_of(conn, &proposal.exception_id)? {
        return Ok(if proposer == event.member {
            Outcome::Applied
        } else {
            Outcome::Refused(Refusal::NotAuthor)
        });
    }
    let proposer = as_profile(conn, &event.member, event.at);
    match crate::exception::insert_proposal(
        conn,
        &proposal.exception_id,
        &proposal.exception,
        &proposer,
        event.at,
    ) {
        Ok(_) => {}
        Err(CoreError::Invalid(_)) => return Ok(Outcome::Refused(Refusal::ProposalInvalid)),
        Err(err) => return Err(err),
    }
    replay(conn, &proposal.exception_id)?;
    Ok(Outcome::Applied)
}

/// The decision is stored already; replaying its exception decides it.
pub fn take_decision(conn: &Connection, event: &Event, decision: &DecisionBody) -> Result<Outcome> {
    if crate::exception::validate_note(decision.note.as_deref()).is_err() {
        return Ok(Outcome::Refused(Refusal::TextInvalid));
    }
    if decision.action == Action::Withdraw
        && proposer_of(conn, &decision.exception_id)?.is_some_and(|p| p != event.member)
    {
        return Ok(Outcome::Refused(Refusal::NotAuthor));
    }
    Ok(replay(conn, &decision.exception_id)?
        .into_iter()
        .find(|(id, _)| *id == event.id)
        .map_or(Outcome::KeptAside(Refusal::DecisionWaiting), |(_, o)| o))
}

struct Step {
    event_id: String,
    member: String,
    at: DateTime<Utc>,
    decision: DecisionBody,
}

/// Replays an exception's decisions in order from its proposal, and writes
/// its status and history; returns what became of each decision.
pub fn replay(conn: &Connection, exception_id: &str) -> Result<Vec<(String, Outcome)>> {
    let Some(proposer) = proposer_of(conn, exception_id)? else {
        return Ok(Vec::new());
    };
    let steps: Vec<Step> = conn
        .prepare_cached(
            "SELECT id, member_id, at, body FROM team_events
              WHERE kind = 'exception.decided' AND json_extract(body, '$.exception_id') = ?1
                AND applied IN (0, 1)
              ORDER BY at, id",
        )?
        .query_map([exception_id], |row| {
            let body: String = row.get(3)?;
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, body))
        })?
        .filter_map(|row| {
            let (event_id, member, at, body): (String, String, DateTime<Utc>, String) = row.ok()?;
            let decision: DecisionBody = serde_json::from_str(&body).ok()?;
            Some(Step {
                event_id,
                member,
                at,
                decision,
            })
        })
        .collect();
    if steps.is_empty() {
        return Ok(Vec::new());
    }
    let mut status = Status::Proposed;
    let mut outcomes = Vec::with_capacity(steps.len());
    let mut taken: Vec<(&Step, Status)> = Vec::new();
    for step in &steps {
        let allowed = match step.decision.action {
            Action::Withdraw => step.member == proposer,
            _ => is_lead(conn, &step.member),
        };
        let duplicate = taken
            .iter()
            .any(|(t, _)| t.decision.decision_id == step.decision.decision_id);
        let outcome = match next_status(status, step.decision.action) {
            _ if duplicate => Outcome::Refused(Refusal::BodyMismatch),
            _ if !allowed => Outcome::KeptAside(Refusal::NotLead),
            Some(next) => {
                status = next;
                taken.push((step, next));
                Outcome::Applied
            }
            None => Outcome::KeptAside(Refusal::DecisionWaiting),
        };
        exec(
            conn,
            "UPDATE team_events SET applied = ?2, reason = ?3 WHERE id = ?1",
            params![
                step.event_id,
                outcome.applied_flag(),
                outcome.refusal().map(Refusal::code)
            ],
        )?;
        outcomes.push((step.event_id.clone(), outcome));
    }
    write_history(conn, exception_id, status, &taken)?;
    Ok(outcomes)
}

fn write_history(
    conn: &Connection,
    exception_id: &str,
    status: Status,
    taken: &[(&Step, Status)],
) -> Result<()> {
    exec(
        conn,
        "DELETE FROM exception_events WHERE exception_id = ?1 AND kind <> 'proposed'",
        [exception_id],
    )?;
    let decided = taken
        .iter()
        .rev()
        .find(|(s, _)| matches!(s.decision.action, Action::Approve | Action::Reject));
    for (step, to) in taken {
        let actor = as_profile(conn, &step.member, step.at);
        exec(
            conn,
            "INSERT OR IGNORE INTO exception_events (id, exception_id, kind, actor_id, actor_name,
                                                     note, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                step.decision.decision_id,
                exception_id,
                enum_text(&EventKind::from(*to)),
                actor.id,
                actor.display_name,
                step.decision.note,
                step.at
            ],
        )?;
    }
    let (by, by_name, note, at) = match decided {
        Some((step, _)) => (
            Some(step.member.clone()),
            Some(as_profile(conn, &step.member, step.at).display_name),
            step.decision.note.clone(),
            Some(step.at),
        ),
        None => (None, None, None, None),
    };
    exec(
        conn,
        "UPDATE exceptions SET status = ?2, decided_by = ?3, decided_by_name = ?4,
                decision_note = ?5, decided_at = ?6,
                updated_at = coalesce(?7, proposed_at)
          WHERE id = ?1",
        params![
            exception_id,
            enum_text(&status),
            by,
            by_name,
            note,
            at,
            taken.last().map(|(s, _)| s.at)
        ],
    )?;
    Ok(())
}

/// Who may decide has changed: every exception with decisions is replayed.
pub fn replay_all(conn: &Connection) -> Result<()> {
    let ids: Vec<String> = conn
        .prepare_cached(
            "SELECT DISTINCT json_extract(body, '$.exception_id') FROM team_events
              WHERE kind = 'exception.decided' AND applied IN (0, 1)",
        )?
        .query_map([], |row| row.get::<_, Option<String>>(0))?
        .filter_map(|row| row.ok().flatten())
        .collect();
    for id in ids {
        replay(conn, &id)?;
    }
    Ok(())
}

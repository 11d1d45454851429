//! Rule exceptions in a team. A proposal is its proposer's: named by the
//! proposer and their id together (only this person's own keep a plain
//! id here). Its status is what its decisions make of it when replayed in
//! the order they were taken (time, then event): each counts only where it
//! follows from the ones before, comes from a lead at its number (a
//! withdrawal: from the proposer), and names the proposal's exact content
//! by its hash. A decision read before its proposal, or before the lead who
//! took it is known, waits and is replayed when they arrive.

use super::body::{DecisionBody, ProposalBody};
use super::refusal::Refusal;
use super::rules::Outcome;
use super::take::Context;
use crate::error::{CoreError, Result};
use crate::exception::{next_status, Action, EventKind, Status};
use crate::profile::Profile;
use crate::sql::{enum_text, exec, query_one};
use crate::team_event::{content_hash, Event, LEGACY_VERSION};
use crate::ExceptionInput;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

/// The id a proposal has in this PC's catalogue.
pub fn local_id(proposer: &str, exception_id: &str, me: &str) -> String {
    if proposer == me {
        exception_id.to_string()
    } else {
        format!("{proposer}/{exception_id}")
    }
}

/// The proposer's own id for a proposal in this PC's catalogue.
pub fn proposers_id<'a>(local: &'a str, proposer: &str) -> &'a str {
    local
        .strip_prefix(proposer)
        .and_then(|rest| rest.strip_prefix('/'))
        .unwrap_or(local)
}

/// The hash a decision names: the proposal's content, as every PC stores it.
pub fn proposal_hash(conn: &Connection, local: &str) -> Result<Option<String>> {
    let input: Option<ExceptionInput> = query_one(
        conn,
        "SELECT rule, allowed, limits, amount_sek, minutes, applies_when FROM exceptions
          WHERE id = ?1",
        [local],
        |row| {
            Ok(ExceptionInput {
                rule: row.get(0)?,
                allowed: row.get(1)?,
                limits: row.get(2)?,
                amount_sek: row.get(3)?,
                minutes: row.get(4)?,
                applies_when: row.get(5)?,
            })
        },
    )
    .optional()?;
    Ok(input.map(|input| content_hash(&input)))
}

fn name_of(conn: &Connection, member: &str) -> String {
    query_one(
        conn,
        "SELECT name FROM team_members WHERE member_id = ?1",
        [member],
        |row| row.get(0),
    )
    .unwrap_or_default()
}

fn as_profile(conn: &Connection, member: &str, at: DateTime<Utc>) -> Profile {
    Profile {
        id: member.to_string(),
        display_name: name_of(conn, member),
        role: crate::Role::Staff,
        language: crate::Language::Sv,
        created_at: at,
        updated_at: at,
    }
}

fn proposer_of(conn: &Connection, local: &str) -> Result<Option<String>> {
    Ok(query_one(
        conn,
        "SELECT proposed_by FROM exceptions WHERE id = ?1",
        [local],
        |row| row.get(0),
    )
    .optional()?)
}

pub fn take_proposal(
    conn: &Connection,
    event: &Event,
    proposal: &ProposalBody,
    ctx: &Context<'_>,
) -> Result<Outcome> {
    let local = local_id(&event.member, &proposal.exception_id, ctx.me);
    if let Some(proposer) = proposer_of(conn, &local)? {
        return Ok(if proposer == event.member {
            Outcome::Applied
        } else {
            Outcome::Refused(Refusal::NotAuthor)
        });
    }
    let proposer = as_profile(conn, &event.member, event.at);
    match crate::exception::insert_proposal(conn, &local, &proposal.exception, &proposer, event.at)
    {
        Ok(_) => {}
        Err(CoreError::Invalid(_)) => return Ok(Outcome::Refused(Refusal::ProposalInvalid)),
        Err(err) => return Err(err),
    }
    replay(conn, &local, ctx)?;
    Ok(Outcome::Applied)
}

/// Which proposal a decision is about, here. A format-1 decision names only
/// an id: this person's own proposal with it, else a colleague's.
fn decided_proposal(
    conn: &Connection,
    event: &Event,
    decision: &DecisionBody,
    me: &str,
) -> Result<Option<String>> {
    if event.v != LEGACY_VERSION || !decision.proposer.is_empty() {
        return Ok(Some(local_id(
            &decision.proposer,
            &decision.exception_id,
            me,
        )));
    }
    Ok(query_one(
        conn,
        "SELECT id FROM exceptions WHERE id = ?1 OR id LIKE '%/' || ?1
          ORDER BY id = ?1 DESC, id LIMIT 1",
        [&decision.exception_id],
        |row| row.get(0),
    )
    .optional()?)
}

/// The decision is stored already; replaying its exception decides it.
pub fn take_decision(
    conn: &Connection,
    key: &str,
    event: &Event,
    decision: &DecisionBody,
    ctx: &Context<'_>,
) -> Result<Outcome> {
    if crate::exception::validate_note(decision.note.as_deref()).is_err() {
        return Ok(Outcome::Refused(Refusal::TextInvalid));
    }
    let Some(local) = decided_proposal(conn, event, decision, ctx.me)? else {
        return Ok(Outcome::KeptAside(Refusal::DecisionWaiting));
    };
    Ok(replay(conn, &local, ctx)?
        .into_iter()
        .find(|(id, _)| id == key)
        .map_or(Outcome::KeptAside(Refusal::DecisionWaiting), |(_, o)| o))
}

struct Step {
    key: String,
    member: String,
    seq: u64,
    v: u32,
    at: DateTime<Utc>,
    signer: String,
    decision: DecisionBody,
}

/// Replays a proposal's decisions in order, and writes its status and
/// history; returns what became of each decision.
pub fn replay(conn: &Connection, local: &str, ctx: &Context<'_>) -> Result<Vec<(String, Outcome)>> {
    let Some(proposer) = proposer_of(conn, local)? else {
        return Ok(Vec::new());
    };
    let raw = proposers_id(local, &proposer).to_string();
    let hash = proposal_hash(conn, local)?.unwrap_or_default();
    let steps: Vec<Step> = conn
        .prepare_cached(
            "SELECT id, member_id, seq, v, at, body, signer FROM team_events
              WHERE kind = 'exception.decided' AND json_extract(body, '$.exception_id') = ?1
                AND coalesce(json_extract(body, '$.proposer'), ?2) = ?2
                AND applied IN (0, 1) AND reason IS NOT 'date_out_of_range'
              ORDER BY at, id",
        )?
        .query_map(params![raw, proposer], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, u32>(3)?,
                row.get::<_, DateTime<Utc>>(4)?,
                row.get::<_, String>(5)?,
                row.get::<_, String>(6)?,
            ))
        })?
        .filter_map(|row| {
            let (key, member, seq, v, at, body, signer) = row.ok()?;
            let decision: DecisionBody = serde_json::from_str(&body).ok()?;
            Some(Step {
                key,
                member,
                seq: seq.max(0) as u64,
                v,
                at,
                signer,
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
        let duplicate = taken.iter().any(|(t, _)| {
            t.member == step.member && t.decision.decision_id == step.decision.decision_id
        });
        let on_this_text = step.v == LEGACY_VERSION || step.decision.proposal_hash == hash;
        // Only with the key the team let in for its signer at that number:
        // a key that only asked to come in decides nothing for anyone.
        let speaks = ctx
            .authority
            .speaks_for(&step.member, step.seq, step.v, &step.signer);
        let allowed = match step.decision.action {
            Action::Withdraw => step.member == proposer,
            _ => ctx.authority.is_lead_at(&step.member, step.seq),
        };
        let outcome = if !speaks {
            Outcome::KeptAside(Refusal::NotAdmitted)
        } else if duplicate {
            Outcome::Refused(Refusal::BodyMismatch)
        } else if !on_this_text {
            Outcome::Refused(Refusal::ProposalChanged)
        } else if !allowed && step.decision.action == Action::Withdraw {
            Outcome::Refused(Refusal::NotAuthor)
        } else if !allowed {
            Outcome::KeptAside(Refusal::NotLead)
        } else if let Some(next) = next_status(status, step.decision.action) {
            status = next;
            taken.push((step, next));
            Outcome::Applied
        } else {
            Outcome::KeptAside(Refusal::DecisionWaiting)
        };
        exec(
            conn,
            "UPDATE team_events SET applied = ?2, reason = ?3 WHERE id = ?1",
            params![
                step.key,
                outcome.applied_flag(),
                outcome.refusal().map(Refusal::code)
            ],
        )?;
        outcomes.push((step.key.clone(), outcome));
    }
    write_history(conn, local, status, &taken, ctx.me)?;
    Ok(outcomes)
}

fn write_history(
    conn: &Connection,
    local: &str,
    status: Status,
    taken: &[(&Step, Status)],
    me: &str,
) -> Result<()> {
    exec(
        conn,
        "DELETE FROM exception_events WHERE exception_id = ?1 AND kind <> 'proposed'",
        [local],
    )?;
    for (step, to) in taken {
        exec(
            conn,
            "INSERT OR IGNORE INTO exception_events (id, exception_id, kind, actor_id, actor_name,
                                                     note, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                local_id(&step.member, &step.decision.decision_id, me),
                local,
                enum_text(&EventKind::from(*to)),
                step.member,
                name_of(conn, &step.member),
                step.decision.note,
                step.at
            ],
        )?;
    }
    let decided = taken
        .iter()
        .rev()
        .find(|(s, _)| matches!(s.decision.action, Action::Approve | Action::Reject));
    let (by, by_name, note, at) = match decided {
        Some((step, _)) => (
            Some(step.member.clone()),
            Some(name_of(conn, &step.member)),
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
            local,
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

/// Who may decide has changed: every proposal with decisions is replayed.
pub fn replay_all(conn: &Connection, ctx: &Context<'_>) -> Result<()> {
    let decided: Vec<(String, Option<String>, String, u32)> = conn
        .prepare_cached(
            "SELECT DISTINCT json_extract(body, '$.exception_id'), json_extract(body, '$.proposer'),
                    member_id, v
               FROM team_events WHERE kind = 'exception.decided' AND applied IN (0, 1)",
        )?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut locals: Vec<String> = Vec::new();
    for (raw, proposer, _, _) in decided {
        let local = match proposer {
            Some(proposer) => Some(local_id(&proposer, &raw, ctx.me)),
            None => query_one(
                conn,
                "SELECT id FROM exceptions WHERE id = ?1 OR id LIKE '%/' || ?1
                  ORDER BY id = ?1 DESC, id LIMIT 1",
                [&raw],
                |row| row.get(0),
            )
            .optional()?,
        };
        if let Some(local) = local.filter(|l| !locals.contains(l)) {
            locals.push(local);
        }
    }
    for local in locals {
        replay(conn, &local, ctx)?;
    }
    Ok(())
}

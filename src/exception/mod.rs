//! Rule exceptions: clear, agreed deviations from a routine, within limits.
//! Anyone may propose one; only a team lead approves, rejects or retires;
//! a proposer may withdraw their own proposal. Every step is an event, kept
//! as the exception's history.

use crate::error::{CoreError, Result, ValidationError};
use crate::profile::Profile;
use crate::sql::{enum_column, enum_text};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

pub const MAX_RULE_CHARS: usize = 200;
pub const MAX_ALLOWED_CHARS: usize = 1000;
pub const MAX_LIMITS_CHARS: usize = 500;
pub const MAX_WHEN_CHARS: usize = 200;
pub const MAX_NOTE_CHARS: usize = 500;
pub const MAX_AMOUNT_SEK: u32 = 1_000_000;
pub const MAX_MINUTES: u32 = 24 * 60;

pub mod status;
pub use status::{next_status, Action, Status};

/// A new moment may use only an approved exception; an edited one may keep
/// the exception it already has, even once retired.
pub(crate) fn check_usable(
    conn: &Connection,
    wanted: Option<&str>,
    kept: Option<&str>,
) -> Result<()> {
    let Some(wanted) = wanted else {
        return Ok(());
    };
    if kept == Some(wanted) {
        return Ok(());
    }
    match status_of(conn, wanted)? {
        Some(Status::Approved) => Ok(()),
        _ => Err(ValidationError::ExceptionNotUsable.into()),
    }
}

/// Checks that `actor` may take `action` on `exception`; returns the new status.
pub fn check_move(exception: &Exception, action: Action, actor: &Profile) -> Result<Status> {
    let to = next_status(exception.status, action).ok_or(CoreError::StatusMove {
        from: exception.status,
        action,
    })?;
    if action.lead_only() {
        actor.require_lead()?;
    }
    if action == Action::Withdraw && exception.proposed_by != actor.id {
        return Err(CoreError::NotYourProposal);
    }
    Ok(to)
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionInput {
    /// The rule or routine it departs from.
    pub rule: String,
    /// What staff may do instead.
    pub allowed: String,
    #[serde(default)]
    pub limits: String,
    #[serde(default)]
    pub amount_sek: Option<u32>,
    #[serde(default)]
    pub minutes: Option<u32>,
    /// When it applies (free text: "at the reception desk", "weekends").
    #[serde(default)]
    pub applies_when: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Proposed,
    Approved,
    Rejected,
    Retired,
    Withdrawn,
}

impl From<Status> for EventKind {
    fn from(status: Status) -> Self {
        match status {
            Status::Proposed => EventKind::Proposed,
            Status::Approved => EventKind::Approved,
            Status::Rejected => EventKind::Rejected,
            Status::Retired => EventKind::Retired,
            Status::Withdrawn => EventKind::Withdrawn,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionEvent {
    pub id: String,
    pub kind: EventKind,
    pub actor_id: String,
    pub actor_name: String,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exception {
    pub id: String,
    pub rule: String,
    pub allowed: String,
    pub limits: String,
    pub amount_sek: Option<u32>,
    pub minutes: Option<u32>,
    pub applies_when: String,
    pub status: Status,
    pub proposed_by: String,
    pub proposed_by_name: String,
    pub proposed_at: DateTime<Utc>,
    pub decided_by_name: Option<String>,
    pub decision_note: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// Moments that used it (not deleted), and the last day one did.
    pub uses: u32,
    pub last_used: Option<NaiveDate>,
    pub history: Vec<ExceptionEvent>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionFilter {
    #[serde(default)]
    pub search: Option<String>,
    #[serde(default)]
    pub status: Option<Status>,
}

fn required(
    text: &str,
    max: usize,
    empty: ValidationError,
    too_long: impl Fn(usize) -> ValidationError,
) -> Result<String, ValidationError> {
    let text = text.trim();
    let len = text.chars().count();
    if len == 0 {
        return Err(empty);
    }
    if len > max {
        return Err(too_long(len));
    }
    Ok(text.to_string())
}

fn optional(
    text: &str,
    max: usize,
    too_long: impl Fn(usize) -> ValidationError,
) -> Result<String, ValidationError> {
    let text = text.trim();
    let len = text.chars().count();
    if len > max {
        return Err(too_long(len));
    }
    Ok(text.to_string())
}

pub fn validate(input: &ExceptionInput) -> Result<ExceptionInput, ValidationError> {
    let field = |field: &'static str, max: usize| {
        move |len| ValidationError::ExceptionTooLong { field, len, max }
    };
    let rule = required(
        &input.rule,
        MAX_RULE_CHARS,
        ValidationError::ExceptionRuleEmpty,
        field("rule", MAX_RULE_CHARS),
    )?;
    let allowed = required(
        &input.allowed,
        MAX_ALLOWED_CHARS,
        ValidationError::ExceptionAllowedEmpty,
        field("allowed", MAX_ALLOWED_CHARS),
    )?;
    let limits = optional(
        &input.limits,
        MAX_LIMITS_CHARS,
        field("limits", MAX_LIMITS_CHARS),
    )?;
    let applies_when = optional(
        &input.applies_when,
        MAX_WHEN_CHARS,
        field("applies_when", MAX_WHEN_CHARS),
    )?;
    if input
        .amount_sek
        .is_some_and(|amount| amount > MAX_AMOUNT_SEK)
    {
        return Err(ValidationError::AmountTooLarge {
            max: MAX_AMOUNT_SEK,
        });
    }
    if input.minutes.is_some_and(|minutes| minutes > MAX_MINUTES) {
        return Err(ValidationError::MinutesTooMany { max: MAX_MINUTES });
    }
    Ok(ExceptionInput {
        rule,
        allowed,
        limits,
        amount_sek: input.amount_sek,
        minutes: input.minutes,
        applies_when,
    })
}

pub fn validate_note(note: Option<&str>) -> Result<Option<String>, ValidationError> {
    let note = note.map(str::trim).filter(|note| !note.is_empty());
    if let Some(note) = note {
        let len = note.chars().count();
        if len > MAX_NOTE_CHARS {
            return Err(ValidationError::ExceptionTooLong {
                field: "note",
                len,
                max: MAX_NOTE_CHARS,
            });
        }
    }
    Ok(note.map(str::to_string))
}

fn search_text(input: &ExceptionInput) -> String {
    [
        &input.rule,
        &input.allowed,
        &input.limits,
        &input.applies_when,
    ]
    .iter()
    .map(|part| part.to_lowercase())
    .collect::<Vec<_>>()
    .join("\n")
}

const COLUMNS: &str =
    "e.id, e.rule, e.allowed, e.limits, e.amount_sek, e.minutes, e.applies_when, \
     e.status, e.proposed_by, e.proposed_by_name, e.proposed_at, e.decided_by_name, \
     e.decision_note, e.decided_at, \
     (SELECT count(*) FROM moments m WHERE m.exception_id = e.id AND m.deleted_at IS NULL), \
     (SELECT max(local_date) FROM moments m WHERE m.exception_id = e.id AND m.deleted_at IS NULL)";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Exception> {
    Ok(Exception {
        id: row.get(0)?,
        rule: row.get(1)?,
        allowed: row.get(2)?,
        limits: row.get(3)?,
        amount_sek: row.get(4)?,
        minutes: row.get(5)?,
        applies_when: row.get(6)?,
        status: enum_column(row, 7)?,
        proposed_by: row.get(8)?,
        proposed_by_name: row.get(9)?,
        proposed_at: row.get(10)?,
        decided_by_name: row.get(11)?,
        decision_note: row.get(12)?,
        decided_at: row.get(13)?,
        uses: row.get(14)?,
        last_used: row.get(15)?,
        history: Vec::new(),
    })
}

fn history(conn: &Connection, id: &str) -> Result<Vec<ExceptionEvent>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, actor_id, actor_name, note, at FROM exception_events
          WHERE exception_id = ?1 ORDER BY at, id",
    )?;
    let events = stmt
        .query_map([id], |row| {
            Ok(ExceptionEvent {
                id: row.get(0)?,
                kind: enum_column(row, 1)?,
                actor_id: row.get(2)?,
                actor_name: row.get(3)?,
                note: row.get(4)?,
                at: row.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(events)
}

pub fn get(conn: &Connection, id: &str) -> Result<Exception> {
    let mut exception = conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM exceptions e WHERE e.id = ?1"),
            [id],
            from_row,
        )
        .optional()?
        .ok_or(CoreError::NotFound { what: "exception" })?;
    exception.history = history(conn, id)?;
    Ok(exception)
}

/// Newest first; approved ones in a stable order by rule.
pub fn list(conn: &Connection, filter: &ExceptionFilter) -> Result<Vec<Exception>> {
    let needle = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|needle| !needle.is_empty())
        .map(str::to_lowercase);
    let status = filter.status.as_ref().map(enum_text);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM exceptions e
          WHERE (?1 IS NULL OR instr(e.search_text, ?1) > 0)
            AND (?2 IS NULL OR e.status = ?2)
          ORDER BY e.updated_at DESC, e.id DESC"
    ))?;
    let rows = stmt.query_map(params![needle, status], from_row)?;
    let mut exceptions = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    for exception in &mut exceptions {
        exception.history = history(conn, &exception.id)?;
    }
    Ok(exceptions)
}

#[allow(clippy::too_many_arguments)]
fn record_event(
    conn: &Connection,
    event_id: &str,
    exception_id: &str,
    kind: EventKind,
    actor: &Profile,
    note: Option<&str>,
    at: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO exception_events (id, exception_id, kind, actor_id, actor_name, note, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            event_id,
            exception_id,
            enum_text(&kind),
            actor.id,
            actor.display_name,
            note,
            at
        ],
    )?;
    Ok(())
}

pub fn propose(
    conn: &mut Connection,
    input: &ExceptionInput,
    proposer: &Profile,
    now: DateTime<Utc>,
) -> Result<Exception> {
    let id = uuid::Uuid::now_v7().to_string();
    let tx = conn.transaction()?;
    insert_proposal(&tx, &id, input, proposer, now)?;
    tx.commit()?;
    get(conn, &id)
}

/// Records a proposal with a given id: a new one here, or one read from the
/// team folder (then only once).
pub fn insert_proposal(
    tx: &Connection,
    id: &str,
    input: &ExceptionInput,
    proposer: &Profile,
    now: DateTime<Utc>,
) -> Result<bool> {
    let valid = validate(input)?;
    if status_of(tx, id)?.is_some() {
        return Ok(false);
    }
    tx.execute(
        "INSERT INTO exceptions (id, rule, allowed, limits, amount_sek, minutes, applies_when,
                                 status, proposed_by, proposed_by_name, proposed_at, updated_at,
                                 search_text)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'proposed', ?8, ?9, ?10, ?10, ?11)",
        params![
            id,
            valid.rule,
            valid.allowed,
            valid.limits,
            valid.amount_sek,
            valid.minutes,
            valid.applies_when,
            proposer.id,
            proposer.display_name,
            now,
            search_text(&valid)
        ],
    )?;
    let event_id = uuid::Uuid::now_v7().to_string();
    record_event(tx, &event_id, id, EventKind::Proposed, proposer, None, now)?;
    Ok(true)
}

/// Puts a team proposal in this PC's catalogue as the team's state has it:
/// a new row, or the one there with the content and proposer the team
/// decided on (its status and history are the projection's to write).
pub fn put_team_proposal(
    tx: &Connection,
    id: &str,
    input: &ExceptionInput,
    proposer: &Profile,
    at: DateTime<Utc>,
) -> Result<()> {
    if insert_proposal(tx, id, input, proposer, at)? {
        return Ok(());
    }
    let valid = validate(input)?;
    tx.execute(
        "UPDATE exceptions SET rule = ?2, allowed = ?3, limits = ?4, amount_sek = ?5,
             minutes = ?6, applies_when = ?7, proposed_by = ?8, proposed_by_name = ?9,
             proposed_at = ?10, search_text = ?11
         WHERE id = ?1",
        params![
            id,
            valid.rule,
            valid.allowed,
            valid.limits,
            valid.amount_sek,
            valid.minutes,
            valid.applies_when,
            proposer.id,
            proposer.display_name,
            at,
            search_text(&valid)
        ],
    )?;
    Ok(())
}

/// Approve, reject, retire or withdraw, if the status and the actor allow.
pub fn act(
    conn: &mut Connection,
    id: &str,
    action: Action,
    note: Option<&str>,
    actor: &Profile,
    now: DateTime<Utc>,
) -> Result<Exception> {
    let tx = conn.transaction()?;
    let event_id = uuid::Uuid::now_v7().to_string();
    act_in(&tx, id, action, note, actor, now, &event_id)?;
    tx.commit()?;
    get(conn, id)
}

/// The move itself, inside the caller's transaction. `event_id` names the
/// step in the history, the same on every computer of the team.
pub fn act_in(
    tx: &Connection,
    id: &str,
    action: Action,
    note: Option<&str>,
    actor: &Profile,
    now: DateTime<Utc>,
    event_id: &str,
) -> Result<()> {
    let note = validate_note(note)?;
    let exception = get(tx, id)?;
    let to = check_move(&exception, action, actor)?;
    let decision = matches!(action, Action::Approve | Action::Reject);
    tx.execute(
        "UPDATE exceptions SET status = ?2, updated_at = ?3,
                decided_by = CASE WHEN ?4 THEN ?5 ELSE decided_by END,
                decided_by_name = CASE WHEN ?4 THEN ?6 ELSE decided_by_name END,
                decision_note = CASE WHEN ?4 THEN ?7 ELSE decision_note END,
                decided_at = CASE WHEN ?4 THEN ?3 ELSE decided_at END
          WHERE id = ?1 AND status = ?8",
        params![
            id,
            enum_text(&to),
            now,
            decision,
            actor.id,
            actor.display_name,
            note,
            enum_text(&exception.status)
        ],
    )?;
    record_event(
        tx,
        event_id,
        id,
        EventKind::from(to),
        actor,
        note.as_deref(),
        now,
    )?;
    Ok(())
}

/// The status of an exception a moment may point to, if it exists.
pub fn status_of(conn: &Connection, id: &str) -> Result<Option<Status>> {
    let status: Option<String> = conn
        .query_row("SELECT status FROM exceptions WHERE id = ?1", [id], |row| {
            row.get(0)
        })
        .optional()?;
    Ok(status.and_then(|text| serde_json::from_value(serde_json::Value::String(text)).ok()))
}

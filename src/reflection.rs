//! The weekly mirror: what went well, what held me back, and my intention
//! for next week; one reflection per ISO week, editable, listed newest first.

use crate::error::{Result, ValidationError};
use crate::sql::{enum_text, opt_enum_column};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

pub const MAX_ANSWER_CHARS: usize = 2000;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReflectionInput {
    pub iso_year: i32,
    pub iso_week: u32,
    #[serde(default)]
    pub went_well: String,
    #[serde(default)]
    pub held_back: String,
    #[serde(default)]
    pub intention: String,
    /// "Did a plan work this week?"
    #[serde(default)]
    pub plan_worked: Option<PlanWorked>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanWorked {
    Yes,
    Partly,
    No,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reflection {
    pub iso_year: i32,
    pub iso_week: u32,
    /// Monday of the week, to show its dates.
    pub monday: NaiveDate,
    pub went_well: String,
    pub held_back: String,
    pub intention: String,
    pub plan_worked: Option<PlanWorked>,
    pub updated_at: DateTime<Utc>,
}

pub use crate::calendar::monday_of;

fn answer(text: &str, field: &'static str) -> Result<String, ValidationError> {
    let text = text.trim();
    let len = text.chars().count();
    if len > MAX_ANSWER_CHARS {
        return Err(ValidationError::AnswerTooLong {
            field,
            len,
            max: MAX_ANSWER_CHARS,
        });
    }
    Ok(text.to_string())
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Reflection> {
    let iso_year: i32 = row.get(0)?;
    let iso_week: u32 = row.get(1)?;
    Ok(Reflection {
        iso_year,
        iso_week,
        monday: monday_of(iso_year, iso_week).unwrap_or_default(),
        went_well: row.get(2)?,
        held_back: row.get(3)?,
        intention: row.get(4)?,
        plan_worked: opt_enum_column(row, 6)?,
        updated_at: row.get(5)?,
    })
}

const COLUMNS: &str =
    "iso_year, iso_week, went_well, held_back, intention, updated_at, plan_worked";

/// Saves the week's reflection, creating or replacing it. A week that has
/// not begun yet cannot be reflected on.
pub fn save(
    conn: &Connection,
    input: &ReflectionInput,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Reflection> {
    let monday = monday_of(input.iso_year, input.iso_week).ok_or(ValidationError::NoSuchWeek)?;
    if monday > today {
        return Err(ValidationError::NoSuchWeek.into());
    }
    let went_well = answer(&input.went_well, "went_well")?;
    let held_back = answer(&input.held_back, "held_back")?;
    let intention = answer(&input.intention, "intention")?;
    if went_well.is_empty()
        && held_back.is_empty()
        && intention.is_empty()
        && input.plan_worked.is_none()
    {
        return Err(ValidationError::ReflectionEmpty.into());
    }
    conn.execute(
        "INSERT INTO reflections (iso_year, iso_week, went_well, held_back, intention,
                                  created_at, updated_at, plan_worked)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)
         ON CONFLICT (iso_year, iso_week) DO UPDATE SET
             went_well = excluded.went_well, held_back = excluded.held_back,
             intention = excluded.intention, updated_at = excluded.updated_at,
             plan_worked = excluded.plan_worked",
        params![
            input.iso_year,
            input.iso_week,
            went_well,
            held_back,
            intention,
            now,
            input.plan_worked.as_ref().map(enum_text)
        ],
    )?;
    get(conn, input.iso_year, input.iso_week)?
        .ok_or(crate::CoreError::NotFound { what: "reflection" })
}

pub fn get(conn: &Connection, iso_year: i32, iso_week: u32) -> Result<Option<Reflection>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM reflections WHERE iso_year = ?1 AND iso_week = ?2"),
            params![iso_year, iso_week],
            from_row,
        )
        .optional()?)
}

pub fn list(conn: &Connection) -> Result<Vec<Reflection>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM reflections ORDER BY iso_year DESC, iso_week DESC"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

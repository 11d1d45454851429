//! Fan moments: what a person did for a customer, on which day, in which kind
//! of situation. Validation lives here so every caller gets the same rules.

use crate::error::{CoreError, Result, ValidationError};
use crate::sql::{enum_column, enum_text, opt_enum_column};
use chrono::{DateTime, Days, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

pub const MAX_TEXT_CHARS: usize = 2000;
pub const MAX_REACTION_CHARS: usize = 2000;
/// How many days back a moment may be dated when it is logged or re-dated.
pub const MAX_BACKDATE_DAYS: i64 = 7;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Situation {
    /// "bara så där": an extra for no reason at all
    JustBecause,
    /// had to say no, and still made a fan
    SaidNo,
    /// a complaint turned around
    Complaint,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Customer {
    External,
    /// a colleague is a customer too
    Internal,
}

/// What it took: the method's answer to "no budget".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Took {
    Time,
    Generosity,
    Flexibility,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MomentInput {
    /// The day it happened; today when left out.
    #[serde(default)]
    pub date: Option<NaiveDate>,
    pub situation: Situation,
    pub customer: Customer,
    pub text: String,
    #[serde(default)]
    pub reaction: Option<String>,
    #[serde(default)]
    pub took: Option<Took>,
    #[serde(default)]
    pub shared: bool,
    /// An approved rule exception used for this moment.
    #[serde(default)]
    pub exception_id: Option<String>,
    /// "I told the customer this is an exception."
    #[serde(default)]
    pub told_customer: bool,
    /// The person's if-then plan for this situation, when they followed it.
    #[serde(default)]
    pub plan_id: Option<String>,
}

impl MomentInput {
    /// A moment of today, not shared, with nothing more than its words.
    pub fn new(situation: Situation, customer: Customer, text: impl Into<String>) -> MomentInput {
        MomentInput {
            date: None,
            situation,
            customer,
            text: text.into(),
            reaction: None,
            took: None,
            shared: false,
            exception_id: None,
            told_customer: false,
            plan_id: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moment {
    pub id: String,
    pub author: String,
    pub date: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub situation: Situation,
    pub customer: Customer,
    pub text: String,
    pub reaction: Option<String>,
    pub took: Option<Took>,
    pub shared: bool,
    pub exception_id: Option<String>,
    /// The exception's rule, to show beside the moment.
    pub exception_rule: Option<String>,
    pub told_customer: bool,
    pub plan_id: Option<String>,
    /// The further teams (beyond this store's own) it is shared with, by
    /// team id, when the person is in several teams.
    #[serde(default)]
    pub also_shared_with: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MomentFilter {
    /// Words to find in what was done or in the reaction, ignoring case.
    #[serde(default)]
    pub search: Option<String>,
    #[serde(default)]
    pub situation: Option<Situation>,
    #[serde(default)]
    pub limit: Option<u32>,
    #[serde(default)]
    pub offset: Option<u32>,
}

/// A moment that passed validation, ready to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ValidMoment {
    pub date: NaiveDate,
    pub situation: Situation,
    pub customer: Customer,
    pub text: String,
    pub reaction: Option<String>,
    pub took: Option<Took>,
    pub shared: bool,
    pub exception_id: Option<String>,
    pub told_customer: bool,
    pub plan_id: Option<String>,
}

/// Checks a moment against the rules. `kept_date` is the date an edited
/// moment already has: keeping it is always allowed, even when it is old.
pub(crate) fn validate(
    input: &MomentInput,
    today: NaiveDate,
    kept_date: Option<NaiveDate>,
) -> Result<ValidMoment, ValidationError> {
    let text = input.text.trim();
    let text_len = text.chars().count();
    if text_len == 0 {
        return Err(ValidationError::TextEmpty);
    }
    if text_len > MAX_TEXT_CHARS {
        return Err(ValidationError::TextTooLong {
            len: text_len,
            max: MAX_TEXT_CHARS,
        });
    }

    let reaction = input
        .reaction
        .as_deref()
        .map(str::trim)
        .filter(|reaction| !reaction.is_empty());
    if let Some(reaction) = reaction {
        let len = reaction.chars().count();
        if len > MAX_REACTION_CHARS {
            return Err(ValidationError::ReactionTooLong {
                len,
                max: MAX_REACTION_CHARS,
            });
        }
    }

    let date = input.date.or(kept_date).unwrap_or(today);
    if Some(date) != kept_date {
        if date > today {
            return Err(ValidationError::DateInFuture);
        }
        if (today - date).num_days() > MAX_BACKDATE_DAYS {
            return Err(ValidationError::DateTooOld {
                max_days: MAX_BACKDATE_DAYS,
            });
        }
    }

    Ok(ValidMoment {
        date,
        situation: input.situation,
        customer: input.customer,
        text: text.to_string(),
        reaction: reaction.map(str::to_string),
        took: input.took,
        shared: input.shared,
        exception_id: input
            .exception_id
            .clone()
            .filter(|id| !id.trim().is_empty()),
        told_customer: input.told_customer
            && input
                .exception_id
                .as_deref()
                .is_some_and(|id| !id.trim().is_empty()),
        plan_id: input.plan_id.clone().filter(|id| !id.trim().is_empty()),
    })
}

/// The exception an edited moment already points to, kept even if retired.
pub(crate) fn exception_of(conn: &Connection, id: &str) -> Result<Option<String>> {
    Ok(get(conn, id)?.exception_id)
}

/// The earliest date a new moment may have on `today`.
pub fn earliest_allowed_date(today: NaiveDate) -> NaiveDate {
    today
        .checked_sub_days(Days::new(MAX_BACKDATE_DAYS as u64))
        .unwrap_or(today)
}

fn search_text(text: &str, reaction: Option<&str>) -> String {
    let mut all = text.to_lowercase();
    if let Some(reaction) = reaction {
        all.push('\n');
        all.push_str(&reaction.to_lowercase());
    }
    all
}

const COLUMNS: &str = "id, author, local_date, created_at, updated_at, situation, customer, \
                       text, reaction, took, shared, exception_id, \
                       (SELECT rule FROM exceptions x WHERE x.id = exception_id), told_customer, \
                       plan_id, (SELECT group_concat(team_id, ' ') FROM moment_teams t \
                                 WHERE t.moment_id = moments.id)";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Moment> {
    Ok(Moment {
        id: row.get(0)?,
        author: row.get(1)?,
        date: row.get(2)?,
        created_at: row.get(3)?,
        updated_at: row.get(4)?,
        situation: enum_column(row, 5)?,
        customer: enum_column(row, 6)?,
        text: row.get(7)?,
        reaction: row.get(8)?,
        took: opt_enum_column(row, 9)?,
        shared: row.get(10)?,
        exception_id: row.get(11)?,
        exception_rule: row.get(12)?,
        told_customer: row.get(13)?,
        plan_id: row.get(14)?,
        also_shared_with: row
            .get::<_, Option<String>>(15)?
            .map(|ids| ids.split(' ').map(str::to_string).collect())
            .unwrap_or_default(),
    })
}

pub(crate) fn insert(
    conn: &Connection,
    author: &str,
    moment: &ValidMoment,
    now: DateTime<Utc>,
) -> Result<Moment> {
    let id = uuid::Uuid::now_v7().to_string();
    conn.execute(
        "INSERT INTO moments (id, author, local_date, created_at, updated_at, situation, customer,
                              text, reaction, took, shared, search_text, exception_id,
                              told_customer, plan_id)
         VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            id,
            author,
            moment.date,
            now,
            enum_text(&moment.situation),
            enum_text(&moment.customer),
            moment.text,
            moment.reaction,
            moment.took.as_ref().map(enum_text),
            moment.shared,
            search_text(&moment.text, moment.reaction.as_deref()),
            moment.exception_id,
            moment.told_customer,
            moment.plan_id,
        ],
    )?;
    get(conn, &id)
}

pub(crate) fn update(
    conn: &Connection,
    id: &str,
    moment: &ValidMoment,
    now: DateTime<Utc>,
) -> Result<Moment> {
    let changed = conn.execute(
        "UPDATE moments SET local_date = ?2, updated_at = ?3, situation = ?4, customer = ?5,
                text = ?6, reaction = ?7, took = ?8, shared = ?9, search_text = ?10,
                exception_id = ?11, told_customer = ?12, plan_id = ?13
          WHERE id = ?1 AND deleted_at IS NULL",
        params![
            id,
            moment.date,
            now,
            enum_text(&moment.situation),
            enum_text(&moment.customer),
            moment.text,
            moment.reaction,
            moment.took.as_ref().map(enum_text),
            moment.shared,
            search_text(&moment.text, moment.reaction.as_deref()),
            moment.exception_id,
            moment.told_customer,
            moment.plan_id,
        ],
    )?;
    if changed == 0 {
        return Err(CoreError::NotFound { what: "moment" });
    }
    get(conn, id)
}

pub(crate) fn set_deleted(
    conn: &Connection,
    id: &str,
    deleted_at: Option<DateTime<Utc>>,
) -> Result<()> {
    let changed = conn.execute(
        "UPDATE moments SET deleted_at = ?2 WHERE id = ?1",
        params![id, deleted_at],
    )?;
    if changed == 0 {
        return Err(CoreError::NotFound { what: "moment" });
    }
    Ok(())
}

/// A moment as it is, deleted or not, with when it was deleted.
pub(crate) fn get_any(conn: &Connection, id: &str) -> Result<(Moment, Option<DateTime<Utc>>)> {
    conn.query_row(
        &format!("SELECT {COLUMNS}, deleted_at FROM moments WHERE id = ?1"),
        [id],
        |row| Ok((from_row(row)?, row.get(16)?)),
    )
    .optional()?
    .ok_or(CoreError::NotFound { what: "moment" })
}

/// The ids of every moment, deleted or not, oldest first.
pub(crate) fn all_ids(conn: &Connection) -> Result<Vec<String>> {
    let mut statement =
        conn.prepare("SELECT id FROM moments ORDER BY local_date, created_at, id")?;
    let ids = statement.query_map([], |row| row.get(0))?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}

/// Writes `moment` into this store as it is, under `id` (a copy kept by a
/// further team's store, `author` being this person there): added, or
/// replaced. Shared here only when `shared`; it points to no exception or plan,
/// which are the other store's.
pub(crate) fn put_copy(
    conn: &Connection,
    author: &str,
    id: &str,
    moment: &Moment,
    shared: bool,
    deleted_at: Option<DateTime<Utc>>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO moments (id, author, local_date, created_at, updated_at, situation, customer,
                              text, reaction, took, shared, search_text, told_customer,
                              deleted_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
         ON CONFLICT (id) DO UPDATE SET
            local_date = excluded.local_date, updated_at = excluded.updated_at,
            situation = excluded.situation, customer = excluded.customer,
            text = excluded.text, reaction = excluded.reaction, took = excluded.took,
            shared = excluded.shared, search_text = excluded.search_text,
            told_customer = excluded.told_customer, deleted_at = excluded.deleted_at",
        params![
            id,
            author,
            moment.date,
            moment.created_at,
            moment.updated_at,
            enum_text(&moment.situation),
            enum_text(&moment.customer),
            moment.text,
            moment.reaction,
            moment.took.as_ref().map(enum_text),
            shared,
            search_text(&moment.text, moment.reaction.as_deref()),
            moment.told_customer,
            deleted_at,
        ],
    )?;
    Ok(())
}

/// A copy whose moment is gone: deleted here too.
pub(crate) fn put_gone(conn: &Connection, id: &str, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE moments SET deleted_at = ?2 WHERE id = ?1 AND deleted_at IS NULL",
        params![id, now],
    )?;
    Ok(())
}

/// A moment that is not deleted.
pub(crate) fn get(conn: &Connection, id: &str) -> Result<Moment> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM moments WHERE id = ?1 AND deleted_at IS NULL"),
        [id],
        from_row,
    )
    .optional()?
    .ok_or(CoreError::NotFound { what: "moment" })
}

pub(crate) fn date_of(conn: &Connection, id: &str) -> Result<NaiveDate> {
    Ok(get(conn, id)?.date)
}

pub(crate) fn list(conn: &Connection, filter: &MomentFilter) -> Result<Vec<Moment>> {
    let needle = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|needle| !needle.is_empty())
        .map(str::to_lowercase);
    let situation = filter.situation.as_ref().map(enum_text);
    let limit = filter.limit.map_or(-1, i64::from);
    let offset = filter.offset.map_or(0, i64::from);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM moments
          WHERE deleted_at IS NULL
            AND (?1 IS NULL OR instr(search_text, ?1) > 0)
            AND (?2 IS NULL OR situation = ?2)
          ORDER BY local_date DESC, created_at DESC, id DESC
          LIMIT ?3 OFFSET ?4"
    ))?;
    let rows = stmt.query_map(params![needle, situation, limit, offset], from_row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub(crate) fn count_on(conn: &Connection, date: NaiveDate) -> Result<u32> {
    Ok(conn.query_row(
        "SELECT count(*) FROM moments WHERE local_date = ?1 AND deleted_at IS NULL",
        [date],
        |row| row.get(0),
    )?)
}

/// Fans made from `first` to `last` (both included), and how many of them
/// were shared.
pub(crate) fn count_between(
    conn: &Connection,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<(u32, u32)> {
    Ok(conn.query_row(
        "SELECT count(*), coalesce(sum(shared), 0) FROM moments
          WHERE deleted_at IS NULL AND local_date BETWEEN ?1 AND ?2",
        params![first, last],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?)
}

pub(crate) fn count_all(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row(
        "SELECT count(*) FROM moments WHERE deleted_at IS NULL",
        [],
        |row| row.get(0),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
    }

    fn input(text: &str) -> MomentInput {
        MomentInput::new(Situation::JustBecause, Customer::External, text)
    }

    const TODAY: &str = "2026-11-23";

    #[test]
    fn text_is_trimmed_and_the_date_defaults_to_today() {
        let valid = validate(&input("  Bytte pengar åt en kund  \n"), day(TODAY), None);
        let valid = valid.unwrap_or_else(|err| panic!("valid input refused: {err}"));
        assert_eq!(valid.text, "Bytte pengar åt en kund");
        assert_eq!(valid.date, day(TODAY));
    }

    #[test]
    fn empty_or_whitespace_text_is_refused() {
        for text in ["", "   ", "\n\t "] {
            assert_eq!(
                validate(&input(text), day(TODAY), None),
                Err(ValidationError::TextEmpty)
            );
        }
    }

    #[test]
    fn text_may_be_2000_characters_but_not_2001() {
        let at_limit = "ö".repeat(MAX_TEXT_CHARS);
        assert!(validate(&input(&at_limit), day(TODAY), None).is_ok());
        let over = "ö".repeat(MAX_TEXT_CHARS + 1);
        assert_eq!(
            validate(&input(&over), day(TODAY), None),
            Err(ValidationError::TextTooLong {
                len: 2001,
                max: 2000
            })
        );
    }

    #[test]
    fn an_empty_reaction_is_no_reaction_and_a_long_one_is_refused() {
        let mut blank = input("Ringde tillbaka");
        blank.reaction = Some("   ".into());
        assert_eq!(
            validate(&blank, day(TODAY), None).map(|v| v.reaction),
            Ok(None)
        );
        let mut long = input("Ringde tillbaka");
        long.reaction = Some("x".repeat(MAX_REACTION_CHARS + 1));
        assert_eq!(
            validate(&long, day(TODAY), None).map(|v| v.reaction),
            Err(ValidationError::ReactionTooLong {
                len: 2001,
                max: 2000
            })
        );
    }

    #[test]
    fn a_moment_may_be_back_dated_seven_days_but_never_into_the_future() {
        let mut moment = input("Hjälpte en kollega");
        moment.date = Some(day("2026-11-16"));
        assert!(validate(&moment, day(TODAY), None).is_ok());
        moment.date = Some(day("2026-11-15"));
        assert_eq!(
            validate(&moment, day(TODAY), None),
            Err(ValidationError::DateTooOld { max_days: 7 })
        );
        moment.date = Some(day("2026-11-24"));
        assert_eq!(
            validate(&moment, day(TODAY), None),
            Err(ValidationError::DateInFuture)
        );
    }

    #[test]
    fn an_old_moment_keeps_its_date_when_edited() {
        let mut moment = input("Förlängde returrätten");
        moment.date = Some(day("2026-10-01"));
        assert!(validate(&moment, day(TODAY), Some(day("2026-10-01"))).is_ok());
        moment.date = None;
        assert_eq!(
            validate(&moment, day(TODAY), Some(day("2026-10-01"))).map(|v| v.date),
            Ok(day("2026-10-01"))
        );
    }

    #[test]
    fn the_earliest_allowed_date_is_a_week_back() {
        assert_eq!(earliest_allowed_date(day(TODAY)), day("2026-11-16"));
    }
}

//! The days a person made fans: what the habit's rules (the streak, never
//! missing twice) are worked out from.

use crate::calendar::WorkingDays;
use crate::error::Result;
use crate::moment::{Customer, Situation};
use crate::sql::enum_column;
use chrono::NaiveDate;
use rusqlite::Connection;
use std::collections::BTreeMap;

/// Fans per day, from the moments that are not deleted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    pub fans_by_day: BTreeMap<NaiveDate, u32>,
    pub situations: BTreeMap<Situation, u32>,
    pub customers: BTreeMap<Customer, u32>,
    pub exceptions_used: u32,
}

impl History {
    pub fn total(&self) -> u32 {
        self.fans_by_day.values().sum()
    }

    fn made(&self, day: NaiveDate) -> bool {
        self.fans_by_day.get(&day).is_some_and(|&n| n > 0)
    }
}

pub fn load_history(conn: &Connection) -> Result<History> {
    let mut history = History::default();
    let mut stmt = conn.prepare_cached(
        "SELECT local_date, situation, customer, exception_id IS NOT NULL
           FROM moments WHERE deleted_at IS NULL",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let day: NaiveDate = row.get(0)?;
        let situation: Situation = enum_column(row, 1)?;
        let customer: Customer = enum_column(row, 2)?;
        let used_exception: bool = row.get(3)?;
        *history.fans_by_day.entry(day).or_default() += 1;
        *history.situations.entry(situation).or_default() += 1;
        *history.customers.entry(customer).or_default() += 1;
        history.exceptions_used += u32::from(used_exception);
    }
    Ok(history)
}

/// Only the fans per day: what the reminder rules need, read from the
/// moments' date index alone.
pub fn load_fans_by_day(conn: &Connection) -> Result<History> {
    let mut stmt = conn.prepare_cached(
        "SELECT local_date, count(*) FROM moments WHERE deleted_at IS NULL GROUP BY local_date",
    )?;
    let fans_by_day = stmt
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<BTreeMap<NaiveDate, u32>>>()?;
    Ok(History {
        fans_by_day,
        ..History::default()
    })
}

/// The days that count, in order, from the first fan to today: working
/// days that are not paused, and any day with a fan (a Saturday shift's fan
/// is a day done). Today counts only once its fan is made: the day is not
/// over yet.
pub(crate) fn counted_days<'a>(
    history: &'a History,
    settings: &'a impl WorkingDays,
    today: NaiveDate,
) -> impl Iterator<Item = (NaiveDate, bool)> + 'a {
    let first = history
        .fans_by_day
        .keys()
        .next()
        .copied()
        .unwrap_or(today)
        .min(today);
    first
        .iter_days()
        .take_while(move |day| *day <= today)
        .map(move |day| (day, history.made(day)))
        .filter(move |(day, made)| *made || (*day < today && settings.counts(*day)))
}

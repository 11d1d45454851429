//! Keeping the habit: the streak, habit strength, the fan club week by
//! week, and the mix of moments. Pure functions of the days fans were made,
//! the working days and pauses, and today, so every rule is tested with any
//! calendar.

use crate::calendar::WorkingDays;
pub use crate::calendar::{first_of_weeks, first_working_day, week_start};
use crate::error::Result;
use crate::history::counted_days;
pub use crate::history::{load_fans_by_day, load_history, History};
use crate::moment::{Customer, Situation};
use crate::sql::enum_column;
use chrono::{Datelike, Duration, IsoWeek, NaiveDate};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How many weeks the fan club chart shows.
pub const CHART_WEEKS: usize = 26;

/// The daily habit's frequency in Loop Habit Tracker's formula.
const FREQUENCY: f64 = 1.0;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Streak {
    pub current: u32,
    pub best: u32,
}

/// Consecutive working days with a fan; days off and paused days without a
/// fan neither break nor extend it.
pub fn streak(history: &History, settings: &impl WorkingDays, today: NaiveDate) -> Streak {
    let mut run = 0;
    let mut best = 0;
    for (_, made) in counted_days(history, settings, today) {
        run = if made { run + 1 } else { 0 };
        best = best.max(run);
    }
    Streak { current: run, best }
}

/// Habit strength as Loop Habit Tracker computes it, over the days that
/// count: `score = m * score + (1 - m) * v` with `m = 0.5^(sqrt(f)/13)`.
/// Between 0 and 1.
pub fn habit_strength(history: &History, settings: &impl WorkingDays, today: NaiveDate) -> f64 {
    let multiplier = 0.5_f64.powf(FREQUENCY.sqrt() / 13.0);
    counted_days(history, settings, today).fold(0.0, |score, (_, made)| {
        multiplier * score + (1.0 - multiplier) * if made { 1.0 } else { 0.0 }
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeekCount {
    /// ISO year and week number, as people name weeks ("v. 48").
    pub iso_year: i32,
    pub iso_week: u32,
    pub monday: NaiveDate,
    pub fans: u32,
}

fn week_of(monday: NaiveDate, fans: u32) -> WeekCount {
    let iso: IsoWeek = monday.iso_week();
    WeekCount {
        iso_year: iso.year(),
        iso_week: iso.week(),
        monday,
        fans,
    }
}

/// Fans per ISO week for the `weeks` weeks ending with the week of `today`,
/// oldest first, empty weeks included.
pub fn fans_per_week(history: &History, today: NaiveDate, weeks: usize) -> Vec<WeekCount> {
    let first_monday = first_of_weeks(today, weeks);
    let mut counts: Vec<WeekCount> = (0..weeks)
        .map(|i| week_of(first_monday + Duration::weeks(i as i64), 0))
        .collect();
    for (day, fans) in history.fans_by_day.range(first_monday..) {
        if *day > today + Duration::days(6) {
            break;
        }
        let index = ((week_start(*day) - first_monday).num_weeks()) as usize;
        if let Some(week) = counts.get_mut(index) {
            week.fans += fans;
        }
    }
    counts
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    pub today: NaiveDate,
    pub streak: Streak,
    /// Working days since two in a row were missed.
    pub never_missed_twice: u32,
    /// 0 to 100, one decimal.
    pub habit_strength: f64,
    pub total: u32,
    pub weeks: Vec<WeekCount>,
    pub situations: BTreeMap<Situation, u32>,
    pub customers: BTreeMap<Customer, u32>,
    pub exceptions_used: u32,
    /// This week's fans beside the average of the weeks before it that had any.
    pub this_week: u32,
    pub earlier_weeks_average: Option<f64>,
    pub best_week: u32,
}

pub fn progress(history: &History, settings: &impl WorkingDays, today: NaiveDate) -> Progress {
    let weeks = fans_per_week(history, today, CHART_WEEKS);
    let this_week = weeks.last().map_or(0, |week| week.fans);
    let all_weeks = all_weeks_before(history, week_start(today));
    let earlier_weeks_average = if all_weeks.is_empty() {
        None
    } else {
        Some(f64::from(all_weeks.iter().sum::<u32>()) / all_weeks.len() as f64)
    };
    Progress {
        today,
        streak: streak(history, settings, today),
        never_missed_twice: crate::misses::never_missed_twice(history, settings, today),
        habit_strength: (habit_strength(history, settings, today) * 1000.0).round() / 10.0,
        total: history.total(),
        best_week: all_weeks.iter().copied().max().unwrap_or(0).max(this_week),
        weeks,
        situations: history.situations.clone(),
        customers: history.customers.clone(),
        exceptions_used: history.exceptions_used,
        this_week,
        earlier_weeks_average,
    }
}

/// Fans in each week from the first fan's week up to (not including) `monday`.
fn all_weeks_before(history: &History, monday: NaiveDate) -> Vec<u32> {
    let Some(first) = history.fans_by_day.keys().next().copied() else {
        return Vec::new();
    };
    let first_monday = week_start(first);
    if first_monday >= monday {
        return Vec::new();
    }
    let count = (monday - first_monday).num_weeks() as usize;
    let mut weeks = vec![0_u32; count];
    for (day, fans) in history.fans_by_day.range(first_monday..monday) {
        let index = (week_start(*day) - first_monday).num_weeks() as usize;
        if let Some(week) = weeks.get_mut(index) {
            *week += fans;
        }
    }
    weeks
}

/// A team lead's leading indicators for one week: activity, not a ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeekInsight {
    pub iso_year: i32,
    pub iso_week: u32,
    pub monday: NaiveDate,
    pub members: u32,
    /// Members with at least one fan that week.
    pub active_members: u32,
    /// Share of members who made a fan, 0 to 100.
    pub participation: f64,
    pub fans: u32,
    pub fans_per_member: f64,
    pub situations: BTreeMap<Situation, u32>,
    pub customers: BTreeMap<Customer, u32>,
    pub exceptions_used: u32,
    /// Moments that followed an if-then plan.
    pub plans_followed: u32,
    /// False where the week's numbers would show too few people's own
    /// (the team's tallies of fewer than three members): then only who
    /// took part is counted, and every other number is zero.
    pub numbers_shown: bool,
}

impl WeekInsight {
    /// A week with nothing counted, and nobody in it yet.
    pub fn empty(monday: NaiveDate) -> WeekInsight {
        let iso = monday.iso_week();
        WeekInsight {
            iso_year: iso.year(),
            iso_week: iso.week(),
            monday,
            members: 0,
            active_members: 0,
            participation: 0.0,
            fans: 0,
            fans_per_member: 0.0,
            situations: BTreeMap::new(),
            customers: BTreeMap::new(),
            exceptions_used: 0,
            plans_followed: 0,
            numbers_shown: false,
        }
    }
}

/// `part` of `whole` members, 0 to 100 with one decimal.
/// Of nobody, 0 (never NaN: a week nobody was in shows 0 %).
pub(crate) fn percent(part: u32, whole: u32) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    (f64::from(part) * 1000.0 / f64::from(whole)).round() / 10.0
}

/// `n` per member, with one decimal.
pub(crate) fn per_member(n: u32, members: u32) -> f64 {
    if members == 0 {
        return 0.0;
    }
    (f64::from(n) * 10.0 / f64::from(members)).round() / 10.0
}

/// Week by week for the `weeks` weeks ending with today's, newest first,
/// from the moments this computer holds.
pub fn insights(conn: &Connection, today: NaiveDate, weeks: usize) -> Result<Vec<WeekInsight>> {
    let members: u32 = conn
        .query_row(
            "SELECT count(DISTINCT author) FROM moments WHERE deleted_at IS NULL",
            [],
            |row| row.get(0),
        )
        .map(|n: u32| n.max(1))?;
    let first_monday = first_of_weeks(today, weeks);
    let mut by_week: Vec<(WeekInsight, std::collections::BTreeSet<String>)> = (0..weeks)
        .map(|i| {
            let week = WeekInsight {
                members,
                numbers_shown: true,
                ..WeekInsight::empty(first_monday + Duration::weeks(i as i64))
            };
            (week, std::collections::BTreeSet::new())
        })
        .collect();
    let mut stmt = conn.prepare_cached(
        "SELECT local_date, author, situation, customer, exception_id IS NOT NULL,
                plan_id IS NOT NULL
           FROM moments WHERE deleted_at IS NULL AND local_date >= ?1 AND local_date <= ?2",
    )?;
    let mut rows = stmt.query(rusqlite::params![first_monday, today])?;
    while let Some(row) = rows.next()? {
        let day: NaiveDate = row.get(0)?;
        let index = (week_start(day) - first_monday).num_weeks() as usize;
        let Some((week, authors)) = by_week.get_mut(index) else {
            continue;
        };
        authors.insert(row.get(1)?);
        week.fans += 1;
        *week.situations.entry(enum_column(row, 2)?).or_default() += 1;
        *week.customers.entry(enum_column(row, 3)?).or_default() += 1;
        week.exceptions_used += u32::from(row.get::<_, bool>(4)?);
        week.plans_followed += u32::from(row.get::<_, bool>(5)?);
    }
    let mut result: Vec<WeekInsight> = by_week
        .into_iter()
        .map(|(mut week, authors)| {
            week.active_members = authors.len() as u32;
            week.participation = percent(week.active_members, members);
            week.fans_per_member = per_member(week.fans, members);
            week
        })
        .collect();
    result.reverse();
    Ok(result)
}

//! Never miss twice: one missed working day barely slows a habit, two in a
//! row is where habits break. After a miss the person is told kindly that
//! today counts, and the days since the last double miss are counted beside
//! the streak; nothing is ever "lost".

use crate::calendar::WorkingDays;
use crate::history::{counted_days, History};
use chrono::NaiveDate;
use serde::Serialize;

/// The working days just before today that had no fan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Missed {
    /// The last day a fan was expected.
    pub last_expected: NaiveDate,
    /// Whether that day was yesterday (not a Friday before a Monday).
    pub yesterday: bool,
    /// Expected days in a row without a fan, 1 or more.
    pub in_a_row: u32,
}

/// The misses just before today, when there are any. Someone who has not
/// made a first fan yet has missed nothing.
pub fn missed_before(
    history: &History,
    settings: &impl WorkingDays,
    today: NaiveDate,
) -> Option<Missed> {
    let mut last_expected = None;
    let mut in_a_row = 0;
    for (day, made) in counted_days(history, settings, today).filter(|(day, _)| *day < today) {
        if made {
            in_a_row = 0;
        } else {
            in_a_row += 1;
        }
        last_expected = Some(day);
    }
    let last_expected = last_expected?;
    (in_a_row > 0).then(|| Missed {
        last_expected,
        yesterday: today.pred_opt() == Some(last_expected),
        in_a_row,
    })
}

/// Working days (with a fan, or expected and missed once) since the last
/// time two expected days in a row had no fan.
pub fn never_missed_twice(history: &History, settings: &impl WorkingDays, today: NaiveDate) -> u32 {
    let mut days = 0;
    let mut missed_last = false;
    for (_, made) in counted_days(history, settings, today) {
        if !made && missed_last {
            days = 0;
        } else {
            days += 1;
        }
        missed_last = !made;
    }
    days
}

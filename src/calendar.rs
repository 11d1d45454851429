//! The Fanday day, weeks and working days: what the reminder and the
//! progress numbers both count by.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

/// A moment made before this hour counts for the day before (late shifts).
pub const DEFAULT_DAY_START_HOUR: u32 = 4;

/// A holiday or sick leave, both days included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

impl Pause {
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.first_day <= day && day <= self.last_day
    }
}

/// The days a person works and the days they are away.
pub trait WorkingDays {
    fn is_working_day(&self, day: NaiveDate) -> bool;

    fn is_paused(&self, day: NaiveDate) -> bool;

    /// A working day that is not paused: the days a fan is expected.
    fn counts(&self, day: NaiveDate) -> bool {
        self.is_working_day(day) && !self.is_paused(day)
    }
}

/// The Fanday day a local wall-clock time belongs to: before the day-start
/// hour it is still the day before.
pub fn day_of(local: NaiveDateTime, day_start_hour: u32) -> NaiveDate {
    (local - Duration::hours(i64::from(day_start_hour))).date()
}

/// The local wall-clock time a Fanday day begins.
pub fn day_starts_at(day: NaiveDate, day_start_hour: u32) -> NaiveDateTime {
    day.and_time(NaiveTime::from_hms_opt(day_start_hour, 0, 0).unwrap_or(NaiveTime::MIN))
}

/// Monday of the ISO week `day` is in.
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// Monday of the first of the `weeks` ISO weeks that end with `today`'s.
pub fn first_of_weeks(today: NaiveDate, weeks: usize) -> NaiveDate {
    week_start(today) - Duration::weeks(weeks.saturating_sub(1) as i64)
}

/// Monday of an ISO week, if the week exists.
pub fn monday_of(iso_year: i32, iso_week: u32) -> Option<NaiveDate> {
    NaiveDate::from_isoywd_opt(iso_year, iso_week, Weekday::Mon)
}

/// The first day of the ISO week `day` is in that counts (the day for the
/// weekly mirror and the digest), if the week has one.
pub fn first_working_day(days: &impl WorkingDays, day: NaiveDate) -> Option<NaiveDate> {
    week_start(day)
        .iter_days()
        .take(7)
        .find(|d| days.counts(*d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap_or_default()
    }

    #[test]
    fn before_the_day_start_hour_it_is_still_yesterday() {
        let late = day("2026-03-29").and_hms_opt(3, 59, 0).unwrap_or_default();
        assert_eq!(day_of(late, 4), day("2026-03-28"));
        assert_eq!(day_of(late, 0), day("2026-03-29"));
        let start = day_starts_at(day("2026-03-29"), 4);
        assert_eq!(day_of(start, 4), day("2026-03-29"));
    }

    #[test]
    fn weeks_start_on_monday() {
        assert_eq!(week_start(day("2026-11-29")), day("2026-11-23"));
        assert_eq!(week_start(day("2026-11-23")), day("2026-11-23"));
        assert_eq!(monday_of(2026, 48), Some(day("2026-11-23")));
        assert_eq!(monday_of(2026, 54), None);
    }
}

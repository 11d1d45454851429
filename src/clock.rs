//! Time is passed in, never read deep inside the rules, so that every rule
//! about days can be tested with any instant and any UTC offset.

use chrono::{DateTime, FixedOffset, Local, NaiveDate, Utc};
use std::sync::Mutex;

pub trait Clock: Send + Sync {
    /// The current instant, with the local UTC offset in force at it.
    fn now(&self) -> DateTime<FixedOffset>;

    fn now_utc(&self) -> DateTime<Utc> {
        self.now().with_timezone(&Utc)
    }

    /// The Fanday day it is now: before `day_start_hour` it is still
    /// yesterday, for late shifts.
    fn today(&self, day_start_hour: u32) -> NaiveDate {
        crate::calendar::day_of(self.now().naive_local(), day_start_hour)
    }
}

/// The computer's own clock and time zone.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<FixedOffset> {
        Local::now().fixed_offset()
    }
}

/// A clock that stands still until told otherwise; for tests and demos.
#[derive(Debug)]
pub struct FixedClock(Mutex<DateTime<FixedOffset>>);

impl FixedClock {
    pub fn new(at: DateTime<FixedOffset>) -> Self {
        FixedClock(Mutex::new(at))
    }

    pub fn set(&self, at: DateTime<FixedOffset>) {
        *crate::lock::locked(&self.0) = at;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<FixedOffset> {
        *crate::lock::locked(&self.0)
    }
}

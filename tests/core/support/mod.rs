//! What the core's tests share: a day and an instant from text, a store
//! opened at a set time, a person in it, and a plain moment. The team
//! folder's helpers are in `team`.

#![allow(dead_code)]

pub mod team;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use chrono_tz::Europe::Stockholm;
use fanday_core::{
    Customer, Fanday, FixedClock, Language, MomentFilter, MomentInput, ProfileInput, Role,
    Situation,
};
use std::path::Path;
use std::sync::Arc;

pub fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|err| panic!("{text}: {err}"))
}

/// An instant with its offset, as RFC 3339 text.
pub fn at(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap_or_else(|err| panic!("{text}: {err}"))
}

/// A wall-clock time in Stockholm (one that exists once).
pub fn stockholm(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<FixedOffset> {
    match Stockholm.with_ymd_and_hms(y, m, d, h, min, 0) {
        chrono::LocalResult::Single(at) => at.fixed_offset(),
        other => panic!("ambiguous test time: {other:?}"),
    }
}

pub fn open(dir: &Path, clock: &Arc<FixedClock>) -> Fanday {
    Fanday::open(dir, clock.clone()).unwrap_or_else(|err| panic!("{err}"))
}

/// A store in a fresh temp dir, on a clock set to `at`.
pub struct Setup {
    pub _dir: tempfile::TempDir,
    pub clock: Arc<FixedClock>,
    pub fanday: Fanday,
}

pub fn open_at(at: DateTime<FixedOffset>) -> Setup {
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("temp dir: {err}"));
    let clock = Arc::new(FixedClock::new(at));
    let fanday = open(dir.path(), &clock);
    Setup {
        _dir: dir,
        clock,
        fanday,
    }
}

/// `name` sets up their profile, in Swedish.
pub fn be(app: &Fanday, role: Role, name: &str) {
    app.save_profile(&ProfileInput {
        display_name: name.into(),
        role,
        language: Language::Sv,
    })
    .unwrap_or_else(|err| panic!("{err}"));
}

/// Sara sets up her profile, in Swedish.
pub fn with_profile(app: &Fanday, role: Role) {
    be(app, role, "Sara");
}

/// A moment for an external customer, today, not shared.
pub fn moment(text: &str, situation: Situation) -> MomentInput {
    MomentInput::new(situation, Customer::External, text)
}

/// The texts of the moments a filter lists, in the order listed.
pub fn texts(fanday: &Fanday, filter: &MomentFilter) -> Vec<String> {
    fanday
        .list_moments(filter)
        .unwrap_or_else(|err| panic!("{err}"))
        .into_iter()
        .map(|m| m.text)
        .collect()
}

//! The daily reminder: its settings, its log, and the one rule that decides
//! whether to remind now. The rule is a pure function of the time, the
//! settings, today's fans and today's log, so every case is tested with a
//! clock that is set, not read.

use crate::calendar::{self, WorkingDays};
use crate::error::{Result, ValidationError};
use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc,
};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

pub const DEFAULT_TIME: &str = "10:00";
pub use crate::calendar::{Pause, DEFAULT_DAY_START_HOUR};
pub use crate::reminder_words::{notification_text, NotificationText};
pub const DEFAULT_SNOOZE_MINUTES: u32 = 60;
pub const MAX_DAY_START_HOUR: u32 = 11;
pub const SNOOZE_MINUTES: std::ops::RangeInclusive<u32> = 5..=240;
pub const MAX_PAUSE_DAYS: i64 = 366;
pub const MAX_PAUSES: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderSettings {
    pub enabled: bool,
    /// Local wall-clock time as `HH:MM`.
    pub time: String,
    /// Working days as ISO numbers: 1 is Monday, 7 is Sunday.
    pub weekdays: Vec<u8>,
    /// A moment made before this hour counts for the day before (late shifts).
    pub day_start_hour: u32,
    pub snooze_minutes: u32,
    pub pauses: Vec<Pause>,
    /// Start Fanday, in the tray, when the person logs in.
    pub open_at_login: bool,
    /// On the first working day of a week: "Last week you made N fans".
    #[serde(default)]
    pub weekly_digest: bool,
}

impl Default for ReminderSettings {
    fn default() -> Self {
        ReminderSettings {
            enabled: true,
            time: DEFAULT_TIME.to_string(),
            weekdays: vec![1, 2, 3, 4, 5],
            day_start_hour: DEFAULT_DAY_START_HOUR,
            snooze_minutes: DEFAULT_SNOOZE_MINUTES,
            pauses: Vec::new(),
            open_at_login: false,
            weekly_digest: false,
        }
    }
}

impl WorkingDays for ReminderSettings {
    fn is_working_day(&self, day: NaiveDate) -> bool {
        let iso = day.weekday().number_from_monday() as u8;
        self.weekdays.contains(&iso)
    }

    fn is_paused(&self, day: NaiveDate) -> bool {
        self.pauses.iter().any(|pause| pause.covers(day))
    }
}

impl ReminderSettings {
    /// The Fanday day a local wall-clock time belongs to, by these settings.
    pub fn day_of(&self, local: NaiveDateTime) -> NaiveDate {
        calendar::day_of(local, self.day_start_hour)
    }

    fn day_starts_at(&self, day: NaiveDate) -> NaiveDateTime {
        calendar::day_starts_at(day, self.day_start_hour)
    }

    /// The local wall-clock time the reminder is due on `day`; a time
    /// before the day-start hour falls after midnight.
    pub(crate) fn due_on(&self, day: NaiveDate) -> NaiveDateTime {
        let time = hh_mm::parse(&self.time)
            .or_else(|| hh_mm::parse(DEFAULT_TIME))
            .unwrap_or(NaiveTime::MIN);
        let date = if time.hour() < self.day_start_hour {
            day.succ_opt().unwrap_or(day)
        } else {
            day
        };
        date.and_time(time)
    }
}

/// Checks and normalises settings as the person gave them.
pub fn validate(mut settings: ReminderSettings) -> Result<ReminderSettings, ValidationError> {
    let time = hh_mm::parse(&settings.time).ok_or(ValidationError::ReminderTime)?;
    settings.time = hh_mm::format(time);
    settings.weekdays.retain(|day| (1..=7).contains(day));
    settings.weekdays.sort_unstable();
    settings.weekdays.dedup();
    if settings.weekdays.is_empty() {
        return Err(ValidationError::NoWorkingDays);
    }
    if settings.day_start_hour > MAX_DAY_START_HOUR {
        return Err(ValidationError::DayStartHour {
            max: MAX_DAY_START_HOUR,
        });
    }
    if !SNOOZE_MINUTES.contains(&settings.snooze_minutes) {
        return Err(ValidationError::SnoozeMinutes {
            min: *SNOOZE_MINUTES.start(),
            max: *SNOOZE_MINUTES.end(),
        });
    }
    if settings.pauses.len() > MAX_PAUSES {
        return Err(ValidationError::TooManyPauses { max: MAX_PAUSES });
    }
    for pause in &settings.pauses {
        if pause.last_day < pause.first_day {
            return Err(ValidationError::PauseEndsBeforeStart);
        }
        if (pause.last_day - pause.first_day).num_days() >= MAX_PAUSE_DAYS {
            return Err(ValidationError::PauseTooLong {
                max_days: MAX_PAUSE_DAYS,
            });
        }
    }
    settings.pauses.sort_by_key(|pause| pause.first_day);
    Ok(settings)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogKind {
    Shown,
    Snoozed,
    /// The person followed the reminder to the log form.
    Opened,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogEntry {
    pub day: NaiveDate,
    pub kind: LogKind,
    pub at: DateTime<Utc>,
    /// For a snooze: when to remind again.
    pub until: Option<DateTime<Utc>>,
}

/// Why the reminder is due now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Due {
    /// At the set time.
    OnTime,
    /// The computer was asleep or off at the set time; shown once, now.
    Late,
    /// A snooze the person asked for has run out.
    Snoozed,
}

/// Why there is no reminder now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quiet {
    /// Nobody has set up Fanday on this computer yet.
    NotSetUp,
    Off,
    NotWorkingDay,
    Paused,
    FanMade,
    AlreadyShown,
    BeforeTime,
    Snoozed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "plan", rename_all = "snake_case")]
pub enum Plan {
    Remind {
        day: NaiveDate,
        due: Due,
    },
    /// No reminder now. `next` is the earliest instant one could be due, if
    /// nothing changes meanwhile (the loop looks again sooner anyway).
    Wait {
        day: NaiveDate,
        why: Quiet,
        next: Option<DateTime<Utc>>,
    },
}

/// Within this long after the set time the reminder counts as on time.
const ON_TIME_GRACE_MINUTES: i64 = 2;

/// The rule: remind now, or wait. `fans_today` counts the moments of the
/// Fanday day that `now` falls in; `log` holds that day's entries in order.
pub fn plan(
    now: DateTime<FixedOffset>,
    settings: &ReminderSettings,
    fans_today: u32,
    log: &[LogEntry],
) -> Plan {
    let local = now.naive_local();
    let day = settings.day_of(local);
    let wait = |why: Quiet, next: Option<DateTime<Utc>>| Plan::Wait { day, why, next };

    if !settings.enabled {
        return wait(Quiet::Off, None);
    }
    if !settings.is_working_day(day) {
        return wait(Quiet::NotWorkingDay, None);
    }
    if settings.is_paused(day) {
        return wait(Quiet::Paused, None);
    }
    if fans_today > 0 {
        return wait(Quiet::FanMade, None);
    }

    let today: Vec<&LogEntry> = log.iter().filter(|entry| entry.day == day).collect();
    let latest = today
        .iter()
        .rev()
        .find(|entry| entry.kind != LogKind::Opened);
    match latest {
        Some(entry) if entry.kind == LogKind::Snoozed => {
            let until = entry.until.unwrap_or(entry.at);
            let day_ends = settings.day_starts_at(day + Duration::days(1));
            if local >= day_ends {
                wait(Quiet::AlreadyShown, None)
            } else if now >= until {
                Plan::Remind {
                    day,
                    due: Due::Snoozed,
                }
            } else {
                wait(Quiet::Snoozed, Some(until))
            }
        }
        Some(_) => wait(Quiet::AlreadyShown, None),
        None => {
            let due_at = settings.due_on(day);
            if local < due_at {
                let next = now.with_timezone(&Utc) + (due_at - local);
                wait(Quiet::BeforeTime, Some(next))
            } else if local - due_at <= Duration::minutes(ON_TIME_GRACE_MINUTES) {
                Plan::Remind {
                    day,
                    due: Due::OnTime,
                }
            } else {
                Plan::Remind {
                    day,
                    due: Due::Late,
                }
            }
        }
    }
}

/// For one run of the app only (`--remind-at`), to try the reminder or to
/// test it: remind at this time whatever the day, or not at all. The
/// rules about a fan already made and a reminder already shown still hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunOverride {
    At(NaiveTime),
    Off,
}

impl RunOverride {
    /// `HH:MM` or `off`.
    pub fn parse(text: &str) -> Option<RunOverride> {
        if text.trim().eq_ignore_ascii_case("off") {
            Some(RunOverride::Off)
        } else {
            hh_mm::parse(text).map(RunOverride::At)
        }
    }

    pub fn apply(self, settings: ReminderSettings) -> ReminderSettings {
        match self {
            RunOverride::Off => ReminderSettings {
                enabled: false,
                ..settings
            },
            RunOverride::At(time) => ReminderSettings {
                enabled: true,
                time: hh_mm::format(time),
                weekdays: vec![1, 2, 3, 4, 5, 6, 7],
                pauses: Vec::new(),
                ..settings
            },
        }
    }
}

// ---------- storage ----------

const KEY_ENABLED: &str = "reminder.enabled";
const KEY_TIME: &str = "reminder.time";
const KEY_WEEKDAYS: &str = "reminder.weekdays";
const KEY_DAY_START: &str = "reminder.day_start_hour";
const KEY_SNOOZE: &str = "reminder.snooze_minutes";
const KEY_OPEN_AT_LOGIN: &str = "app.open_at_login";
const KEY_DIGEST: &str = "digest.enabled";
/// The Monday of the last week a digest was sent for.
pub(crate) const KEY_DIGEST_SENT: &str = "digest.sent_for";

pub(crate) fn setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |row| {
            row.get(0)
        })
        .optional()?)
}

pub(crate) fn put_setting(tx: &Transaction<'_>, key: &str, value: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// The saved settings; defaults for anything never saved or unreadable.
pub fn load_settings(conn: &Connection) -> Result<ReminderSettings> {
    let mut settings = ReminderSettings::default();
    if let Some(value) = setting(conn, KEY_ENABLED)? {
        settings.enabled = value == "1";
    }
    if let Some(time) = setting(conn, KEY_TIME)?.and_then(|v| hh_mm::parse(&v)) {
        settings.time = hh_mm::format(time);
    }
    if let Some(value) = setting(conn, KEY_WEEKDAYS)? {
        let days: Vec<u8> = value
            .split(',')
            .filter_map(|day| day.trim().parse().ok())
            .filter(|day| (1..=7).contains(day))
            .collect();
        if !days.is_empty() {
            settings.weekdays = days;
        }
    }
    if let Some(hour) = setting(conn, KEY_DAY_START)?.and_then(|v| v.parse().ok()) {
        if hour <= MAX_DAY_START_HOUR {
            settings.day_start_hour = hour;
        }
    }
    if let Some(minutes) = setting(conn, KEY_SNOOZE)?.and_then(|v| v.parse().ok()) {
        if SNOOZE_MINUTES.contains(&minutes) {
            settings.snooze_minutes = minutes;
        }
    }
    if let Some(value) = setting(conn, KEY_OPEN_AT_LOGIN)? {
        settings.open_at_login = value == "1";
    }
    if let Some(value) = setting(conn, KEY_DIGEST)? {
        settings.weekly_digest = value == "1";
    }
    let mut stmt =
        conn.prepare_cached("SELECT first_day, last_day FROM pauses ORDER BY first_day, id")?;
    settings.pauses = stmt
        .query_map([], |row| {
            Ok(Pause {
                first_day: row.get(0)?,
                last_day: row.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(settings)
}

pub fn save_settings(
    conn: &mut Connection,
    settings: ReminderSettings,
) -> Result<ReminderSettings> {
    let settings = validate(settings)?;
    let tx = conn.transaction()?;
    let flag = |on: bool| if on { "1" } else { "0" };
    put_setting(&tx, KEY_ENABLED, flag(settings.enabled))?;
    put_setting(&tx, KEY_TIME, &settings.time)?;
    let weekdays: Vec<String> = settings.weekdays.iter().map(u8::to_string).collect();
    put_setting(&tx, KEY_WEEKDAYS, &weekdays.join(","))?;
    put_setting(&tx, KEY_DAY_START, &settings.day_start_hour.to_string())?;
    put_setting(&tx, KEY_SNOOZE, &settings.snooze_minutes.to_string())?;
    put_setting(&tx, KEY_OPEN_AT_LOGIN, flag(settings.open_at_login))?;
    put_setting(&tx, KEY_DIGEST, flag(settings.weekly_digest))?;
    tx.execute("DELETE FROM pauses", [])?;
    for pause in &settings.pauses {
        tx.execute(
            "INSERT INTO pauses (id, first_day, last_day) VALUES (?1, ?2, ?3)",
            params![
                uuid::Uuid::now_v7().to_string(),
                pause.first_day,
                pause.last_day
            ],
        )?;
    }
    tx.commit()?;
    Ok(settings)
}

pub fn log_for_day(conn: &Connection, day: NaiveDate) -> Result<Vec<LogEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT day, kind, at, until FROM reminder_log WHERE day = ?1 ORDER BY id",
    )?;
    let entries = stmt
        .query_map([day], |row| {
            Ok(LogEntry {
                day: row.get(0)?,
                kind: crate::sql::enum_column(row, 1)?,
                at: row.get(2)?,
                until: row.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(entries)
}

pub fn append_log(conn: &Connection, entry: &LogEntry) -> Result<()> {
    conn.execute(
        "INSERT INTO reminder_log (day, kind, at, until) VALUES (?1, ?2, ?3, ?4)",
        params![
            entry.day,
            crate::sql::enum_text(&entry.kind),
            entry.at,
            entry.until
        ],
    )?;
    Ok(())
}

/// `HH:MM`, the way a time field gives and shows it (seconds allowed in).
pub mod hh_mm {
    use chrono::NaiveTime;

    pub fn parse(text: &str) -> Option<NaiveTime> {
        let text = text.trim();
        NaiveTime::parse_from_str(text, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M:%S"))
            .ok()
    }

    pub fn format(time: NaiveTime) -> String {
        time.format("%H:%M").to_string()
    }
}

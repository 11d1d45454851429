//! The daily reminder and the weekly digest: settings, the plan for now,
//! and the log of what was shown.

use crate::digest;
use crate::error::Result;
use crate::reminder::{self, LogEntry, LogKind, Plan, Quiet, RunOverride};
use crate::team::{feed, membership};
use crate::{if_then, misses, moment, stats};
use crate::{Fanday, NotificationText, ReminderSettings};
use chrono::{DateTime, Duration, NaiveDate, Utc};

impl Fanday {
    pub fn reminder_settings(&self) -> Result<ReminderSettings> {
        reminder::load_settings(&self.store.conn())
    }

    pub fn save_reminder_settings(&self, settings: ReminderSettings) -> Result<ReminderSettings> {
        reminder::save_settings(&mut self.store.conn(), settings)
    }

    /// Whether to remind now, from the clock, the settings, today's fans
    /// and today's reminder log.
    pub fn reminder_plan(&self) -> Result<Plan> {
        let now = self.clock.now();
        let has_profile = self.profile()?.is_some();
        let conn = self.store.conn();
        let mut settings = reminder::load_settings(&conn)?;
        if !has_profile {
            return Ok(Plan::Wait {
                day: settings.day_of(now.naive_local()),
                why: Quiet::NotSetUp,
                next: None,
            });
        }
        if let Some(run_override) = *self.run_override() {
            settings = run_override.apply(settings);
        }
        let day = settings.day_of(now.naive_local());
        let fans = moment::count_on(&conn, day)?;
        let log = reminder::log_for_day(&conn, day)?;
        Ok(reminder::plan(now, &settings, fans, &log))
    }

    /// For this run only: see [`RunOverride`].
    pub fn set_reminder_override(&self, run_override: Option<RunOverride>) {
        *self.run_override() = run_override;
    }

    fn run_override(&self) -> std::sync::MutexGuard<'_, Option<RunOverride>> {
        crate::lock::locked(&self.reminder_override)
    }

    fn log_reminder(&self, kind: LogKind, until: Option<DateTime<Utc>>) -> Result<()> {
        let entry = LogEntry {
            day: self.today(),
            kind,
            at: self.clock.now_utc(),
            until,
        };
        reminder::append_log(&self.store.conn(), &entry)
    }

    /// Notes that today's reminder was shown, before it is sent, so that a
    /// crash or a restart can never show it twice.
    pub fn record_reminder_shown(&self) -> Result<()> {
        self.log_reminder(LogKind::Shown, None)
    }

    /// Notes that the person followed a reminder to the log form.
    pub fn record_reminder_opened(&self) -> Result<()> {
        self.log_reminder(LogKind::Opened, None)
    }

    /// Asks for the reminder again after the snooze length; returns when.
    pub fn snooze_reminder(&self) -> Result<DateTime<Utc>> {
        let minutes = self.reminder_settings()?.snooze_minutes;
        let until = self.clock.now_utc() + Duration::minutes(i64::from(minutes));
        self.log_reminder(LogKind::Snoozed, Some(until))?;
        Ok(until)
    }

    pub fn reminder_log_today(&self) -> Result<Vec<LogEntry>> {
        let today = self.today();
        reminder::log_for_day(&self.store.conn(), today)
    }

    /// The reminder's words for today, in the person's language.
    /// With the person's plans taking turns, and kind words after a miss.
    pub fn notification_text(&self) -> Result<NotificationText> {
        let today = self.today();
        let language = self.language()?;
        let conn = self.store.conn();
        let plans = if_then::list(&conn)?;
        let settings = reminder::load_settings(&conn)?;
        let missed = misses::missed_before(&stats::load_fans_by_day(&conn)?, &settings, today);
        Ok(reminder::notification_text(
            language,
            today,
            &plans,
            missed.as_ref(),
        ))
    }

    /// The weekly digest, when it is due now: its words and the week it sums
    /// up. In a team it counts the team's stories of that week; alone, the
    /// person's own shared moments.
    pub fn digest_due(&self) -> Result<Option<(NaiveDate, NotificationText)>> {
        if self.profile()?.is_none() {
            return Ok(None);
        }
        let now = self.clock.now();
        let language = self.language()?;
        let (monday, text) = {
            let conn = self.store.conn();
            let settings = reminder::load_settings(&conn)?;
            let sent_for = digest::digest_sent_for(&conn)?;
            let Some(monday) = digest::digest_due(now, &settings, sent_for) else {
                return Ok(None);
            };
            let sunday = monday + Duration::days(6);
            let (fans, mine_shared) = moment::count_between(&conn, monday, sunday)?;
            let text = match membership::joined(&conn)? {
                Some(_) => {
                    let team_shared = feed::count_between(&conn, monday, sunday)?;
                    digest::digest_text(language, fans, team_shared)
                }
                None => digest::digest_text_alone(language, fans, mine_shared),
            };
            (monday, text)
        };
        Ok(Some((monday, text)))
    }

    /// Notes that the digest for the week starting `monday` was sent.
    pub fn record_digest_sent(&self, monday: NaiveDate) -> Result<()> {
        digest::record_digest_sent(&mut self.store.conn(), monday)
    }
}

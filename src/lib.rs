//! Fanday's core: the rules and the local store behind the desktop app.
//! No Tauri here: the app and the tests open the same [`Fanday`].

pub mod backup;
pub mod clock;
pub mod demo;
pub mod error;
pub mod exception;
pub mod export;
pub mod keys;
pub mod moment;
pub mod profile;
pub mod reflection;
pub mod reminder;
mod sql;
pub mod stats;
pub mod store;
pub mod team;
pub mod team_event;

pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{CoreError, Result, ValidationError};
pub use exception::{Exception, ExceptionFilter, ExceptionInput};
pub use moment::{Customer, Moment, MomentFilter, MomentInput, Situation, Took};
pub use profile::{Language, Profile, ProfileInput, Role};
pub use reminder::{NotificationText, Plan, ReminderSettings};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::Serialize;
use std::path::Path;
use std::sync::{Arc, Mutex};
use store::Store;

/// Where today stands: is today's fan made?
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TodayStatus {
    pub date: NaiveDate,
    /// The earliest date a moment logged now may have.
    pub earliest_date: NaiveDate,
    pub fans_today: u32,
    pub made: bool,
    /// The first working day of a week, and last week has no reflection yet.
    pub mirror_due: bool,
}

/// A new moment may use only an approved exception; an edited one may keep
/// the exception it already has, even once retired.
fn check_exception_usable(
    conn: &rusqlite::Connection,
    wanted: Option<&str>,
    kept: Option<&str>,
) -> Result<()> {
    let Some(wanted) = wanted else {
        return Ok(());
    };
    if kept == Some(wanted) {
        return Ok(());
    }
    match exception::status_of(conn, wanted)? {
        Some(exception::Status::Approved) => Ok(()),
        _ => Err(ValidationError::ExceptionNotUsable.into()),
    }
}

/// One person's Fanday: their profile and moments in one SQLite file.
pub struct Fanday {
    store: Store,
    clock: Arc<dyn Clock>,
    reminder_override: Mutex<Option<reminder::RunOverride>>,
    team: team::Runtime,
}

impl Fanday {
    /// Opens the data in `data_dir` (created if missing), migrating it to
    /// this version. Used by the app and the tests alike.
    pub fn open(data_dir: &Path, clock: Arc<dyn Clock>) -> Result<Fanday> {
        Ok(Fanday {
            store: Store::open(data_dir)?,
            clock,
            reminder_override: Mutex::new(None),
            team: team::Runtime::default(),
        })
    }

    pub fn database_path(&self) -> &Path {
        self.store.path()
    }

    /// The Fanday day it is now: before the day-start hour (04:00 unless
    /// set otherwise) it is still yesterday, for late shifts.
    pub fn today(&self) -> NaiveDate {
        let day_start_hour = reminder::load_settings(&self.store.conn())
            .map(|settings| settings.day_start_hour)
            .unwrap_or(reminder::DEFAULT_DAY_START_HOUR);
        ReminderSettings {
            day_start_hour,
            ..ReminderSettings::default()
        }
        .day_of(self.clock.now().naive_local())
    }

    pub fn profile(&self) -> Result<Option<Profile>> {
        profile::load(&self.store.conn())
    }

    pub fn save_profile(&self, input: &ProfileInput) -> Result<Profile> {
        profile::save(&self.store.conn(), input, self.clock.now_utc())
    }

    fn author_id(&self) -> Result<String> {
        Ok(self.profile()?.ok_or(CoreError::NoProfile)?.id)
    }

    pub fn add_moment(&self, input: &MomentInput) -> Result<Moment> {
        let author = self.author_id()?;
        let valid = moment::validate(input, self.today(), None)?;
        let conn = self.store.conn();
        check_exception_usable(&conn, valid.exception_id.as_deref(), None)?;
        let added = moment::insert(&conn, &author, &valid, self.clock.now_utc())?;
        drop(conn);
        self.sync_team();
        Ok(added)
    }

    pub fn update_moment(&self, id: &str, input: &MomentInput) -> Result<Moment> {
        let today = self.today();
        let conn = self.store.conn();
        let kept_date = moment::date_of(&conn, id)?;
        let valid = moment::validate(input, today, Some(kept_date))?;
        let kept_exception = moment::exception_of(&conn, id)?;
        check_exception_usable(
            &conn,
            valid.exception_id.as_deref(),
            kept_exception.as_deref(),
        )?;
        let updated = moment::update(&conn, id, &valid, self.clock.now_utc())?;
        drop(conn);
        self.sync_team();
        Ok(updated)
    }

    /// Soft delete: the moment disappears from every list but can be restored.
    pub fn delete_moment(&self, id: &str) -> Result<()> {
        moment::set_deleted(&self.store.conn(), id, Some(self.clock.now_utc()))?;
        self.sync_team();
        Ok(())
    }

    /// Undoes [`Fanday::delete_moment`].
    pub fn restore_moment(&self, id: &str) -> Result<Moment> {
        let restored = {
            let conn = self.store.conn();
            moment::set_deleted(&conn, id, None)?;
            moment::get(&conn, id)?
        };
        self.sync_team();
        Ok(restored)
    }

    pub fn moment(&self, id: &str) -> Result<Moment> {
        moment::get(&self.store.conn(), id)
    }

    /// Moments newest first, optionally searched and filtered.
    pub fn list_moments(&self, filter: &MomentFilter) -> Result<Vec<Moment>> {
        moment::list(&self.store.conn(), filter)
    }

    pub fn count_moments(&self) -> Result<u32> {
        moment::count_all(&self.store.conn())
    }

    pub fn today_status(&self) -> Result<TodayStatus> {
        let today = self.today();
        let conn = self.store.conn();
        let fans_today = moment::count_on(&conn, today)?;
        let settings = reminder::load_settings(&conn)?;
        let last_week = (stats::week_start(today) - Duration::weeks(1)).iso_week();
        let mirror_due = stats::first_working_day(&settings, today) == Some(today)
            && reflection::get(&conn, last_week.year(), last_week.week())?.is_none();
        Ok(TodayStatus {
            date: today,
            earliest_date: moment::earliest_allowed_date(today),
            fans_today,
            made: fans_today > 0,
            mirror_due,
        })
    }

    /// Fills an empty store with a lived-in sample; does nothing when there
    /// is already a profile or a moment. Returns whether it filled.
    pub fn fill_demo(&self) -> Result<bool> {
        let mut conn = self.store.conn();
        demo::fill_if_empty(&mut conn, self.clock.as_ref())
    }

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
                why: reminder::Quiet::NotSetUp,
                next: None,
            });
        }
        let run_override = *self
            .reminder_override
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(run_override) = run_override {
            settings = run_override.apply(settings);
        }
        let day = settings.day_of(now.naive_local());
        let fans = moment::count_on(&conn, day)?;
        let log = reminder::log_for_day(&conn, day)?;
        Ok(reminder::plan(now, &settings, fans, &log))
    }

    /// For this run only: see [`reminder::RunOverride`].
    pub fn set_reminder_override(&self, run_override: Option<reminder::RunOverride>) {
        *self
            .reminder_override
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = run_override;
    }

    fn log_reminder(&self, kind: reminder::LogKind, until: Option<DateTime<Utc>>) -> Result<()> {
        let entry = reminder::LogEntry {
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
        self.log_reminder(reminder::LogKind::Shown, None)
    }

    /// Notes that the person followed a reminder to the log form.
    pub fn record_reminder_opened(&self) -> Result<()> {
        self.log_reminder(reminder::LogKind::Opened, None)
    }

    /// Asks for the reminder again after the snooze length; returns when.
    pub fn snooze_reminder(&self) -> Result<DateTime<Utc>> {
        let minutes = self.reminder_settings()?.snooze_minutes;
        let until = self.clock.now_utc() + Duration::minutes(i64::from(minutes));
        self.log_reminder(reminder::LogKind::Snoozed, Some(until))?;
        Ok(until)
    }

    pub fn reminder_log_today(&self) -> Result<Vec<reminder::LogEntry>> {
        let today = self.today();
        reminder::log_for_day(&self.store.conn(), today)
    }

    /// The reminder's words for today, in the person's language.
    pub fn notification_text(&self) -> Result<NotificationText> {
        let language = self
            .profile()?
            .map(|profile| profile.language)
            .unwrap_or(Language::En);
        Ok(reminder::notification_text(language, self.today()))
    }

    fn current_profile(&self) -> Result<Profile> {
        self.profile()?.ok_or(CoreError::NoProfile)
    }

    /// Anyone may propose an exception.
    pub fn propose_exception(&self, input: &ExceptionInput) -> Result<Exception> {
        let proposer = self.current_profile()?;
        let proposed = exception::propose(
            &mut self.store.conn(),
            input,
            &proposer,
            self.clock.now_utc(),
        )?;
        self.sync_team();
        Ok(proposed)
    }

    /// Approve, reject, retire or withdraw, as the person's role allows.
    pub fn act_on_exception(
        &self,
        id: &str,
        action: exception::Action,
        note: Option<&str>,
    ) -> Result<Exception> {
        let actor = self.current_profile()?;
        let acted = exception::act(
            &mut self.store.conn(),
            id,
            action,
            note,
            &actor,
            self.clock.now_utc(),
        )?;
        self.sync_team();
        Ok(acted)
    }

    /// A lead adds an agreement straight to the catalogue (such as a seed
    /// idea they confirmed): proposed and approved by them, both recorded.
    pub fn add_approved_exception(
        &self,
        input: &ExceptionInput,
        note: Option<&str>,
    ) -> Result<Exception> {
        let lead = self.current_profile()?;
        if lead.role != Role::Lead {
            return Err(CoreError::LeadOnly);
        }
        let proposed = self.propose_exception(input)?;
        self.act_on_exception(&proposed.id, exception::Action::Approve, note)
    }

    pub fn exception(&self, id: &str) -> Result<Exception> {
        exception::get(&self.store.conn(), id)
    }

    pub fn list_exceptions(&self, filter: &ExceptionFilter) -> Result<Vec<Exception>> {
        exception::list(&self.store.conn(), filter)
    }

    /// Streak, habit strength, the fan club per week and the mix, today.
    pub fn progress(&self) -> Result<stats::Progress> {
        let today = self.today();
        let conn = self.store.conn();
        let settings = reminder::load_settings(&conn)?;
        let history = stats::load_history(&conn)?;
        Ok(stats::progress(&history, &settings, today))
    }

    /// The weekly mirror: saves (or edits) a week's reflection.
    pub fn save_reflection(
        &self,
        input: &reflection::ReflectionInput,
    ) -> Result<reflection::Reflection> {
        let today = self.today();
        reflection::save(&self.store.conn(), input, today, self.clock.now_utc())
    }

    pub fn reflections(&self) -> Result<Vec<reflection::Reflection>> {
        reflection::list(&self.store.conn())
    }

    /// The lead's leading indicators, week by week, newest first.
    pub fn insights(&self, weeks: usize) -> Result<Vec<stats::WeekInsight>> {
        let today = self.today();
        stats::insights(&self.store.conn(), today, weeks)
    }

    /// The weekly digest, when it is due now: its words and the week it sums up.
    pub fn digest_due(&self) -> Result<Option<(NaiveDate, NotificationText)>> {
        if self.profile()?.is_none() {
            return Ok(None);
        }
        let now = self.clock.now();
        let conn = self.store.conn();
        let settings = reminder::load_settings(&conn)?;
        let sent_for = reminder::digest_sent_for(&conn)?;
        let Some(monday) = reminder::digest_due(now, &settings, sent_for) else {
            return Ok(None);
        };
        let sunday = monday + Duration::days(6);
        let (fans, shared): (u32, u32) = conn.query_row(
            "SELECT count(*), coalesce(sum(shared), 0) FROM moments
              WHERE deleted_at IS NULL AND local_date BETWEEN ?1 AND ?2",
            rusqlite::params![monday, sunday],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        drop(conn);
        let language = self
            .profile()?
            .map_or(Language::En, |profile| profile.language);
        Ok(Some((
            monday,
            reminder::digest_text(language, fans, shared),
        )))
    }

    /// Notes that the digest for the week starting `monday` was sent.
    pub fn record_digest_sent(&self, monday: NaiveDate) -> Result<()> {
        reminder::record_digest_sent(&mut self.store.conn(), monday)
    }

    // ---------- your data in your hands ----------

    fn data_dir(&self) -> &Path {
        self.store.path().parent().unwrap_or(Path::new("."))
    }

    /// Writes an export to `path` (through a temp file, so a full disk or a
    /// crash never leaves half a file). Returns the number of rows.
    pub fn export(&self, what: export::What, format: export::Format, path: &Path) -> Result<usize> {
        if what == export::What::TeamStories && self.current_profile()?.role != Role::Lead {
            return Err(CoreError::LeadOnly);
        }
        let temp = path.with_extension("fanday-partial");
        let write = || -> Result<usize> {
            let file = std::fs::File::create(&temp).map_err(|err| export_io(path, err))?;
            let mut out = std::io::BufWriter::new(file);
            let rows = export::write(&self.store.conn(), what, format, &mut out)?;
            let file = out
                .into_inner()
                .map_err(|err| export_io(path, err.into_error()))?;
            file.sync_all().map_err(|err| export_io(path, err))?;
            std::fs::rename(&temp, path).map_err(|err| export_io(path, err))?;
            Ok(rows)
        };
        let written = write();
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        written
    }

    /// A consistent copy of the store, taken while it is in use.
    pub fn backup_to(&self, dest: &Path) -> Result<()> {
        backup::copy_to(&self.store.conn(), dest)
    }

    /// Today's automatic backup (kept 14 days), if not taken yet.
    pub fn daily_backup(&self) -> Result<Option<std::path::PathBuf>> {
        if self.profile()?.is_none() {
            return Ok(None);
        }
        let today = self.today();
        backup::daily(&self.store.conn(), self.data_dir(), today)
    }

    pub fn backups(&self) -> Vec<backup::BackupFile> {
        backup::list(self.data_dir())
    }

    /// Replaces the data with a backup, after checking it is whole and
    /// readable; the data as it was is kept as a backup first.
    pub fn restore(&self, source: &Path) -> Result<()> {
        backup::check(source, store::schema_version())?;
        let stamp = self.clock.now_utc().format("%Y%m%dT%H%M%SZ");
        let before =
            backup::backup_dir(self.data_dir()).join(format!("before-restore-{stamp}.sqlite3"));
        self.backup_to(&before)?;
        backup::restore_into(&mut self.store.conn(), source)?;
        self.team.forget_own_read();
        self.store.migrate()
    }
}

fn export_io(path: &Path, err: std::io::Error) -> CoreError {
    if crate::error::is_disk_full(&err) {
        return CoreError::DiskFull;
    }
    CoreError::DataDir {
        path: path.display().to_string(),
        reason: err.to_string(),
    }
}

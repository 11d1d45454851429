//! Fanday's core: the rules and the local store behind the desktop app.
//! No Tauri here: the app and the tests open the same [`Fanday`].
//!
//! [`Fanday`] is the one door in: it opens the store and knows the clock
//! and the day; its methods live beside the concept they serve, in
//! `facade/` (moments, reminders, exceptions, progress, your data) and
//! `team/facade.rs`, and each calls down into the domain modules.

pub(crate) mod atomic;
pub mod backup;
pub(crate) mod calendar;
pub(crate) mod clock;
pub(crate) mod demo;
pub mod digest;
pub(crate) mod error;
pub mod exception;
mod exchange;
pub mod export;
mod facade;
pub mod feedback;
pub mod folder;
mod history;
pub mod if_then;
pub mod keys;
mod lock;
pub mod misses;
pub(crate) mod moment;
pub(crate) mod profile;
pub mod reflection;
pub mod region;
pub mod reminder;
pub(crate) mod reminder_words;
mod side_store;
mod sql;
pub mod stats;
pub mod store;
pub mod team;
pub mod team_event;
pub mod teams;
#[cfg(windows)]
pub mod windows_credential;

pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{CoreError, Result, ValidationError};
pub use exception::{Exception, ExceptionFilter, ExceptionInput};
pub use facade::feedback::{read_feedback_file, CustomerVoice, FeedbackImport};
pub use facade::insights::Insights;
pub use facade::moments::TodayStatus;
pub use if_then::{IfThenPlan, PlanInput, Plans};
pub use moment::{Customer, Moment, MomentFilter, MomentInput, Situation, Took};
pub use profile::{Language, Profile, ProfileInput, Role};
pub use reminder::{NotificationText, Plan, ReminderSettings};

use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use store::Store;

/// One person's Fanday: their profile and moments in one SQLite file.
pub struct Fanday {
    store: Store,
    data_dir: PathBuf,
    clock: Arc<dyn Clock>,
    reminder_override: Mutex<Option<reminder::RunOverride>>,
    team: exchange::runtime::Runtime,
    region_kept: region::Kept,
    further: teams::Opened,
}

impl Fanday {
    /// Opens the data in `data_dir` (created if missing), migrating it to
    /// this version. Used by the app and the tests alike.
    pub fn open(data_dir: &Path, clock: Arc<dyn Clock>) -> Result<Fanday> {
        Ok(Fanday {
            store: Store::open(data_dir, clock.now_utc())?,
            data_dir: data_dir.to_path_buf(),
            clock,
            reminder_override: Mutex::new(None),
            team: exchange::runtime::Runtime::default(),
            region_kept: region::Kept::default(),
            further: teams::Opened::default(),
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
            .unwrap_or(calendar::DEFAULT_DAY_START_HOUR);
        self.clock.today(day_start_hour)
    }

    pub fn profile(&self) -> Result<Option<Profile>> {
        profile::load(&self.store.conn())
    }

    pub fn save_profile(&self, input: &ProfileInput) -> Result<Profile> {
        let saved = profile::save(&self.store.conn(), input, self.clock.now_utc())?;
        self.copy_profile_to_teams(&saved)?;
        Ok(saved)
    }

    /// The person's language; English before there is a profile.
    fn language(&self) -> Result<Language> {
        Ok(self
            .profile()?
            .map_or(Language::En, |profile| profile.language))
    }

    fn current_profile(&self) -> Result<Profile> {
        self.profile()?.ok_or(CoreError::NoProfile)
    }

    /// The person, when they are a team lead; `LeadOnly` otherwise.
    fn require_lead(&self) -> Result<Profile> {
        let me = self.current_profile()?;
        me.require_lead()?;
        Ok(me)
    }

    /// Fills an empty store with a lived-in sample; does nothing when there
    /// is already a profile or a moment. Returns whether it filled.
    pub fn fill_demo(&self) -> Result<bool> {
        let today = self.today();
        demo::fill_if_empty(&mut self.store.conn(), today, self.clock.now_utc())
    }
}

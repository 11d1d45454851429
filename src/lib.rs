//! Fanday's core: the rules and the local store behind the desktop app.
//! No Tauri here: the app and the tests open the same [`Fanday`].

pub mod clock;
pub mod demo;
pub mod error;
pub mod moment;
pub mod profile;
mod sql;
pub mod store;

pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{CoreError, Result, ValidationError};
pub use moment::{Customer, Moment, MomentFilter, MomentInput, Situation, Took};
pub use profile::{Language, Profile, ProfileInput, Role};

use chrono::NaiveDate;
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;
use store::Store;

/// Where today stands: is today's fan made?
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TodayStatus {
    pub date: NaiveDate,
    /// The earliest date a moment logged now may have.
    pub earliest_date: NaiveDate,
    pub fans_today: u32,
    pub made: bool,
}

/// One person's Fanday: their profile and moments in one SQLite file.
pub struct Fanday {
    store: Store,
    clock: Arc<dyn Clock>,
}

impl Fanday {
    /// Opens the data in `data_dir` (created if missing), migrating it to
    /// this version. Used by the app and the tests alike.
    pub fn open(data_dir: &Path, clock: Arc<dyn Clock>) -> Result<Fanday> {
        Ok(Fanday {
            store: Store::open(data_dir)?,
            clock,
        })
    }

    pub fn database_path(&self) -> &Path {
        self.store.path()
    }

    pub fn today(&self) -> NaiveDate {
        self.clock.today()
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
        moment::insert(&self.store.conn(), &author, &valid, self.clock.now_utc())
    }

    pub fn update_moment(&self, id: &str, input: &MomentInput) -> Result<Moment> {
        let conn = self.store.conn();
        let kept_date = moment::date_of(&conn, id)?;
        let valid = moment::validate(input, self.today(), Some(kept_date))?;
        moment::update(&conn, id, &valid, self.clock.now_utc())
    }

    /// Soft delete: the moment disappears from every list but can be restored.
    pub fn delete_moment(&self, id: &str) -> Result<()> {
        moment::set_deleted(&self.store.conn(), id, Some(self.clock.now_utc()))
    }

    /// Undoes [`Fanday::delete_moment`].
    pub fn restore_moment(&self, id: &str) -> Result<Moment> {
        let conn = self.store.conn();
        moment::set_deleted(&conn, id, None)?;
        moment::get(&conn, id)
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
        let fans_today = moment::count_on(&self.store.conn(), today)?;
        Ok(TodayStatus {
            date: today,
            earliest_date: moment::earliest_allowed_date(today),
            fans_today,
            made: fans_today > 0,
        })
    }

    /// Fills an empty store with a lived-in sample; does nothing when there
    /// is already a profile or a moment. Returns whether it filled.
    pub fn fill_demo(&self) -> Result<bool> {
        let mut conn = self.store.conn();
        demo::fill_if_empty(&mut conn, self.clock.as_ref())
    }
}

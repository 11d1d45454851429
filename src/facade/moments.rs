//! Logging, editing and listing moments, and where today stands.

use crate::calendar;
use crate::error::Result;
use crate::misses::{self, Missed};
use crate::{exception, if_then, moment, reflection, reminder, stats};
use crate::{Fanday, Moment, MomentFilter, MomentInput};
use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

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
    /// The expected days just before today without a fan, until today's is made.
    pub missed: Option<Missed>,
}

impl Fanday {
    pub fn add_moment(&self, input: &MomentInput) -> Result<Moment> {
        self.add_moment_shared_with(input, None)
    }

    /// Adds a moment, shared also with the further teams `teams` (when
    /// given; see [`Fanday::share_moment_with`]).
    pub fn add_moment_shared_with(
        &self,
        input: &MomentInput,
        teams: Option<&[String]>,
    ) -> Result<Moment> {
        let author = self.current_profile()?.id;
        let valid = moment::validate(input, self.today(), None)?;
        let picks = match teams {
            Some(teams) => Some((teams, self.check_picks(teams)?)),
            None => None,
        };
        let added = {
            let conn = self.store.conn();
            exception::check_usable(&conn, valid.exception_id.as_deref(), None)?;
            if_then::check_followed(&conn, valid.plan_id.as_deref(), valid.situation)?;
            let added = moment::insert(&conn, &author, &valid, self.clock.now_utc())?;
            if let Some((teams, listed)) = &picks {
                Fanday::set_picks(&conn, &added.id, teams, listed)?;
            }
            moment::get(&conn, &added.id)?
        };
        self.changed(&added.id);
        Ok(added)
    }

    pub fn update_moment(&self, id: &str, input: &MomentInput) -> Result<Moment> {
        self.update_moment_shared_with(id, input, None)
    }

    /// Changes a moment and (when `teams` is given) the further teams it is
    /// shared with, in one step: a team unpicked never gets the new words.
    pub fn update_moment_shared_with(
        &self,
        id: &str,
        input: &MomentInput,
        teams: Option<&[String]>,
    ) -> Result<Moment> {
        let today = self.today();
        let picks = match teams {
            Some(teams) => Some((teams, self.check_picks(teams)?)),
            None => None,
        };
        let updated = {
            let conn = self.store.conn();
            let kept_date = moment::date_of(&conn, id)?;
            let valid = moment::validate(input, today, Some(kept_date))?;
            let kept_exception = moment::exception_of(&conn, id)?;
            exception::check_usable(
                &conn,
                valid.exception_id.as_deref(),
                kept_exception.as_deref(),
            )?;
            if_then::check_followed(&conn, valid.plan_id.as_deref(), valid.situation)?;
            moment::update(&conn, id, &valid, self.clock.now_utc())?;
            if let Some((teams, listed)) = &picks {
                Fanday::set_picks(&conn, id, teams, listed)?;
            }
            moment::get(&conn, id)?
        };
        self.changed(id);
        Ok(updated)
    }

    /// After a moment changed: the team hears of it, and every further
    /// team's copy is written.
    fn changed(&self, id: &str) {
        self.sync_team();
        self.copy_moment_to_teams(id);
    }

    /// Soft delete: the moment disappears from every list but can be restored.
    pub fn delete_moment(&self, id: &str) -> Result<()> {
        moment::set_deleted(&self.store.conn(), id, Some(self.clock.now_utc()))?;
        self.changed(id);
        Ok(())
    }

    /// Undoes [`Fanday::delete_moment`].
    pub fn restore_moment(&self, id: &str) -> Result<Moment> {
        let restored = {
            let conn = self.store.conn();
            moment::set_deleted(&conn, id, None)?;
            moment::get(&conn, id)?
        };
        self.changed(id);
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
        let last_week = (calendar::week_start(today) - Duration::weeks(1)).iso_week();
        let mirror_due = calendar::first_working_day(&settings, today) == Some(today)
            && reflection::get(&conn, last_week.year(), last_week.week())?.is_none();
        let missed = if fans_today > 0 {
            None
        } else {
            misses::missed_before(&stats::load_fans_by_day(&conn)?, &settings, today)
        };
        Ok(TodayStatus {
            date: today,
            earliest_date: moment::earliest_allowed_date(today),
            fans_today,
            made: fans_today > 0,
            mirror_due,
            missed,
        })
    }
}

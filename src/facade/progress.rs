//! Progress, the weekly mirror and a lead's insights.

use crate::error::Result;
use crate::reflection::{self, Reflection, ReflectionInput};
use crate::{reminder, stats, Fanday};

impl Fanday {
    /// Streak, habit strength, the fan club per week and the mix, today.
    pub fn progress(&self) -> Result<stats::Progress> {
        let today = self.today();
        let conn = self.store.conn();
        let settings = reminder::load_settings(&conn)?;
        let history = stats::load_history(&conn)?;
        Ok(stats::progress(&history, &settings, today))
    }

    /// The weekly mirror: saves (or edits) a week's reflection.
    pub fn save_reflection(&self, input: &ReflectionInput) -> Result<Reflection> {
        let today = self.today();
        reflection::save(&self.store.conn(), input, today, self.clock.now_utc())
    }

    pub fn reflections(&self) -> Result<Vec<Reflection>> {
        reflection::list(&self.store.conn())
    }

    /// A lead's leading indicators, week by week, newest first.
    pub fn insights(&self, weeks: usize) -> Result<Vec<stats::WeekInsight>> {
        self.require_lead()?;
        let today = self.today();
        stats::insights(&self.store.conn(), today, weeks)
    }
}

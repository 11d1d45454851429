//! The person's if-then plans.

use crate::error::Result;
use crate::if_then::{self, IfThenPlan, PlanInput, Plans};
use crate::{Fanday, Situation};

impl Fanday {
    /// The plans, with the words to write them in the person's language.
    pub fn plans(&self) -> Result<Plans> {
        let language = self.language()?;
        Ok(Plans {
            plans: if_then::list(&self.store.conn())?,
            words: if_then::SITUATIONS
                .iter()
                .map(|situation| if_then::words(language, *situation))
                .collect(),
        })
    }

    pub fn save_plan(&self, input: &PlanInput) -> Result<IfThenPlan> {
        if_then::save(&self.store.conn(), input, self.clock.now_utc())
    }

    pub fn delete_plan(&self, situation: Situation) -> Result<()> {
        if_then::delete(&self.store.conn(), situation)
    }
}

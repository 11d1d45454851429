//! Rule exceptions: proposing, deciding and listing them.

use crate::error::Result;
use crate::exception::{self, Action};
use crate::{Exception, ExceptionFilter, ExceptionInput, Fanday};

impl Fanday {
    /// Anyone may propose an exception.
    pub fn propose_exception(&self, input: &ExceptionInput) -> Result<Exception> {
        let proposer = self.current_profile()?;
        if let Some(proposed) = self.propose_in_team(input, &proposer)? {
            return Ok(proposed);
        }
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
        action: Action,
        note: Option<&str>,
    ) -> Result<Exception> {
        let actor = self.current_profile()?;
        if let Some(acted) = self.decide_in_team(id, action, note, &actor)? {
            return Ok(acted);
        }
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
        self.require_lead()?;
        let proposed = self.propose_exception(input)?;
        self.act_on_exception(&proposed.id, Action::Approve, note)
    }

    pub fn exception(&self, id: &str) -> Result<Exception> {
        exception::get(&self.store.conn(), id)
    }

    pub fn list_exceptions(&self, filter: &ExceptionFilter) -> Result<Vec<Exception>> {
        exception::list(&self.store.conn(), filter)
    }
}

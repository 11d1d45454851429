//! Rule exceptions: proposing, deciding and listing them.

use crate::error::Result;
use crate::exception::{self, Action};
use crate::profile::Profile;
use crate::team::body::{Body, ProposalBody};
use crate::team::catalogue::decision_body;
use crate::team::membership::joined;
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

impl Fanday {
    /// In a team: the proposal as an event, shown once the state holds
    /// it. `None` outside a team (the catalogue is this PC's alone).
    pub(crate) fn propose_in_team(
        &self,
        input: &ExceptionInput,
        proposer: &Profile,
    ) -> Result<Option<Exception>> {
        if joined(&self.store.conn())?.is_none() {
            return Ok(None);
        }
        let input = exception::validate(input)?;
        let id = uuid::Uuid::now_v7().to_string();
        self.team_event(Body::ExceptionProposed(ProposalBody {
            exception_id: id.clone(),
            exception: input.clone(),
            words_hash: None,
        }))?;
        self.shown_in_catalogue(&id, &input, proposer).map(Some)
    }

    /// In a team: the decision as an event, checked here first as the
    /// team will check it. `None` outside a team.
    pub(crate) fn decide_in_team(
        &self,
        id: &str,
        action: Action,
        note: Option<&str>,
        actor: &Profile,
    ) -> Result<Option<Exception>> {
        let body = {
            let conn = self.store.conn();
            if joined(&conn)?.is_none() {
                return Ok(None);
            }
            let note = exception::validate_note(note)?;
            let current = exception::get(&conn, id)?;
            exception::check_move(&current, action, actor)?;
            let decision_id = uuid::Uuid::now_v7().to_string();
            decision_body(&conn, id, &current.proposed_by, decision_id, action, note)?
        };
        self.team_event(body)?;
        exception::get(&self.store.conn(), id).map(Some)
    }

    /// What the catalogue shows of a proposal sent just now. A key the
    /// team does not count yet (waiting to be let in) keeps its proposal
    /// here as proposed; the team's state takes it over once it counts.
    fn shown_in_catalogue(
        &self,
        id: &str,
        input: &ExceptionInput,
        proposer: &Profile,
    ) -> Result<Exception> {
        let conn = self.store.conn();
        if exception::status_of(&conn, id)?.is_none() {
            exception::insert_proposal(&conn, id, input, proposer, self.clock.now_utc())?;
        }
        exception::get(&conn, id)
    }
}

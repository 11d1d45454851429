//! A team's rule exceptions travel as events only: a proposal or a lead's
//! decision made in a team is signed and queued, and the catalogue shows
//! what the team's state makes of it (the projection writes it). Nothing
//! writes the same status twice, so nothing has to be reconciled.

use super::body::{Body, DecisionBody, ProposalBody};
use super::membership::joined;
use super::outbox::team_format;
use super::proposals::proposers_id;
use crate::error::Result;
use crate::exception::{self, Action};
use crate::profile::Profile;
use crate::team_event::LEGACY_VERSION;
use crate::{Exception, ExceptionInput, Fanday};
use rusqlite::Connection;

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

/// A proposal made here, as the event the team reads.
pub(crate) fn proposal_body(exception: Exception) -> Body {
    Body::ExceptionProposed(ProposalBody {
        exception_id: exception.id,
        exception: ExceptionInput {
            rule: exception.rule,
            allowed: exception.allowed,
            limits: exception.limits,
            amount_sek: exception.amount_sek,
            minutes: exception.minutes,
            applies_when: exception.applies_when,
        },
    })
}

/// A decision on the proposal this PC keeps as `local`, as the event the
/// team reads: it names the proposal by its proposer, id and content.
pub(crate) fn decision_body(
    conn: &Connection,
    local: &str,
    proposer: &str,
    decision_id: String,
    action: Action,
    note: Option<String>,
) -> Result<Body> {
    let legacy = team_format(conn)? == LEGACY_VERSION;
    let proposal_hash = if legacy {
        String::new()
    } else {
        let e = exception::get(conn, local)?;
        crate::team_event::content_hash(&ExceptionInput {
            rule: e.rule,
            allowed: e.allowed,
            limits: e.limits,
            amount_sek: e.amount_sek,
            minutes: e.minutes,
            applies_when: e.applies_when,
        })
    };
    Ok(Body::ExceptionDecided(DecisionBody {
        proposer: if legacy {
            String::new()
        } else {
            proposer.to_string()
        },
        exception_id: proposers_id(local, proposer).to_string(),
        proposal_hash,
        decision_id,
        action,
        note,
    }))
}

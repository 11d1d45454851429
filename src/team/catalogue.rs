//! A team's rule exceptions travel as events only: a proposal or a lead's
//! decision made in a team is signed and queued, and the catalogue shows
//! what the team's state makes of it (the projection writes it). Nothing
//! writes the same status twice, so nothing has to be reconciled.

use super::body::{Body, DecisionBody, ProposalBody};
use super::outbox::team_format;
use super::proposals::proposers_id;
use crate::error::Result;
use crate::exception::{self, Action};
use crate::team_event::LEGACY_VERSION;
use crate::{Exception, ExceptionInput};
use rusqlite::Connection;

/// A proposal made here, as the event the team reads.
pub(crate) fn proposal_body(exception: Exception) -> Body {
    Body::ExceptionProposed(ProposalBody {
        exception_id: exception.id.clone(),
        exception: content_of(exception),
        words_hash: None,
    })
}

/// What a proposal in the catalogue proposes: the content its hash covers.
fn content_of(e: Exception) -> ExceptionInput {
    ExceptionInput {
        rule: e.rule,
        allowed: e.allowed,
        limits: e.limits,
        amount_sek: e.amount_sek,
        minutes: e.minutes,
        applies_when: e.applies_when,
    }
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
        crate::team_event::content_hash(&content_of(exception::get(conn, local)?))
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

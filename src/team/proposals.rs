//! Rule exceptions in a team. A proposal is its proposer's: named by the
//! proposer and their id together. Of two proposals a proposer signed
//! with one id, the one with the lower number is the proposal (the other
//! is refused), whichever a PC read first. Its status is what its
//! decisions make of it, replayed in the order they were taken (time, then
//! hash): each counts only where it follows from the ones before, comes
//! from a lead at their number (a withdrawal: from the proposer), and
//! names the proposal's exact content by its hash. A decision on a
//! proposal nobody has read waits. Pure: no SQL, no I/O.

use super::accepted::{Accepted, Outcome};
use super::body::{DecisionBody, ProposalBody};
use super::refusal::Refusal;
use super::state::{Decision, ExceptionState, TeamState};
use crate::exception::{next_status, validate, validate_note, Action, Status};
use crate::team_event::{content_hash, LEGACY_VERSION};
use std::collections::{BTreeMap, BTreeSet};

/// The key a proposal is kept under: its proposer and their id.
pub fn proposal_key(proposer: &str, exception_id: &str) -> String {
    format!("{proposer}/{exception_id}")
}

/// The id a proposal has in this PC's catalogue: this person's own keep
/// their plain id.
pub fn local_id(proposer: &str, exception_id: &str, me: &str) -> String {
    if proposer == me {
        exception_id.to_string()
    } else {
        proposal_key(proposer, exception_id)
    }
}

/// The proposer's own id for a proposal in this PC's catalogue.
pub fn proposers_id<'a>(local: &'a str, proposer: &str) -> &'a str {
    local
        .strip_prefix(proposer)
        .and_then(|rest| rest.strip_prefix('/'))
        .unwrap_or(local)
}

/// Takes every counted proposal and decision into `state`; returns what
/// became of each.
pub fn apply(
    state: &mut TeamState,
    proposals: &[(&Accepted, &ProposalBody)],
    decisions: &[(&Accepted, &DecisionBody)],
) -> BTreeMap<String, Outcome> {
    let mut outcomes = BTreeMap::new();
    // The proposal is each proposer's lowest-numbered one with that id.
    let mut ordered: Vec<&(&Accepted, &ProposalBody)> = proposals.iter().collect();
    ordered.sort_by(|a, b| (a.0.seq, &a.0.hash).cmp(&(b.0.seq, &b.0.hash)));
    for (event, proposal) in ordered {
        if !state.authority.counts_event(event) {
            outcomes.insert(event.key.clone(), Outcome::KeptAside(Refusal::NotAdmitted));
            continue;
        }
        let Ok(input) = validate(&proposal.exception) else {
            outcomes.insert(
                event.key.clone(),
                Outcome::Refused(Refusal::ProposalInvalid),
            );
            continue;
        };
        let key = proposal_key(&event.member, &proposal.exception_id);
        let hash = proposal
            .words_hash
            .clone()
            .unwrap_or_else(|| content_hash(&input));
        let outcome = match state.exceptions.get(&key) {
            // The same proposal again (sent twice): nothing changes.
            Some(found) if found.hash == hash => Outcome::Applied,
            Some(_) => Outcome::Refused(Refusal::IdTaken),
            None => {
                state.exceptions.insert(
                    key,
                    ExceptionState {
                        proposer: event.member.clone(),
                        exception_id: proposal.exception_id.clone(),
                        input,
                        hash,
                        proposed_at: event.at,
                        status: Status::Proposed,
                        history: Vec::new(),
                    },
                );
                Outcome::Applied
            }
        };
        outcomes.insert(event.key.clone(), outcome);
    }
    // Decisions, per proposal, in the order they were taken.
    let mut by_proposal: BTreeMap<String, Vec<(&Accepted, &DecisionBody)>> = BTreeMap::new();
    for (event, decision) in decisions {
        match decided(state, event, decision) {
            Some(key) => by_proposal.entry(key).or_default().push((event, decision)),
            None => {
                outcomes.insert(
                    event.key.clone(),
                    Outcome::KeptAside(Refusal::DecisionWaiting),
                );
            }
        }
    }
    for (key, mut steps) in by_proposal {
        steps.sort_by(|a, b| (a.0.at, &a.0.hash).cmp(&(b.0.at, &b.0.hash)));
        let Some(exception) = state.exceptions.get(&key).cloned() else {
            continue;
        };
        let (exception, replayed) = replay(state, exception, &steps);
        outcomes.extend(replayed);
        state.exceptions.insert(key, exception);
    }
    outcomes
}

/// Which proposal a decision is about. A format-1 decision names only an
/// id: the proposal with that id whose proposer sorts first.
fn decided(state: &TeamState, event: &Accepted, decision: &DecisionBody) -> Option<String> {
    if !decision.proposer.is_empty() || event.v != LEGACY_VERSION {
        let key = proposal_key(&decision.proposer, &decision.exception_id);
        return state.exceptions.contains_key(&key).then_some(key);
    }
    state
        .exceptions
        .iter()
        .find(|(_, e)| e.exception_id == decision.exception_id)
        .map(|(key, _)| key.clone())
}

fn replay(
    state: &TeamState,
    mut exception: ExceptionState,
    steps: &[(&Accepted, &DecisionBody)],
) -> (ExceptionState, BTreeMap<String, Outcome>) {
    let mut outcomes = BTreeMap::new();
    let mut status = Status::Proposed;
    let mut taken: BTreeSet<(&str, &str)> = BTreeSet::new();
    exception.history.clear();
    let auth = &state.authority;
    for (event, decision) in steps {
        let outcome = if !auth.counts_event(event) {
            Outcome::KeptAside(Refusal::NotAdmitted)
        } else if taken.contains(&(event.member.as_str(), decision.decision_id.as_str())) {
            Outcome::Refused(Refusal::BodyMismatch)
        } else if event.v != LEGACY_VERSION && decision.proposal_hash != exception.hash {
            Outcome::Refused(Refusal::ProposalChanged)
        } else if decision.action == Action::Withdraw && event.member != exception.proposer {
            Outcome::Refused(Refusal::NotAuthor)
        } else if decision.action != Action::Withdraw && !auth.leads_event(event) {
            Outcome::KeptAside(Refusal::NotLead)
        } else {
            match (
                validate_note(decision.note.as_deref()),
                next_status(status, decision.action),
            ) {
                (Err(_), _) => Outcome::Refused(Refusal::TextInvalid),
                (Ok(note), Some(next)) => {
                    status = next;
                    taken.insert((event.member.as_str(), decision.decision_id.as_str()));
                    exception.history.push(Decision {
                        event: event.key.clone(),
                        member: event.member.clone(),
                        decision_id: decision.decision_id.clone(),
                        status: next,
                        note,
                        at: event.at,
                    });
                    Outcome::Applied
                }
                (Ok(_), None) => Outcome::KeptAside(Refusal::DecisionWaiting),
            }
        };
        outcomes.insert(event.key.clone(), outcome);
    }
    exception.status = status;
    (exception, outcomes)
}

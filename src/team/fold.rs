//! The team as one pure fold: `state = fold(genesis, events, now)`. The
//! same set of events gives the same state on every PC, in whichever order
//! they arrived: nothing here depends on arrival, only on what the events
//! say, and the one clock is `now`, passed in (events dated ahead wait for
//! their date).
//!
//! The order, in one place ([`order`]): events by the time they were
//! signed, then by hash. It decides between leads' steps (authority), and
//! which of two reviews, line-ups or decisions came last. What a member
//! says of their own things (a story's versions, their name and key,
//! their tallies, their proposals) goes by their own numbers instead, which
//! no clock can reorder.
//!
//! The steps of the fold:
//! 1. Events dated outside the team's time (a week before it began, a day
//!    ahead of `now`) wait, and count for nothing yet.
//! 2. Who counts: the authority steps, replayed (`authority`), with the
//!    members' chains worked out (`chain`); lines off a member's chain are
//!    put aside as forks, and the authority replayed without them.
//! 3. Every other event judged against that authority, by its number: the
//!    stories first, then what refers to them (`content`), then the rule
//!    exceptions and their decisions (`proposals`).

use super::accepted::{Accepted, Genesis, Outcome};
use super::authority;
use super::body::Body;
use super::chain;
use super::content;
use super::proposals;
use super::refusal::Refusal;
use super::state::TeamState;
use crate::team_event::{EVENT_VERSION, LEGACY_VERSION};
use chrono::{DateTime, Duration, Utc};
use std::cmp::Ordering;

/// The one total order over events: the time they were signed, then
/// their hash.
pub fn order(a: &Accepted, b: &Accepted) -> Ordering {
    (a.at, &a.hash, &a.key).cmp(&(b.at, &b.hash, &b.key))
}

/// Events dated from a week before the team began to a day after `now`.
pub fn within_dates(
    created_at: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> bool {
    let not_before = created_at.map(|c| c - Duration::days(7));
    at <= now + Duration::days(1) && not_before.map_or(true, |from| at >= from)
}

/// How far the founder's format-1 events count: up to their highest.
fn founder_legacy_until(genesis: &Genesis, events: &[Accepted]) -> u64 {
    events
        .iter()
        .filter(|e| e.member == genesis.founder && e.v == LEGACY_VERSION)
        .map(|e| e.seq)
        .max()
        .unwrap_or(0)
}

fn is_story(body: &Body) -> bool {
    matches!(
        body,
        Body::StoryShared(_) | Body::StoryEdited(_) | Body::StoryWithdrawn(_)
    )
}

/// The team's state from its events, as of `now`.
pub fn fold(genesis: &Genesis, events: &[Accepted], now: DateTime<Utc>) -> TeamState {
    let mut state = TeamState::default();
    let format_2 = genesis.format == EVENT_VERSION;
    let mut ordered: Vec<&Accepted> = events.iter().collect();
    ordered.sort_by(|a, b| order(a, b));
    // The log is a set: an event given twice is one event, as the log
    // stores it once by its key (never a fork with itself).
    ordered.dedup_by(|a, b| a.key == b.key);
    let (timely, dated): (Vec<&Accepted>, Vec<&Accepted>) = ordered
        .into_iter()
        .partition(|e| !format_2 || within_dates(genesis.created_at, e.at, now));
    for event in dated {
        state.outcomes.insert(
            event.key.clone(),
            Outcome::KeptAside(Refusal::DateOutOfRange),
        );
    }
    let legacy_until = founder_legacy_until(genesis, events);
    let is_step = |e: &&Accepted| matches!(&e.body, Ok(body) if authority::is_authority(body));
    let steps: Vec<&Accepted> = timely.iter().copied().filter(is_step).collect();
    let (first, _) = authority::replay(genesis, &steps, legacy_until);
    let chains = chain::resolve(timely.iter().copied(), &first);
    let (steps, steps_aside): (Vec<&Accepted>, Vec<&Accepted>) = steps
        .into_iter()
        .partition(|e| !chains.aside.contains(&e.key));
    let (auth, step_outcomes) = authority::replay(genesis, &steps, legacy_until);
    let chains = chain::resolve(timely.iter().copied(), &auth);
    state.authority = auth;
    state.first_pass = first;
    state.outcomes.extend(step_outcomes);
    // A step off its member's chain in the first pass was not replayed:
    // it is aside, whatever the second pass finds.
    let aside = chains
        .aside
        .iter()
        .chain(steps_aside.iter().map(|e| &e.key));
    for key in aside {
        state
            .outcomes
            .insert(key.clone(), Outcome::KeptAside(Refusal::Fork));
    }
    state.forks = chains.forks;
    state.missing = chains.missing;
    state.highest = chains.highest;
    let counted: Vec<&Accepted> = timely
        .into_iter()
        .filter(|e| !chains.aside.contains(&e.key) && !is_step(e))
        .collect();
    let mut later = Vec::new();
    let mut proposals = Vec::new();
    let mut decisions = Vec::new();
    for event in counted {
        let outcome = match &event.body {
            Err(refusal) => Outcome::Refused(*refusal),
            // A format-1 event after the team moved on counts only up to
            // the upgrade's admission of its member.
            Ok(_)
                if format_2
                    && event.v == LEGACY_VERSION
                    && !state.authority.legacy_counts(&event.member, event.seq) =>
            {
                Outcome::KeptAside(Refusal::LegacyAfterUpgrade)
            }
            Ok(body) if is_story(body) => content::apply_story(&mut state, event, body),
            Ok(Body::ExceptionProposed(proposal)) => {
                proposals.push((event, proposal));
                continue;
            }
            Ok(Body::ExceptionDecided(decision)) => {
                decisions.push((event, decision));
                continue;
            }
            Ok(body) => {
                later.push((event, body));
                continue;
            }
        };
        state.outcomes.insert(event.key.clone(), outcome);
    }
    for (event, body) in later {
        let outcome = content::apply_other(&mut state, event, body);
        state.outcomes.insert(event.key.clone(), outcome);
    }
    let decided = proposals::apply(&mut state, &proposals, &decisions);
    state.outcomes.extend(decided);
    state
}

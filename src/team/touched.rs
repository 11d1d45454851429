//! What differs between two states of the team, by key: what the
//! projection writes again, and nothing more.

use super::accepted::Outcome;
use super::state::TeamState;
use std::collections::{BTreeMap, BTreeSet};

/// What an event changed, by key, to be written.
#[derive(Debug, Default)]
pub struct Touched {
    pub stories: BTreeSet<String>,
    pub applause: BTreeSet<String>,
    pub comments: BTreeSet<String>,
    pub reviews: BTreeSet<String>,
    pub lineups: BTreeSet<String>,
    pub anonymous: BTreeSet<String>,
    pub tallies: BTreeSet<String>,
    pub exceptions: BTreeSet<String>,
    pub outcomes: BTreeSet<String>,
    pub members: bool,
    /// Members whose numbers alone changed (their highest, what is
    /// missing below it): a new line of their own.
    pub numbers: BTreeSet<String>,
    /// Every event is first set back to counted (a state written whole:
    /// only what does not count is named in `outcomes`).
    pub reset_outcomes: bool,
}

/// The keys of two maps whose values differ (or are in one only).
fn differing<'a, K: Ord + Clone, V: PartialEq>(
    before: &'a BTreeMap<K, V>,
    after: &'a BTreeMap<K, V>,
) -> BTreeSet<K> {
    let mut keys: BTreeSet<K> = before
        .iter()
        .filter(|(k, v)| after.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    keys.extend(
        after
            .iter()
            .filter(|(k, v)| before.get(*k) != Some(*v))
            .map(|(k, _)| k.clone()),
    );
    keys
}

/// What differs between two states.
pub fn changes(before: &TeamState, after: &TeamState) -> Touched {
    Touched {
        stories: differing(&before.stories, &after.stories),
        applause: differing(&before.applause, &after.applause),
        comments: differing(&before.comments, &after.comments),
        reviews: differing(&before.reviews, &after.reviews),
        lineups: differing(&before.lineups, &after.lineups)
            .into_iter()
            .chain(differing(&before.voices, &after.voices))
            .collect(),
        anonymous: differing(&before.anonymous, &after.anonymous),
        tallies: differing(&before.tallies, &after.tallies)
            .into_iter()
            .chain(differing(&before.tally_stops, &after.tally_stops))
            .chain(differing(&before.recognition, &after.recognition))
            .collect(),
        exceptions: differing(&before.exceptions, &after.exceptions),
        outcomes: differing(&before.outcomes, &after.outcomes),
        members: before.authority != after.authority
            || before.forks != after.forks
            || before.missing != after.missing
            || before.highest != after.highest,
        numbers: BTreeSet::new(),
        reset_outcomes: false,
    }
}

/// Every key of `state`: what a first write (or one after the tables were
/// emptied) needs. Events are set back to counted first, and only those
/// that do not count are written.
pub fn everything(state: &TeamState) -> Touched {
    let mut touched = changes(&TeamState::default(), state);
    touched.outcomes = state
        .outcomes
        .iter()
        .filter(|(_, outcome)| **outcome != Outcome::Applied)
        .map(|(key, _)| key.clone())
        .collect();
    touched.reset_outcomes = true;
    touched
}

//! What a follower's store writes of a team's stories and recognition.
//! A region's numbers read recognition (applause, comments and features
//! from colleagues) of the weeks shown, a year at most, joined with the
//! stories it was given on; nothing else of them. So a follower writes
//! applause and comments from a time on, and the rows of the stories
//! with recognition from then (a member's store writes all). Its log and
//! state hold everything, as the members' do.

use super::membership;
use super::recognition;
use super::state::TeamState;
use super::touched::Touched;
use crate::error::Result;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use std::collections::BTreeSet;

/// Where a follower's store writes recognition from, for a state folded
/// at `at` (see [`recognition::kept_by_follower`]); `None` for a
/// member's store, which writes all of it.
pub fn since(conn: &Connection, at: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
    Ok(membership::follows(conn)?.then(|| at - recognition::kept_by_follower()))
}

/// Is a time within what is written?
pub fn kept(at: DateTime<Utc>, since: Option<DateTime<Utc>>) -> bool {
    since.map_or(true, |since| at >= since)
}

/// The stories whose rows are written: every one `touched` names in a
/// member's store. In a follower's: of those and of the stories whose
/// recognition was touched (new applause on an old story), the ones with
/// recognition from `since` on, and any gone from the state (its row is
/// taken out).
pub fn stories<'a>(
    state: &'a TeamState,
    touched: &'a Touched,
    since: Option<DateTime<Utc>>,
) -> BTreeSet<&'a str> {
    let named = touched.stories.iter().map(String::as_str);
    if since.is_none() {
        return named.collect();
    }
    let commented: BTreeSet<&str> = state
        .comments
        .values()
        .filter(|comment| kept(comment.at, since))
        .map(|comment| comment.story.as_str())
        .collect();
    let recognised = |key: &str| {
        commented.contains(key)
            || state
                .applause
                .get(key)
                .is_some_and(|by| by.values().any(|at| kept(*at, since)))
            || state.reviews.get(key).is_some_and(|r| kept(r.at, since))
    };
    let gone = |key: &str| !state.stories.contains_key(key);
    let comments = touched
        .comments
        .iter()
        .filter_map(|key| state.comments.get(key))
        .map(|comment| comment.story.as_str());
    let of_recognition = touched
        .applause
        .iter()
        .chain(&touched.reviews)
        .map(String::as_str)
        .chain(comments);
    named
        .chain(of_recognition)
        .filter(|key| gone(key) || recognised(key))
        .collect()
}

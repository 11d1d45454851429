//! What a follower's store writes of a team's stories and recognition:
//! nothing. A region's numbers count recognition from each member's own
//! word of their week (`recognition.week`, beside the tallies), never
//! from applause or comments, so where a follower reads a Fanday before
//! those words (a member's events files), its log and state hold the
//! stories and applause as the members' do, and no table the screens read
//! gets a row of them. A member's store writes all.

use super::membership;
use super::state::TeamState;
use super::touched::Touched;
use crate::error::Result;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use std::collections::BTreeSet;

/// Where a follower's store writes recognition from: never (the end of
/// time); `None` for a member's store, which writes all of it.
pub fn since(conn: &Connection) -> Result<Option<DateTime<Utc>>> {
    Ok(membership::follows(conn)?.then_some(DateTime::<Utc>::MAX_UTC))
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

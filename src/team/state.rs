//! Everything the team folder decides, as one plain value: who counts and
//! with which key and role, the stories and their latest versions and
//! withdrawals, applause, comments, reviews, line-ups, tallies, the rule
//! exceptions and their decisions, the forks found, and what became of
//! every event. `fold` makes it from the events; the projection writes it
//! where the screens read it. Maps are ordered, so the same state is the
//! same bytes when serialised.

use super::accepted::Outcome;
use super::authority::Authority;
use super::body::{Mark, TallyBody};
use crate::exception::Status;
use crate::{Customer, ExceptionInput, Situation};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// A story as its author's latest event about it left it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoryState {
    pub author: String,
    pub story_id: String,
    /// The author's number of the event that made this version: a higher
    /// one (an edit, a withdrawal, a share again) wins.
    pub version: u64,
    pub withdrawn: bool,
    pub date: NaiveDate,
    pub situation: Situation,
    pub customer: Customer,
    /// Format 2: the hash of the story's file, which holds the text.
    pub hash: Option<String>,
    /// Format 1: the text travelled in the event.
    pub text: Option<String>,
    pub reaction: Option<String>,
    pub shared_at: DateTime<Utc>,
    /// The rule exception the moment used: its proposer and their id.
    pub exception: Option<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommentState {
    pub story: String,
    pub member: String,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// The latest of something a lead decides, by time, then the event's hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Latest<T> {
    pub value: T,
    pub by: String,
    pub at: DateTime<Utc>,
    pub hash: String,
    /// The event's key in the store.
    pub event: String,
}

impl<T> Latest<T> {
    /// Is this later than `other`?
    pub fn is_after(&self, other: &Latest<T>) -> bool {
        (self.at, &self.hash) > (other.at, &other.hash)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TallyState {
    pub seq: u64,
    pub event: String,
    pub tally: TallyBody,
}

/// A step a proposal took: who decided what, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub event: String,
    pub member: String,
    pub decision_id: String,
    pub status: Status,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

/// A rule exception proposed in the team, as its decisions left it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExceptionState {
    pub proposer: String,
    /// The proposer's own id for it.
    pub exception_id: String,
    pub input: ExceptionInput,
    /// The hash of its content, which every decision names.
    pub hash: String,
    pub proposed_at: DateTime<Utc>,
    pub status: Status,
    /// The decisions that counted, in the order they were taken.
    pub history: Vec<Decision>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TeamState {
    pub authority: Authority,
    /// Who counted before lines off their members' chains were put aside
    /// (the fold's first pass): a line of a member's own under it, but not
    /// under `authority`, can still change the chains. Derived, not kept.
    #[serde(skip)]
    pub first_pass: Authority,
    /// What became of every event, by its key.
    pub outcomes: BTreeMap<String, Outcome>,
    /// Per member: at how many numbers their own lines disagree, how many
    /// of their numbers are missing, and their highest.
    pub forks: BTreeMap<String, u32>,
    pub missing: BTreeMap<String, u64>,
    pub highest: BTreeMap<String, u64>,
    /// By story key: `author/id` (format 1: the id alone).
    pub stories: BTreeMap<String, StoryState>,
    /// By story, by member: when they first applauded.
    pub applause: BTreeMap<String, BTreeMap<String, DateTime<Utc>>>,
    /// By the comment's event.
    pub comments: BTreeMap<String, CommentState>,
    /// By story: the latest lead review.
    pub reviews: BTreeMap<String, Latest<Mark>>,
    /// By week (`2026-W48`): the latest lead line-up, as (author, id).
    pub lineups: BTreeMap<String, Latest<Vec<(String, String)>>>,
    /// By week: the latest customer's voice a lead picked for it.
    #[serde(default)]
    pub voices: BTreeMap<String, Latest<String>>,
    /// By member: their latest choice to be shown as "a colleague", and
    /// the number of the event that made it.
    pub anonymous: BTreeMap<String, (u64, bool)>,
    /// By member, by Monday: their latest tally of that week.
    pub tallies: BTreeMap<String, BTreeMap<NaiveDate, TallyState>>,
    /// By member: the number of their latest switch-off of tallies, and
    /// its event.
    pub tally_stops: BTreeMap<String, (u64, String)>,
    /// By member, by Monday: their latest word on being recognised that
    /// week (its number, its event, and whether).
    pub recognition: BTreeMap<String, BTreeMap<NaiveDate, (u64, String, bool)>>,
    /// By `proposer/id`.
    pub exceptions: BTreeMap<String, ExceptionState>,
}

impl TeamState {
    /// The state as bytes: the same on every PC that read the same files.
    #[cfg(test)]
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

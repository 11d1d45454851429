//! What a member's counted event does to the team's stories, applause,
//! comments, reviews, line-ups and tallies: each a merge whose result does
//! not depend on the order events are applied in. A story keeps its
//! author's latest version (by their number; a withdrawal is a version
//! too); applause and comments are sets (applause keeps the earliest
//! time); a review and a week's line-up keep the lead's latest, by time,
//! then hash; a member's choice to be shown as "a colleague" and their
//! tallies keep their latest by number. Pure: no SQL, no I/O.

use super::accepted::{Accepted, Outcome};
use super::body::{Body, LineupBody, StoryBody, StoryRef, VoiceBody};
use super::lineup::{week_monday, MAX_LINEUP_STORIES, MAX_VOICE_CHARS};
use super::refusal::Refusal;
use super::state::{CommentState, Latest, StoryState, TallyState, TeamState};
use super::tally;
use crate::team_event::LEGACY_VERSION;
use chrono::Duration;
use std::collections::BTreeMap;

/// The longest story, reaction or comment, in characters.
pub const MAX_STORY_CHARS: usize = 2000;

/// The one place a text of the team is judged: not empty, not too long.
pub fn text_fits(text: &str) -> bool {
    !text.trim().is_empty() && text.chars().count() <= MAX_STORY_CHARS
}

pub fn reaction_fits(reaction: Option<&str>) -> bool {
    reaction.map_or(true, |r| r.chars().count() <= MAX_STORY_CHARS)
}

/// A story's day may not lie after the day it was shared (a date far in
/// the future would pin it on top of every feed).
fn date_fits(story: &StoryBody, event: &Accepted) -> bool {
    story.date <= (event.at + Duration::days(1)).date_naive()
        && story.date >= chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default()
}

/// The key a story is kept under: its author and id (format 1: the id,
/// shared by all, with its first author's stories kept under it).
pub fn story_key(state: &TeamState, author: &str, story_id: &str) -> String {
    if author.is_empty() {
        return story_id.to_string();
    }
    let qualified = format!("{author}/{story_id}");
    if state.stories.contains_key(&qualified) {
        return qualified;
    }
    match state.stories.get(story_id) {
        Some(story) if story.author == author => story_id.to_string(),
        _ => qualified,
    }
}

/// A story event (shared, edited, withdrawn) of its author.
pub fn apply_story(state: &mut TeamState, event: &Accepted, body: &Body) -> Outcome {
    let legacy = event.v == LEGACY_VERSION;
    let counts = state.authority.counts_event(event);
    match body {
        Body::StoryShared(story) | Body::StoryEdited(story) => {
            if !counts {
                return Outcome::KeptAside(Refusal::NotAdmitted);
            }
            let fits = match (&story.text, &story.hash) {
                (Some(text), _) if legacy => text_fits(text),
                (None, Some(_)) if !legacy => true,
                _ => return Outcome::Refused(Refusal::BodyMismatch),
            };
            if !fits || !reaction_fits(story.reaction.as_deref().filter(|_| legacy)) {
                return Outcome::Refused(Refusal::TextInvalid);
            }
            if !date_fits(story, event) {
                return Outcome::Refused(Refusal::DateOutOfRange);
            }
            let Some(key) = authors_key(state, event, &story.story_id, legacy) else {
                return Outcome::Refused(Refusal::NotAuthor);
            };
            let version = StoryState {
                author: event.member.clone(),
                story_id: story.story_id.clone(),
                version: event.seq,
                withdrawn: false,
                date: story.date,
                situation: story.situation,
                customer: story.customer,
                hash: story.hash.clone().filter(|_| !legacy),
                text: story.text.clone().filter(|_| legacy),
                reaction: story.reaction.clone().filter(|_| legacy),
                shared_at: event.at,
                exception: story
                    .exception
                    .as_ref()
                    .map(|e| (e.proposer.clone(), e.exception_id.clone())),
            };
            keep_latest(state, key, version);
            Outcome::Applied
        }
        Body::StoryWithdrawn(story) => {
            // Taking back only erases the member's own stories: it counts
            // with the key the team knew for that number, also after a
            // removal, and with the key of a request nobody answered yet.
            let may = event.signer.as_ref().is_some_and(|key| {
                state
                    .authority
                    .is_members_key(&event.member, event.seq, key)
            });
            if !may && !counts {
                return Outcome::KeptAside(Refusal::NotAdmitted);
            }
            let Some(key) = authors_key(state, event, &story.story_id, legacy) else {
                return Outcome::Refused(Refusal::NotAuthor);
            };
            let tombstone = StoryState {
                author: event.member.clone(),
                story_id: story.story_id.clone(),
                version: event.seq,
                withdrawn: true,
                date: chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default(),
                situation: crate::Situation::JustBecause,
                customer: crate::Customer::External,
                hash: None,
                text: None,
                reaction: None,
                shared_at: event.at,
                exception: None,
            };
            keep_latest(state, key, tombstone);
            Outcome::Applied
        }
        _ => Outcome::Refused(Refusal::UnknownKind),
    }
}

/// The key the event's story is kept under, where it is the signer's own
/// (format 1 stories share one id space: the id alone); `None` where the
/// key holds someone else's story.
fn authors_key(
    state: &TeamState,
    event: &Accepted,
    story_id: &str,
    legacy: bool,
) -> Option<String> {
    let key = if legacy {
        story_id.to_string()
    } else {
        story_key(state, &event.member, story_id)
    };
    let others = state
        .stories
        .get(&key)
        .is_some_and(|found| found.author != event.member);
    (!others).then_some(key)
}

fn keep_latest(state: &mut TeamState, key: String, version: StoryState) {
    match state.stories.get(&key) {
        Some(found) if found.version >= version.version => {}
        _ => {
            state.stories.insert(key, version);
        }
    }
}

/// Any other content event, once every story is in.
pub fn apply_other(state: &mut TeamState, event: &Accepted, body: &Body) -> Outcome {
    let members_own = matches!(
        body,
        Body::ReactionAdded(_)
            | Body::CommentAdded(_)
            | Body::LineupName(_)
            | Body::TallyWeek(_)
            | Body::TallyStopped(_)
            | Body::RecognitionWeek(_)
    );
    if members_own && !state.authority.counts_event(event) {
        return Outcome::KeptAside(Refusal::NotAdmitted);
    }
    match body {
        Body::ReactionAdded(StoryRef {
            story_author,
            story_id,
        }) => {
            let key = story_key(state, story_author, story_id);
            let when = state
                .applause
                .entry(key)
                .or_default()
                .entry(event.member.clone())
                .or_insert(event.at);
            *when = (*when).min(event.at);
            Outcome::Applied
        }
        Body::CommentAdded(comment) => {
            if !text_fits(&comment.text) {
                return Outcome::Refused(Refusal::TextInvalid);
            }
            let story = story_key(state, &comment.story_author, &comment.story_id);
            state.comments.insert(
                event.key.clone(),
                CommentState {
                    story,
                    member: event.member.clone(),
                    text: comment.text.clone(),
                    at: event.at,
                },
            );
            Outcome::Applied
        }
        Body::ReviewMarked(review) => {
            if !state.authority.leads_event(event) {
                return Outcome::KeptAside(Refusal::NotLead);
            }
            let story = story_key(state, &review.story_author, &review.story_id);
            keep_later(&mut state.reviews, story, latest(event, review.mark))
        }
        Body::LineupSet(lineup) => apply_lineup(state, event, lineup),
        Body::LineupVoice(voice) => apply_voice(state, event, voice),
        Body::LineupName(choice) => {
            let entry = state
                .anonymous
                .entry(event.member.clone())
                .or_insert((0, false));
            if event.seq > entry.0 {
                *entry = (event.seq, choice.anonymous);
            }
            Outcome::Applied
        }
        Body::TallyWeek(counted) => {
            let monday = match tally::check(counted, event.at) {
                Ok(monday) => monday,
                Err(refusal) => return Outcome::Refused(refusal),
            };
            let weeks = state.tallies.entry(event.member.clone()).or_default();
            if weeks
                .get(&monday)
                .map_or(true, |found| found.seq < event.seq)
            {
                weeks.insert(
                    monday,
                    TallyState {
                        seq: event.seq,
                        event: event.key.clone(),
                        tally: counted.clone(),
                    },
                );
            }
            Outcome::Applied
        }
        Body::RecognitionWeek(word) => {
            let Some(monday) = tally::parse_week(&word.week)
                .filter(|monday| tally::week_has_begun(*monday, event.at))
            else {
                return Outcome::Refused(Refusal::TallyInvalid);
            };
            let weeks = state.recognition.entry(event.member.clone()).or_default();
            if weeks.get(&monday).map_or(true, |found| found.0 < event.seq) {
                weeks.insert(monday, (event.seq, event.key.clone(), word.recognised));
            }
            Outcome::Applied
        }
        Body::TallyStopped(_) => {
            let stop = state
                .tally_stops
                .entry(event.member.clone())
                .or_insert((0, String::new()));
            if event.seq > stop.0 {
                *stop = (event.seq, event.key.clone());
            }
            Outcome::Applied
        }
        _ => Outcome::Refused(Refusal::UnknownKind),
    }
}

/// Keeps a lead's decision where it is later than the one kept.
fn keep_later<T>(
    kept: &mut BTreeMap<String, Latest<T>>,
    key: String,
    latest: Latest<T>,
) -> Outcome {
    if kept.get(&key).map_or(true, |found| latest.is_after(found)) {
        kept.insert(key, latest);
    }
    Outcome::Applied
}

fn latest<T>(event: &Accepted, value: T) -> Latest<T> {
    Latest {
        value,
        by: event.member.clone(),
        at: event.at,
        hash: event.hash.clone(),
        event: event.key.clone(),
    }
}

/// A customer's voice counts from a lead, as a line-up does; the latest
/// per week is the week's.
fn apply_voice(state: &mut TeamState, event: &Accepted, voice: &VoiceBody) -> Outcome {
    let length = voice.text.trim().chars().count();
    if week_monday(&voice.week).is_none()
        || length == 0
        || voice.text.chars().count() > MAX_VOICE_CHARS
    {
        return Outcome::Refused(Refusal::BodyMismatch);
    }
    if !state.authority.leads_event(event) {
        return Outcome::KeptAside(Refusal::NotLead);
    }
    keep_later(
        &mut state.voices,
        voice.week.clone(),
        latest(event, voice.text.clone()),
    )
}

fn apply_lineup(state: &mut TeamState, event: &Accepted, lineup: &LineupBody) -> Outcome {
    if week_monday(&lineup.week).is_none()
        || lineup.stories.len() > MAX_LINEUP_STORIES
        || lineup.stories.iter().any(|s| s.story_author.is_empty())
    {
        return Outcome::Refused(Refusal::BodyMismatch);
    }
    if !state.authority.leads_event(event) {
        // Kept: a grant that covers this number makes it count.
        return Outcome::KeptAside(Refusal::NotLead);
    }
    let stories = lineup
        .stories
        .iter()
        .map(|s| (s.story_author.clone(), s.story_id.clone()))
        .collect();
    keep_later(
        &mut state.lineups,
        lineup.week.clone(),
        latest(event, stories),
    )
}

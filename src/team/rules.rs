//! The rules of authority: what a verified event may change, and how, so
//! that the same set of events gives the same state in any order of
//! arrival. Stories keep their author's latest version (by number) and a
//! withdrawal leaves a tombstone; applause and comments are sets; the
//! latest lead review wins by time, then id; leads only grow by a lead's
//! grant; exception decisions are replayed in order (see `decisions`).

use super::body::{Body, StoryBody};
use super::decisions;
use super::membership::is_lead;
use super::refusal::Refusal;
use crate::error::Result;
use crate::sql::{enum_text, exec, query_one};
use crate::team_event::Event;
use rusqlite::{params, Connection, OptionalExtension};

pub const MAX_STORY_CHARS: usize = 2000;

/// What became of a verified event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Applied,
    /// Stored, and tried again when what it depends on arrives.
    KeptAside(Refusal),
    /// Stored as seen, never to count.
    Refused(Refusal),
}

impl Outcome {
    /// The `applied` column: 1 counted, 0 kept aside, 2 refused.
    pub fn applied_flag(self) -> i64 {
        match self {
            Outcome::Applied => 1,
            Outcome::KeptAside(_) => 0,
            Outcome::Refused(_) => 2,
        }
    }

    pub fn refusal(self) -> Option<Refusal> {
        match self {
            Outcome::Applied => None,
            Outcome::KeptAside(r) | Outcome::Refused(r) => Some(r),
        }
    }
}

/// What a batch of events changed that other events may depend on.
#[derive(Debug, Default)]
pub struct Changes {
    pub leads: bool,
}

fn story_author(conn: &Connection, story_id: &str) -> Result<Option<String>> {
    Ok(query_one(
        conn,
        "SELECT author_id FROM stories WHERE story_id = ?1",
        [story_id],
        |row| row.get(0),
    )
    .optional()?)
}

fn text_fits(text: &str) -> bool {
    !text.trim().is_empty() && text.chars().count() <= MAX_STORY_CHARS
}

fn story_fits(story: &StoryBody) -> bool {
    text_fits(&story.text)
        && story
            .reaction
            .as_deref()
            .map_or(true, |r| r.chars().count() <= MAX_STORY_CHARS)
}

/// Applies one verified event under the authority rules.
pub fn apply(
    conn: &Connection,
    event: &Event,
    body: &Body,
    changes: &mut Changes,
) -> Result<Outcome> {
    let member = event.member.as_str();
    let seq = event.seq as i64;
    match body {
        Body::StoryShared(story) | Body::StoryEdited(story) => {
            if !story_fits(story) {
                return Ok(Outcome::Refused(Refusal::TextInvalid));
            }
            if story_author(conn, &story.story_id)?.is_some_and(|author| author != member) {
                return Ok(Outcome::Refused(Refusal::NotAuthor));
            }
            exec(
                conn,
                "INSERT INTO stories (story_id, author_id, local_date, situation, customer, text,
                                      reaction, version, shared_at, withdrawn)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0)
                 ON CONFLICT (story_id) DO UPDATE SET
                     local_date = excluded.local_date, situation = excluded.situation,
                     customer = excluded.customer, text = excluded.text,
                     reaction = excluded.reaction, version = excluded.version,
                     shared_at = excluded.shared_at, withdrawn = 0
                 WHERE excluded.version > stories.version",
                params![
                    story.story_id,
                    member,
                    story.date,
                    enum_text(&story.situation),
                    enum_text(&story.customer),
                    story.text,
                    story.reaction,
                    seq,
                    event.at
                ],
            )?;
        }
        Body::StoryWithdrawn(story) => {
            if story_author(conn, &story.story_id)?.is_some_and(|author| author != member) {
                return Ok(Outcome::Refused(Refusal::NotAuthor));
            }
            // A withdrawal keeps nothing of the story but a tombstone, the
            // same whether it was read before or after the story: an older
            // share that arrives later stays withdrawn.
            exec(
                conn,
                "INSERT INTO stories (story_id, author_id, local_date, situation, customer, text,
                                      reaction, version, shared_at, withdrawn)
                 VALUES (?1, ?2, '1970-01-01', 'just_because', 'external', '', NULL, ?3, ?4, 1)
                 ON CONFLICT (story_id) DO UPDATE SET withdrawn = 1, version = excluded.version,
                     local_date = excluded.local_date, situation = excluded.situation,
                     customer = excluded.customer, text = '', reaction = NULL,
                     shared_at = excluded.shared_at
                 WHERE excluded.version > stories.version",
                params![story.story_id, member, seq, event.at],
            )?;
        }
        Body::ReactionAdded(story) => {
            exec(
                conn,
                "INSERT OR IGNORE INTO story_reactions (story_id, member_id, at) VALUES (?1, ?2, ?3)",
                params![story.story_id, member, event.at],
            )?;
        }
        Body::CommentAdded(comment) => {
            if !text_fits(&comment.text) {
                return Ok(Outcome::Refused(Refusal::TextInvalid));
            }
            exec(
                conn,
                "INSERT OR IGNORE INTO story_comments (event_id, story_id, member_id, text, at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![event.id, comment.story_id, member, comment.text, event.at],
            )?;
        }
        Body::ReviewMarked(review) => {
            if !is_lead(conn, member) {
                return Ok(Outcome::KeptAside(Refusal::NotLead));
            }
            exec(
                conn,
                "INSERT INTO story_reviews (story_id, mark, by_id, at, event_id)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (story_id) DO UPDATE SET mark = excluded.mark,
                     by_id = excluded.by_id, at = excluded.at, event_id = excluded.event_id
                 WHERE (excluded.at, excluded.event_id) > (story_reviews.at, story_reviews.event_id)",
                params![review.story_id, review.mark.text(), member, event.at, event.id],
            )?;
        }
        Body::RoleGranted(grant) => {
            if !is_lead(conn, member) {
                return Ok(Outcome::KeptAside(Refusal::NotLead));
            }
            let added = exec(
                conn,
                "INSERT OR IGNORE INTO team_leads (member_id, event_id) VALUES (?1, ?2)",
                params![grant.member, event.id],
            )?;
            changes.leads |= added > 0;
        }
        Body::ExceptionProposed(proposal) => {
            return decisions::take_proposal(conn, event, proposal)
        }
        Body::ExceptionDecided(decision) => return decisions::take_decision(conn, event, decision),
    }
    Ok(Outcome::Applied)
}

/// Once a new lead is known, the steps kept aside for want of one are tried
/// again, until no more count; then every exception's decisions are
/// replayed, since who may decide has changed.
pub fn after_new_leads(conn: &Connection) -> Result<u32> {
    let mut applied = 0;
    loop {
        let waiting: Vec<Event> = conn
            .prepare_cached(
                "SELECT id, member_id, seq, at, kind, body FROM team_events
                  WHERE applied = 0 AND reason = 'not_lead'
                    AND kind IN ('review.marked', 'role.granted')
                  ORDER BY at, id",
            )?
            .query_map([], |row| {
                let body: String = row.get(5)?;
                Ok(Event {
                    v: crate::team_event::EVENT_VERSION,
                    id: row.get(0)?,
                    member: row.get(1)?,
                    seq: row.get::<_, i64>(2)?.max(0) as u64,
                    at: row.get(3)?,
                    kind: row.get(4)?,
                    body: serde_json::from_str(&body).unwrap_or_default(),
                    sig: String::new(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut changes = Changes::default();
        for event in waiting {
            let Ok(body) = Body::parse(&event.kind, &event.body) else {
                continue;
            };
            let outcome = apply(conn, &event, &body, &mut changes)?;
            if outcome == Outcome::Applied {
                exec(
                    conn,
                    "UPDATE team_events SET applied = 1, reason = NULL WHERE id = ?1",
                    [&event.id],
                )?;
                applied += 1;
            }
        }
        if !changes.leads {
            break;
        }
    }
    decisions::replay_all(conn)?;
    Ok(applied)
}

//! The rules of authority: what a verified event of an admitted member may
//! change, and how, so that the same set of events gives the same state in
//! any order of arrival. Every object is its author's: a story is named by
//! its author and id together. Stories keep their author's latest version
//! (by number) and a withdrawal leaves a tombstone and erases the text;
//! applause and comments are sets; the latest lead review wins by time,
//! then event; exception decisions are replayed in order (`decisions`); a week's
//! line-up is the latest lead's (`lineup`).

use super::body::{Body, StoryBody, StoryContent};
use super::decisions;
use super::lineup;
use super::refusal::Refusal;
use super::take::Context;
use crate::error::Result;
use crate::sql::{enum_text, exec, query_one};
use crate::team_event::{Event, LEGACY_VERSION};
use chrono::Duration;
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
    /// An admission, removal, grant, revocation or rotation arrived (or, in
    /// format 1, a new lead).
    pub authority: bool,
    /// An event taken before was put aside (a fork found late): what it
    /// did is undone by building the team's state again.
    pub rebuild: bool,
    /// Stories withdrawn: their texts are erased from the backups too.
    pub withdrawn: Vec<(String, String)>,
}

/// The key a story is stored under: its author and id. A format-1 story
/// (ids shared by all) keeps its plain id, and a format-2 event by its
/// author finds it there.
pub fn story_key(conn: &Connection, author: &str, story_id: &str) -> Result<String> {
    if author.is_empty() {
        return Ok(story_id.to_string());
    }
    let qualified = format!("{author}/{story_id}");
    let found: Option<String> = query_one(
        conn,
        "SELECT story_key FROM stories WHERE story_key IN (?1, ?2) AND author_id = ?3
          ORDER BY story_key = ?1 DESC LIMIT 1",
        params![qualified, story_id, author],
        |row| row.get(0),
    )
    .optional()?;
    Ok(found.unwrap_or(qualified))
}

fn story_author(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(query_one(
        conn,
        "SELECT author_id FROM stories WHERE story_key = ?1",
        [key],
        |row| row.get(0),
    )
    .optional()?)
}

fn text_fits(text: &str) -> bool {
    !text.trim().is_empty() && text.chars().count() <= MAX_STORY_CHARS
}

fn reaction_fits(reaction: Option<&str>) -> bool {
    reaction.map_or(true, |r| r.chars().count() <= MAX_STORY_CHARS)
}

/// A story's day may not lie after the day it was shared (a date far in
/// the future would pin it on top of every feed).
fn date_fits(story: &StoryBody, event: &Event) -> bool {
    story.date <= (event.at + Duration::days(1)).date_naive()
        && story.date >= chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default()
}

/// Applies one verified event of an admitted member under the rules.
/// Keeps a story's text apart from the feed (for a request to join, and
/// for a rebuild of the team's state).
pub fn keep_text(conn: &Connection, author: &str, story: &StoryContent) -> Result<()> {
    exec(
        conn,
        "INSERT OR IGNORE INTO story_texts (story_key, hash, text, reaction) VALUES (?1, ?2, ?3, ?4)",
        params![
            format!("{author}/{}", story.story_id),
            story.hash(),
            story.text,
            story.reaction
        ],
    )?;
    Ok(())
}

pub fn apply(
    conn: &Connection,
    key: &str,
    event: &Event,
    body: &Body,
    story_file: Option<&StoryContent>,
    ctx: &Context<'_>,
    changes: &mut Changes,
) -> Result<Outcome> {
    let member = event.member.as_str();
    let seq = event.seq as i64;
    let legacy = event.v == LEGACY_VERSION;
    let is_lead = ctx.authority.is_lead_at(member, event.seq);
    match body {
        Body::StoryShared(story) | Body::StoryEdited(story) => {
            let (text, reaction, hash) = match (&story.text, &story.hash) {
                (Some(text), _) if legacy => (text.clone(), story.reaction.clone(), None),
                (None, Some(hash)) if !legacy => {
                    let beside = story_file.filter(|content| content.hash() == *hash);
                    let known: Option<(String, Option<String>)> = match beside {
                        Some(content) => Some((content.text.clone(), content.reaction.clone())),
                        None => query_one(
                        conn,
                        "SELECT text, reaction FROM story_texts WHERE story_key IN (?1, ?2) AND hash = ?3",
                        params![format!("{member}/{}", story.story_id), story.story_id, hash],
                        |row| Ok((row.get(0)?, row.get(1)?)),
                    )
                    .optional()?,
                    };
                    let (text, reaction) = known.unwrap_or_default();
                    (text, reaction, Some(hash.clone()))
                }
                _ => return Ok(Outcome::Refused(Refusal::BodyMismatch)),
            };
            if (legacy && !text_fits(&text)) || !reaction_fits(reaction.as_deref()) {
                return Ok(Outcome::Refused(Refusal::TextInvalid));
            }
            if !date_fits(story, event) {
                return Ok(Outcome::Refused(Refusal::DateOutOfRange));
            }
            // A format-2 story's key is its author's: only format 1 shared
            // ids among everyone.
            let story_key = if legacy {
                story.story_id.clone()
            } else {
                story_key(conn, member, &story.story_id)?
            };
            if legacy && story_author(conn, &story_key)?.is_some_and(|author| author != member) {
                return Ok(Outcome::Refused(Refusal::NotAuthor));
            }
            exec(
                conn,
                "INSERT INTO stories (story_key, author_id, story_id, local_date, situation, customer,
                                      text, reaction, text_hash, version, shared_at, withdrawn,
                                      exception_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 0, ?12)
                 ON CONFLICT (story_key) DO UPDATE SET
                     local_date = excluded.local_date, situation = excluded.situation,
                     customer = excluded.customer, text = excluded.text,
                     reaction = excluded.reaction, text_hash = excluded.text_hash,
                     version = excluded.version, shared_at = excluded.shared_at, withdrawn = 0,
                     exception_id = excluded.exception_id
                 WHERE excluded.version > stories.version",
                params![
                    story_key,
                    member,
                    story.story_id,
                    story.date,
                    enum_text(&story.situation),
                    enum_text(&story.customer),
                    text,
                    reaction,
                    hash,
                    seq,
                    event.at,
                    story
                        .exception
                        .as_ref()
                        .map(|e| decisions::local_id(&e.proposer, &e.exception_id, ctx.me))
                ],
            )?;
        }
        Body::StoryWithdrawn(story) => {
            let story_key = if legacy {
                story.story_id.clone()
            } else {
                story_key(conn, member, &story.story_id)?
            };
            if story_author(conn, &story_key)?.is_some_and(|author| author != member) {
                return Ok(Outcome::Refused(Refusal::NotAuthor));
            }
            // A withdrawal keeps nothing of the story but a tombstone, the
            // same whether it was read before or after the story: an older
            // share that arrives later stays withdrawn. The text is erased.
            exec(
                conn,
                "INSERT INTO stories (story_key, author_id, story_id, local_date, situation, customer,
                                      text, reaction, text_hash, version, shared_at, withdrawn)
                 VALUES (?1, ?2, ?3, '1970-01-01', 'just_because', 'external', '', NULL, NULL,
                         ?4, ?5, 1)
                 ON CONFLICT (story_key) DO UPDATE SET withdrawn = 1, version = excluded.version,
                     local_date = excluded.local_date, situation = excluded.situation,
                     customer = excluded.customer, text = '', reaction = NULL, text_hash = NULL,
                     shared_at = excluded.shared_at
                 WHERE excluded.version > stories.version",
                params![story_key, member, story.story_id, seq, event.at],
            )?;
            let withdrawn_now: bool = query_one(
                conn,
                "SELECT withdrawn FROM stories WHERE story_key = ?1",
                [&story_key],
                |row| row.get(0),
            )?;
            if withdrawn_now {
                exec(
                    conn,
                    "DELETE FROM story_texts WHERE story_key = ?1",
                    [&story_key],
                )?;
                changes
                    .withdrawn
                    .push((member.to_string(), story.story_id.clone()));
            }
        }
        Body::ReactionAdded(story) => {
            let story_key = story_key(conn, &story.story_author, &story.story_id)?;
            exec(
                conn,
                "INSERT OR IGNORE INTO story_reactions (story_id, member_id, at) VALUES (?1, ?2, ?3)",
                params![story_key, member, event.at],
            )?;
        }
        Body::CommentAdded(comment) => {
            if !text_fits(&comment.text) {
                return Ok(Outcome::Refused(Refusal::TextInvalid));
            }
            let story_key = story_key(conn, &comment.story_author, &comment.story_id)?;
            exec(
                conn,
                "INSERT OR IGNORE INTO story_comments (event_id, story_id, member_id, text, at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![key, story_key, member, comment.text, event.at],
            )?;
        }
        Body::ReviewMarked(review) => {
            if !is_lead {
                return Ok(Outcome::KeptAside(Refusal::NotLead));
            }
            let story_key = story_key(conn, &review.story_author, &review.story_id)?;
            exec(
                conn,
                "INSERT INTO story_reviews (story_id, mark, by_id, at, event_id)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (story_id) DO UPDATE SET mark = excluded.mark,
                     by_id = excluded.by_id, at = excluded.at, event_id = excluded.event_id
                 WHERE (excluded.at, excluded.event_id) > (story_reviews.at, story_reviews.event_id)",
                params![story_key, review.mark.text(), member, event.at, key],
            )?;
        }
        Body::RoleGranted(grant) if legacy => {
            // Format 1: leads only grow, by a lead's grant.
            if !is_lead {
                return Ok(Outcome::KeptAside(Refusal::NotLead));
            }
            let added = exec(
                conn,
                "INSERT OR IGNORE INTO team_leads (member_id, event_id) VALUES (?1, ?2)",
                params![grant.member, key],
            )?;
            changes.authority |= added > 0;
        }
        Body::LineupSet(lineup) => return lineup::take_set(conn, key, event, lineup, is_lead),
        Body::LineupName(name) => return lineup::take_name(conn, event, name),
        Body::ExceptionProposed(proposal) => {
            return decisions::take_proposal(conn, event, proposal, ctx)
        }
        Body::ExceptionDecided(decision) => {
            return decisions::take_decision(conn, key, event, decision, ctx)
        }
        Body::TallyWeek(tally) => return super::tally::apply(conn, key, event, tally),
        Body::TallyStopped(_) => return super::tally::stop(conn, key, event),
        _ => return Ok(Outcome::Refused(Refusal::UnknownKind)),
    }
    Ok(Outcome::Applied)
}

//! Accepting a verified event into the log: once, by its key, whatever it
//! means (that is the fold's). An event of another team is refused and not
//! stored. A line of this PC's own person found in the folder is kept as
//! written; where it holds the number of one of their events still
//! waiting to be written (a restored backup, a team left and joined
//! again), the waiting ones give way, to be signed again with numbers
//! nobody has used, but only to a line of their own: a line anyone else
//! wrote into their folder never touches them.

use super::accepted::Accepted;
use super::authority::Authority;
use super::body::{kind, Body, CommentBody, DecisionBody, ProposalBody, StoryBody, VoiceBody};
use super::content::MAX_STORY_CHARS;
use super::events;
use super::lineup::MAX_VOICE_CHARS;
use super::outbox;
use super::refusal::Refusal;
use super::verify::Signed;
use crate::error::Result;
use crate::exception::{
    ExceptionInput, MAX_ALLOWED_CHARS, MAX_LIMITS_CHARS, MAX_NOTE_CHARS, MAX_RULE_CHARS,
    MAX_WHEN_CHARS,
};
use crate::sql::exec;
use crate::team_event::{public_key_text, EVENT_VERSION};
use rusqlite::{params, Connection, OptionalExtension};

/// What accepting an event came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accept {
    /// In the log before (a re-read, a copy).
    Known,
    /// Not for this team: not stored.
    Refused(Refusal),
    /// Stored now.
    New(Box<Accepted>),
}

/// Who is reading: this PC's person and key, and who counts in the team.
pub struct Reader<'a> {
    pub me: &'a str,
    pub device: Option<&'a str>,
    pub authority: &'a Authority,
    pub now: chrono::DateTime<chrono::Utc>,
    /// Only following the team: what people wrote is not kept.
    pub follows: bool,
}

/// Accepts one verified event.
pub fn accept(conn: &Connection, signed: &Signed, reader: &Reader<'_>) -> Result<Accept> {
    let event = &signed.event;
    if event.v == EVENT_VERSION && event.team != reader.authority.team_id {
        return Ok(Accept::Refused(Refusal::OtherTeam));
    }
    let mut accepted =
        events::accepted_typed(event, &signed.hash, signed.signer, signed.body.clone());
    let kept;
    let event = if reader.follows {
        accepted.body = accepted.body.map(without_words);
        kept = crate::team_event::Event {
            body: accepted
                .body
                .as_ref()
                .map_or(serde_json::Value::Null, |b| b.to_value()),
            ..event.clone()
        };
        &kept
    } else {
        event
    };
    let me = reader.me;
    // A line of this person's own: signed with this PC's key, or the key
    // the team knows for them at that number.
    let mine = event.member == me
        && (reader.device == Some(public_key_text(&signed.signer).as_str())
            || reader
                .authority
                .is_members_key(me, event.seq, &signed.signer));
    let mut gave_way = None;
    if mine {
        let holder: Option<String> = conn
            .query_row(
                "SELECT event_id FROM own_events WHERE seq = ?1 AND written = 0 AND event_id <> ?2",
                params![event.seq as i64, accepted.key],
                |row| row.get(0),
            )
            .optional()?;
        if let Some(holder) = holder {
            gave_way = outbox::set_aside_unwritten(conn, &holder)?;
        }
    }
    if !events::insert(conn, event, &accepted)? {
        return Ok(Accept::Known);
    }
    if mine {
        exec(
            conn,
            "INSERT OR IGNORE INTO own_events (seq, event_id, line, written) VALUES (?1, ?2, ?3, 1)",
            params![event.seq as i64, accepted.key, event.to_line()],
        )?;
    }
    if let Some(set_aside) = gave_way {
        outbox::resign(conn, me, set_aside, reader.now)?;
    }
    Ok(Accept::New(Box::new(accepted)))
}

/// Schema 15: a followed team's log, as an earlier Fanday kept it, keeps
/// no words of the team's rule exceptions either, as a follower takes them
/// in today.
pub(crate) fn leave_out_exception_words(conn: &Connection) -> rusqlite::Result<()> {
    let follows: bool = conn.query_row(
        "SELECT coalesce((SELECT follows FROM team), 0)",
        [],
        |row| row.get(0),
    )?;
    if !follows {
        return Ok(());
    }
    let kept: Vec<(String, String, String)> = conn
        .prepare("SELECT id, kind, body FROM team_events WHERE kind IN (?1, ?2)")?
        .query_map(
            params![kind::EXCEPTION_PROPOSED, kind::EXCEPTION_DECIDED],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )?
        .collect::<rusqlite::Result<_>>()?;
    for (id, kind, body) in kept {
        if let Ok(body) = Body::parse_logged(&kind, &body, false) {
            conn.execute(
                "UPDATE team_events SET body = ?1 WHERE id = ?2",
                params![without_words(body).to_value().to_string(), id],
            )?;
        }
    }
    Ok(())
}

/// A body as a follower keeps it: what people wrote is left out (a region
/// sees counts, never texts). A text stands in for each, as the fold
/// judges it: fitting, empty or too long alike, so the follower's fold
/// comes to what every member's does.
fn without_words(body: Body) -> Body {
    let stand_in = |text: &str, max: usize| {
        if text.trim().is_empty() {
            String::new()
        } else if text.chars().count() > max {
            "…".repeat(max + 1)
        } else {
            "…".to_string()
        }
    };
    // A text there or not (format 1 carries it in the event) is judged as
    // such: only the words go.
    let story = |story: StoryBody| StoryBody {
        text: story
            .text
            .as_deref()
            .map(|text| stand_in(text, MAX_STORY_CHARS)),
        reaction: story.reaction.as_deref().map(|reaction| {
            if reaction.chars().count() > MAX_STORY_CHARS {
                "…".repeat(MAX_STORY_CHARS + 1)
            } else {
                String::new()
            }
        }),
        ..story
    };
    match body {
        Body::StoryShared(shared) => Body::StoryShared(story(shared)),
        Body::StoryEdited(edited) => Body::StoryEdited(story(edited)),
        Body::CommentAdded(comment) => Body::CommentAdded(CommentBody {
            text: stand_in(&comment.text, MAX_STORY_CHARS),
            ..comment
        }),
        Body::LineupVoice(voice) => Body::LineupVoice(VoiceBody {
            text: stand_in(&voice.text, MAX_VOICE_CHARS),
            ..voice
        }),
        // A rule exception's words are the team's too; the hash of those
        // it fits is kept, which a decision names. They are judged trimmed.
        Body::ExceptionProposed(proposal) => Body::ExceptionProposed(ProposalBody {
            words_hash: crate::exception::validate(&proposal.exception)
                .ok()
                .map(|words| crate::team_event::content_hash(&words)),
            exception: ExceptionInput {
                rule: stand_in(proposal.exception.rule.trim(), MAX_RULE_CHARS),
                allowed: stand_in(proposal.exception.allowed.trim(), MAX_ALLOWED_CHARS),
                limits: stand_in(proposal.exception.limits.trim(), MAX_LIMITS_CHARS),
                applies_when: stand_in(proposal.exception.applies_when.trim(), MAX_WHEN_CHARS),
                ..proposal.exception
            },
            ..proposal
        }),
        Body::ExceptionDecided(decision) => Body::ExceptionDecided(DecisionBody {
            note: decision
                .note
                .as_deref()
                .map(|note| stand_in(note.trim(), MAX_NOTE_CHARS)),
            ..decision
        }),
        other => other,
    }
}

/// Makes sure a member has a row, before their events are read.
pub fn know_member(conn: &Connection, member: &str) -> Result<()> {
    exec(
        conn,
        "INSERT INTO team_members (member_id, name, public_key, status) VALUES (?1, '', '', 'unknown')
         ON CONFLICT (member_id) DO NOTHING",
        [member],
    )?;
    Ok(())
}

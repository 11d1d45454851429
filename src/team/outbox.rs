//! Signing this member's events. Every event is signed into the store
//! first (`own_events`, the outbox, with the story file that goes with it)
//! and into the log, where the team's state takes it in at once;
//! `write::flush` then puts it in the folder, in the background.
//! Numbers never repeat: the next is above both the store's and the
//! folder's highest, and each event names the hash of the one before.

use super::body::{kind, Body, StoryContent};
use super::events::event_key;
use super::membership::joined;
use crate::error::Result;
use crate::keys::device_key;
use crate::profile::Profile;
use crate::sql::{exec, query_one};
use crate::team_event::{Event, EVENT_VERSION, LEGACY_VERSION};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

/// The last story event this PC signed for a story, typed.
pub fn last_story_event(conn: &Connection, story_id: &str) -> Result<Option<Body>> {
    let line: Option<String> = query_one(
        conn,
        "SELECT line FROM own_events
          WHERE json_extract(line, '$.kind') IN (?2, ?3, ?4)
            AND json_extract(line, '$.body.story_id') = ?1
          ORDER BY seq DESC LIMIT 1",
        params![
            story_id,
            kind::STORY_SHARED,
            kind::STORY_EDITED,
            kind::STORY_WITHDRAWN
        ],
        |row| row.get(0),
    )
    .optional()?;
    Ok(line
        .and_then(|line| Event::parse(&line).ok())
        .and_then(|event| Body::parse(&event.kind, &event.body).ok()))
}

/// The next number this PC signs with: above every number of its own,
/// whether in its store, its own events or its folder. Lines signed by a
/// key not its own (anyone can write into the folder) do not count.
fn next_seq(conn: &Connection, me: &str) -> Result<u64> {
    let (outbox, in_folder): (i64, i64) = query_one(
        conn,
        "SELECT coalesce((SELECT max(seq) FROM own_events), 0),
                coalesce((SELECT max_seq FROM team_members WHERE member_id = ?1), 0)",
        [me],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    let key = crate::keys::device_key_text(conn)?;
    let in_log = super::events::highest_seq(conn, me, Some(key.as_deref().unwrap_or_default()))?;
    let highest = (outbox.max(in_folder).max(0) as u64).max(in_log);
    if highest >= i64::MAX as u64 {
        return Err(crate::error::CoreError::TeamFolder(
            "this PC's event numbers are used up".into(),
        ));
    }
    Ok(highest + 1)
}

/// The format the team writes now: 1 until its founder upgraded it.
pub fn team_format(conn: &Connection) -> Result<u32> {
    Ok(conn
        .query_row("SELECT format FROM team", [], |row| row.get(0))
        .optional()?
        .unwrap_or(EVENT_VERSION))
}

/// Signs `body` as this member's next event, keeps it to be sent (with the
/// story's file, where it has one), and puts it in the log. `None` when
/// this PC is in no team.
pub fn append(
    conn: &Connection,
    me: &Profile,
    body: &Body,
    story: Option<&StoryContent>,
    now: DateTime<Utc>,
) -> Result<Option<Event>> {
    if joined(conn)?.is_none() {
        return Ok(None);
    }
    let key = device_key(conn, now)?;
    let format = team_format(conn)?;
    let seq = next_seq(conn, &me.id)?;
    let event = sign(conn, &me.id, format, seq, body, now, &key)?;
    let attachment = story.map(|s| serde_json::to_string(s).unwrap_or_default());
    keep(conn, &event, attachment.as_deref(), &key.verifying_key())?;
    if let (Some(story), Some(hash)) = (story, body_hash(body)) {
        exec(
            conn,
            "INSERT OR IGNORE INTO story_texts (story_key, hash, text, reaction) VALUES (?1, ?2, ?3, ?4)",
            params![format!("{}/{}", me.id, story.story_id), hash, story.text, story.reaction],
        )?;
    }
    Ok(Some(event))
}

/// Keeps one of this PC's events to be sent, and puts it in the log.
fn keep(
    conn: &Connection,
    event: &Event,
    attachment: Option<&str>,
    signer: &ed25519_dalek::VerifyingKey,
) -> Result<()> {
    exec(
        conn,
        "INSERT INTO own_events (seq, event_id, line, written, attachment) VALUES (?1, ?2, ?3, 0, ?4)",
        params![event.seq as i64, event_key(event), event.to_line(), attachment],
    )?;
    let accepted = super::events::accepted(event, &event.hash(), *signer);
    super::events::insert(conn, event, &accepted)?;
    Ok(())
}

fn body_hash(body: &Body) -> Option<String> {
    match body {
        Body::StoryShared(story) | Body::StoryEdited(story) => story.hash.clone(),
        _ => None,
    }
}

#[allow(clippy::too_many_arguments)]
fn sign(
    conn: &Connection,
    me: &str,
    format: u32,
    seq: u64,
    body: &Body,
    now: DateTime<Utc>,
    key: &ed25519_dalek::SigningKey,
) -> Result<Event> {
    // Format 2 names the team and, for the chain, the hash of the event
    // just before; format 1 gives each event an id of its own.
    let (id, team, prev) = if format == LEGACY_VERSION {
        (uuid::Uuid::now_v7().to_string(), String::new(), None)
    } else {
        let team = conn.query_row("SELECT team_id FROM team", [], |row| row.get(0))?;
        let prev = super::events::hash_at(conn, me, seq.saturating_sub(1))?;
        (String::new(), team, Some(prev.unwrap_or_default()))
    };
    Ok(Event {
        v: format,
        id,
        team,
        member: me.to_string(),
        seq,
        prev,
        at: now,
        kind: body.kind().to_string(),
        body: body.to_value(),
        sig: String::new(),
    }
    .sign(key))
}

/// One of this PC's events, not written yet, set aside to be signed again.
pub struct Unwritten {
    event: Event,
    attachment: Option<String>,
}

/// Events of ours not yet in the folder whose numbers the folder shows
/// taken (after a backup was restored, or the team left and joined again
/// while the folder was away) give way: they are taken out, from `holder`
/// on, to be signed again by [`resign`] once the folder's event is in.
pub fn set_aside_unwritten(conn: &Connection, holder: &str) -> Result<Option<Vec<Unwritten>>> {
    let unwritten: Vec<(String, String, Option<String>)> = conn
        .prepare_cached(
            "SELECT event_id, line, attachment FROM own_events WHERE written = 0
              AND seq >= (SELECT seq FROM own_events WHERE event_id = ?1) ORDER BY seq",
        )?
        .query_map([holder], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if unwritten.first().map(|(id, _, _)| id.as_str()) != Some(holder) {
        return Ok(None);
    }
    let mut set_aside = Vec::with_capacity(unwritten.len());
    for (old_key, line, attachment) in unwritten {
        // Out of the outbox and the log: the team's state is folded again
        // without it.
        exec(
            conn,
            "DELETE FROM own_events WHERE event_id = ?1",
            [&old_key],
        )?;
        super::events::delete(conn, &old_key)?;
        if let Ok(event) = Event::parse(&line) {
            set_aside.push(Unwritten { event, attachment });
        }
    }
    Ok(Some(set_aside))
}

/// Signs events set aside again with the next free numbers, each chained
/// to the one before, and puts them in the log.
pub fn resign(
    conn: &Connection,
    me: &str,
    set_aside: Vec<Unwritten>,
    now: DateTime<Utc>,
) -> Result<()> {
    let key = device_key(conn, now)?;
    for Unwritten {
        event: old,
        attachment,
    } in set_aside
    {
        let Ok(body) = Body::parse(&old.kind, &old.body) else {
            continue;
        };
        let seq = next_seq(conn, me)?;
        let event = sign(conn, me, old.v, seq, &body, old.at, &key)?;
        keep(conn, &event, attachment.as_deref(), &key.verifying_key())?;
    }
    Ok(())
}

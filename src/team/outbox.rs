//! Signing this member's events. Every event is signed into the store
//! first (`own_events`, the outbox, with the story file that goes with it)
//! and taken here at once; `write::flush` then puts it in the folder.
//! Numbers never repeat: the next is above both the store's and the
//! folder's highest, and each event names the hash of the one before.

use super::authority;
use super::body::{Body, StoryContent};
use super::membership::{device_key, joined};
use super::rules::Changes;
use super::take::{event_key, take, Context};
use super::verify::Signed;
use crate::error::Result;
use crate::profile::Profile;
use crate::sql::{exec, query_one};
use crate::team_event::{Event, EVENT_VERSION, LEGACY_VERSION};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

/// The next number this PC signs with: above every number of its own,
/// whether in its store, its own events or its folder. Lines signed by a
/// key not its own (anyone can write into the folder) do not count.
fn next_seq(conn: &Connection, me: &str) -> Result<u64> {
    let highest: i64 = query_one(
        conn,
        "SELECT max(coalesce((SELECT max(seq) FROM own_events), 0),
                    coalesce((SELECT max_seq FROM team_members WHERE member_id = ?1), 0),
                    coalesce((SELECT max(seq) FROM team_events
                               WHERE member_id = ?1
                                 AND (signer = ''
                                      OR signer = (SELECT public_key FROM device_key))), 0))",
        [me],
        |row| row.get(0),
    )?;
    let highest = highest.max(0) as u64;
    if highest >= i64::MAX as u64 {
        return Err(crate::error::CoreError::TeamFolder(
            "this PC's event numbers are used up".into(),
        ));
    }
    Ok(highest + 1)
}

/// The hash of this member's event just before `seq`, as the chain needs.
fn hash_before(conn: &Connection, me: &str, seq: u64) -> Result<String> {
    Ok(query_one(
        conn,
        "SELECT hash FROM team_events WHERE member_id = ?1 AND seq = ?2 AND hash IS NOT NULL",
        params![me, seq as i64 - 1],
        |row| row.get::<_, String>(0),
    )
    .optional()?
    .unwrap_or_default())
}

/// The format the team writes now: 1 until its founder upgraded it.
pub fn team_format(conn: &Connection) -> Result<u32> {
    Ok(conn
        .query_row("SELECT format FROM team", [], |row| row.get(0))
        .optional()?
        .unwrap_or(EVENT_VERSION))
}

fn team_id(conn: &Connection) -> Result<String> {
    Ok(conn.query_row("SELECT team_id FROM team", [], |row| row.get(0))?)
}

/// Signs `body` as this member's next event, keeps it to be sent (with the
/// story's file, where it has one), and takes it here. `None` when this PC
/// is in no team.
pub fn append(
    conn: &Connection,
    me: &Profile,
    body: &Body,
    story: Option<&StoryContent>,
    now: DateTime<Utc>,
) -> Result<Option<Event>> {
    Ok(append_withdrawing(conn, me, body, story, now)?.map(|(event, _)| event))
}

/// Stories withdrawn, by author and id.
pub type Withdrawn = Vec<(String, String)>;

/// As [`append`], also returning the stories that taking the event here
/// withdrew (a lead's admission can make a waiting withdrawal count), for
/// their texts to be erased from the backups too.
pub fn append_withdrawing(
    conn: &Connection,
    me: &Profile,
    body: &Body,
    story: Option<&StoryContent>,
    now: DateTime<Utc>,
) -> Result<Option<(Event, Withdrawn)>> {
    if joined(conn)?.is_none() {
        return Ok(None);
    }
    let key = device_key(conn, now)?;
    let format = team_format(conn)?;
    let seq = next_seq(conn, &me.id)?;
    let event = sign(conn, &me.id, format, seq, body, now, &key)?;
    let attachment = story.map(|s| serde_json::to_string(s).unwrap_or_default());
    exec(
        conn,
        "INSERT INTO own_events (seq, event_id, line, written, attachment) VALUES (?1, ?2, ?3, 0, ?4)",
        params![event.seq as i64, event_key(&event), event.to_line(), attachment],
    )?;
    if let (Some(story), Some(hash)) = (story, body_hash(body)) {
        exec(
            conn,
            "INSERT OR IGNORE INTO story_texts (story_key, hash, text, reaction) VALUES (?1, ?2, ?3, ?4)",
            params![format!("{}/{}", me.id, story.story_id), hash, story.text, story.reaction],
        )?;
    }
    let withdrawn = take_own(conn, &me.id, &event, now)?;
    Ok(Some((event, withdrawn)))
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
    let legacy = format == LEGACY_VERSION;
    Ok(Event {
        v: format,
        id: if legacy {
            uuid::Uuid::now_v7().to_string()
        } else {
            String::new()
        },
        team: if legacy {
            String::new()
        } else {
            team_id(conn)?
        },
        member: me.to_string(),
        seq,
        prev: if legacy {
            None
        } else {
            Some(hash_before(conn, me, seq)?)
        },
        at: now,
        kind: body.kind().to_string(),
        body: body.to_value(),
        sig: String::new(),
    }
    .sign(key))
}

/// Takes this PC's own event here, under the team's authority as it is.
fn take_own(conn: &Connection, me: &str, event: &Event, now: DateTime<Utc>) -> Result<Withdrawn> {
    let (authority, _) = authority::load(conn)?;
    let signer = device_key(conn, now)?.verifying_key();
    let ctx = Context {
        me,
        authority: &authority,
        now,
    };
    let mut changes = Changes::default();
    take(
        conn,
        &Signed::own(event.clone(), signer),
        &ctx,
        &mut changes,
    )?;
    super::after::apply_changes(conn, &mut changes, &authority, me, now)?;
    Ok(changes.withdrawn)
}

/// One of this PC's events, not written yet, set aside to be signed again.
pub struct Unwritten {
    event: Event,
    attachment: Option<String>,
}

/// Is `holder` one of this PC's events still waiting to be written?
pub fn is_unwritten(conn: &Connection, holder: &str) -> Result<bool> {
    Ok(query_one(
        conn,
        "SELECT written = 0 FROM own_events WHERE event_id = ?1",
        [holder],
        |row| row.get(0),
    )
    .optional()?
    .unwrap_or(false))
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
        for sql in [
            "DELETE FROM own_events WHERE event_id = ?1",
            "DELETE FROM team_events WHERE id = ?1",
            "DELETE FROM story_comments WHERE event_id = ?1",
            "DELETE FROM team_tallies WHERE event_id = ?1",
            "DELETE FROM team_tally_stops WHERE event_id = ?1",
        ] {
            exec(conn, sql, [&old_key])?;
        }
        if let Ok(event) = Event::parse(&line) {
            set_aside.push(Unwritten { event, attachment });
        }
    }
    Ok(Some(set_aside))
}

/// Signs events set aside again with the next free numbers, each chained
/// to the one before, and takes them here.
pub fn resign(
    conn: &Connection,
    set_aside: Vec<Unwritten>,
    ctx: &Context<'_>,
    changes: &mut Changes,
) -> Result<()> {
    let key = device_key(conn, ctx.now)?;
    for Unwritten {
        event: old,
        attachment,
    } in set_aside
    {
        let Ok(body) = Body::parse(&old.kind, &old.body) else {
            continue;
        };
        let seq = next_seq(conn, ctx.me)?;
        let event = sign(conn, ctx.me, old.v, seq, &body, old.at, &key)?;
        exec(
            conn,
            "INSERT INTO own_events (seq, event_id, line, written, attachment) VALUES (?1, ?2, ?3, 0, ?4)",
            params![seq as i64, event_key(&event), event.to_line(), attachment],
        )?;
        take(conn, &Signed::own(event, key.verifying_key()), ctx, changes)?;
    }
    Ok(())
}

//! Bringing the folder in line with what this person shares: a shared
//! moment missing from the feed is shared, a story no longer shared is
//! withdrawn, and proposals and decisions made here are sent. Only the
//! store is touched (the events wait in the outbox); safe to repeat.

use super::body::{kind, Body, ExceptionRef, StoryBody, StoryContent, StoryRef};
use super::catalogue::{decision_body, proposal_body};
use super::events;
use super::membership::in_team;
use super::outbox::{append, team_format};
use super::proposals::proposers_id;
use crate::error::Result;
use crate::exception::Action;
use crate::profile::Profile;
use crate::team_event::LEGACY_VERSION;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use std::collections::BTreeSet;

pub fn reconcile(conn: &Connection, profile: &Profile, now: DateTime<Utc>) -> Result<u32> {
    if !in_team(conn)? {
        return Ok(0);
    }
    let mut sent = 0;
    let legacy = team_format(conn)? == LEGACY_VERSION;
    let to_share: Vec<(String, bool)> = conn
        .prepare_cached(
            "SELECT m.id, EXISTS (SELECT 1 FROM stories s WHERE s.author_id = m.author
                                   AND s.story_id = m.id)
               FROM moments m
              WHERE m.shared = 1 AND m.deleted_at IS NULL AND m.author = ?1
                AND NOT EXISTS (SELECT 1 FROM stories s WHERE s.author_id = m.author
                                 AND s.story_id = m.id
                                 AND s.withdrawn = 0 AND s.text = m.text
                                 AND s.local_date = m.local_date
                                 AND s.situation = m.situation AND s.customer = m.customer
                                 AND s.reaction IS m.reaction)",
        )?
        .query_map([&profile.id], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    // Where this PC's key does not count (waiting to be let in, removed,
    // a new key), the team's stories do not hold what this person sent:
    // what they sent is read from their own events too, so that nothing is
    // sent again at every read.
    let waiting = !legacy && waits_for_a_lead(conn, &profile.id)?;
    for (id, known) in to_share {
        let moment = crate::moment::get(conn, &id)?;
        let content = StoryContent::of(&moment);
        let sent_before = if legacy { None } else { last_sent(conn, &id)? };
        if sent_before
            .as_ref()
            .is_some_and(|(withdrawn, hash)| !withdrawn && *hash == content.hash())
        {
            continue;
        }
        let known = known || sent_before.is_some_and(|(withdrawn, _)| !withdrawn);
        let story = if legacy {
            content.legacy_body()
        } else {
            StoryBody {
                exception: exception_ref(conn, moment.exception_id.as_deref())?,
                ..content.body()
            }
        };
        let body = if known {
            Body::StoryEdited(story)
        } else {
            Body::StoryShared(story)
        };
        append(conn, profile, &body, (!legacy).then_some(&content), now)?;
        sent += 1;
    }
    // Only a moment this PC has, unshared or deleted, withdraws its story:
    // a story whose moment this PC never had (a backup restored from before
    // it) stays shared.
    let to_withdraw: Vec<String> = conn
        .prepare_cached(
            "SELECT s.story_id FROM stories s JOIN moments m ON m.id = s.story_id
              WHERE s.author_id = ?1 AND s.withdrawn = 0
                AND (m.shared = 0 OR m.deleted_at IS NOT NULL)",
        )?
        .query_map([&profile.id], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut to_withdraw = to_withdraw;
    if waiting {
        let unshared: Vec<String> = conn
            .prepare_cached(
                "SELECT id FROM moments
                  WHERE author = ?1 AND (shared = 0 OR deleted_at IS NOT NULL)",
            )?
            .query_map([&profile.id], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in unshared {
            let sent = last_sent(conn, &id)?;
            if sent.is_some_and(|(withdrawn, _)| !withdrawn) && !to_withdraw.contains(&id) {
                to_withdraw.push(id);
            }
        }
    }
    for story_id in to_withdraw {
        if !legacy && last_sent(conn, &story_id)?.is_some_and(|(withdrawn, _)| withdrawn) {
            continue;
        }
        let body = Body::StoryWithdrawn(StoryRef {
            story_author: String::new(),
            story_id,
        });
        append(conn, profile, &body, None, now)?;
        sent += 1;
    }
    sent += reconcile_exceptions(conn, profile, now)?;
    Ok(sent)
}

/// Is this person's key waiting for a lead (a request to join, or to come
/// back with a new key)?
fn waits_for_a_lead(conn: &Connection, me: &str) -> Result<bool> {
    let status: Option<String> = conn
        .query_row(
            "SELECT status FROM team_members WHERE member_id = ?1",
            [me],
            |row| row.get(0),
        )
        .optional()?;
    Ok(matches!(status.as_deref(), Some("pending" | "returning")))
}

/// The last story event this PC sent for a moment: whether it withdrew
/// the story, and the hash of the content it named.
fn last_sent(conn: &Connection, story_id: &str) -> Result<Option<(bool, String)>> {
    Ok(
        super::outbox::last_story_event(conn, story_id)?.map(|body| match body {
            Body::StoryShared(story) | Body::StoryEdited(story) => {
                (false, story.hash.unwrap_or_default())
            }
            _ => (true, String::new()),
        }),
    )
}

/// The team's name for the exception a moment used: its proposer and id.
fn exception_ref(conn: &Connection, local: Option<&str>) -> Result<Option<ExceptionRef>> {
    let Some(local) = local else {
        return Ok(None);
    };
    let proposer: Option<String> = crate::sql::query_one(
        conn,
        "SELECT proposed_by FROM exceptions WHERE id = ?1",
        [local],
        |row| row.get(0),
    )
    .optional()?;
    Ok(proposer.map(|proposer| ExceptionRef {
        exception_id: proposers_id(local, &proposer).to_string(),
        proposer,
    }))
}

/// Proposals and decisions made here before this PC was in the team,
/// which the team has not been sent yet (in a team they are events only).
fn reconcile_exceptions(conn: &Connection, profile: &Profile, now: DateTime<Utc>) -> Result<u32> {
    let mut sent = 0;
    let mut proposed = BTreeSet::new();
    let mut decided = BTreeSet::new();
    let in_log = events::of_member(
        conn,
        &profile.id,
        &[kind::EXCEPTION_PROPOSED, kind::EXCEPTION_DECIDED],
    )?;
    for (_, body) in in_log {
        match body {
            Body::ExceptionProposed(p) => proposed.insert(p.exception_id),
            Body::ExceptionDecided(d) => decided.insert(d.decision_id),
            _ => false,
        };
    }
    let proposals: Vec<String> = conn
        .prepare_cached(
            "SELECT id FROM exceptions WHERE proposed_by = ?1 ORDER BY proposed_at, id",
        )?
        .query_map([&profile.id], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in proposals.into_iter().filter(|id| !proposed.contains(id)) {
        let body = proposal_body(crate::exception::get(conn, &id)?);
        append(conn, profile, &body, None, now)?;
        sent += 1;
    }
    let decisions: Vec<(String, String, String, String, Option<String>)> = conn
        .prepare_cached(
            "SELECT v.id, v.exception_id, e.proposed_by, v.kind, v.note FROM exception_events v
               JOIN exceptions e ON e.id = v.exception_id
              WHERE v.actor_id = ?1 AND v.kind <> 'proposed'
              ORDER BY v.at, v.id",
        )?
        .query_map([&profile.id], |row| row.try_into())?
        .collect::<rusqlite::Result<_>>()?;
    let decisions = decisions
        .into_iter()
        .filter(|(decision_id, ..)| !decided.contains(decision_id));
    for (decision_id, local, proposer, status, note) in decisions {
        let action = match status.as_str() {
            "approved" => Action::Approve,
            "rejected" => Action::Reject,
            "retired" => Action::Retire,
            _ => Action::Withdraw,
        };
        let body = decision_body(conn, &local, &proposer, decision_id, action, note)?;
        append(conn, profile, &body, None, now)?;
        sent += 1;
    }
    Ok(sent)
}

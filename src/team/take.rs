//! Taking one verified event into the store: once, never over another event
//! with the same number or off the member's chain, and counted only as the
//! team's authority allows; then under the rules.

use super::authority::Authority;
use super::body::{Body, StoryContent};
use super::outbox;
use super::refusal::Refusal;
use super::rules::{self, Changes, Outcome};
use super::verify::Signed;
use crate::error::Result;
use crate::sql::exec;
use crate::team_event::{public_key_text, Event, EVENT_VERSION, LEGACY_VERSION};
use chrono::{DateTime, Duration, Utc};
use ed25519_dalek::VerifyingKey;
use rusqlite::{params, Connection, OptionalExtension};

/// A stored event near another's number: id, number, hash, the hash
/// before it, format and signer.
type Near = (String, i64, Option<String>, Option<String>, u32, String);

/// What taking an event came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    /// Seen before (a re-read, a copy): no news.
    Known,
    /// Another event of the member has this number, or it does not join
    /// the member's chain: put aside.
    Fork,
    /// Not for this team at all: not stored.
    Refused(Refusal),
    New(Outcome),
}

/// What the rules need to know besides the store.
pub struct Context<'a> {
    pub me: &'a str,
    pub authority: &'a Authority,
    pub now: DateTime<Utc>,
}

/// The event as the store names it: ids belong to their author.
pub fn event_key(event: &Event) -> String {
    format!("{}/{}", event.member, event.identity())
}

fn put_aside(conn: &Connection, event: &Event) -> Result<Taken> {
    let added = exec(
        conn,
        "INSERT OR IGNORE INTO team_forks (event_id, member_id, seq, line) VALUES (?1, ?2, ?3, ?4)",
        params![
            event_key(event),
            event.member,
            event.seq as i64,
            event.to_line()
        ],
    )?;
    if added == 0 {
        return Ok(Taken::Known);
    }
    exec(
        conn,
        "UPDATE team_members SET forks = forks + 1 WHERE member_id = ?1",
        [&event.member],
    )?;
    Ok(Taken::Fork)
}

/// An event signed with a key that only asked to come in (anyone can write
/// such a line into a member's folder) holds a number the member's own key
/// signs too: it is put aside and the member's event takes the number, in
/// whichever order the two arrive.
/// `mine`: the arriving event is signed with a key of its member's.
fn holder_gives_way(
    conn: &Connection,
    holder: &str,
    event: &Event,
    mine: bool,
    ctx: &Context<'_>,
    changes: &mut Changes,
) -> Result<bool> {
    if !mine {
        return Ok(false);
    }
    let (v, signer): (u32, String) = conn.query_row(
        "SELECT v, signer FROM team_events WHERE id = ?1",
        [holder],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    if signed_by_the_member(ctx.authority, &event.member, event.seq, v, &signer) {
        return Ok(false);
    }
    set_aside_stored(conn, holder, changes)?;
    Ok(true)
}

/// Was a line of `member` at `seq` signed with a key of theirs (the one the
/// team knew for that number, also after a removal)? Format-1 lines were
/// checked against the key pinned for them.
fn signed_by_the_member(auth: &Authority, member: &str, seq: u64, v: u32, signer: &str) -> bool {
    if v != EVENT_VERSION {
        return auth.speaks_for(member, seq, v, signer);
    }
    crate::team_event::parse_public_key(signer)
        .is_some_and(|key| auth.is_members_key(member, seq, &key))
}

/// An event taken before is put aside after all (a fork found late): it
/// leaves the member's chain, and what it did is undone.
fn set_aside_stored(conn: &Connection, id: &str, changes: &mut Changes) -> Result<()> {
    let (member, seq, kind, body, applied): (String, i64, String, String, i64) = conn.query_row(
        "SELECT member_id, seq, kind, body, applied FROM team_events WHERE id = ?1",
        [id],
        |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
            ))
        },
    )?;
    exec(
        conn,
        "INSERT OR IGNORE INTO team_forks (event_id, member_id, seq, line) VALUES (?1, ?2, ?3, ?4)",
        params![id, member, seq, format!("{kind} {body}")],
    )?;
    exec(conn, "DELETE FROM team_events WHERE id = ?1", [id])?;
    exec(
        conn,
        "UPDATE team_members SET forks = forks + 1 WHERE member_id = ?1",
        [&member],
    )?;
    // Only what it did is undone: an event kept aside did nothing yet (a
    // decision is replayed with its proposal's others, so it counts too).
    if Body::is_authority(&kind) {
        changes.authority = true;
    } else if applied == 1 || kind == "exception.decided" {
        changes.rebuild = true;
    }
    Ok(())
}

pub fn take(
    conn: &Connection,
    signed: &Signed,
    ctx: &Context<'_>,
    changes: &mut Changes,
) -> Result<Taken> {
    let event = &signed.event;
    if event.v == EVENT_VERSION && event.team != ctx.authority.team_id {
        return Ok(Taken::Refused(Refusal::OtherTeam));
    }
    let seq = event.seq as i64;
    let key = format!(
        "{}/{}",
        event.member,
        if event.v == LEGACY_VERSION {
            event.id.as_str()
        } else {
            signed.hash.as_str()
        }
    );
    // One look at the member's events around this number: a re-read,
    // another event under this number, and the chain on both sides.
    let near: Vec<Near> = conn
        .prepare_cached(
            "SELECT id, seq, hash, prev, v, signer FROM team_events
              WHERE member_id = ?1 AND seq BETWEEN ?2 - 1 AND ?2 + 1",
        )?
        .query_map(params![event.member, seq], |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
                row.get(5)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let holders: Vec<&String> = near.iter().filter(|n| n.1 == seq).map(|n| &n.0).collect();
    if holders.contains(&&key) {
        return Ok(Taken::Known);
    }
    // Signed with a key of the member's own (anyone can write lines into
    // anyone's folder).
    let mine = if event.v == EVENT_VERSION {
        ctx.authority
            .is_members_key(&event.member, event.seq, &signed.signer)
    } else {
        ctx.authority.speaks_for(
            &event.member,
            event.seq,
            event.v,
            &public_key_text(&signed.signer),
        )
    };
    // Our own events not yet in the folder give way to what is there (a
    // restored backup, a team left and joined again), to be signed again
    // with numbers nobody has used; but only to a line of our own that is
    // taken: a line anyone else wrote into our folder never touches them.
    let mut unwritten_gives_way = None;
    if let Some(holder) = holders.first() {
        if event.member == ctx.me
            && is_own_line(conn, signed, ctx)?
            && outbox::is_unwritten(conn, holder)?
        {
            unwritten_gives_way = Some((*holder).clone());
        } else if !holder_gives_way(conn, holder, event, mine, ctx, changes)? {
            return put_aside(conn, event);
        }
    }
    if event.v == EVENT_VERSION {
        // The event before it is another: this one does not join the chain,
        // unless what stands there is a line not of the member's own (it
        // gives way when the member's own arrives).
        let before = near.iter().find(|n| n.1 == seq - 1);
        if before.is_some_and(|n| {
            n.2.as_ref() != event.prev.as_ref()
                && n.2.is_some()
                && (!mine
                    || signed_by_the_member(ctx.authority, &event.member, event.seq - 1, n.4, &n.5))
        }) {
            return put_aside(conn, event);
        }
        // The next event, taken before this one, names another event
        // before it: it is put aside, as it would have been had it come
        // after this one.
        let after_links_elsewhere = near
            .iter()
            .find(|n| n.1 == seq + 1 && n.3.as_ref().is_some_and(|prev| *prev != signed.hash));
        if let Some(next) = after_links_elsewhere {
            // Only a line of the member's own can push theirs aside.
            if !mine {
                return put_aside(conn, event);
            }
            set_aside_stored(conn, &next.0, changes)?;
        }
    }
    let gave_way = match unwritten_gives_way {
        Some(holder) => outbox::set_aside_unwritten(conn, &holder)?,
        None => None,
    };
    let insert = |outcome: Outcome| {
        exec(
            conn,
            "INSERT INTO team_events (id, member_id, seq, at, kind, body, applied, reason, sig,
                                      hash, prev, v, signer)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, '', ?9, ?10, ?11, ?12)",
            params![
                key,
                event.member,
                seq,
                event.at,
                event.kind,
                event.body.to_string(),
                outcome.applied_flag(),
                outcome.refusal().map(Refusal::code),
                signed.hash,
                event.prev,
                event.v,
                public_key_text(&signed.signer)
            ],
        )
    };
    // A decision is replayed with the others of its proposal, itself among
    // them: it is stored first. Everything else is stored as it came out.
    let outcome = if event.kind == "exception.decided" {
        insert(Outcome::KeptAside(Refusal::DecisionWaiting))?;
        let outcome = evaluate(conn, &key, event, &signed.signer, None, ctx, changes)?;
        record(conn, &key, outcome)?;
        outcome
    } else {
        let outcome = evaluate(
            conn,
            &key,
            event,
            &signed.signer,
            signed.story.as_ref(),
            ctx,
            changes,
        )?;
        insert(outcome)?;
        outcome
    };
    // A line in this PC's own folder is its own only when signed with a key
    // of its own: anyone can write into the folder.
    if event.member == ctx.me && is_own_line(conn, signed, ctx)? {
        exec(
            conn,
            "INSERT OR IGNORE INTO own_events (seq, event_id, line, written) VALUES (?1, ?2, ?3, 1)",
            params![seq, key, event.to_line()],
        )?;
        note_highest(conn, ctx.me, event.seq)?;
    }
    if let Some(set_aside) = gave_way {
        outbox::resign(conn, set_aside, ctx, changes)?;
    }
    Ok(Taken::New(outcome))
}

/// Was this line of the member's signed with a key that is theirs (for this
/// PC's own person, also the key this PC holds)? Only such lines say which
/// numbers a member used.
pub fn is_own_line(conn: &Connection, signed: &Signed, ctx: &Context<'_>) -> Result<bool> {
    let event = &signed.event;
    if event.v != EVENT_VERSION
        || ctx
            .authority
            .is_members_key(&event.member, event.seq, &signed.signer)
    {
        return Ok(true);
    }
    if event.member != ctx.me {
        return Ok(false);
    }
    let device: Option<String> = conn
        .query_row("SELECT public_key FROM device_key", [], |row| row.get(0))
        .optional()?;
    Ok(device.as_deref() == Some(public_key_text(&signed.signer).as_str()))
}

/// Makes sure a member has a row, before their events are taken.
pub fn know_member(conn: &Connection, member: &str) -> Result<()> {
    exec(
        conn,
        "INSERT INTO team_members (member_id, name, public_key, status) VALUES (?1, '', '', 'unknown')
         ON CONFLICT (member_id) DO NOTHING",
        [member],
    )?;
    Ok(())
}

pub fn record(conn: &Connection, key: &str, outcome: Outcome) -> Result<()> {
    exec(
        conn,
        "UPDATE team_events SET applied = ?2, reason = ?3 WHERE id = ?1",
        params![
            key,
            outcome.applied_flag(),
            outcome.refusal().map(Refusal::code)
        ],
    )?;
    Ok(())
}

/// Whether an event counts, and what it does: the team, the date, the
/// signer's admission, then the rules.
pub fn evaluate(
    conn: &Connection,
    key: &str,
    event: &Event,
    signer: &VerifyingKey,
    story: Option<&StoryContent>,
    ctx: &Context<'_>,
    changes: &mut Changes,
) -> Result<Outcome> {
    let auth = ctx.authority;
    let format_2 = auth.format == EVENT_VERSION;
    if event.v == EVENT_VERSION && event.team != auth.team_id {
        return Ok(Outcome::Refused(Refusal::OtherTeam));
    }
    if event.v == LEGACY_VERSION && !auth.legacy_counts(&event.member, event.seq) {
        // Kept: an upgrade's admission may yet name it.
        return Ok(Outcome::KeptAside(Refusal::LegacyAfterUpgrade));
    }
    if format_2 && !within_dates(auth, event.at, ctx.now) {
        return Ok(Outcome::KeptAside(Refusal::DateOutOfRange));
    }
    let body = match Body::parse(&event.kind, &event.body) {
        Ok(body) => body,
        Err(refusal) => return Ok(Outcome::Refused(refusal)),
    };
    if Body::is_authority(&event.kind) && format_2 {
        // Replayed in order with the others once the batch is in; what the
        // replay will make of it is told now where it is plain already.
        changes.authority = true;
        let as_member =
            auth.speaks_for(&event.member, event.seq, event.v, &public_key_text(signer));
        let by_lead = as_member && auth.is_lead_at(&event.member, event.seq);
        let needs_lead = event.kind.starts_with("role.")
            || matches!(
                event.kind.as_str(),
                "member.admitted" | "member.declined" | "member.removed"
            );
        let needs_member = matches!(event.kind.as_str(), "member.renamed" | "key.rotated");
        return Ok(if needs_lead && !by_lead {
            Outcome::KeptAside(Refusal::NotLead)
        } else if needs_member && !as_member {
            Outcome::KeptAside(Refusal::NotAdmitted)
        } else {
            Outcome::Applied
        });
    }
    let withdrawal = matches!(body, Body::StoryWithdrawn(_))
        && auth.may_withdraw(&event.member, event.seq, signer);
    if !withdrawal && !auth.counts_signed(&event.member, event.seq, signer) {
        // Kept aside, with its text where it came along: a lead sees it in
        // the request to join.
        if let Some(story) = story {
            rules::keep_text(conn, &event.member, story)?;
        }
        return Ok(Outcome::KeptAside(Refusal::NotAdmitted));
    }
    rules::apply(conn, key, event, &body, story, ctx, changes)
}

/// Events dated from a week before the team began to a day from now.
pub fn within_dates(auth: &Authority, at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    let not_before = auth.created_at.map(|c| c - Duration::days(7));
    at <= now + Duration::days(1) && not_before.map_or(true, |from| at >= from)
}

/// Raises the member's highest number seen (after a batch, once per member).
pub fn note_highest(conn: &Connection, member: &str, seq: u64) -> Result<()> {
    exec(
        conn,
        "UPDATE team_members SET max_seq = max(max_seq, ?2) WHERE member_id = ?1",
        params![member, seq as i64],
    )?;
    Ok(())
}

/// How many of a member's numbers below their highest never arrived.
pub fn count_missing(conn: &Connection, member: &str) -> Result<()> {
    exec(
        conn,
        "UPDATE team_members SET missing = max(0, max_seq -
             (SELECT count(DISTINCT seq) FROM team_events WHERE member_id = ?1))
          WHERE member_id = ?1",
        [member],
    )?;
    Ok(())
}

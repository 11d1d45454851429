//! What follows from a batch or a pass: a team that moved to format 2, a
//! change of who counts (the team's state is then rebuilt from the stored
//! events), events whose date has come, story texts read from their files,
//! and withdrawn texts erased from the store's log and backups.

use super::authority::{self, Authority};
use super::body::Body;
use super::decisions;
use super::folder::{self, member_dir, TEAM_FILE};
use super::membership::{self, TeamFile};
use super::report::{self, ReadAgain};
use super::rules::Changes;
use super::story_files::{self, Found};
use super::take::{self, Context};
use super::Runtime;
use crate::error::Result;
use crate::sql::exec;
use crate::store::Store;
use crate::team_event::{parse_public_key, Event, EVENT_VERSION, LEGACY_VERSION};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection};
use std::path::Path;

/// A team whose founder upgraded to format 2: this PC follows once the
/// signed team.json names the founder it pinned.
pub fn follow_team_file(store: &Store, folder: &Path) -> Result<()> {
    let (format, team_id, founder_key): (u32, String, String) =
        store
            .conn()
            .query_row("SELECT format, team_id, founder_key FROM team", [], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })?;
    if format != LEGACY_VERSION {
        return Ok(());
    }
    let Ok(team) = membership::read_json::<TeamFile>(&folder.join(TEAM_FILE)) else {
        return Ok(());
    };
    if team.v != EVENT_VERSION
        || team.team_id != team_id
        || team.founder_key != founder_key
        || !membership::team_file_is_signed(&team)
    {
        return Ok(());
    }
    exec(
        &store.conn(),
        "UPDATE team SET format = ?1, created_at = ?2, founder_name = ?3",
        params![EVENT_VERSION, team.created_at, team.founder_name],
    )?;
    Ok(())
}

/// After authority events arrived: replays them; where who counts, who
/// leads or which key holds has changed, rebuilds the team's state and has
/// the files of members with new keys read again.
pub fn authority_changed(
    conn: &Connection,
    before: &Authority,
    me: &str,
    now: DateTime<Utc>,
    withdrawn: &mut Vec<(String, String)>,
) -> Result<Option<Authority>> {
    let (after, outcomes) = authority::load(conn)?;
    authority::save(conn, &after, &outcomes)?;
    if after == *before {
        return Ok(None);
    }
    for (member, state) in &after.members {
        let before_state = before.member(member);
        let keys_changed =
            before_state.map(|b| (&b.keys, &b.request)) != Some((&state.keys, &state.request));
        if keys_changed {
            report::read_again(conn, ReadAgain::Member(member))?;
        }
    }
    withdrawn.extend(rebuild(conn, &after, me, now)?);
    Ok(Some(after))
}

/// After a batch: who counts is replayed when an authority event came, and
/// the team's state built again when an event taken before was put aside.
/// Returns the new authority when it changed. Stories the rebuild finds
/// withdrawn join `changes.withdrawn`, to be erased from the backups too.
pub fn apply_changes(
    conn: &Connection,
    changes: &mut Changes,
    current: &Authority,
    me: &str,
    now: DateTime<Utc>,
) -> Result<Option<Authority>> {
    let changed = if changes.authority {
        authority_changed(conn, current, me, now, &mut changes.withdrawn)?
    } else {
        None
    };
    if changed.is_none() && changes.rebuild {
        let withdrawn = rebuild(conn, current, me, now)?;
        changes.withdrawn.extend(withdrawn);
    }
    Ok(changed)
}

/// An event as stored: key, member, number, time, kind, body, format,
/// signer, the hash before it.
type StoredEvent = (
    String,
    String,
    i64,
    DateTime<Utc>,
    String,
    String,
    u32,
    String,
    Option<String>,
);

/// Rebuilds stories, applause, comments, reviews and exception decisions
/// from the stored events under the team's authority as it is now. Texts
/// are kept apart and survive.
pub fn rebuild(
    conn: &Connection,
    auth: &Authority,
    me: &str,
    now: DateTime<Utc>,
) -> Result<Vec<(String, String)>> {
    for table in [
        "stories",
        "story_reactions",
        "story_comments",
        "story_reviews",
        "lineups",
        "lineup_names",
        "team_tallies",
        "team_tally_stops",
    ] {
        exec(conn, &format!("DELETE FROM {table}"), [])?;
    }
    let skip_authority = auth.format == EVENT_VERSION;
    let rows: Vec<StoredEvent> = conn
        .prepare_cached(
            "SELECT id, member_id, seq, at, kind, body, v, signer, prev FROM team_events
              WHERE applied IN (0, 1) ORDER BY member_id, seq",
        )?
        .query_map([], |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
                row.get(5)?,
                row.get(6)?,
                row.get(7)?,
                row.get(8)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let ctx = Context {
        me,
        authority: auth,
        now,
    };
    let mut changes = Changes::default();
    for (key, member, seq, at, kind, body, v, signer, prev) in rows {
        if skip_authority && super::body::Body::is_authority(&kind) {
            continue;
        }
        let (Some(signer), Ok(body)) = (parse_public_key(&signer), serde_json::from_str(&body))
        else {
            continue;
        };
        let event = Event {
            v,
            id: String::new(),
            team: if v == EVENT_VERSION {
                auth.team_id.clone()
            } else {
                String::new()
            },
            member,
            seq: seq.max(0) as u64,
            prev,
            at,
            kind,
            body,
            sig: String::new(),
        };
        let outcome = take::evaluate(conn, &key, &event, &signer, None, &ctx, &mut changes)?;
        take::record(conn, &key, outcome)?;
    }
    decisions::replay_all(conn, &ctx)?;
    Ok(changes.withdrawn)
}

/// After a withdrawal: the log is folded into the database (where freed
/// pages are zeroed), and the story's text is erased from every backup in
/// the data folder too.
pub fn scrub_backups(store: &Store, withdrawn: &[(String, String)]) {
    if withdrawn.is_empty() {
        return;
    }
    {
        let conn = store.conn();
        let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    }
    let data_dir = store.path().parent().unwrap_or(Path::new("."));
    crate::backup::erase_from_all(data_dir, |conn| {
        for (author, story_id) in withdrawn {
            let _ = conn.execute(
                "UPDATE stories SET text = '', reaction = NULL WHERE author_id = ?1 AND story_id = ?2",
                params![author, story_id],
            );
            let _ = conn.execute(
                "DELETE FROM story_texts WHERE story_key IN (?1 || '/' || ?2, ?2)",
                params![author, story_id],
            );
        }
        Ok(())
    });
}

/// How many stories waiting for their text are looked for in one pass.
const TEXTS_PER_PASS: u32 = 500;

/// The stories whose text waits for its file, looked for fairly: first
/// those of members the team counts, each author's in turn (a member with
/// a thousand waiting does not hide a colleague's one), then those of
/// people asking to join, a window that moves on at each pass.
fn texts_to_look_for(
    store: &Store,
    runtime: &Runtime,
) -> Result<Vec<(String, String, String, String)>> {
    let conn = store.conn();
    let row = |row: &rusqlite::Row<'_>| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, Option<String>>(2)?,
            row.get::<_, Option<String>>(3)?,
        ))
    };
    let mut rows: Vec<(String, String, Option<String>, Option<String>)> = conn
        .prepare_cached(
            "SELECT story_key, author_id, story_id, text_hash FROM (
                 SELECT story_key, author_id, story_id, text_hash,
                        row_number() OVER (PARTITION BY author_id ORDER BY story_key) AS turn
                   FROM stories
                  WHERE withdrawn = 0 AND text = '' AND text_hash IS NOT NULL)
              ORDER BY turn, author_id LIMIT ?1",
        )?
        .query_map([TEXTS_PER_PASS / 2], row)?
        .collect::<rusqlite::Result<_>>()?;
    let asking: i64 = conn.query_row(
        "SELECT count(*) FROM team_events
          WHERE applied = 0 AND reason = 'not_admitted' AND kind IN ('story.shared', 'story.edited')",
        [],
        |row| row.get(0),
    )?;
    if asking > 0 {
        let window = i64::from(TEXTS_PER_PASS) - rows.len() as i64;
        let start = runtime
            .texts_window
            .fetch_add(window.max(0) as u64, std::sync::atomic::Ordering::SeqCst)
            as i64
            % asking;
        let more: Vec<_> = conn
            .prepare_cached(
                "SELECT member_id || '/' || json_extract(body, '$.story_id'), member_id,
                        json_extract(body, '$.story_id'), json_extract(body, '$.hash')
                   FROM team_events
                  WHERE applied = 0 AND reason = 'not_admitted'
                    AND kind IN ('story.shared', 'story.edited')
                  ORDER BY id LIMIT ?1 OFFSET ?2",
            )?
            .query_map(params![window, start], row)?
            .collect::<rusqlite::Result<_>>()?;
        rows.extend(more);
    }
    Ok(rows
        .into_iter()
        .filter_map(|(key, author, id, hash)| Some((key, author, id?, hash?)))
        .collect())
}

/// After a pass: events whose date has come are taken, and the texts of
/// stories waiting for their file are read (at most a few hundred a pass).
pub fn settle(
    store: &Store,
    runtime: &Runtime,
    folder: &Path,
    me: &str,
    auth: &Authority,
    now: DateTime<Utc>,
) -> Result<()> {
    if auth.format != EVENT_VERSION {
        return Ok(());
    }
    {
        let conn = store.conn();
        // Only events whose time has come since (dated ahead); those dated
        // before the team began stay aside without a rebuild each pass.
        let not_before = auth.created_at.map(|c| c - Duration::days(7));
        // Tallies an earlier Fanday refused as unknown (schema 10) count too.
        let due: Vec<(String, String)> = conn
            .prepare_cached(
                "SELECT id, kind FROM team_events
                  WHERE applied = 0 AND reason = 'date_out_of_range'
                    AND at <= ?1 AND (?2 IS NULL OR at >= ?2)
                 UNION ALL
                 SELECT id, kind FROM team_events WHERE applied = 0 AND reason = 'unknown_kind'
                 LIMIT 100",
            )?
            .query_map(params![now + Duration::days(1), not_before], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        // Who counts is replayed from the authority events themselves: one
        // whose date has come joins the replay.
        let mut authority_due = false;
        for (id, kind) in &due {
            if Body::is_authority(kind) {
                exec(
                    &conn,
                    "UPDATE team_events SET reason = NULL WHERE id = ?1",
                    [id],
                )?;
                authority_due = true;
            }
        }
        let mut withdrawn = Vec::new();
        if authority_due {
            authority_changed(&conn, auth, me, now, &mut withdrawn)?;
        } else if !due.is_empty() {
            withdrawn = rebuild(&conn, auth, me, now)?;
        }
        drop(conn);
        scrub_backups(store, &withdrawn);
    }
    let waiting = texts_to_look_for(store, runtime)?;
    let mut found = Vec::new();
    let mut refused = Vec::new();
    for (key, author, story_id, hash) in waiting {
        if !story_files::is_plain_id(&story_id) || !story_files::is_plain_id(&author) {
            continue;
        }
        // A file that cannot be read just now is looked for again each
        // time a little later; one not there yet at every pass.
        if !runtime.texts.is_due(&key, now) {
            continue;
        }
        let Some(stories) = story_files::stories_dir(&member_dir(folder, &author)) else {
            continue;
        };
        match story_files::find(&stories, &story_id, &hash) {
            Found::Content(content) => {
                runtime.texts.answered(&key);
                found.push((key, hash, content));
            }
            Found::Missing => {}
            Found::Waiting(reason) => runtime.texts.waited(&key, reason, now),
            Found::Wrong(refusal) => {
                let path = stories.join(format!("{story_id}.json"));
                refused.push((folder::relative(folder, &path), refusal));
            }
        }
    }
    if found.is_empty() && refused.is_empty() {
        return Ok(());
    }
    let mut conn = store.conn();
    let tx = conn.transaction()?;
    for (path, refusal) in refused {
        super::report::add_whole_file_skip(&tx, &path, refusal, now)?;
    }
    for (key, hash, content) in found {
        if content.text.trim().is_empty()
            || content.text.chars().count() > super::MAX_STORY_CHARS
            || content
                .reaction
                .as_deref()
                .is_some_and(|r| r.chars().count() > super::MAX_STORY_CHARS)
        {
            continue;
        }
        exec(
            &tx,
            "INSERT OR IGNORE INTO story_texts (story_key, hash, text, reaction) VALUES (?1, ?2, ?3, ?4)",
            params![key, hash, content.text, content.reaction],
        )?;
        exec(
            &tx,
            "UPDATE stories SET text = ?3, reaction = ?4
              WHERE story_key = ?1 AND text_hash = ?2 AND withdrawn = 0",
            params![key, hash, content.text, content.reaction],
        )?;
    }
    tx.commit()?;
    Ok(())
}

//! What follows a pass over the folder: a team that moved to format 2,
//! events whose date has come (the team's state is folded again), the
//! texts of stories waiting for their files (looked for fairly, each
//! author's in turn), and withdrawn texts erased from the store's log and
//! backups.

use super::runtime::Runtime;
use super::story_bundles::Shelf;
use super::story_files::{self, Found};
use crate::error::Result;
use crate::folder::{self, member_dir, TEAM_FILE};
use crate::sql::exec;
use crate::store::Store;
use crate::team::membership::{self, TeamFile};
use crate::team::project;
use crate::team_event::{EVENT_VERSION, LEGACY_VERSION};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::params;
use std::collections::{BTreeMap, BTreeSet};
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
const TEXTS_PER_PASS: usize = 500;

/// The stories whose text waits for its file (author, id, hash), looked
/// for fairly: each author's in turn, starting at a place that moves on
/// at every pass, so that a member with a thousand waiting (or a stranger
/// with many requests) hides no colleague's one.
/// A story's id, the hash its content must have, and its date (the month
/// its text is kept under).
type Wanted = (String, String, NaiveDate);

fn texts_to_look_for(
    conn: &rusqlite::Connection,
    runtime: &Runtime,
) -> Result<Vec<(String, Wanted)>> {
    let mut rows: Vec<(String, String, String, NaiveDate)> = conn
        .prepare_cached(
            "SELECT author_id, story_id, text_hash, local_date FROM stories
              WHERE withdrawn = 0 AND text = '' AND text_hash IS NOT NULL",
        )?
        .query_map([], |row| {
            let date: String = row.get(3)?;
            let date = NaiveDate::parse_from_str(&date, "%Y-%m-%d").unwrap_or_default();
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, date))
        })?
        .collect::<rusqlite::Result<_>>()?;
    rows.extend(
        crate::team::events::waiting_stories(conn, None)?
            .into_iter()
            .filter_map(|(member, story)| Some((member, story.story_id, story.hash?, story.date))),
    );
    let mut by_author: BTreeMap<String, BTreeSet<Wanted>> = BTreeMap::new();
    for (author, id, hash, date) in rows {
        by_author
            .entry(author)
            .or_default()
            .insert((id, hash, date));
    }
    let turn = runtime
        .texts_window
        .fetch_add(1, std::sync::atomic::Ordering::SeqCst) as usize;
    let mut queues: Vec<(String, std::collections::VecDeque<Wanted>)> = by_author
        .into_iter()
        .map(|(author, stories)| {
            let mut stories: Vec<_> = stories.into_iter().collect();
            let start = turn % stories.len().max(1);
            stories.rotate_left(start);
            (author, stories.into())
        })
        .collect();
    let mut picked = Vec::new();
    while picked.len() < TEXTS_PER_PASS && queues.iter().any(|(_, q)| !q.is_empty()) {
        for (author, queue) in &mut queues {
            if let Some(wanted) = queue.pop_front() {
                picked.push((author.clone(), wanted));
            }
        }
    }
    picked.truncate(TEXTS_PER_PASS);
    Ok(picked)
}

/// After a pass: events whose date has come are taken (the state is
/// folded again), and the texts of stories waiting for their file are read
/// (at most a few hundred a pass, fairly).
pub fn settle(
    store: &Store,
    runtime: &Runtime,
    folder: &Path,
    me: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let (format, created_at): (u32, Option<DateTime<Utc>>) =
        store
            .conn()
            .query_row("SELECT format, created_at FROM team", [], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?;
    if format != EVENT_VERSION {
        return Ok(());
    }
    let not_before = created_at.map(|c| c - Duration::days(7));
    let due =
        crate::team::events::dated_ahead_due(&store.conn(), now + Duration::days(1), not_before)?;
    if due {
        let withdrawn = {
            let conn = store.conn();
            runtime.current.fold_again(&conn, me, now)?
        };
        scrub_backups(store, &withdrawn);
    }
    if crate::team::membership::follows(&store.conn())? {
        return Ok(());
    }
    let waiting = texts_to_look_for(&store.conn(), runtime)?;
    let mut found = Vec::new();
    let mut refused = Vec::new();
    let mut shelves: BTreeMap<String, Option<Shelf>> = BTreeMap::new();
    for (author, (story_id, hash, date)) in waiting {
        if !story_files::is_plain_id(&story_id) || !story_files::is_plain_id(&author) {
            continue;
        }
        // A file that cannot be read just now is looked for again each
        // time a little later; one not there yet at every pass.
        let key = format!("{author}/{story_id}");
        if !runtime.texts.is_due(&key, now) {
            continue;
        }
        let shelf = shelves.entry(author.clone()).or_insert_with(|| {
            story_files::stories_dir(&member_dir(folder, &author))
                .map(|stories| Shelf::new(&stories, true, true))
        });
        let Some(shelf) = shelf else {
            continue;
        };
        match shelf.find(&story_id, &hash, date) {
            Found::Content(content) => {
                runtime.texts.answered(&key);
                found.push((author, content));
            }
            Found::Missing => {}
            Found::Waiting(reason) => runtime.texts.waited(&key, reason, now),
            Found::Wrong(refusal, path) => {
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
    for (author, content) in found {
        project::text(&tx, &author, &content)?;
    }
    tx.commit()?;
    Ok(())
}

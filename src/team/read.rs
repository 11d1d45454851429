//! Reading the team folder in passes that nothing in it can stall: the
//! folder is looked at without the store's lock, files are read in bounded
//! chunks on another thread while this one takes the verified events in
//! short transactions, and a pass stops at its byte and time budget and
//! goes on where it stopped at the next. Junk is counted, moved past for
//! good, and never read again.

use super::folder::{
    self, classify, list, member_dir, relative, EntryKind, FileRole, OpenError, MEMBERS_DIR,
    PROFILE_FILE,
};
use super::lines::{read_chunk, Cursor};
use super::membership::{self, MemberFile};
use super::refusal::Refusal;
use super::report::{self, SkipBook};
use super::rules::{self, Changes};
use super::take::{count_missing, note_highest, take, Taken};
use super::verify::{verify_chunk, Tally};
use crate::error::Result;
use crate::sql::exec;
use crate::store::Store;
use crate::team_event::{parse_public_key, Event};
use chrono::{DateTime, Utc};
use ed25519_dalek::VerifyingKey;
use rusqlite::params;
use std::collections::{HashMap, HashSet};
use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Event files larger than this are not read (a runaway or hostile file).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// At most this many events are taken under one hold of the store's lock.
const EVENTS_PER_TRANSACTION: usize = 4096;
/// How many bytes before the read position identify the file as the same.
const TAIL: u64 = 64;

/// How much one pass may read before it lets the next pass go on.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub bytes: u64,
    pub time: Duration,
}

impl Budget {
    /// A pass of the app's reading loop: short enough that nothing waits.
    pub const PASS: Budget = Budget {
        bytes: 32 * 1024 * 1024,
        time: Duration::from_millis(1500),
    };
    pub const WHOLE: Budget = Budget {
        bytes: u64::MAX,
        time: Duration::MAX,
    };
}

/// Which member folders a pass reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Everyone,
    /// Only this PC's own folder: what it wrote, read back.
    Own,
}

#[derive(Debug, Default)]
pub struct Pass {
    pub new_events: u32,
    pub bytes_read: u64,
    pub folder_missing: bool,
    /// The budget ran out: the next pass goes on.
    pub more: bool,
    /// Something of this PC's own in the folder was damaged or is gone.
    pub own_damaged: bool,
}

#[derive(Debug, Clone)]
struct FileState {
    read_to: u64,
    tail_hash: String,
    long_line_from: Option<u64>,
    member: String,
}

struct Job {
    rel: String,
    path: PathBuf,
    member: String,
    key: VerifyingKey,
    from: Cursor,
}

struct Plan {
    jobs: Vec<Job>,
    whole_file: Vec<(String, Refusal)>,
    rewound: Vec<String>,
    pins: Vec<(String, String, String)>,
    renames: Vec<(String, String)>,
    folder_missing: bool,
    own_damaged: bool,
}

/// Bytes of `path` just before `pos`, hashed: the file's identity there.
fn tail_hash(file: &mut std::fs::File, pos: u64) -> String {
    let start = pos.saturating_sub(TAIL);
    let mut bytes = Vec::with_capacity(TAIL as usize);
    let read = file
        .seek(SeekFrom::Start(start))
        .and_then(|_| file.take(pos - start).read_to_end(&mut bytes));
    match read {
        Ok(_) => folder::short_hash(&bytes),
        Err(_) => String::new(),
    }
}

fn load_states(store: &Store) -> Result<HashMap<String, FileState>> {
    let conn = store.conn();
    let mut stmt = conn.prepare_cached(
        "SELECT path, read_to, tail_hash, long_line_from, member_id FROM team_files",
    )?;
    let rows = stmt.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            FileState {
                read_to: row.get::<_, i64>(1)?.max(0) as u64,
                tail_hash: row.get(2)?,
                long_line_from: row.get::<_, Option<i64>>(3)?.map(|n| n.max(0) as u64),
                member: row.get(4)?,
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Looks at the folder (no lock held): which files have news, what is
/// refused, whose key to pin.
fn plan(
    folder: &std::path::Path,
    me: &str,
    scope: Scope,
    pinned: &HashMap<String, String>,
    states: &HashMap<String, FileState>,
) -> Plan {
    let mut plan = Plan {
        jobs: Vec::new(),
        whole_file: Vec::new(),
        rewound: Vec::new(),
        pins: Vec::new(),
        renames: Vec::new(),
        folder_missing: false,
        own_damaged: false,
    };
    let members = folder.join(MEMBERS_DIR);
    if let Err(refusal) = folder::is_real_dir(&members) {
        plan.whole_file.push((MEMBERS_DIR.into(), refusal));
        return plan;
    }
    let Ok(entries) = list(&members) else {
        plan.folder_missing = true;
        return plan;
    };
    for (name, dir, kind) in entries {
        if scope == Scope::Own && name != me {
            continue;
        }
        let rel = relative(folder, &dir);
        match kind {
            EntryKind::Dir => {}
            EntryKind::Link => {
                plan.whole_file.push((rel, Refusal::Link));
                continue;
            }
            _ => {
                plan.whole_file.push((rel, Refusal::NotAFolder));
                continue;
            }
        }
        if uuid::Uuid::parse_str(&name).is_err() {
            plan.whole_file.push((rel, Refusal::NotMemberFolder));
            continue;
        }
        let Some(key) = member_key(folder, &name, me, pinned, &mut plan) else {
            continue;
        };
        plan_member(folder, &name, me, key, states, &mut plan);
    }
    {
        // A file of ours read before and gone now.
        let own_prefix = format!("{MEMBERS_DIR}/{me}/");
        let seen: HashSet<&str> = plan
            .jobs
            .iter()
            .map(|j| j.rel.as_str())
            .chain(plan.whole_file.iter().map(|(rel, _)| rel.as_str()))
            .collect();
        plan.own_damaged |= states.iter().any(|(path, state)| {
            state.member == me
                && path.starts_with(&own_prefix)
                && !seen.contains(path.as_str())
                && !folder.join(path).is_file()
        });
    }
    plan
}

/// The member's key: pinned at first sight of their profile.json (the
/// founder's at join); a profile.json that later shows another is not
/// believed.
fn member_key(
    folder: &std::path::Path,
    member: &str,
    me: &str,
    pinned: &HashMap<String, String>,
    plan: &mut Plan,
) -> Option<VerifyingKey> {
    let path = member_dir(folder, member).join(PROFILE_FILE);
    let rel = relative(folder, &path);
    let file: std::result::Result<MemberFile, Refusal> =
        match folder::read_small(&path, folder::MAX_SMALL_FILE) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|_| Refusal::ProfileInvalid),
            Err(OpenError::Missing) => Err(Refusal::ProfileMissing),
            Err(err) => Err(err.refusal().unwrap_or(Refusal::Unreadable)),
        };
    match (pinned.get(member), file) {
        (Some(key), file) => {
            match file {
                Ok(file) if file.key != *key => {
                    plan.whole_file.push((rel, Refusal::ProfileOtherKey));
                    plan.own_damaged |= member == me;
                }
                Ok(file) => {
                    if member != me {
                        plan.renames.push((member.to_string(), file.name));
                    }
                }
                Err(refusal) => {
                    if refusal != Refusal::ProfileMissing {
                        plan.whole_file.push((rel, refusal));
                    }
                    plan.own_damaged |= member == me;
                }
            }
            parse_public_key(key)
        }
        (None, Ok(file)) if file.member == member => match parse_public_key(&file.key) {
            Some(key) => {
                plan.pins.push((member.to_string(), file.name, file.key));
                Some(key)
            }
            None => {
                plan.whole_file.push((rel, Refusal::ProfileInvalid));
                None
            }
        },
        (None, Ok(_)) => {
            plan.whole_file.push((rel, Refusal::ProfileOtherMember));
            None
        }
        (None, Err(refusal)) => {
            plan.whole_file.push((rel, refusal));
            None
        }
    }
}

fn plan_member(
    folder: &std::path::Path,
    member: &str,
    me: &str,
    key: VerifyingKey,
    states: &HashMap<String, FileState>,
    plan: &mut Plan,
) {
    let dir = member_dir(folder, member);
    let Ok(entries) = list(&dir) else {
        return;
    };
    for (name, path, kind) in entries {
        let rel = relative(folder, &path);
        match classify(&name) {
            FileRole::Profile => continue,
            FileRole::Events => {}
            // Our own whole-file writes pass through hidden temp files.
            FileRole::Refused(Refusal::TempFile) if member == me && name.starts_with('.') => {
                continue
            }
            FileRole::Refused(refusal) => {
                plan.whole_file.push((rel, refusal));
                continue;
            }
        }
        let refused = match kind {
            EntryKind::File => None,
            EntryKind::Link => Some(Refusal::Link),
            EntryKind::Dir => Some(Refusal::FolderNotFile),
            EntryKind::Other => Some(Refusal::NotRegular),
        };
        if let Some(refusal) = refused {
            plan.whole_file.push((rel, refusal));
            plan.own_damaged |= member == me;
            continue;
        }
        let (mut file, len) = match folder::open_read(&path) {
            Ok(opened) => opened,
            Err(err) => {
                if let Some(refusal) = err.refusal() {
                    plan.whole_file.push((rel, refusal));
                    plan.own_damaged |= member == me;
                }
                continue;
            }
        };
        if len > MAX_FILE_BYTES {
            plan.whole_file.push((rel, Refusal::TooLarge));
            continue;
        }
        let state = states.get(&rel);
        let read_to = state.map_or(0, |s| s.read_to);
        if len == read_to {
            continue;
        }
        let from = match state {
            Some(state) if len > read_to && tail_hash(&mut file, read_to) == state.tail_hash => {
                Cursor {
                    pos: read_to,
                    long_line_from: state.long_line_from,
                }
            }
            Some(_) => {
                // Shorter, or changed where it was read: never read from
                // mid-line; take it again from the start.
                plan.rewound.push(rel.clone());
                plan.own_damaged |= member == me;
                Cursor::default()
            }
            None => Cursor::default(),
        };
        plan.jobs.push(Job {
            rel,
            path,
            member: member.to_string(),
            key,
            from,
        });
    }
}

/// One chunk of one file, verified, on its way to the store.
struct Batch {
    job: usize,
    events: Vec<(u64, Event)>,
    refused: Tally,
    next: Cursor,
    tail_hash: String,
    bytes: u64,
}

enum Message {
    Batch(Batch),
    Unreadable(usize, Refusal),
}

/// Reads the jobs chunk by chunk within the budget; returns whether the
/// budget ran out before the end.
fn produce(jobs: &[Job], budget: Budget, out: std::sync::mpsc::SyncSender<Message>) -> bool {
    let started = Instant::now();
    let mut bytes = 0_u64;
    for (index, job) in jobs.iter().enumerate() {
        let mut file = match folder::open_read(&job.path) {
            Ok((file, _)) => file,
            Err(err) => {
                if let Some(refusal) = err.refusal() {
                    let _ = out.send(Message::Unreadable(index, refusal));
                }
                continue;
            }
        };
        let mut cursor = job.from;
        loop {
            if bytes >= budget.bytes || started.elapsed() >= budget.time {
                return true;
            }
            let chunk = match read_chunk(&mut file, cursor) {
                Ok(chunk) => chunk,
                Err(_) => {
                    let _ = out.send(Message::Unreadable(index, Refusal::Unreadable));
                    break;
                }
            };
            let taken = chunk.bytes_taken(&cursor);
            let verified = verify_chunk(&chunk, &job.member, &job.key);
            let at_end = chunk.at_end;
            let next = chunk.next;
            drop(chunk);
            let batch = Batch {
                job: index,
                events: verified.events,
                refused: verified.refused,
                next,
                tail_hash: tail_hash(&mut file, next.pos),
                bytes: taken,
            };
            bytes += taken;
            if out.send(Message::Batch(batch)).is_err() {
                return false;
            }
            if at_end || taken == 0 {
                break;
            }
            cursor = next;
        }
    }
    false
}

/// Takes one message of the reading thread into the store; returns how
/// many events it carried.
fn take_message(
    tx: &rusqlite::Connection,
    message: Message,
    jobs: &[Job],
    me: &str,
    book: &mut SkipBook,
    result: &mut Pass,
) -> Result<usize> {
    let batch = match message {
        Message::Unreadable(index, refusal) => {
            if let Some(job) = jobs.get(index) {
                book.add(&job.rel, refusal, 1, 0);
            }
            return Ok(0);
        }
        Message::Batch(batch) => batch,
    };
    let Some(job) = jobs.get(batch.job) else {
        return Ok(0);
    };
    let mut changes = Changes::default();
    for (offset, event) in &batch.events {
        match take(tx, event, me, &mut changes)? {
            Taken::Known => {}
            Taken::Fork => book.add(&job.rel, Refusal::Fork, 1, *offset),
            Taken::New(outcome) => {
                result.new_events += 1;
                if let Some(refusal) = outcome.refusal() {
                    book.add(&job.rel, refusal, 1, *offset);
                }
            }
        }
    }
    for (refusal, (count, first)) in batch.refused.0 {
        book.add(&job.rel, refusal, count, first);
    }
    if changes.leads {
        result.new_events += rules::after_new_leads(tx)?;
    }
    exec(
        tx,
        "INSERT INTO team_files (path, read_to, tail_hash, long_line_from, member_id)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (path) DO UPDATE SET read_to = excluded.read_to,
             tail_hash = excluded.tail_hash,
             long_line_from = excluded.long_line_from,
             member_id = excluded.member_id",
        params![
            job.rel,
            batch.next.pos as i64,
            batch.tail_hash,
            batch.next.long_line_from.map(|n| n as i64),
            job.member
        ],
    )?;
    if let Some(highest) = batch.events.iter().map(|(_, e)| e.seq).max() {
        note_highest(tx, &job.member, highest)?;
        count_missing(tx, &job.member)?;
    }
    result.bytes_read += batch.bytes;
    Ok(batch.events.len())
}

/// One pass over the folder within `budget`.
pub fn pass(
    store: &Store,
    me: &str,
    scope: Scope,
    budget: Budget,
    now: DateTime<Utc>,
) -> Result<Pass> {
    let mut result = Pass::default();
    let (team, pinned) = {
        let conn = store.conn();
        let Some(team) = membership::joined(&conn)? else {
            return Ok(result);
        };
        let pinned: HashMap<String, String> = membership::pinned_keys(&conn)?.into_iter().collect();
        (team, pinned)
    };
    let states = load_states(store)?;
    let plan = plan(&team.folder, me, scope, &pinned, &states);
    result.folder_missing = plan.folder_missing;
    result.own_damaged = plan.own_damaged;
    {
        let mut conn = store.conn();
        let tx = conn.transaction()?;
        for (member, name, key) in &plan.pins {
            membership::pin(&tx, member, name, key)?;
        }
        for (member, name) in &plan.renames {
            membership::rename(&tx, member, name)?;
        }
        if scope == Scope::Everyone && !plan.folder_missing {
            report::replace_whole_file_skips(&tx, &plan.whole_file, now)?;
        }
        let mut book = SkipBook::default();
        for rel in &plan.rewound {
            exec(
                &tx,
                "UPDATE team_files SET read_to = 0, tail_hash = '', long_line_from = NULL
                  WHERE path = ?1",
                [rel],
            )?;
            book.add(rel, Refusal::Rewound, 1, 0);
        }
        book.save(&tx, now)?;
        if plan.own_damaged {
            exec(
                &tx,
                "INSERT INTO own_file (singleton, name, length, last_hash, last_length, check_folder)
                 VALUES (1, '', 0, '', 0, 1)
                 ON CONFLICT (singleton) DO UPDATE SET check_folder = 1",
                [],
            )?;
        }
        tx.commit()?;
    }
    if plan.jobs.is_empty() {
        return Ok(result);
    }
    let jobs = plan.jobs;
    let more = std::thread::scope(|scope| -> Result<bool> {
        let (sender, receiver) = std::sync::mpsc::sync_channel(2);
        let jobs_ref = &jobs;
        let producer = scope.spawn(move || produce(jobs_ref, budget, sender));
        // Batches that are ready together are taken in one transaction, up
        // to a bound, so the lock is never held for long.
        while let Ok(first) = receiver.recv() {
            let mut conn = store.conn();
            let tx = conn.transaction()?;
            let mut book = SkipBook::default();
            let mut events = take_message(&tx, first, &jobs, me, &mut book, &mut result)?;
            while events < EVENTS_PER_TRANSACTION {
                let Ok(next) = receiver.try_recv() else {
                    break;
                };
                events += take_message(&tx, next, &jobs, me, &mut book, &mut result)?;
            }
            book.save(&tx, now)?;
            tx.commit()?;
        }
        Ok(producer.join().unwrap_or(false))
    })?;
    result.more = more;
    Ok(result)
}

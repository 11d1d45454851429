//! Reading the team folder in passes nothing in it can stall: looked at
//! without the store's lock, files read in bounded chunks on another thread
//! while this one takes verified events in short transactions; a pass stops
//! at its byte and time budget and goes on there at the next. Junk is
//! counted, moved past for good, and never read again.

pub use super::allowance::{Allowance, Budget};
use super::report::{self, ReadAgain, SkipBook};
use super::runtime::Runtime;
use super::settle;
use super::survey::{load_states, load_vouchers, plan, tail_hash, tail_hash_after, Job, Seen};
pub use super::survey::{Scope, MAX_FILE_BYTES};
use crate::error::Result;
use crate::folder::lines::{read_chunk, Cursor};
use crate::folder::waits::WaitReason;
use crate::folder::{FolderFile, OpenError};
use crate::sql::exec;
use crate::store::Store;
use crate::team::accepted::Outcome;
use crate::team::body::Body;
use crate::team::log::{self, Accept, Reader};
use crate::team::membership;
use crate::team::project;
use crate::team::refusal::Refusal;
use crate::team::verify::{verify_chunk, KeyBook, Signed, Tally};
use chrono::{DateTime, Utc};
use rusqlite::params;
use std::time::Instant;

/// At most this many events are taken under one hold of the store's lock
/// (and held in memory together: a region reads two teams at once).
const EVENTS_PER_TRANSACTION: usize = 4096;

/// How many chunks the reading thread reads ahead of the taking.
const CHUNKS_AHEAD: usize = 2;

#[derive(Debug, Default)]
pub struct Pass {
    pub new_events: u32,
    pub bytes_read: u64,
    pub folder_missing: bool,
    /// The budget ran out: the next pass goes on.
    pub more: bool,
    /// Something of this PC's own in the folder was damaged or is gone.
    pub own_damaged: bool,
    /// Files were set to be read again (a member's keys became known).
    pub reread: bool,
    /// A file of this PC's own could not be read just now.
    pub own_waiting: bool,
}

/// One chunk of one file, verified, on its way to the store.
struct Batch {
    job: usize,
    /// Where in the file this chunk starts.
    from: u64,
    events: Vec<Signed>,
    refused: Tally,
    next: Cursor,
    tail_hash: String,
    bytes: u64,
    at_end: bool,
}

enum Message {
    Batch(Batch),
    /// What stands there is no file to read (a link, a pipe).
    Unreadable(usize, Refusal),
    /// It cannot be read just now: tried again at a later pass.
    Waiting(usize, WaitReason),
    /// Its bytes before where it was read changed: read from the start.
    Rewound(usize),
}

impl Message {
    fn from_open_error(index: usize, err: OpenError) -> Option<Message> {
        match err {
            OpenError::Waiting(reason) => Some(Message::Waiting(index, reason)),
            err => err
                .refusal()
                .map(|refusal| Message::Unreadable(index, refusal)),
        }
    }
}

fn tell_unread(out: &std::sync::mpsc::SyncSender<Message>, index: usize, err: OpenError) {
    if let Some(message) = Message::from_open_error(index, err) {
        let _ = out.send(message);
    }
}

/// Reads the jobs chunk by chunk within the budget; returns whether the
/// budget ran out before the end. Every open and read has the folder's
/// deadline: a file that does not answer costs at most that, once.
fn produce(jobs: &[Job], budget: Budget, out: std::sync::mpsc::SyncSender<Message>) -> bool {
    let started = Instant::now();
    let mut bytes = 0_u64;
    let spent = |bytes: u64| bytes >= budget.bytes || started.elapsed() >= budget.time;
    for (index, job) in jobs.iter().enumerate() {
        if spent(bytes) {
            return true;
        }
        let file = match FolderFile::open(&job.path) {
            Ok(file) => file,
            Err(err) => {
                tell_unread(&out, index, err);
                continue;
            }
        };
        let mut cursor = job.from;
        if let Some((pos, hash)) = &job.check {
            match tail_hash(&file, *pos) {
                Ok(found) if found == *hash => {}
                Ok(_) => {
                    cursor = Cursor::default();
                    if out.send(Message::Rewound(index)).is_err() {
                        return false;
                    }
                }
                Err(err) => {
                    tell_unread(&out, index, err);
                    continue;
                }
            }
        }
        let mut book = job.book.clone();
        loop {
            if spent(bytes) {
                return true;
            }
            let chunk = match read_chunk(&file, cursor) {
                Ok(chunk) => chunk,
                Err(err) => {
                    tell_unread(&out, index, err);
                    break;
                }
            };
            let taken = chunk.bytes_taken(&cursor);
            let stories = job.stories_dir();
            let verified = verify_chunk(&chunk, &job.member, &mut book, stories.as_deref());
            let tail_hash = match tail_hash_after(&file, &chunk, cursor.pos) {
                Ok(hash) => hash,
                Err(err) => {
                    tell_unread(&out, index, err);
                    break;
                }
            };
            let at_end = chunk.at_end;
            let next = chunk.next;
            drop(chunk);
            let batch = Batch {
                job: index,
                from: cursor.pos,
                events: verified.events,
                refused: verified.refused,
                next,
                tail_hash,
                bytes: taken,
                at_end,
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

/// What taking the messages of one pass needs besides the store.
struct Taking<'a> {
    jobs: &'a [Job],
    runtime: &'a Runtime,
    me: &'a str,
    now: DateTime<Utc>,
}

/// Events accepted in a batch, with where they were read: what the fold
/// makes of them is said per file.
#[derive(Default)]
struct Arrived {
    events: Vec<crate::team::accepted::Accepted>,
    read_at: Vec<(String, u64)>,
}

/// Takes one message of the reading thread into the log; returns how many
/// events it carried.
#[allow(clippy::too_many_arguments)]
fn take_message(
    tx: &rusqlite::Connection,
    message: Message,
    taking: &Taking<'_>,
    reader: &Reader<'_>,
    arrived: &mut Arrived,
    book: &mut SkipBook,
    result: &mut Pass,
) -> Result<usize> {
    let now = taking.now;
    let jobs = taking.jobs;
    let batch = match message {
        // The file is tried again at the next pass: it is said once, as
        // a whole-file refusal, not counted once more at every pass.
        Message::Unreadable(index, refusal) => {
            if let Some(job) = jobs.get(index) {
                report::add_whole_file_skip(tx, &job.rel, refusal, now)?;
                result.own_damaged |= job.member == taking.me;
            }
            return Ok(0);
        }
        Message::Waiting(index, reason) => {
            if let Some(job) = jobs.get(index) {
                taking.runtime.waits.waited(&job.rel, reason, now);
                result.own_waiting |= job.member == taking.me;
            }
            return Ok(0);
        }
        Message::Rewound(index) => {
            if let Some(job) = jobs.get(index) {
                report::read_again(tx, ReadAgain::File(&job.rel))?;
                book.add(&job.rel, Refusal::Rewound, 1, 0);
                result.own_damaged |= job.member == taking.me;
            }
            return Ok(0);
        }
        Message::Batch(batch) => batch,
    };
    let Some(job) = jobs.get(batch.job) else {
        return Ok(0);
    };
    taking.runtime.waits.answered(&job.rel);
    if batch.from == 0 {
        report::forget_line_skips(tx, &job.rel)?;
    }
    if !batch.events.is_empty() {
        log::know_member(tx, &job.member)?;
    }
    for signed in &batch.events {
        // A story's text read beside its event is kept, whatever the
        // event comes to.
        if let (Some(story), Ok(Body::StoryShared(body) | Body::StoryEdited(body))) =
            (&signed.story, &signed.body)
        {
            if let Some(hash) = &body.hash {
                project::keep_text(tx, &signed.event.member, story, hash)?;
            }
        }
        match log::accept(tx, signed, reader)? {
            Accept::Known => {}
            Accept::Refused(refusal) => book.add(&job.rel, refusal, 1, signed.offset),
            Accept::New(accepted) => {
                result.new_events += 1;
                arrived.events.push(*accepted);
                arrived.read_at.push((job.rel.clone(), signed.offset));
            }
        }
    }
    for (refusal, (count, first)) in batch.refused.0 {
        if refusal == Refusal::BadSignature {
            exec(
                tx,
                "INSERT INTO team_members (member_id, name, public_key, status, unverified_with)
                 VALUES (?1, '', '', 'unknown', ?2)
                 ON CONFLICT (member_id) DO UPDATE SET unverified_with = excluded.unverified_with",
                params![job.member, job.book.digest()],
            )?;
        }
        book.add(&job.rel, refusal, count, first);
    }
    // Read to the end it had when the pass looked: not opened again until
    // it changes, also after a start of the app.
    let read_whole = batch.at_end && batch.next.pos == job.sighting.len;
    // Only a look older than the file system's coarsest tick (FAT, some
    // SMB servers: two seconds) tells a later change of the same length
    // apart from it.
    let settled = job.sighting.modified.is_some_and(|modified| {
        std::time::SystemTime::now()
            .duration_since(modified)
            .is_ok_and(|age| age > std::time::Duration::from_secs(2))
    });
    let seen = job.sighting.stored().filter(|_| read_whole && settled);
    exec(
        tx,
        "INSERT INTO team_files (path, read_to, tail_hash, long_line_from, member_id, seen_len,
                                 seen_modified)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (path) DO UPDATE SET read_to = excluded.read_to,
             tail_hash = excluded.tail_hash,
             long_line_from = excluded.long_line_from,
             member_id = excluded.member_id,
             seen_len = excluded.seen_len,
             seen_modified = excluded.seen_modified",
        params![
            job.rel,
            batch.next.pos as i64,
            batch.tail_hash,
            batch.next.long_line_from.map(|n| n as i64),
            job.member,
            seen.map(|(len, _)| len),
            seen.map(|(_, modified)| modified)
        ],
    )?;
    if read_whole {
        taking.runtime.sightings.saw(&job.rel, job.sighting);
    } else {
        taking.runtime.sightings.forget(&job.rel);
    }
    result.bytes_read += batch.bytes;
    Ok(batch.events.len())
}

/// One pass over the folder within what is left of `allowance`.
pub fn pass(
    store: &Store,
    runtime: &Runtime,
    me: &str,
    scope: Scope,
    allowance: &mut Allowance,
    now: DateTime<Utc>,
) -> Result<Pass> {
    let mut result = Pass::default();
    let Some(team) = membership::joined(&store.conn())? else {
        return Ok(result);
    };
    settle::follow_team_file(store, &team.folder)?;
    let mut current = runtime.current.authority(&store.conn(), me, now)?;
    let states = load_states(store)?;
    let vouchers = load_vouchers(store)?;
    let plan = plan(
        &team.folder,
        me,
        scope,
        &Seen {
            authority: &current,
            vouchers: &vouchers,
            states: &states,
            waits: &runtime.waits,
            sightings: &runtime.sightings,
            now,
            texts: !team.follows,
        },
    );
    result.folder_missing = plan.folder_missing;
    result.own_damaged = plan.own_damaged;
    let own_prefix = format!("{}/{me}/", crate::folder::MEMBERS_DIR);
    for (rel, reason) in &plan.waited {
        runtime.waits.waited(rel, *reason, now);
    }
    result.own_waiting = plan
        .waiting
        .iter()
        .chain(plan.waited.iter().map(|(rel, _)| rel))
        .any(|rel| rel.starts_with(&own_prefix));
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
            report::read_again(&tx, ReadAgain::File(rel))?;
            book.add(rel, Refusal::Rewound, 1, 0);
        }
        book.save(&tx, now)?;
        tx.commit()?;
    }
    if !plan.pins.is_empty() {
        current = runtime.current.authority(&store.conn(), me, now)?;
    }
    let jobs = plan.jobs;
    let budget = allowance.left();
    let taking = Taking {
        jobs: &jobs,
        runtime,
        me,
        now,
    };
    let device = crate::keys::device_key_text(&store.conn())?;
    let more = if jobs.is_empty() {
        false
    } else {
        std::thread::scope(|scope| -> Result<bool> {
            let (sender, receiver) = std::sync::mpsc::sync_channel(CHUNKS_AHEAD);
            let jobs_ref = &jobs;
            let producer = scope.spawn(move || produce(jobs_ref, budget, sender));
            // Batches that are ready together are taken in one transaction,
            // up to a bound, so the lock is never held for long.
            while let Ok(first) = receiver.recv() {
                let mut conn = store.conn();
                let tx = conn.transaction()?;
                let mut book = SkipBook::default();
                let mut arrived = Arrived::default();
                let reader = Reader {
                    me,
                    device: device.as_deref(),
                    authority: &current,
                    now,
                    follows: team.follows,
                };
                let mut events = take_message(
                    &tx,
                    first,
                    &taking,
                    &reader,
                    &mut arrived,
                    &mut book,
                    &mut result,
                )?;
                while events < EVENTS_PER_TRANSACTION {
                    let Ok(next) = receiver.try_recv() else {
                        break;
                    };
                    events += take_message(
                        &tx,
                        next,
                        &taking,
                        &reader,
                        &mut arrived,
                        &mut book,
                        &mut result,
                    )?;
                }
                // What the events come to is the fold's: the state takes
                // them in. Refusals for good are said per file here; what
                // waits is told from the store (report::skips).
                let withdrawn = runtime
                    .current
                    .refresh_with(&tx, &arrived.events, me, now)?;
                let keys: Vec<String> = arrived.events.iter().map(|e| e.key.clone()).collect();
                let outcomes = runtime.current.outcomes(&keys);
                for ((rel, offset), outcome) in arrived.read_at.iter().zip(outcomes) {
                    if let Some(Outcome::Refused(refusal)) = outcome {
                        book.add(rel, refusal, 1, *offset);
                    }
                }
                // Where the store does not keep it, the state forgets it too.
                book.save(&tx, now)
                    .and_then(|()| Ok(tx.commit()?))
                    .inspect_err(|_| runtime.current.forget())?;
                drop(conn);
                settle::scrub_backups(store, &withdrawn);
                current = runtime.current.authority(&store.conn(), me, now)?;
            }
            Ok(producer.join().unwrap_or(false))
        })?
    };
    if result.own_damaged {
        exec(
            &store.conn(),
            "INSERT INTO own_file (singleton, name, length, last_hash, last_length, check_folder)
             VALUES (1, '', 0, '', 0, 1)
             ON CONFLICT (singleton) DO UPDATE SET check_folder = 1",
            [],
        )?;
    }
    result.more = more;
    allowance.spend(result.bytes_read);
    // Lines no key verified, of members whose keys the team knows better
    // now (an admission read after the lines it admits): their files are
    // read again, once per change of keys.
    let unverified: Vec<(String, String)> = store
        .conn()
        .prepare_cached(
            "SELECT member_id, unverified_with FROM team_members WHERE unverified_with <> ''",
        )?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (member, tried_with) in unverified {
        let mut book = KeyBook::of(&current, &member);
        book.vouched = load_vouchers(store)?.remove(&member).unwrap_or_default();
        if book.digest() == tried_with {
            continue;
        }
        let conn = store.conn();
        report::read_again(&conn, ReadAgain::Member(&member))?;
        exec(
            &conn,
            "UPDATE team_members SET unverified_with = '' WHERE member_id = ?1",
            [&member],
        )?;
        result.reread = true;
        result.more = true;
    }
    settle::settle(store, runtime, &team.folder, me, now)?;
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file that cannot be read is tried again at every pass: it is
    /// said once, not counted once more per pass.
    #[test]
    fn an_unreadable_file_is_said_once_however_many_passes_try_it() {
        let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T09:00:00Z")
            .unwrap_or_else(|err| panic!("{err}"))
            .with_timezone(&Utc);
        let store = Store::open(dir.path(), now).unwrap_or_else(|err| panic!("{err}"));
        let jobs = vec![Job {
            rel: "members/someone/events-1.jsonl".into(),
            path: dir.path().join("events-1.jsonl"),
            member: "someone".into(),
            book: KeyBook::default(),
            from: Cursor::default(),
            check: None,
            sighting: super::super::survey::Sighting {
                len: 0,
                modified: None,
            },
            texts: true,
        }];
        let runtime = Runtime::default();
        let taking = Taking {
            jobs: &jobs,
            runtime: &runtime,
            me: "me",
            now,
        };
        let authority = crate::team::authority::Authority::default();
        let reader = Reader {
            me: "me",
            device: None,
            authority: &authority,
            now,
            follows: false,
        };
        for _ in 0..3 {
            let conn = store.conn();
            report::replace_whole_file_skips(&conn, &[], now).unwrap_or_else(|err| panic!("{err}"));
            let message = Message::Unreadable(0, Refusal::Unreadable);
            let mut book = SkipBook::default();
            take_message(
                &conn,
                message,
                &taking,
                &reader,
                &mut Arrived::default(),
                &mut book,
                &mut Pass::default(),
            )
            .unwrap_or_else(|err| panic!("{err}"));
            book.save(&conn, now).unwrap_or_else(|err| panic!("{err}"));
        }
        let skips = report::skips(&store.conn()).unwrap_or_else(|err| panic!("{err}"));
        let counts: Vec<(&str, u64)> = skips.iter().map(|s| (s.code, s.count)).collect();
        assert_eq!(counts, vec![("unreadable", 1)]);
    }
}

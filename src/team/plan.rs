//! Looking at the team folder before reading it, without the store's
//! lock: which files have news, which are refused and why, whose key to
//! pin (format 1) or which keys each member's lines may carry (format 2).

use super::authority::Authority;
use super::folder::{
    self, classify, list, member_dir, relative, EntryKind, FileRole, OpenError, MEMBERS_DIR,
    PROFILE_FILE,
};
use super::lines::Cursor;
use super::membership::MemberFile;
use super::read::{Scope, MAX_FILE_BYTES};
use super::refusal::Refusal;
use super::verify::KeyBook;
use crate::error::Result;
use crate::store::Store;
use crate::team_event::{parse_public_key, LEGACY_VERSION};
use ed25519_dalek::VerifyingKey;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;

/// How many bytes before the read position identify the file as the same.
const TAIL: u64 = 64;

#[derive(Debug, Clone)]
pub struct FileState {
    pub read_to: u64,
    pub tail_hash: String,
    pub long_line_from: Option<u64>,
    pub member: String,
}

pub struct Job {
    pub rel: String,
    pub path: PathBuf,
    pub member: String,
    pub book: KeyBook,
    pub from: Cursor,
}

pub struct Plan {
    pub jobs: Vec<Job>,
    pub whole_file: Vec<(String, Refusal)>,
    pub rewound: Vec<String>,
    /// Format 1: keys pinned at first sight of a profile.json.
    pub pins: Vec<(String, String, String)>,
    pub renames: Vec<(String, String)>,
    pub folder_missing: bool,
    pub own_damaged: bool,
}

/// Bytes of `path` just before `pos`, hashed: the file's identity there.
pub fn tail_hash(file: &mut std::fs::File, pos: u64) -> String {
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

pub fn load_states(store: &Store) -> Result<HashMap<String, FileState>> {
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

/// Per member, per missing number: the hash its next event names for it,
/// and the key that signed that event.
pub type Vouchers = HashMap<String, BTreeMap<u64, (String, VerifyingKey)>>;

/// For members with events missing: what their next events vouch for.
pub fn load_vouchers(store: &Store) -> Result<Vouchers> {
    let conn = store.conn();
    let members: Vec<String> = conn
        .prepare_cached("SELECT member_id FROM team_members WHERE missing > 0")?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut vouchers = Vouchers::new();
    for member in members {
        let rows: Vec<(i64, String, String)> = conn
            .prepare_cached(
                "SELECT e.seq - 1, e.prev, e.signer FROM team_events e
                  WHERE e.member_id = ?1 AND e.v = 2 AND e.seq > 1 AND e.prev IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM team_events p
                                     WHERE p.member_id = ?1 AND p.seq = e.seq - 1)",
            )?
            .query_map([&member], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (seq, prev, signer) in rows {
            if let Some(key) = parse_public_key(&signer) {
                vouchers
                    .entry(member.clone())
                    .or_default()
                    .insert(seq.max(0) as u64, (prev, key));
            }
        }
    }
    Ok(vouchers)
}

/// Looks at the folder (no lock held): which files have news, what is
/// refused, whose key to pin.
pub fn plan(
    folder: &std::path::Path,
    me: &str,
    scope: Scope,
    authority: &Authority,
    vouchers: &Vouchers,
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
        let book = if authority.format == LEGACY_VERSION {
            match member_key(folder, &name, me, authority, &mut plan) {
                Some(key) => {
                    let mut book = KeyBook::default();
                    book.keys.set_after(0, key);
                    book
                }
                None => continue,
            }
        } else {
            let mut book = KeyBook::of(authority, &name);
            book.vouched = vouchers.get(&name).cloned().unwrap_or_default();
            book
        };
        plan_member(folder, &name, me, book, states, &mut plan);
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
    authority: &Authority,
    plan: &mut Plan,
) -> Option<VerifyingKey> {
    let pinned_key = authority
        .member(member)
        .and_then(|m| m.keys.last())
        .map(crate::team_event::public_key_text);
    let path = member_dir(folder, member).join(PROFILE_FILE);
    let rel = relative(folder, &path);
    let file: std::result::Result<MemberFile, Refusal> =
        match folder::read_small(&path, folder::MAX_SMALL_FILE) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|_| Refusal::ProfileInvalid),
            Err(OpenError::Missing) => Err(Refusal::ProfileMissing),
            Err(err) => Err(err.refusal().unwrap_or(Refusal::Unreadable)),
        };
    match (pinned_key.as_ref(), file) {
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
    book: KeyBook,
    states: &HashMap<String, FileState>,
    plan: &mut Plan,
) {
    let dir = member_dir(folder, member);
    let Ok(entries) = list(&dir) else {
        return;
    };
    for (name, path, kind) in entries {
        if name == folder::STORIES_DIR {
            match kind {
                EntryKind::Dir => {}
                EntryKind::Link => plan
                    .whole_file
                    .push((relative(folder, &path), Refusal::Link)),
                _ => plan
                    .whole_file
                    .push((relative(folder, &path), Refusal::NotAFolder)),
            }
            continue;
        }
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
        // Read to its end: unchanged unless its bytes before that point
        // changed (a replacement or a reordering of the same length).
        let unchanged = |file: &mut std::fs::File| {
            !state.is_some_and(|s| s.read_to > 0 && tail_hash(file, read_to) != s.tail_hash)
        };
        if len == read_to && unchanged(&mut file) {
            continue;
        }
        let from = match state {
            // Read again from the start on purpose (a member's key changed).
            Some(state) if state.read_to == 0 => Cursor::default(),
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
            book: book.clone(),
            from,
        });
    }
}

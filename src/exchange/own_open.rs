//! Writing this member's lines for followers into their `open/` folder:
//! the files `open_lines::layout` gives, each written whole where the
//! folder does not hold exactly it.

use super::open_lines::OPEN_DIR;
use super::read::MAX_FILE_BYTES;
use super::report::SendError;
use super::runtime::Runtime;
use super::survey::Sighting;
use crate::error::Result;
use crate::folder::{self, FolderFile, OpenError};
use crate::store::Store;
use crate::team::refusal::Refusal;
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;
use std::path::Path;

/// Makes this member's open files hold exactly their lines for
/// followers: each quarter's file written whole where it differs (looked at
/// once while the app runs and again when the file or its lines change),
/// anything else in the folder taken away. A file that cannot be read
/// just now waits in `runtime.open_waits` (the status lists it) and is
/// tried again later; a follower reads it then.
///
/// Comes after the events, and trouble with it never holds them back: it
/// is tried again at every write and reading, and what stood in the way
/// is kept for the status (`runtime.open_trouble`).
pub(super) fn settle_open(
    store: &Store,
    runtime: &Runtime,
    team: &Path,
    dir: &Path,
    now: DateTime<Utc>,
    replaced: &mut Vec<String>,
) {
    let settled = write_open(store, runtime, team, dir, now, replaced);
    *crate::lock::locked(&runtime.open_trouble) = settled.err().map(|err| SendError {
        code: err.code(),
        message: err.to_string(),
    });
}

fn write_open(
    store: &Store,
    runtime: &Runtime,
    team: &Path,
    dir: &Path,
    now: DateTime<Utc>,
    replaced: &mut Vec<String>,
) -> Result<()> {
    let files = super::open_lines::own_files(&store.conn())?;
    if files.is_empty() {
        return Ok(());
    }
    let open_dir = dir.join(OPEN_DIR);
    folder::own_room(team, &open_dir, folder::Keeps::Folder, replaced)?;
    folder::ensure_dir(&open_dir)?;
    for (name, text) in &files {
        let path = open_dir.join(name);
        let rel = folder::relative(team, &path);
        let seen_as = format!("{rel}#{}", folder::short_hash(text.as_bytes()));
        if !runtime.open_waits.is_due(&rel, now)
            || Sighting::of(&path).is_some_and(|seen| runtime.sightings.is(&seen_as, &seen))
        {
            continue;
        }
        // Byte for byte: a mark an editor put before the first line would
        // hide that line from every reader.
        let held = FolderFile::open(&path).and_then(|file| match file.len {
            len if len > MAX_FILE_BYTES => Err(OpenError::Refused(Refusal::TooLarge)),
            len => file.read(0, len as usize),
        });
        match held {
            Ok(bytes) if bytes == text.as_bytes() => {}
            Err(OpenError::Waiting(reason)) => {
                runtime.open_waits.waited(&rel, reason, now);
                continue;
            }
            _ => {
                // A link put in the folder's place while its files were
                // looked at (a sync engine carries links, and a look may
                // wait seconds) is never followed to write there.
                folder::ensure_dir(&open_dir)?;
                folder::own_room(team, &path, folder::Keeps::File, replaced)?;
                folder::write_whole(&path, text.as_bytes())?;
            }
        }
        runtime.open_waits.answered(&rel);
        if let Some(seen) = Sighting::of(&path) {
            runtime.sightings.saw(&seen_as, seen);
        }
    }
    // Nor to take things away where it points.
    folder::ensure_dir(&open_dir)?;
    let kept: BTreeSet<&String> = files.keys().collect();
    for (name, path, _) in folder::list(&open_dir).unwrap_or_default() {
        // Our own whole-file writes pass through hidden temp files.
        if kept.contains(&name) || name.starts_with('.') {
            continue;
        }
        folder::take_away_own(team, &path, replaced)?;
    }
    Ok(())
}

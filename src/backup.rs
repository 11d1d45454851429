//! Backups of the local store: consistent copies taken while the app runs
//! (SQLite's online backup API), one a day kept for 14 days, one before a
//! schema upgrade, and restoring one after a confirm.

use crate::error::{io_error, CoreError, Result};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::backup::Backup;
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const BACKUP_DIR: &str = "backups";
pub const KEEP_DAILY_DAYS: i64 = 14;
const DAILY_PREFIX: &str = "daily-";
const EXTENSION: &str = ".sqlite3";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupFile {
    pub path: String,
    pub name: String,
    pub bytes: u64,
    pub modified: Option<DateTime<Utc>>,
}

pub fn backup_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(BACKUP_DIR)
}

/// Copies the live database to `dest`, page by page, without stopping
/// anyone; written to a temp name and renamed, so a backup is whole or absent.
pub fn copy_to(conn: &Connection, dest: &Path) -> Result<()> {
    if let Some(dir) = dest.parent() {
        std::fs::create_dir_all(dir).map_err(|err| io_error(dir, err))?;
    }
    crate::atomic::replace(dest, io_error, |temp| {
        let mut target = Connection::open(temp)?;
        let backup = Backup::new(conn, &mut target)?;
        backup.run_to_completion(256, Duration::from_millis(5), None)?;
        Ok(())
    })
}

fn daily_name(day: NaiveDate) -> String {
    format!("{DAILY_PREFIX}{day}{EXTENSION}")
}

fn daily_day(name: &str) -> Option<NaiveDate> {
    name.strip_prefix(DAILY_PREFIX)?
        .strip_suffix(EXTENSION)?
        .parse()
        .ok()
}

/// Today's automatic backup, if there is none yet, and away with the daily
/// ones older than 14 days. Returns the new backup's path, if one was made.
pub fn daily(conn: &Connection, data_dir: &Path, today: NaiveDate) -> Result<Option<PathBuf>> {
    let dir = backup_dir(data_dir);
    let dest = dir.join(daily_name(today));
    let made = if dest.exists() {
        None
    } else {
        copy_to(conn, &dest)?;
        Some(dest)
    };
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(day) = daily_day(&name) {
                if (today - day).num_days() >= KEEP_DAILY_DAYS {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
    }
    Ok(made)
}

/// Erases something from every backup in the data folder: `erase` runs in
/// each, then the freed pages are zeroed and the file compacted, so the
/// bytes are gone, not only unlinked. A backup that cannot be opened is
/// left as it is.
pub fn erase_from_all(data_dir: &Path, erase: impl Fn(&Connection) -> rusqlite::Result<()>) {
    for backup in list(data_dir) {
        let Ok(conn) = Connection::open(&backup.path) else {
            continue;
        };
        let _ = conn.pragma_update(None, "secure_delete", "ON");
        if erase(&conn).is_ok() {
            let _ = conn.execute_batch("VACUUM");
        }
    }
}

pub fn list(data_dir: &Path) -> Vec<BackupFile> {
    let mut files: Vec<BackupFile> = std::fs::read_dir(backup_dir(data_dir))
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().ends_with(EXTENSION))
                .map(|entry| {
                    let meta = entry.metadata().ok();
                    BackupFile {
                        path: entry.path().display().to_string(),
                        name: entry.file_name().to_string_lossy().into_owned(),
                        bytes: meta.as_ref().map_or(0, |m| m.len()),
                        modified: meta
                            .and_then(|m| m.modified().ok())
                            .map(DateTime::<Utc>::from),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort_by(|a, b| b.modified.cmp(&a.modified).then(b.name.cmp(&a.name)));
    files
}

/// Checks that `source` is a whole Fanday database this version can read.
pub fn check(source: &Path, supported: i64) -> Result<()> {
    let conn = Connection::open_with_flags(
        source,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|_| CoreError::DatabaseCorrupt)?;
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|_| CoreError::DatabaseCorrupt)?;
    if version > supported {
        return Err(CoreError::DatabaseTooNew {
            found: version,
            supported,
        });
    }
    let verdict: String = conn
        .pragma_query_value(None, "integrity_check", |row| row.get(0))
        .map_err(|_| CoreError::DatabaseCorrupt)?;
    if verdict != "ok" {
        return Err(CoreError::DatabaseCorrupt);
    }
    let has_profile: bool = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'profile'",
            [],
            |row| row.get(0),
        )
        .map_err(|_| CoreError::DatabaseCorrupt)?;
    if !has_profile {
        return Err(CoreError::DatabaseCorrupt);
    }
    Ok(())
}

/// Replaces the live database's content with `source` (after [`check`]).
/// The caller migrates afterwards if the backup is older.
pub fn restore_into(conn: &mut Connection, source: &Path) -> Result<()> {
    let from = Connection::open_with_flags(
        source,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let backup = Backup::new(&from, conn)?;
    backup.run_to_completion(256, Duration::from_millis(5), None)?;
    Ok(())
}

//! The local SQLite file: opened once, migrated at open, refused when a newer
//! Fanday wrote it, never overwritten when it is damaged.

use crate::error::{CoreError, Result};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{Migrations, M};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

pub const DB_FILE_NAME: &str = "fanday.sqlite3";

const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Every schema change, in order. Append only: a released step never changes.
const MIGRATION_STEPS: &[&str] = &[
    include_str!("../migrations/001_moments_and_profile.sql"),
    include_str!("../migrations/002_reminders.sql"),
    include_str!("../migrations/003_exceptions.sql"),
    include_str!("../migrations/004_reflections.sql"),
    include_str!("../migrations/005_team.sql"),
    include_str!("../migrations/006_team_folder_robust.sql"),
    include_str!("../migrations/007_team_trust.sql"),
    include_str!("../migrations/008_plans.sql"),
    include_str!("../migrations/009_lineup.sql"),
    include_str!("../migrations/010_tallies.sql"),
    include_str!("../migrations/011_feedback.sql"),
    include_str!("../migrations/012_lineup_voice.sql"),
    include_str!("../migrations/013_follows.sql"),
    include_str!("../migrations/014_moment_teams.sql"),
    include_str!("../migrations/015_follower_exception_words.sql"),
    include_str!("../migrations/016_recognition_weeks.sql"),
];

pub fn migrations() -> Migrations<'static> {
    Migrations::new(
        MIGRATION_STEPS
            .iter()
            .enumerate()
            .map(|(at, sql)| match at + 1 {
                FOLLOWER_EXCEPTION_WORDS => M::up_with_hook(sql, |tx: &rusqlite::Transaction| {
                    Ok(crate::team::log::leave_out_exception_words(tx)?)
                }),
                _ => M::up(sql),
            })
            .collect(),
    )
}

/// The step whose log part is worked in Rust: a body is the team's to read.
const FOLLOWER_EXCEPTION_WORDS: usize = 15;

/// The schema version this build writes.
pub fn schema_version() -> i64 {
    MIGRATION_STEPS.len() as i64
}

/// Whether the store (at schema version `found`) only follows a team.
fn only_follows(conn: &Connection, found: i64) -> bool {
    found >= FOLLOWS_SINCE
        && conn
            .query_row("SELECT follows FROM team", [], |row| row.get::<_, bool>(0))
            .unwrap_or(false)
}

/// The schema version whose `team` row says whether the store follows.
const FOLLOWS_SINCE: i64 = 13;

pub struct Store {
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the store in `data_dir`; `now` names the
    /// copy kept before an upgrade.
    pub fn open(data_dir: &Path, now: DateTime<Utc>) -> Result<Store> {
        std::fs::create_dir_all(data_dir).map_err(|err| CoreError::DataDir {
            path: data_dir.display().to_string(),
            reason: err.to_string(),
        })?;
        let path = data_dir.join(DB_FILE_NAME);
        let mut conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|err| open_error(data_dir, err))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;

        // Look before writing anything: a newer or damaged file stays as it is.
        let found: i64 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(|err| open_error(data_dir, err))?;
        if found > schema_version() {
            return Err(CoreError::DatabaseTooNew {
                found,
                supported: schema_version(),
            });
        }

        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|err| open_error(data_dir, err))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // A withdrawn story's text is overwritten, not only unlinked.
        conn.pragma_update(None, "secure_delete", "ON")?;
        conn.pragma_update(None, "cache_size", -32768)?;
        // A big import writes its log in fewer, larger steps; the log's
        // file is cut back to a few MiB after each.
        conn.pragma_update(None, "wal_autocheckpoint", 8192)?;
        conn.pragma_update(None, "journal_size_limit", 8 * 1024 * 1024)?;
        // An upgrade keeps a copy of the data as it was, first; a store
        // that only follows a team holds nothing its folder cannot give
        // again, and its copy would keep what it no longer should.
        if found > 0 && found < schema_version() && !only_follows(&conn, found) {
            let stamp = now.format("%Y%m%dT%H%M%SZ");
            let copy = crate::backup::backup_dir(data_dir)
                .join(format!("before-upgrade-from-v{found}-{stamp}.sqlite3"));
            crate::backup::copy_to(&conn, &copy)?;
        }
        migrations()
            .to_latest(&mut conn)
            .map_err(|err| migration_error(data_dir, err))?;

        Ok(Store {
            conn: Mutex::new(conn),
            path,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Brings a restored (older) database up to this version.
    pub fn migrate(&self) -> Result<()> {
        let mut conn = self.conn();
        let dir = self.path.parent().unwrap_or(Path::new("."));
        migrations()
            .to_latest(&mut conn)
            .map_err(|err| migration_error(dir, err))
    }

    /// The one connection. A panic while it was held leaves SQLite itself
    /// consistent (every write is a transaction), so the lock is taken anyway.
    pub fn conn(&self) -> MutexGuard<'_, Connection> {
        crate::lock::locked(&self.conn)
    }
}

fn open_error(data_dir: &Path, err: rusqlite::Error) -> CoreError {
    use rusqlite::ErrorCode;
    match &err {
        rusqlite::Error::SqliteFailure(failure, _)
            if matches!(
                failure.code,
                ErrorCode::CannotOpen | ErrorCode::PermissionDenied | ErrorCode::ReadOnly
            ) =>
        {
            CoreError::DataDir {
                path: data_dir.display().to_string(),
                reason: "it cannot be written to (is it read-only?)".to_string(),
            }
        }
        _ => CoreError::from(err),
    }
}

fn migration_error(data_dir: &Path, err: rusqlite_migration::Error) -> CoreError {
    match err {
        rusqlite_migration::Error::RusqliteError { err, .. } => open_error(data_dir, err),
        rusqlite_migration::Error::MigrationDefinition(
            rusqlite_migration::MigrationDefinitionError::DatabaseTooFarAhead,
        ) => CoreError::DatabaseTooNew {
            found: -1,
            supported: schema_version(),
        },
        other => CoreError::Storage(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migration_steps_are_valid() {
        assert!(migrations().validate().is_ok());
    }
}

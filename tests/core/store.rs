//! The local SQLite file: a new one gets the latest schema, every earlier
//! version migrates keeping its data, and a newer, damaged or read-only one
//! gives a clear error and is left as it is.

use crate::support::{open_at, stockholm, texts};
use fanday_core::store::{self, schema_version, DB_FILE_NAME};
use fanday_core::{CoreError, Fanday, FixedClock, MomentFilter};
use rusqlite::Connection;
use std::sync::Arc;

#[test]
fn a_new_data_dir_gets_the_latest_schema_in_wal_mode() {
    let setup = open_at(stockholm(2026, 11, 23, 9, 0));
    let conn = Connection::open(setup.fanday.database_path()).unwrap_or_else(|err| panic!("{err}"));
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap_or_else(|err| panic!("{err}"));
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(version, schema_version());
    assert_eq!(mode, "wal");
    assert!(setup
        .fanday
        .profile()
        .unwrap_or_else(|err| panic!("{err}"))
        .is_none());
}

#[test]
fn a_missing_data_dir_is_created() {
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let nested = dir.path().join("not").join("yet");
    let fanday = Fanday::open(
        &nested,
        Arc::new(FixedClock::new(stockholm(2026, 1, 5, 8, 0))),
    );
    assert!(fanday.is_ok());
    assert!(nested.join(DB_FILE_NAME).exists());
}

#[test]
fn every_earlier_schema_version_migrates_to_the_latest_keeping_its_data() {
    for from in 0..schema_version() {
        let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
        {
            let mut conn = Connection::open(dir.path().join(DB_FILE_NAME))
                .unwrap_or_else(|err| panic!("{err}"));
            store::migrations()
                .to_version(&mut conn, from as usize)
                .unwrap_or_else(|err| panic!("to version {from}: {err}"));
            if from >= 1 {
                conn.execute_batch(
                    "INSERT INTO profile VALUES (1, 'p1', 'Sara', 'staff', 'sv', '2026-01-01 08:00:00+00:00', '2026-01-01 08:00:00+00:00');
                     INSERT INTO moments (id, author, local_date, created_at, updated_at, situation, customer, text, search_text)
                     VALUES ('m1', 'p1', '2026-01-01', '2026-01-01 08:00:00+00:00', '2026-01-01 08:00:00+00:00', 'said_no', 'internal', 'Gammal', 'gammal');",
                )
                .unwrap_or_else(|err| panic!("{err}"));
            }
        }
        let fanday = Fanday::open(
            dir.path(),
            Arc::new(FixedClock::new(stockholm(2026, 1, 5, 8, 0))),
        )
        .unwrap_or_else(|err| panic!("from version {from}: {err}"));
        let listed = texts(&fanday, &MomentFilter::default());
        if from >= 1 {
            assert_eq!(listed, vec!["Gammal".to_string()], "from version {from}");
        }
    }
}

#[test]
fn a_database_from_a_newer_fanday_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let path = dir.path().join(DB_FILE_NAME);
    {
        let conn = Connection::open(&path).unwrap_or_else(|err| panic!("{err}"));
        conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;")
            .unwrap_or_else(|err| panic!("{err}"));
    }
    let before = std::fs::read(&path).unwrap_or_else(|err| panic!("{err}"));
    let result = Fanday::open(
        dir.path(),
        Arc::new(FixedClock::new(stockholm(2026, 1, 5, 8, 0))),
    );
    match result {
        Err(err @ CoreError::DatabaseTooNew { found: 99, .. }) => {
            assert_eq!(err.code(), "db_too_new");
            assert!(err.to_string().contains("newer Fanday"));
        }
        Err(other) => panic!("wrong error: {other}"),
        Ok(_) => panic!("a newer database was opened"),
    }
    assert_eq!(std::fs::read(&path).unwrap_or_default(), before);
    assert!(!dir.path().join(format!("{DB_FILE_NAME}-wal")).exists());
}

#[test]
fn a_damaged_database_file_gives_a_clear_error_and_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let path = dir.path().join(DB_FILE_NAME);
    let garbage = b"this is not a database, but someone's precious file\n".repeat(200);
    std::fs::write(&path, &garbage).unwrap_or_else(|err| panic!("{err}"));
    let result = Fanday::open(
        dir.path(),
        Arc::new(FixedClock::new(stockholm(2026, 1, 5, 8, 0))),
    );
    assert_eq!(result.err().map(|err| err.code()), Some("db_corrupt"));
    assert_eq!(std::fs::read(&path).unwrap_or_default(), garbage);
}

#[cfg(unix)]
#[test]
fn a_read_only_data_dir_gives_a_clear_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap_or_else(|err| panic!("{err}"));
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555))
        .unwrap_or_else(|err| panic!("{err}"));
    // root may write anywhere; the check only means something for others
    let writable_anyway = std::fs::write(locked.join("probe"), b"x").is_ok();
    let result = Fanday::open(
        &locked,
        Arc::new(FixedClock::new(stockholm(2026, 1, 5, 8, 0))),
    );
    if writable_anyway {
        assert!(result.is_ok());
    } else {
        assert_eq!(result.err().map(|err| err.code()), Some("data_dir"));
    }
    let blocked_by_a_file = dir.path().join("a-file");
    std::fs::write(&blocked_by_a_file, b"x").unwrap_or_else(|err| panic!("{err}"));
    let result = Fanday::open(
        &blocked_by_a_file.join("data"),
        Arc::new(FixedClock::new(stockholm(2026, 1, 5, 8, 0))),
    );
    assert_eq!(result.err().map(|err| err.code()), Some("data_dir"));
}

//! Where this PC's team signing key lives: never in the database or its
//! backups, so a restored backup or a copied database does not carry it in
//! plain text. The app keeps it in the desktop's keyring (the Secret
//! Service on Linux, the Credential Manager on Windows, there kept on this
//! PC only, never roaming with the person's profile) where one answers;
//! otherwise, and for the tests and the command line, in a file beside the
//! database, readable by its owner only. Settings says which. The
//! database's `device_key` row keeps the public half and where the secret
//! is.

use crate::error::{CoreError, Result};
use crate::sql::exec;
use crate::team_event::{
    fingerprint, new_signing_key, parse_public_key, parse_secret_key, public_key_text,
    secret_key_text,
};
use chrono::{DateTime, Utc};
use ed25519_dalek::SigningKey;
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

const SERVICE: &str = "se.fanday.app";
const KEY_FILE: &str = "device-key";

static SYSTEM_KEYRING: AtomicBool = AtomicBool::new(false);

/// The app asks for the desktop's keyring; everything else uses the file.
pub fn use_system_keyring(on: bool) {
    SYSTEM_KEYRING.store(on, Ordering::SeqCst);
}

/// Where a key is kept, as the database remembers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Keyring,
    File,
}

impl Place {
    pub fn name(self) -> &'static str {
        match self {
            Place::Keyring => "keyring",
            Place::File => "file",
        }
    }

    pub fn from_name(name: &str) -> Option<Place> {
        match name {
            "keyring" => Some(Place::Keyring),
            "file" => Some(Place::File),
            _ => None,
        }
    }
}

fn key_file(data_dir: &Path) -> PathBuf {
    data_dir.join(KEY_FILE)
}

/// The keyring entry's name: the key's own fingerprint, so a copied
/// database on another account or PC finds nothing.
fn account(public: &ed25519_dalek::VerifyingKey) -> String {
    format!("device-key-{}", fingerprint(public))
}

#[cfg(target_os = "linux")]
fn keyring_save(key: &SigningKey) -> bool {
    keyring::Entry::new(SERVICE, &account(&key.verifying_key()))
        .and_then(|entry| entry.set_password(&secret_key_text(key)))
        .is_ok()
}

/// The Credential Manager's name for the entry: as the keyring crate named
/// it (`user.service`), so that an earlier Fanday's entries are found.
#[cfg(windows)]
pub fn credential_target(public: &ed25519_dalek::VerifyingKey) -> String {
    format!("{}.{SERVICE}", account(public))
}

#[cfg(windows)]
fn keyring_save(key: &SigningKey) -> bool {
    let public = key.verifying_key();
    crate::windows_credential::write(
        &credential_target(&public),
        &account(&public),
        &secret_key_text(key),
    )
    .is_ok()
}

#[cfg(not(any(target_os = "linux", windows)))]
fn keyring_save(_key: &SigningKey) -> bool {
    false
}

#[cfg(target_os = "linux")]
fn keyring_delete(public: &ed25519_dalek::VerifyingKey) {
    let _ =
        keyring::Entry::new(SERVICE, &account(public)).and_then(|entry| entry.delete_credential());
}

#[cfg(windows)]
fn keyring_delete(public: &ed25519_dalek::VerifyingKey) {
    let _ = crate::windows_credential::delete(&credential_target(public));
}

#[cfg(not(any(target_os = "linux", windows)))]
fn keyring_delete(_public: &ed25519_dalek::VerifyingKey) {}

/// The public half of this store's key where its secret is in the
/// desktop's keyring: what [`forget`] takes out once the store is erased.
pub(crate) fn kept_in_keyring(conn: &Connection) -> Result<Option<ed25519_dalek::VerifyingKey>> {
    let kept: Option<(String, String)> = conn
        .query_row("SELECT public_key, stored_in FROM device_key", [], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    Ok(kept.and_then(|(public, place)| {
        (Place::from_name(&place) == Some(Place::Keyring))
            .then(|| parse_public_key(&public))
            .flatten()
    }))
}

/// Takes the key of an erased store (a team left, a team no longer
/// followed) out of the desktop's keyring: nothing else signs with it, and
/// a secret nobody uses should not stay behind. A key kept in the file
/// went with the store's folder.
pub(crate) fn forget(public: &ed25519_dalek::VerifyingKey) {
    keyring_delete(public);
}

/// Keeps `key` in the desktop's keyring; false where none answers.
pub fn keep_in_keyring(key: &SigningKey) -> bool {
    keyring_save(key)
}

/// The keyring could not be asked (locked, or not running just now): the
/// key may well be there, so no new one is made in its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyringUnavailable;

#[cfg(target_os = "linux")]
fn keyring_load(
    public: &ed25519_dalek::VerifyingKey,
) -> std::result::Result<Option<SigningKey>, KeyringUnavailable> {
    let secret =
        keyring::Entry::new(SERVICE, &account(public)).and_then(|entry| entry.get_password());
    match secret {
        Ok(secret) => Ok(parse_secret_key(&secret).filter(|key| key.verifying_key() == *public)),
        Err(keyring::Error::NoEntry | keyring::Error::BadEncoding(_)) => Ok(None),
        Err(_) => Err(KeyringUnavailable),
    }
}

/// An entry an earlier Fanday kept the roaming way is kept on this PC from
/// now on.
#[cfg(windows)]
fn keyring_load(
    public: &ed25519_dalek::VerifyingKey,
) -> std::result::Result<Option<SigningKey>, KeyringUnavailable> {
    let found = crate::windows_credential::read(&credential_target(public))
        .map_err(|_| KeyringUnavailable)?;
    let Some(found) = found else {
        return Ok(None);
    };
    let key = parse_secret_key(&found.secret).filter(|key| key.verifying_key() == *public);
    if let Some(key) = &key {
        if !found.stays_on_this_pc {
            keyring_save(key);
        }
    }
    Ok(key)
}

#[cfg(not(any(target_os = "linux", windows)))]
fn keyring_load(
    _public: &ed25519_dalek::VerifyingKey,
) -> std::result::Result<Option<SigningKey>, KeyringUnavailable> {
    Ok(None)
}

#[cfg(unix)]
fn owner_only(options: &mut std::fs::OpenOptions) -> &mut std::fs::OpenOptions {
    use std::os::unix::fs::OpenOptionsExt;
    options.mode(0o600)
}

#[cfg(not(unix))]
fn owner_only(options: &mut std::fs::OpenOptions) -> &mut std::fs::OpenOptions {
    options
}

fn file_save(data_dir: &Path, key: &SigningKey) -> Result<()> {
    use std::io::Write;
    let path = key_file(data_dir);
    crate::atomic::write(
        &path,
        owner_only(&mut std::fs::OpenOptions::new()),
        crate::error::io_error,
        |out| {
            out.write_all(secret_key_text(key).as_bytes())
                .map_err(|err| crate::error::io_error(&path, err))
        },
    )
}

fn file_load(data_dir: &Path, public: &ed25519_dalek::VerifyingKey) -> Option<SigningKey> {
    let text = std::fs::read_to_string(key_file(data_dir)).ok()?;
    parse_secret_key(&text).filter(|key| key.verifying_key() == *public)
}

/// Keeps `key` outside the database; returns where.
pub fn save(data_dir: &Path, key: &SigningKey) -> Result<Place> {
    if SYSTEM_KEYRING.load(Ordering::SeqCst) && keyring_save(key) {
        return Ok(Place::Keyring);
    }
    file_save(data_dir, key)?;
    Ok(Place::File)
}

/// Finds the secret of `public` where it was kept: `None` where it is not
/// there (a database copied to another PC or account); an error where the
/// keyring that keeps it cannot be asked now.
pub fn load(
    data_dir: &Path,
    place: Place,
    public: &ed25519_dalek::VerifyingKey,
) -> std::result::Result<Option<SigningKey>, KeyringUnavailable> {
    match place {
        Place::Keyring => match keyring_load(public) {
            Ok(Some(key)) => Ok(Some(key)),
            Ok(None) => Ok(file_load(data_dir, public)),
            Err(unavailable) => file_load(data_dir, public).map(Some).ok_or(unavailable),
        },
        Place::File => Ok(file_load(data_dir, public)),
    }
}

fn data_dir(conn: &Connection) -> PathBuf {
    conn.path()
        .map(Path::new)
        .and_then(Path::parent)
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// This computer's signing key, made the first time it is needed. The
/// secret is kept outside the database (above): a key an earlier Fanday
/// kept in the database is moved out the first time it is used. Where the
/// secret is not there (a backup restored on another PC), a new key is
/// made, which a lead lets in again; where the keyring keeping it cannot be
/// asked just now (locked), nothing is made: [`CoreError::KeyringUnavailable`].
pub fn device_key(conn: &Connection, now: DateTime<Utc>) -> Result<SigningKey> {
    let dir = data_dir(conn);
    let stored: Option<(String, String, String)> = conn
        .query_row(
            "SELECT secret_key, public_key, stored_in FROM device_key",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?;
    if let Some((secret, public, place)) = stored {
        if let Some(key) = parse_secret_key(&secret).filter(|_| !secret.is_empty()) {
            let place = save(&dir, &key)?;
            exec(
                conn,
                "UPDATE device_key SET secret_key = '', stored_in = ?1",
                [place.name()],
            )?;
            // Backups made before held it too (the day's, and the one made
            // before the upgrade): a copied backup must not carry it.
            let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
            crate::backup::erase_from_all(&dir, |backup| {
                backup.execute("UPDATE device_key SET secret_key = ''", [])?;
                Ok(())
            });
            return Ok(key);
        }
        if let Some((public, place)) = parse_public_key(&public).zip(Place::from_name(&place)) {
            match load(&dir, place, &public) {
                Ok(Some(key)) => return Ok(key),
                Ok(None) => {}
                Err(KeyringUnavailable) => return Err(CoreError::KeyringUnavailable),
            }
        }
    }
    let key = new_signing_key()
        .ok_or_else(|| CoreError::TeamFolder("no randomness for a new key".into()))?;
    replace_device_key(conn, &key, now)?;
    Ok(key)
}

/// Where this PC's key is kept: `keyring` or `file`.
pub fn key_place(conn: &Connection) -> Result<String> {
    Ok(conn
        .query_row("SELECT stored_in FROM device_key", [], |row| row.get(0))
        .optional()?
        .unwrap_or_default())
}

/// This PC's key, new or after a rotation: the secret kept outside the
/// database, the public half in it.
pub fn replace_device_key(conn: &Connection, key: &SigningKey, now: DateTime<Utc>) -> Result<()> {
    let replaced = kept_in_keyring(conn)?;
    let place = save(&data_dir(conn), key)?;
    exec(
        conn,
        "INSERT OR REPLACE INTO device_key (singleton, secret_key, public_key, created_at, stored_in)
         VALUES (1, '', ?1, ?2, ?3)",
        params![public_key_text(&key.verifying_key()), now, place.name()],
    )?;
    // A key rotated out signs nothing that counts any more: its secret
    // does not stay behind in the keyring.
    if let Some(old) = replaced.filter(|old| *old != key.verifying_key()) {
        forget(&old);
    }
    Ok(())
}

/// This PC's own key, as the log writes signers.
pub fn device_key_text(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT public_key FROM device_key", [], |row| row.get(0))
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_kept_in_the_file_is_found_by_its_public_half_only() {
        let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
        let key = crate::team_event::new_signing_key().unwrap_or_else(|| panic!("a key"));
        assert_eq!(save(dir.path(), &key).ok(), Some(Place::File));
        let found = load(dir.path(), Place::File, &key.verifying_key()).unwrap_or_default();
        assert_eq!(found.map(|k| k.to_bytes()), Some(key.to_bytes()));
        let other = crate::team_event::new_signing_key().unwrap_or_else(|| panic!("a key"));
        assert!(matches!(
            load(dir.path(), Place::File, &other.verifying_key()),
            Ok(None)
        ));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE))
                .map(|m| m.permissions().mode() & 0o777)
                .unwrap_or(0);
            assert_eq!(mode, 0o600, "readable by its owner only");
        }
    }
}

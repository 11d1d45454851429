//! The further teams' stores on this computer: where they are, opened once
//! and kept open, made whole before anything lists them, and erased.

use crate::error::{io_error, CoreError, Result};
use crate::lock::locked;
use crate::side_store;
use crate::team::TeamInfo;
use crate::{Fanday, ProfileInput, Role};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Where the further teams' stores are, in the data folder.
const TEAMS_DIR: &str = "teams";
/// A store being made: named so that no listing reads it (not a plain id).
const STAGING: &str = ".new-";
/// Tries at naming a made store after its team (an indexer or a virus
/// scanner may hold a file of it for a moment on Windows).
const RENAME_TRIES: u32 = 5;

/// The further teams' stores, opened once and kept open: each keeps its
/// team's state in memory, as the person's own store does.
#[derive(Default)]
pub(crate) struct Opened {
    stores: Mutex<HashMap<PathBuf, Arc<Fanday>>>,
    /// The stores whose copies of the moments were made right in this run
    /// of the app.
    caught_up: Mutex<HashSet<PathBuf>>,
    /// Stores left half made by an earlier run were seen to.
    recovered: std::sync::atomic::AtomicBool,
}

impl Opened {
    /// After a restore the copies are made right again.
    pub(crate) fn forget_caught_up(&self) {
        locked(&self.caught_up).clear();
    }
}

impl Fanday {
    fn teams_dir(&self) -> PathBuf {
        self.data_dir.join(TEAMS_DIR)
    }

    /// The store at `dir`, opened once: two opened at once would each keep
    /// a state of the team of their own.
    fn open_further(&self, dir: &Path) -> Result<Arc<Fanday>> {
        let mut stores = locked(&self.further.stores);
        if let Some(open) = stores.get(dir) {
            return Ok(open.clone());
        }
        let opened = Arc::new(Fanday::open(dir, self.clock.clone())?);
        // Its events go out with the person's own, in the background.
        if let Some(sender) = self.background_sender() {
            opened.send_in_background_with(sender);
        }
        stores.insert(dir.to_path_buf(), opened.clone());
        Ok(opened)
    }

    fn close_further(&self, dir: &Path) {
        locked(&self.further.stores).remove(dir);
        locked(&self.further.caught_up).remove(dir);
    }

    /// The further teams' stores that open and hold a team, by team id.
    /// One that cannot be opened is left out (and left alone).
    pub(crate) fn further_teams(&self) -> Vec<(String, Arc<Fanday>)> {
        side_store::dirs_under(&self.teams_dir())
            .iter()
            .filter_map(|dir| {
                let store = self.open_further(dir).ok()?;
                let info = store.held_team().ok().flatten()?;
                Some((info.team_id, store))
            })
            .collect()
    }

    /// Makes a further team's store: `make` founds or joins the team in a
    /// store no listing reads yet, which is then named after the team.
    pub(super) fn make_further(
        &self,
        role: Role,
        make: impl FnOnce(&Fanday) -> Result<TeamInfo>,
    ) -> Result<TeamInfo> {
        self.recover_made();
        let staging = self
            .teams_dir()
            .join(format!("{STAGING}{}", uuid::Uuid::now_v7()));
        let made = self
            .further_store(&staging, role)
            .and_then(|store| make(&store));
        self.close_further(&staging);
        let info = match made {
            Ok(info) if side_store::plain_id(&info.team_id) => info,
            Ok(_) => {
                let _ = std::fs::remove_dir_all(&staging);
                return Err(CoreError::TeamFolder("the team was not saved".into()));
            }
            Err(err) => {
                let _ = std::fs::remove_dir_all(&staging);
                return Err(err);
            }
        };
        self.name_made(&staging, &info.team_id)?;
        Ok(info)
    }

    /// Names a store just made after its team (a store left there by a
    /// team left earlier, which holds no team, gives way).
    fn name_made(&self, staging: &Path, team_id: &str) -> Result<()> {
        let dir = self.teams_dir().join(team_id);
        if dir.exists() {
            self.erase_further(team_id);
        }
        let mut tries = 0;
        loop {
            match std::fs::rename(staging, &dir) {
                Ok(()) => return Ok(()),
                Err(_) if tries + 1 < RENAME_TRIES => {
                    tries += 1;
                    std::thread::sleep(Duration::from_millis(200 * u64::from(tries)));
                }
                // Named at the next start (`recover_made`).
                Err(err) => return Err(io_error(&dir, err)),
            }
        }
    }

    /// Stores made but not named after their team (the app stopped, or a
    /// file was held): named now; one that holds no team is erased. Once a
    /// run of the app, before anything is made in it.
    pub(super) fn recover_made(&self) {
        let seen = &self.further.recovered;
        if seen.swap(true, std::sync::atomic::Ordering::SeqCst) {
            return;
        }
        let Ok(entries) = std::fs::read_dir(self.teams_dir()) else {
            return;
        };
        for entry in entries.filter_map(|entry| entry.ok()) {
            let staged = entry.file_name().to_string_lossy().starts_with(STAGING);
            if !staged {
                continue;
            }
            let dir = entry.path();
            let team = Fanday::open(&dir, self.clock.clone())
                .ok()
                .and_then(|store| store.held_team().ok().flatten());
            match team {
                Some(team) if side_store::plain_id(&team.team_id) => {
                    let _ = self.name_made(&dir, &team.team_id);
                }
                _ => {
                    let _ = std::fs::remove_dir_all(&dir);
                }
            }
        }
    }

    /// Erases the store of a team left. Where a file of it is held open
    /// (Windows), it stays, holding no team, and gives way the next time.
    pub(super) fn erase_further(&self, team_id: &str) {
        let dir = self.teams_dir().join(team_id);
        let key = self
            .open_further(&dir)
            .ok()
            .and_then(|store| crate::keys::kept_in_keyring(&store.store.conn()).ok())
            .flatten();
        self.close_further(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        // The team is left even where a file of the store stays behind.
        if let Some(key) = key {
            crate::keys::forget(&key);
        }
    }

    /// A further team's store at `dir`, with this person's profile in it.
    fn further_store(&self, dir: &Path, role: Role) -> Result<Arc<Fanday>> {
        let me = self.current_profile()?;
        let store = self.open_further(dir)?;
        store.save_profile(&ProfileInput {
            display_name: me.display_name,
            role,
            language: me.language,
        })?;
        if !self.tally_sharing()? {
            store.set_tally_sharing(false)?;
        }
        Ok(store)
    }

    /// A copy could not be written: made right before the store is next read.
    pub(super) fn copy_later(&self, store: &Fanday) {
        locked(&self.further.caught_up).remove(&store.data_dir);
    }

    /// Makes the store's copies of the moments right (after changes that
    /// could not be copied, or a restore), once a run of the app.
    pub(super) fn catch_up_once(&self, team_id: &str, store: &Fanday) {
        let dir = store.data_dir.clone();
        if locked(&self.further.caught_up).contains(&dir) {
            return;
        }
        if self.copy_all_moments(team_id, store).is_ok() {
            locked(&self.further.caught_up).insert(dir);
            store.sync_team();
        }
    }
}

//! A region's view: teams followed read-only. Each followed team lives in
//! a store of its own (`region/<team id>/` beside this person's store),
//! with its own key, so nothing of a followed team mixes with the team
//! this person is in. A follower asks to follow the way a member asks to
//! join, a lead of the team lets them in, and from then on the store
//! reads the team's events (never its story files, and without the words
//! people wrote) to show, per team and week, what the team's signed
//! tallies say. No team is ranked: teams are listed by name.

mod kept;
mod numbers;

pub(crate) use kept::Kept;

pub use numbers::{RegionTeam, RegionWeek, Together};

use crate::error::{CoreError, Result};
use crate::side_store::{self, plain_id};
use crate::team::TeamInfo;
use crate::{Fanday, ProfileInput};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// How many passes (each within the reading loop's budget) one read of
/// the region gives a team at most.
const MAX_PASSES_PER_TEAM: usize = 100;

/// How many followed teams are read at once. Reading one team keeps
/// about one core busy (its taking thread waits on its reading thread and
/// the other way round), so two use a two-core PC; more would mostly add
/// memory (each open store has its page cache and its team's state).
const READERS: usize = 2;

/// A followed team's store's page cache, in KiB as SQLite takes it
/// (negative): a quarter of a person's own store's.
const FOLLOWED_CACHE_KIB: i64 = -8192;

/// Where the followed teams' stores are, in the data folder.
const REGION_DIR: &str = "region";

/// Where following a team stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Following {
    /// Asked; no lead of the team has let this person in yet.
    Asking,
    /// Let in: the team's weekly numbers are read.
    Following,
    /// A lead said no.
    Declined,
    /// A lead stopped it.
    Stopped,
    /// Its store on this computer cannot be opened (damaged, or from a
    /// newer Fanday): it can only be stopped.
    Unreadable,
}

/// A team this person follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowedTeam {
    pub team_id: String,
    pub name: String,
    pub folder: String,
    pub following: Following,
    /// The fingerprint to read out to the team's lead, who compares it
    /// before letting this person follow.
    pub my_fingerprint: String,
}

impl FollowedTeam {
    /// A followed team whose store cannot be opened, named by its folder.
    fn unreadable(dir: &Path) -> FollowedTeam {
        let id = dir
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        FollowedTeam {
            team_id: id.clone(),
            name: id,
            folder: String::new(),
            following: Following::Unreadable,
            my_fingerprint: String::new(),
        }
    }

    fn of(info: TeamInfo) -> FollowedTeam {
        let following = match info.my_status.as_str() {
            "follower" => Following::Following,
            "declined" => Following::Declined,
            "removed" => Following::Stopped,
            _ => Following::Asking,
        };
        FollowedTeam {
            team_id: info.team_id,
            name: info.name,
            folder: info.folder,
            following,
            my_fingerprint: info.my_fingerprint,
        }
    }
}

/// Runs `each` over `dirs`, [`READERS`] at a time, and gives the results
/// in the order of `dirs`. An error ends it: no further one is taken.
fn each_of<T: Send>(dirs: &[PathBuf], each: impl Fn(&Path) -> Result<T> + Sync) -> Result<Vec<T>> {
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let workers = READERS.min(dirs.len().max(1));
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| -> Result<Vec<(usize, T)>> {
                    let mut done = Vec::new();
                    while !failed.load(Ordering::Relaxed) {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(dir) = dirs.get(index) else {
                            break;
                        };
                        let result = each(dir).inspect_err(|_| {
                            failed.store(true, Ordering::Relaxed);
                        })?;
                        done.push((index, result));
                    }
                    Ok(done)
                })
            })
            .collect();
        let mut all = Vec::new();
        for worker in workers {
            all.extend(
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?,
            );
        }
        all.sort_by_key(|(index, _)| *index);
        Ok(all.into_iter().map(|(_, result)| result).collect())
    })
}

/// Gives the memory freed back to the system (glibc keeps freed memory
/// in its arenas, one per thread, until asked).
fn give_back_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free pages of the allocator's own.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The region's numbers: per team followed, and all of them together.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Region {
    /// By name.
    pub teams: Vec<RegionTeam>,
    /// Newest week first.
    pub together: Vec<Together>,
}

/// The setting of a followed team's store: how its folder looked when the
/// store last read it to its end.
const READ_LOOK: &str = "region.read_look";

impl Fanday {
    fn read_look(&self) -> Result<Option<u64>> {
        Ok(crate::reminder::setting(&self.store.conn(), READ_LOOK)?
            .and_then(|text| text.parse().ok()))
    }

    fn note_read_look(&self, look: Option<u64>) -> Result<()> {
        let conn = self.store.conn();
        match look {
            Some(look) => crate::sql::exec(
                &conn,
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                rusqlite::params![READ_LOOK, look.to_string()],
            )?,
            None => crate::sql::exec(&conn, "DELETE FROM settings WHERE key = ?1", [READ_LOOK])?,
        };
        Ok(())
    }

    fn region_dir(&self) -> PathBuf {
        self.data_dir.join(REGION_DIR)
    }

    fn open_followed(&self, dir: &Path) -> Result<Fanday> {
        let followed = Fanday::open(dir, self.clock.clone())?;
        // It keeps no words people wrote: what it deletes needs no
        // overwriting (a first open of a team is a little quicker).
        let conn = followed.store.conn();
        conn.pragma_update(None, "secure_delete", "OFF")?;
        // Two are read at once; the region's memory stays within bounds.
        conn.pragma_update(None, "cache_size", FOLLOWED_CACHE_KIB)?;
        drop(conn);
        Ok(followed)
    }

    /// Follows the team in `folder` read-only, after the person compared
    /// the founder's fingerprint; asks the team's leads to let them in.
    pub fn follow_team(&self, folder: &Path, founder_fingerprint: &str) -> Result<FollowedTeam> {
        let me = self.current_profile()?;
        let preview = self.preview_team(folder)?;
        if !plain_id(&preview.team_id) {
            return Err(CoreError::TeamFolder(
                "this folder's team.json names its team oddly; it cannot be followed".into(),
            ));
        }
        if self
            .teams()?
            .iter()
            .any(|mine| mine.team_id == preview.team_id)
        {
            return Err(CoreError::FollowOwnTeam);
        }
        let dir = self.region_dir().join(&preview.team_id);
        self.forget_numbers(&dir)?;
        let mut followed = self.open_followed(&dir)?;
        if let Some(before) = followed.team_info()? {
            if before.team_id != preview.team_id {
                return Err(CoreError::TeamFileChanged);
            }
            let before = FollowedTeam::of(before);
            if matches!(before.following, Following::Asking | Following::Following) {
                return Ok(before);
            }
            // Said no to, or stopped: asked again with a new key, as anew.
            drop(followed);
            std::fs::remove_dir_all(&dir).map_err(|err| crate::error::io_error(&dir, err))?;
            followed = self.open_followed(&dir)?;
        }
        if followed.profile()?.is_none() {
            followed.save_profile(&ProfileInput {
                display_name: me.display_name.clone(),
                role: me.role,
                language: me.language,
            })?;
        }
        // The team.json read again must name the team this store is named
        // after (it may have changed in between).
        let info = followed
            .follow_folder(folder, founder_fingerprint)
            .and_then(|info| {
                if info.team_id == preview.team_id {
                    Ok(info)
                } else {
                    Err(CoreError::TeamFileChanged)
                }
            });
        if info.is_err() {
            drop(followed);
            let _ = std::fs::remove_dir_all(&dir);
        }
        Ok(FollowedTeam::of(info?))
    }

    /// The stores of the teams followed, by team id.
    fn followed_dirs(&self) -> Vec<PathBuf> {
        side_store::dirs_under(&self.region_dir())
    }

    /// The teams this person follows, by name (one whose store cannot be
    /// opened too, so that it can be stopped).
    pub fn followed_teams(&self) -> Result<Vec<FollowedTeam>> {
        let mut teams = Vec::new();
        for dir in self.followed_dirs() {
            match self.open_followed(&dir) {
                Ok(followed) => teams.extend(followed.team_info()?.map(FollowedTeam::of)),
                Err(_) => teams.push(FollowedTeam::unreadable(&dir)),
            }
        }
        teams.sort_by_key(|team| team.name.to_lowercase());
        Ok(teams)
    }

    /// Reads every followed team's folder to its end, [`READERS`] teams
    /// at a time (each its own store, reading thread and taking thread).
    /// `progress` hears how many teams of how many are read. A folder that
    /// cannot be read just now is read at the next time; it is not an error
    /// here. Returns the events read.
    pub fn read_region(&self, progress: impl FnMut(usize, usize) + Send) -> Result<u64> {
        let _one_at_a_time = crate::lock::locked(&self.region_kept.reading);
        let dirs = self.followed_dirs();
        let total = dirs.len();
        let heard = Mutex::new((0, progress));
        let tell = |done: bool| {
            let mut heard = crate::lock::locked(&heard);
            heard.0 += usize::from(done);
            let done = heard.0;
            (heard.1)(done, total);
        };
        tell(false);
        let read = each_of(&dirs, |dir| {
            let events = self.read_followed(dir)?;
            if events > 0 {
                // The team's state and store are gone: their memory goes
                // back to the system, not kept for the next team in pieces.
                give_back_memory();
            }
            tell(true);
            Ok(events)
        })?;
        Ok(read.into_iter().sum())
    }

    /// Reads one followed team's folder to its end, unless it looks as it
    /// did when it was last read so. Returns the events read.
    fn read_followed(&self, dir: &Path) -> Result<u64> {
        let now = self.clock.now().with_timezone(&chrono::Utc);
        if self.region_kept.unchanged(dir, now) {
            return Ok(0);
        }
        // One store that cannot be opened does not stop the others.
        let Ok(followed) = self.open_followed(dir) else {
            return Ok(0);
        };
        let Some(info) = followed.team_info()? else {
            return Ok(0);
        };
        // Taken before reading: a file that changes while it is read has
        // the folder read again next time.
        let folder = PathBuf::from(&info.folder);
        let look = crate::folder::files_look(&folder);
        // As it looked when this store last read it to its end (before
        // this app was started, too): nothing to read, unless the clock
        // went back since (the store's numbers are worked out again).
        if look.is_some()
            && followed.read_look()? == look
            && !crate::team::current::written_ahead(&followed.store.conn(), now)?
        {
            self.region_kept.read(dir, folder, look, now);
            return Ok(0);
        }
        self.forget_numbers(dir)?;
        // Pass after pass, each within its budget; a folder that grows
        // faster than it is read waits for the next time.
        let mut events = 0;
        let mut read_to_end = false;
        for _ in 0..MAX_PASSES_PER_TEAM {
            let Ok(report) = followed.read_team() else {
                break;
            };
            events += u64::from(report.new_events);
            if !report.more {
                read_to_end = report.waiting_files.is_empty() && !report.folder_missing;
                break;
            }
        }
        let look = look.filter(|_| read_to_end);
        followed.note_read_look(look)?;
        self.region_kept.read(dir, folder, look, now);
        Ok(events)
    }

    /// The region's weekly numbers, the `weeks` weeks ending with this
    /// one (a year at most: what a followed team's store keeps of
    /// recognition): per team followed (by name) and together.
    pub fn region(&self, weeks: usize) -> Result<Region> {
        let weeks = weeks.min(crate::team::recognition::REGION_MAX_WEEKS);
        // Numbers are kept only while no reading can change a store under
        // them; during a reading they are worked out and shown, not kept.
        let no_reading = self.region_kept.reading.try_lock().ok();
        let today = self.today();
        let mut teams = Vec::new();
        let mut todo = Vec::new();
        for dir in self.followed_dirs() {
            if let Some(kept) = self.region_kept.numbers(&dir, today, weeks) {
                teams.push(kept);
                continue;
            }
            // As last worked out, before a start of the app: the team's
            // store has read nothing since.
            if let Some(stored) = self.stored_numbers(&dir, today, weeks) {
                if no_reading.is_some() {
                    self.region_kept.keep_numbers(&dir, today, weeks, &stored);
                }
                teams.push(stored);
                continue;
            }
            todo.push(dir);
        }
        let worked = each_of(&todo, |dir| self.work_out(dir, today, weeks))?;
        let mut worked_out = Vec::new();
        for (dir, numbers) in todo.into_iter().zip(worked) {
            let Some(numbers) = numbers else {
                continue;
            };
            if no_reading.is_some() {
                self.region_kept.keep_numbers(&dir, today, weeks, &numbers);
                worked_out.push((dir, numbers.clone()));
            }
            teams.push(numbers);
        }
        // Kept for the next start of the app if they can be: if not, they
        // are worked out again then.
        let _ = self.store_numbers(&worked_out, today, weeks);
        drop(no_reading);
        teams.sort_by_key(|team| team.team.name.to_lowercase());
        let together = numbers::together(&teams, weeks);
        Ok(Region { teams, together })
    }

    /// A followed team's weeks as its store has them (`None`: the store
    /// follows no team yet).
    fn work_out(
        &self,
        dir: &Path,
        today: chrono::NaiveDate,
        weeks: usize,
    ) -> Result<Option<RegionTeam>> {
        let Ok(followed) = self.open_followed(dir) else {
            return Ok(Some(RegionTeam {
                team: FollowedTeam::unreadable(dir),
                weeks: Vec::new(),
            }));
        };
        let Some(info) = followed.team_info()? else {
            return Ok(None);
        };
        let team = FollowedTeam::of(info);
        // A team shows its numbers to those it let follow, and only while
        // it does.
        if team.following != Following::Following {
            return Ok(Some(RegionTeam {
                team,
                weeks: Vec::new(),
            }));
        }
        let conn = followed.store.conn();
        Ok(Some(numbers::team_weeks(&conn, team, today, weeks)?))
    }

    /// The region's numbers as a CSV at `path` for a report: one row per
    /// team and week, then the region's; returns the rows written.
    pub fn export_region(&self, path: &Path, weeks: usize) -> Result<usize> {
        let region = self.region(weeks)?;
        crate::atomic::write(
            path,
            &mut std::fs::OpenOptions::new(),
            crate::error::io_error,
            |out| numbers::csv(&region, out),
        )
    }

    /// Stops following a team: its store on this computer is erased;
    /// nothing in the team's folder is touched.
    pub fn stop_following(&self, team_id: &str) -> Result<()> {
        if !plain_id(team_id) {
            return Err(CoreError::NotFound { what: "team" });
        }
        let dir = self.region_dir().join(team_id);
        if !dir.is_dir() {
            return Err(CoreError::NotFound { what: "team" });
        }
        self.forget_numbers(&dir)?;
        let key = self
            .open_followed(&dir)
            .ok()
            .and_then(|followed| crate::keys::kept_in_keyring(&followed.store.conn()).ok())
            .flatten();
        std::fs::remove_dir_all(&dir).map_err(|err| crate::error::io_error(&dir, err))?;
        // Only once the store is gone: one that stays still follows, and
        // signs with its key.
        if let Some(key) = key {
            crate::keys::forget(&key);
        }
        Ok(())
    }
}

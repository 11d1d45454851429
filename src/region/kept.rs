//! What the region keeps between readings: in memory, how each followed
//! team's folder looked and its numbers; in the person's own store, the
//! numbers last worked out, so that the region's screen shows them at
//! once after a start of the app.

use super::RegionTeam;
use crate::error::Result;
use crate::Fanday;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What the region keeps in memory of each followed team: how its folder
/// looked when it was last read to its end (one that looks the same is not
/// opened again, nor its team's state folded from its log, so reading many
/// teams costs what changed in them), and its numbers as last worked out
/// (until the team is read again or the day changes).
#[derive(Default)]
pub(crate) struct Kept {
    teams: Mutex<HashMap<PathBuf, KeptTeam>>,
    /// One reading of the region at a time: two would open one team's
    /// store twice.
    pub(super) reading: Mutex<()>,
}

#[derive(Default)]
struct KeptTeam {
    /// The team's folder, so that it is looked at without opening the store.
    folder: Option<PathBuf>,
    look: Option<u64>,
    /// When it was read: a clock gone back before it has the team read
    /// again (its store's tables were written for a later time).
    read_at: Option<DateTime<Utc>>,
    /// For which day and how many weeks.
    numbers: Option<(NaiveDate, usize, RegionTeam)>,
}

impl Kept {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, KeptTeam>> {
        crate::lock::locked(&self.teams)
    }

    /// Does the team's folder look as when it was last read to its end?
    pub(super) fn unchanged(&self, dir: &Path, now: DateTime<Utc>) -> bool {
        let kept = self
            .map()
            .get(dir)
            .map(|kept| (kept.folder.clone(), kept.look, kept.read_at));
        let Some((Some(folder), Some(look), Some(read_at))) = kept else {
            return false;
        };
        now >= read_at && crate::folder::files_look(&folder) == Some(look)
    }

    /// The team was read: its numbers are worked out again when asked.
    pub(super) fn read(&self, dir: &Path, folder: PathBuf, look: Option<u64>, at: DateTime<Utc>) {
        let kept = KeptTeam {
            folder: Some(folder),
            look,
            read_at: Some(at),
            numbers: None,
        };
        self.map().insert(dir.to_path_buf(), kept);
    }

    pub(super) fn numbers(&self, dir: &Path, today: NaiveDate, weeks: usize) -> Option<RegionTeam> {
        self.map()
            .get(dir)
            .and_then(|kept| kept.numbers.as_ref())
            .filter(|(day, count, _)| *day == today && *count == weeks)
            .map(|(_, _, team)| team.clone())
    }

    pub(super) fn keep_numbers(
        &self,
        dir: &Path,
        today: NaiveDate,
        weeks: usize,
        team: &RegionTeam,
    ) {
        self.map().entry(dir.to_path_buf()).or_default().numbers =
            Some((today, weeks, team.clone()));
    }

    pub(super) fn forget(&self, dir: &Path) {
        self.map().remove(dir);
    }

    fn forget_all(&self) {
        self.map().clear();
    }
}

/// The settings of the person's store that keep a followed team's numbers:
/// this, then the team's id.
const KEPT_NUMBERS: &str = "region.numbers.";

/// A team's numbers as kept in the person's store: for which build (another
/// may count otherwise), day and number of weeks.
#[derive(Serialize, Deserialize)]
struct KeptNumbers {
    build: String,
    day: NaiveDate,
    weeks: usize,
    team: RegionTeam,
}

fn build() -> String {
    format!(
        "{}:{}",
        crate::store::schema_version(),
        env!("CARGO_PKG_VERSION")
    )
}

fn key(dir: &Path) -> String {
    let id = dir
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{KEPT_NUMBERS}{id}")
}

impl Fanday {
    /// The numbers kept for the team whose store is `dir`, if they were
    /// worked out for this day, these weeks and this build.
    pub(super) fn stored_numbers(
        &self,
        dir: &Path,
        today: NaiveDate,
        weeks: usize,
    ) -> Option<RegionTeam> {
        let text = crate::reminder::setting(&self.store.conn(), &key(dir)).ok()??;
        let kept: KeptNumbers = serde_json::from_str(&text).ok()?;
        (kept.build == build() && kept.day == today && kept.weeks == weeks).then_some(kept.team)
    }

    /// Keeps the numbers just worked out, in one transaction.
    pub(super) fn store_numbers(
        &self,
        worked_out: &[(PathBuf, RegionTeam)],
        today: NaiveDate,
        weeks: usize,
    ) -> Result<()> {
        if worked_out.is_empty() {
            return Ok(());
        }
        let mut conn = self.store.conn();
        let tx = conn.transaction()?;
        for (dir, team) in worked_out {
            let kept = KeptNumbers {
                build: build(),
                day: today,
                weeks,
                team: team.clone(),
            };
            let text = serde_json::to_string(&kept)
                .map_err(|err| crate::CoreError::Storage(err.to_string()))?;
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                rusqlite::params![key(dir), text],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Forgets every team's numbers kept in the person's store (a backup of
    /// it restored: its numbers may be older than the teams' stores).
    pub(crate) fn forget_all_region_numbers(&self) -> Result<()> {
        self.region_kept.forget_all();
        crate::sql::exec(
            &self.store.conn(),
            "DELETE FROM settings WHERE key LIKE 'region.numbers.%'",
            [],
        )?;
        Ok(())
    }

    /// Forgets the numbers kept of the team whose store is `dir`: before
    /// that store reads anything, so that numbers kept never outlive what
    /// they were worked out from.
    pub(super) fn forget_numbers(&self, dir: &Path) -> Result<()> {
        self.region_kept.forget(dir);
        crate::sql::exec(
            &self.store.conn(),
            "DELETE FROM settings WHERE key = ?1",
            [key(dir)],
        )?;
        Ok(())
    }
}

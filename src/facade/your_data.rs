//! Your data in your hands: exports, backups and restoring one.

use crate::error::{io_error, Result};
use crate::{atomic, backup, export, store, Fanday};
use std::path::{Path, PathBuf};

impl Fanday {
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Writes an export to `path`, whole or not at all. The team's stories
    /// are for a lead. Returns the number of rows.
    pub fn export(&self, what: export::What, format: export::Format, path: &Path) -> Result<usize> {
        if what == export::What::TeamStories {
            self.require_lead()?;
        }
        atomic::write(path, &mut std::fs::OpenOptions::new(), io_error, |out| {
            export::write(&self.store.conn(), what, format, out)
        })
    }

    /// A consistent copy of the store, taken while it is in use.
    pub fn backup_to(&self, dest: &Path) -> Result<()> {
        backup::copy_to(&self.store.conn(), dest)
    }

    /// A backup the person asked for now; returns where it went.
    pub fn backup_now(&self) -> Result<PathBuf> {
        let stamp = self.clock.now_utc().format("%Y%m%dT%H%M%SZ");
        let dest = backup::backup_dir(&self.data_dir).join(format!("manual-{stamp}.sqlite3"));
        self.backup_to(&dest)?;
        Ok(dest)
    }

    /// Today's automatic backup (kept 14 days), if not taken yet.
    pub fn daily_backup(&self) -> Result<Option<PathBuf>> {
        if self.profile()?.is_none() {
            return Ok(None);
        }
        let today = self.today();
        backup::daily(&self.store.conn(), &self.data_dir, today)
    }

    pub fn backups(&self) -> Vec<backup::BackupFile> {
        backup::list(&self.data_dir)
    }

    /// Replaces the data with a backup, after checking it is whole and
    /// readable; the data as it was is kept as a backup first.
    pub fn restore(&self, source: &Path) -> Result<()> {
        backup::check(source, store::schema_version())?;
        let stamp = self.clock.now_utc().format("%Y%m%dT%H%M%SZ");
        let before =
            backup::backup_dir(&self.data_dir).join(format!("before-restore-{stamp}.sqlite3"));
        self.backup_to(&before)?;
        backup::restore_into(&mut self.store.conn(), source)?;
        self.team.forget_own_read();
        self.store.migrate()?;
        // The further teams' copies follow the moments as restored; the
        // region's numbers kept in the backup may be older than its stores.
        self.further.forget_caught_up();
        self.forget_all_region_numbers()
    }
}

//! Writing a file whole or not at all: exports, backups, the device key and
//! the team folder's small files all go through here.

use crate::error::{CoreError, Result};
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// How a failed file operation on `path` becomes an error.
pub type IoError = fn(&Path, std::io::Error) -> CoreError;

/// A temp name beside `path`: hidden and ending in `.tmp`, so sync engines,
/// backup lists and the team folder's reader all pass it by.
fn temp_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", uuid::Uuid::now_v7().simple()))
}

/// Replaces `path` with the file `fill` writes at the temp path it is given
/// (beside `path`, so the rename stays on one disk). A reader, or a sync
/// engine, sees the old file or the new one, never half of one; on any
/// failure the temp file is removed and `path` is left as it was.
pub fn replace<T>(
    path: &Path,
    io_error: IoError,
    fill: impl FnOnce(&Path) -> Result<T>,
) -> Result<T> {
    let temp = temp_beside(path);
    let written = fill(&temp).and_then(|value| {
        std::fs::rename(&temp, path)
            .map(|()| value)
            .map_err(|err| io_error(path, err))
    });
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// [`replace`] for the usual case: a new file opened with `options` (never
/// an existing one), written through a buffer, then synced to the disk.
pub fn write<T>(
    path: &Path,
    options: &mut OpenOptions,
    io_error: IoError,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<T>,
) -> Result<T> {
    replace(path, io_error, |temp| {
        let file = options
            .write(true)
            .create_new(true)
            .open(temp)
            .map_err(|err| io_error(temp, err))?;
        let mut out = BufWriter::new(file);
        let value = write(&mut out)?;
        out.flush().map_err(|err| io_error(temp, err))?;
        let file = out
            .into_inner()
            .map_err(|err| io_error(temp, err.into_error()))?;
        file.sync_all().map_err(|err| io_error(temp, err))?;
        Ok(value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::io_error;

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temp_file() {
        let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
        let path = dir.path().join("export.csv");
        std::fs::write(&path, "old").unwrap_or_else(|err| panic!("{err}"));
        let failed: Result<()> = write(&path, &mut OpenOptions::new(), io_error, |out| {
            out.write_all(b"half").map_err(|err| io_error(&path, err))?;
            Err(CoreError::DiskFull)
        });
        assert!(matches!(failed, Err(CoreError::DiskFull)));
        assert_eq!(std::fs::read_to_string(&path).ok().as_deref(), Some("old"));
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .map(|entries| entries.flatten().map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert_eq!(names.len(), 1, "{names:?}");

        write(&path, &mut OpenOptions::new(), io_error, |out| {
            out.write_all(b"new").map_err(|err| io_error(&path, err))
        })
        .unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(std::fs::read_to_string(&path).ok().as_deref(), Some("new"));
    }
}

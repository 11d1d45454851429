//! Writing a file whole or not at all: exports, backups, the device key and
//! the team folder's small files all go through here.

use crate::error::{CoreError, Result};
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

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

/// How long a replace waits for another program to let go of the file.
const IN_USE_WAIT: Duration = Duration::from_secs(3);
const IN_USE_PAUSE: Duration = Duration::from_millis(100);

/// Windows only: may the file be held open by another program that does
/// not let others delete it (a sync client uploading it, Excel showing the
/// last export)? Windows then refuses the replace with
/// ERROR_ACCESS_DENIED (and a file being written or locked with
/// ERROR_SHARING_VIOLATION or ERROR_LOCK_VIOLATION): worth waiting on. On
/// Linux a rename replaces a file whoever has it open.
fn in_use(err: &std::io::Error) -> bool {
    cfg!(windows) && matches!(err.raw_os_error(), Some(5 | 32 | 33))
}

/// After the wait: is it in use, rather than a read-only file, which is
/// refused as ERROR_ACCESS_DENIED too?
fn held(err: &std::io::Error, path: &Path) -> bool {
    in_use(err) && std::fs::metadata(path).is_ok_and(|meta| !meta.permissions().readonly())
}

/// Renames `temp` over `path`, waiting a few seconds for a program that
/// holds `path` open to let go of it.
fn rename_over(temp: &Path, path: &Path) -> std::io::Result<()> {
    let deadline = Instant::now() + IN_USE_WAIT;
    loop {
        match std::fs::rename(temp, path) {
            Err(err) if in_use(&err) && Instant::now() < deadline => {
                std::thread::sleep(IN_USE_PAUSE);
            }
            done => return done,
        }
    }
}

/// Replaces `path` with the file `fill` writes at the temp path it is given
/// (beside `path`, so the rename stays on one disk). A reader, or a sync
/// engine, sees the old file or the new one, never half of one; on any
/// failure the temp file is removed and `path` is left as it was. A file
/// another program still holds after a few seconds is
/// [`CoreError::FileInUse`].
pub fn replace<T>(
    path: &Path,
    io_error: IoError,
    fill: impl FnOnce(&Path) -> Result<T>,
) -> Result<T> {
    let temp = temp_beside(path);
    let written = fill(&temp).and_then(|value| {
        rename_over(&temp, path).map(|()| value).map_err(|err| {
            if held(&err, path) {
                CoreError::FileInUse {
                    path: path.display().to_string(),
                }
            } else {
                io_error(path, err)
            }
        })
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

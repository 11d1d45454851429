//! The team folder as storage: slow, flaky and hostile. Every byte in it
//! was written by someone else's PC, a sync engine or an attacker: nothing
//! is followed through a link, nothing but a regular file is opened, no
//! open waits on a pipe (and none longer than the folder's deadline), what
//! cannot be read just now waits, and what this PC writes whole goes
//! through a temp file it created exclusively. The platform's own calls
//! for this live here and nowhere else; what the files mean is the team's
//! (`crate::team`).

pub(crate) mod cloud;
pub(crate) mod deadline;
pub(crate) mod file_names;
pub mod lines;
pub(crate) mod waits;

use crate::error::{is_disk_full, CoreError};
use crate::team::refusal::Refusal;
use sha2::{Digest, Sha256};
use std::fs::{self, DirEntry, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use waits::WaitReason;

pub const TEAM_FILE: &str = "team.json";
pub const MEMBERS_DIR: &str = "members";
pub const PROFILE_FILE: &str = "profile.json";
/// Format 2: each shared story's text, in its author's folder.
pub const STORIES_DIR: &str = "stories";
/// The folder in a member's folder that holds the lines for followers.
pub const OPEN_DIR: &str = "open";
/// team.json and profile.json are a few hundred bytes.
pub const MAX_SMALL_FILE: u64 = 64 * 1024;

/// Why a file could not be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenError {
    Missing,
    /// Something already has the name (creating a new file).
    Exists,
    /// What stands at the name is no file to read (a link, a pipe, a
    /// folder): that is what the folder holds, whenever it is asked.
    Refused(Refusal),
    /// The disk is full (writing).
    DiskFull,
    /// It cannot be opened just now; nothing in it was read, so nothing in
    /// it is wrong yet.
    Waiting(WaitReason),
}

impl OpenError {
    fn from_io(err: &std::io::Error) -> OpenError {
        match err.kind() {
            std::io::ErrorKind::NotFound => return OpenError::Missing,
            std::io::ErrorKind::AlreadyExists => return OpenError::Exists,
            _ => {}
        }
        if is_disk_full(err) {
            return OpenError::DiskFull;
        }
        #[cfg(unix)]
        match err.raw_os_error() {
            Some(libc::ELOOP) | Some(libc::EMLINK) => return OpenError::Refused(Refusal::Link),
            Some(libc::ENXIO) | Some(libc::ENODEV) => {
                return OpenError::Refused(Refusal::NotRegular)
            }
            Some(libc::EISDIR) => return OpenError::Refused(Refusal::FolderNotFile),
            _ => {}
        }
        OpenError::Waiting(waits::reason_of(err))
    }

    /// The refusal to report for this file: only what the file is, never
    /// that it could not be opened just now.
    pub fn refusal(&self) -> Option<Refusal> {
        match self {
            OpenError::Missing | OpenError::Exists | OpenError::Waiting(_) => None,
            OpenError::Refused(refusal) => Some(*refusal),
            OpenError::DiskFull => Some(Refusal::Unreadable),
        }
    }

    pub fn into_core(self, path: &Path) -> CoreError {
        match self {
            OpenError::DiskFull => CoreError::DiskFull,
            OpenError::Missing => {
                CoreError::TeamFolder(format!("{} cannot be found", path.display()))
            }
            OpenError::Exists => {
                CoreError::TeamFolder(format!("{} exists already", path.display()))
            }
            OpenError::Refused(refusal) => {
                CoreError::TeamFolder(format!("{}: {refusal}", path.display()))
            }
            OpenError::Waiting(reason) => CoreError::TeamFolderWaiting {
                path: path.display().to_string(),
                code: reason.code(),
                reason: reason.describe(),
            },
        }
    }
}

/// A file-system error while writing, as the core reports it.
pub fn io_error(path: &Path, err: std::io::Error) -> CoreError {
    OpenError::from_io(&err).into_core(path)
}

#[cfg(unix)]
fn guarded(options: &mut OpenOptions) -> &mut OpenOptions {
    use std::os::unix::fs::OpenOptionsExt;
    // No link is followed; a pipe with no writer does not block the open.
    options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
}

#[cfg(windows)]
fn guarded(options: &mut OpenOptions) -> &mut OpenOptions {
    use std::os::windows::fs::OpenOptionsExt;
    // Opens a link or junction itself rather than what it points to; the
    // type check below then refuses it.
    const FILE_FLAG_OPEN_REPARSE_POINT: u32 = 0x0020_0000;
    options.custom_flags(FILE_FLAG_OPEN_REPARSE_POINT)
}

#[cfg(not(any(unix, windows)))]
fn guarded(options: &mut OpenOptions) -> &mut OpenOptions {
    options
}

/// Checks what was opened: only a regular file passes.
fn regular(file: File) -> Result<(File, u64), OpenError> {
    let meta = file.metadata().map_err(|err| OpenError::from_io(&err))?;
    if meta.file_type().is_symlink() {
        return Err(OpenError::Refused(Refusal::Link));
    }
    if meta.is_dir() {
        return Err(OpenError::Refused(Refusal::FolderNotFile));
    }
    if !meta.is_file() {
        return Err(OpenError::Refused(Refusal::NotRegular));
    }
    Ok((file, meta.len()))
}

/// Opens an existing regular file for reading; returns it with its length.
pub fn open_read(path: &Path) -> Result<(File, u64), OpenError> {
    let file = guarded(OpenOptions::new().read(true))
        .open(path)
        .map_err(|err| OpenError::from_io(&err))?;
    regular(file)
}

/// Opens this member's existing file to append to it.
pub fn open_append(path: &Path) -> Result<(File, u64), OpenError> {
    let file = guarded(OpenOptions::new().append(true))
        .open(path)
        .map_err(|err| OpenError::from_io(&err))?;
    regular(file)
}

/// Creates a new file; fails if anything, a link included, has the name.
pub fn create_new(path: &Path) -> Result<File, OpenError> {
    let file = guarded(OpenOptions::new().write(true).create_new(true))
        .open(path)
        .map_err(|err| OpenError::from_io(&err))?;
    regular(file).map(|(file, _)| file)
}

/// A file of the team folder opened and read with a deadline: where the
/// open or a read does not answer in time (a cloud file downloading, a
/// share that hangs) it is waiting, and nothing here waits longer.
#[derive(Debug, Clone)]
pub struct FolderFile {
    file: Arc<File>,
    path: PathBuf,
    pub len: u64,
}

impl FolderFile {
    pub fn open(path: &Path) -> Result<FolderFile, OpenError> {
        let owned = path.to_path_buf();
        let (file, len) =
            deadline::within(path, move || open_read(&owned)).map_err(OpenError::Waiting)??;
        Ok(FolderFile {
            file: Arc::new(file),
            path: path.to_path_buf(),
            len,
        })
    }

    /// Up to `max` bytes from `offset` (fewer at the end of the file).
    pub fn read(&self, offset: u64, max: usize) -> Result<Vec<u8>, OpenError> {
        let file = Arc::clone(&self.file);
        deadline::within(&self.path, move || read_at(&file, offset, max))
            .map_err(OpenError::Waiting)?
            .map_err(|err| OpenError::from_io(&err))
    }
}

/// Reads up to `max` bytes at `offset` without moving a shared position.
fn read_at(file: &File, offset: u64, max: usize) -> std::io::Result<Vec<u8>> {
    let mut buf = vec![0; max];
    let mut filled = 0;
    while filled < max {
        match pread(file, &mut buf[filled..], offset + filled as u64) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    buf.truncate(filled);
    Ok(buf)
}

#[cfg(unix)]
fn pread(file: &File, buf: &mut [u8], at: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, at)
}

#[cfg(windows)]
fn pread(file: &File, buf: &mut [u8], at: u64) -> std::io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, at)
}

#[cfg(not(any(unix, windows)))]
fn pread(mut file: &File, buf: &mut [u8], at: u64) -> std::io::Result<usize> {
    use std::io::Seek;
    file.seek(std::io::SeekFrom::Start(at))?;
    file.read(buf)
}

/// As [`read_small`], with a deadline.
pub fn read_small_within(path: &Path, max: u64) -> Result<Vec<u8>, OpenError> {
    let owned = path.to_path_buf();
    deadline::within(path, move || read_small(&owned, max)).map_err(OpenError::Waiting)?
}

/// Reads a small file whole (team.json, profile.json), refusing anything
/// larger than `max` bytes without reading it. A UTF-8 byte-order mark, as
/// Windows editors write, is dropped.
pub fn read_small(path: &Path, max: u64) -> Result<Vec<u8>, OpenError> {
    let (file, len) = open_read(path)?;
    if len > max {
        return Err(OpenError::Refused(Refusal::TooLarge));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| OpenError::from_io(&err))?;
    if bytes.len() as u64 > max {
        return Err(OpenError::Refused(Refusal::TooLarge));
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    Ok(bytes)
}

/// Writes a small file whole: to a temp file created exclusively beside it,
/// synced, then renamed over the name, so a sync engine never sees half of
/// it and a link placed at the name is replaced, not followed.
pub fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), CoreError> {
    crate::atomic::replace(path, io_error, |temp| {
        let mut file = create_new(temp).map_err(|err| err.into_core(temp))?;
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(|err| io_error(temp, err))
    })
}

/// Makes sure `dir` is a real folder (created if missing), never a link.
pub fn ensure_dir(dir: &Path) -> Result<(), CoreError> {
    match fs::create_dir(dir) {
        Ok(()) => {}
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(err) => return Err(io_error(dir, err)),
    }
    let meta = fs::symlink_metadata(dir).map_err(|err| io_error(dir, err))?;
    if meta.file_type().is_symlink() {
        return Err(OpenError::Refused(Refusal::Link).into_core(dir));
    }
    if !meta.is_dir() {
        return Err(OpenError::Refused(Refusal::NotAFolder).into_core(dir));
    }
    Ok(())
}

/// In this member's own folder: takes away what stands at `path`. A
/// file, a link or a pipe is removed; a folder is moved aside as
/// [`make_room`] does (it may hold what someone put there). Returns
/// whether a folder was moved.
pub fn take_away(path: &Path) -> Result<bool, CoreError> {
    if fs::symlink_metadata(path).is_ok_and(|meta| meta.is_dir()) {
        return make_room(path, Keeps::File);
    }
    match fs::remove_file(path) {
        Ok(()) => Ok(false),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(err) => Err(io_error(path, err)),
    }
}

/// In this member's own folder: makes room at `path` for what Fanday
/// keeps there, noting what was in the way (by its path in the team
/// folder `team`), for the person to be told.
pub fn own_room(
    team: &Path,
    path: &Path,
    keeps: Keeps,
    replaced: &mut Vec<String>,
) -> Result<(), CoreError> {
    if make_room(path, keeps)? {
        replaced.push(relative(team, path));
    }
    Ok(())
}

/// As [`take_away`], noting a folder moved aside as [`own_room`] does.
pub fn take_away_own(
    team: &Path,
    path: &Path,
    replaced: &mut Vec<String>,
) -> Result<(), CoreError> {
    if take_away(path)? {
        replaced.push(relative(team, path));
    }
    Ok(())
}

/// What this member's app keeps at a name in its own folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keeps {
    Folder,
    File,
}

/// In this member's own folder, which only their app writes: makes room at
/// `path` for what Fanday keeps there. A link is removed itself, never
/// followed; a pipe or a device is removed; a file or a folder where the
/// other belongs is moved aside under a hidden name, so nothing anyone put
/// there is lost. Returns whether something was in the way.
pub fn make_room(path: &Path, keeps: Keeps) -> Result<bool, CoreError> {
    let kind = match fs::symlink_metadata(path) {
        Ok(meta) => meta.file_type(),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(err) => return Err(io_error(path, err)),
    };
    let fits = match keeps {
        Keeps::Folder => kind.is_dir(),
        Keeps::File => kind.is_file(),
    };
    if fits {
        return Ok(false);
    }
    let cleared = if kind.is_symlink() {
        remove_link(path)
    } else if kind.is_dir() || kind.is_file() {
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let aside = format!(".{name}.replaced-{}.tmp", uuid::Uuid::now_v7().simple());
        fs::rename(path, path.with_file_name(aside))
    } else {
        fs::remove_file(path)
    };
    cleared.map_err(|err| io_error(path, err))?;
    Ok(true)
}

/// Removes a link itself, whatever it points to.
fn remove_link(path: &Path) -> std::io::Result<()> {
    #[cfg(windows)]
    {
        use std::os::windows::fs::FileTypeExt;
        if fs::symlink_metadata(path)?.file_type().is_symlink_dir() {
            return fs::remove_dir(path);
        }
    }
    fs::remove_file(path)
}

/// Is `dir` a real folder (not a link to one)?
pub fn is_real_dir(dir: &Path) -> Result<bool, Refusal> {
    match fs::symlink_metadata(dir) {
        Ok(meta) if meta.file_type().is_symlink() => Err(Refusal::Link),
        Ok(meta) if meta.is_dir() => Ok(true),
        Ok(_) => Err(Refusal::NotAFolder),
        Err(_) => Ok(false),
    }
}

/// What a folder entry is, without following it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Dir,
    File,
    Link,
    Other,
}

pub fn entry_kind(entry: &DirEntry) -> EntryKind {
    match entry.file_type() {
        Ok(t) if t.is_symlink() => EntryKind::Link,
        Ok(t) if t.is_dir() => EntryKind::Dir,
        Ok(t) if t.is_file() => EntryKind::File,
        _ => EntryKind::Other,
    }
}

/// The entries of a folder with their kinds, sorted by name.
pub fn list(dir: &Path) -> std::io::Result<Vec<(String, PathBuf, EntryKind)>> {
    let mut entries: Vec<(String, PathBuf, EntryKind)> = fs::read_dir(dir)?
        .filter_map(|entry| entry.ok())
        .map(|entry| {
            (
                entry.file_name().to_string_lossy().into_owned(),
                entry.path(),
                entry_kind(&entry),
            )
        })
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(entries)
}

pub fn member_dir(folder: &Path, member: &str) -> PathBuf {
    folder.join(MEMBERS_DIR).join(member)
}

pub fn relative(folder: &Path, path: &Path) -> String {
    path.strip_prefix(folder)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The team folder as the file system shows it: whether it can be reached
/// (its team.json is there) and which folder it is (on Unix its device and
/// inode: a share mounted again is another folder, to be watched again).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FolderSighting {
    pub reachable: bool,
    pub identity: Option<(u64, u64)>,
}

/// Looks at the team folder, with the folder's deadline: one that does not
/// answer in time cannot be reached.
pub fn sight_folder(folder: &Path) -> FolderSighting {
    let owned = folder.to_path_buf();
    deadline::within(&folder.join(TEAM_FILE), move || {
        let reachable = fs::symlink_metadata(owned.join(TEAM_FILE)).is_ok();
        #[cfg(unix)]
        let identity = {
            use std::os::unix::fs::MetadataExt;
            fs::metadata(&owned)
                .ok()
                .map(|meta| (meta.dev(), meta.ino()))
        };
        #[cfg(not(unix))]
        let identity = None;
        FolderSighting {
            reachable,
            identity,
        }
    })
    .unwrap_or(FolderSighting {
        reachable: false,
        identity: None,
    })
}

/// How the folder's files look to the file system, as one number: team.json
/// and every file in the members' own folders and their folders of lines
/// for followers (their names, lengths and times; not what is in them, and
/// not the story folders). The same number again says nobody's file
/// changed, also where a sync engine rewrites a file in place, which
/// leaves its folder's time as it was. `None` where the folder does not
/// answer in time.
pub fn files_look(folder: &Path) -> Option<u64> {
    use std::hash::{Hash, Hasher};
    let owned = folder.to_path_buf();
    deadline::within(&folder.join(MEMBERS_DIR), move || {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        let mut look = |path: &Path| {
            let meta = fs::symlink_metadata(path).ok();
            if let Some(meta) = &meta {
                (path, meta.len(), meta.modified().ok(), meta.is_dir()).hash(&mut hasher);
            }
            meta
        };
        let sorted_entries = |dir: &Path| {
            let mut entries: Vec<PathBuf> = fs::read_dir(dir)
                .into_iter()
                .flatten()
                .flatten()
                .map(|entry| entry.path())
                .collect();
            entries.sort();
            entries
        };
        look(&owned.join(TEAM_FILE));
        for member in sorted_entries(&owned.join(MEMBERS_DIR)) {
            look(&member);
            for file in sorted_entries(&member) {
                let is_open_dir = look(&file).is_some_and(|meta| meta.is_dir())
                    && file.file_name().is_some_and(|name| name == OPEN_DIR);
                if is_open_dir {
                    for open_file in sorted_entries(&file) {
                        look(&open_file);
                    }
                }
            }
        }
        hasher.finish()
    })
    .ok()
}

/// A short, stable fingerprint of some bytes: how a file is recognised as
/// the one read before.
pub fn short_hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    crate::team_event::hex(&digest[..12])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn links_pipes_and_folders_are_refused_and_a_pipe_never_blocks() {
        let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
        let link = dir.path().join("link");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(
            open_read(&link).err(),
            Some(OpenError::Refused(Refusal::Link))
        );
        let pipe = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&pipe).status();
        if made.is_ok_and(|s| s.success()) {
            assert_eq!(
                open_read(&pipe).err(),
                Some(OpenError::Refused(Refusal::NotRegular))
            );
            assert!(open_append(&pipe).is_err());
        }
        assert_eq!(
            open_read(dir.path()).err(),
            Some(OpenError::Refused(Refusal::FolderNotFile))
        );
        assert_eq!(
            open_read(&dir.path().join("none")).err(),
            Some(OpenError::Missing)
        );
    }

    #[test]
    fn a_whole_write_replaces_a_link_rather_than_following_it() {
        let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
        let outside = dir.path().join("outside.txt");
        fs::write(&outside, "keep me").unwrap_or_else(|err| panic!("{err}"));
        let target = dir.path().join("profile.json");
        #[cfg(unix)]
        std::os::unix::fs::symlink(&outside, &target).unwrap_or_else(|err| panic!("{err}"));
        write_whole(&target, b"{}").unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(fs::read_to_string(&outside).unwrap_or_default(), "keep me");
        assert_eq!(fs::read_to_string(&target).unwrap_or_default(), "{}");
    }

    #[test]
    fn a_small_file_is_read_without_its_byte_order_mark_and_a_big_one_is_refused() {
        let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
        let path = dir.path().join("team.json");
        fs::write(&path, b"\xEF\xBB\xBF{\"a\":1}\r\n").unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(
            read_small(&path, MAX_SMALL_FILE).unwrap_or_default(),
            b"{\"a\":1}\r\n"
        );
        fs::write(&path, vec![b' '; 100]).unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(
            read_small(&path, 10).err(),
            Some(OpenError::Refused(Refusal::TooLarge))
        );
    }
}

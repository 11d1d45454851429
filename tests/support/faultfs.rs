//! A team folder that fails the way cloud folders and network shares do: a
//! real FUSE mount (through /dev/fuse, the `fuser` crate) in front of an
//! ordinary folder, passing every call through, except where a test asks
//! for a fault: chosen files that fail to open or read with an error for a
//! while, block on their first open (as an online-only OneDrive file does
//! while it downloads), or vanish and come back. What sync engines do to
//! the files themselves (older versions, conflict copies) the tests do to
//! the folder behind the mount.

// Shared by several test binaries; each uses only part of it.
#![allow(dead_code)]

use fuser::{
    Config, Errno, FileAttr, FileHandle, FileType, Filesystem, FopenFlags, Generation, INodeNo,
    LockOwner, MountOption, OpenFlags, RenameFlags, ReplyAttr, ReplyCreate, ReplyData,
    ReplyDirectory, ReplyEmpty, ReplyEntry, ReplyOpen, ReplyStatfs, ReplyWrite, Request, TimeOrNow,
    WriteFlags,
};
use std::collections::HashMap;
use std::ffi::OsStr;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{FileExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// Nothing is cached by the kernel: a fault set now is seen at once.
const NO_CACHE: Duration = Duration::ZERO;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// Opening fails with this error.
    FailOpen(i32),
    /// Reading fails with this error.
    FailRead(i32),
    /// Creating a file fails with this error.
    FailCreate(i32),
    /// The first open waits this long, then goes through.
    BlockFirstOpen(Duration),
    /// The file is not there.
    Vanish,
}

#[derive(Debug, Clone)]
struct Rule {
    /// A part of the file's path in the folder, such as `members/<id>/`.
    pattern: String,
    fault: Fault,
    until: Option<Instant>,
    /// Only for other processes (the apps a test started), not for the
    /// Fanday the test itself runs, which stands for another PC.
    others_only: bool,
}

/// Paths (relative, "" for the root) by inode number, and back, and the
/// last number given.
type Inodes = (HashMap<u64, PathBuf>, HashMap<PathBuf, u64>, u64);

#[derive(Default)]
struct Inner {
    rules: Mutex<Vec<Rule>>,
    inodes: Mutex<Inodes>,
    handles: Mutex<HashMap<u64, (Arc<File>, bool)>>,
    next_handle: Mutex<u64>,
    /// Files whose first open was held back already, per process: each
    /// PC downloads an online-only file for itself.
    held: Mutex<Vec<(PathBuf, u32)>>,
    /// How many opens each rule's files saw, for the tests to tell.
    opens: Mutex<HashMap<PathBuf, u32>>,
}

struct FaultFs {
    backing: PathBuf,
    inner: Arc<Inner>,
}

/// The process a request comes from (FUSE names the calling thread).
fn process_of(req: &Request) -> u32 {
    let thread = req.pid();
    fs::read_to_string(format!("/proc/{thread}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("Tgid:"))
                .and_then(|tgid| tgid.trim().parse().ok())
        })
        .unwrap_or(thread)
}

fn errno(err: &std::io::Error) -> Errno {
    Errno::from_i32(err.raw_os_error().unwrap_or(libc::EIO))
}

impl Inner {
    fn fault(&self, rel: &Path, process: u32, wanted: impl Fn(&Fault) -> bool) -> Option<Fault> {
        let text = rel.to_string_lossy();
        let now = Instant::now();
        let mut rules = self.rules.lock().unwrap_or_else(|p| p.into_inner());
        rules.retain(|rule| rule.until.map_or(true, |until| until > now));
        rules
            .iter()
            .filter(|rule| !rule.others_only || process != std::process::id())
            .find(|rule| text.contains(&rule.pattern) && wanted(&rule.fault))
            .map(|rule| rule.fault)
    }

    fn vanished(&self, rel: &Path, process: u32) -> bool {
        self.fault(rel, process, |f| *f == Fault::Vanish).is_some()
    }

    fn path_of(&self, ino: INodeNo) -> Option<PathBuf> {
        if ino == INodeNo::ROOT {
            return Some(PathBuf::new());
        }
        let inodes = self.inodes.lock().unwrap_or_else(|p| p.into_inner());
        inodes.0.get(&ino.0).cloned()
    }

    fn inode_of(&self, rel: &Path) -> u64 {
        if rel.as_os_str().is_empty() {
            return INodeNo::ROOT.0;
        }
        let mut inodes = self.inodes.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(ino) = inodes.1.get(rel) {
            return *ino;
        }
        inodes.2 = inodes.2.max(INodeNo::ROOT.0) + 1;
        let ino = inodes.2;
        inodes.0.insert(ino, rel.to_path_buf());
        inodes.1.insert(rel.to_path_buf(), ino);
        ino
    }

    fn renamed(&self, from: &Path, to: &Path) {
        let mut inodes = self.inodes.lock().unwrap_or_else(|p| p.into_inner());
        let moved: Vec<(PathBuf, u64)> = inodes
            .1
            .iter()
            .filter(|(path, _)| path.starts_with(from))
            .map(|(path, ino)| (path.clone(), *ino))
            .collect();
        for (path, ino) in moved {
            let rest = path.strip_prefix(from).unwrap_or(Path::new(""));
            let new = if rest.as_os_str().is_empty() {
                to.to_path_buf()
            } else {
                to.join(rest)
            };
            inodes.1.remove(&path);
            if let Some(old) = inodes.1.insert(new.clone(), ino) {
                inodes.0.remove(&old);
            }
            inodes.0.insert(ino, new);
        }
    }

    fn handle(&self, file: File, append: bool) -> u64 {
        let mut next = self.next_handle.lock().unwrap_or_else(|p| p.into_inner());
        *next += 1;
        self.handles
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(*next, (Arc::new(file), append));
        *next
    }

    fn file(&self, fh: FileHandle) -> Option<(Arc<File>, bool)> {
        self.handles
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&fh.0)
            .cloned()
    }
}

impl FaultFs {
    fn attr(&self, rel: &Path) -> std::io::Result<FileAttr> {
        let meta = fs::symlink_metadata(self.backing.join(rel))?;
        let kind = if meta.file_type().is_dir() {
            FileType::Directory
        } else if meta.file_type().is_symlink() {
            FileType::Symlink
        } else if meta.file_type().is_file() {
            FileType::RegularFile
        } else {
            FileType::NamedPipe
        };
        Ok(FileAttr {
            ino: INodeNo(self.inner.inode_of(rel)),
            size: meta.len(),
            blocks: meta.blocks(),
            atime: meta.accessed().unwrap_or(SystemTime::UNIX_EPOCH),
            mtime: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
            ctime: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
            crtime: SystemTime::UNIX_EPOCH,
            kind,
            perm: (meta.permissions().mode() & 0o7777) as u16,
            nlink: meta.nlink() as u32,
            uid: meta.uid(),
            gid: meta.gid(),
            rdev: 0,
            blksize: 4096,
            flags: 0,
        })
    }

    fn child(&self, parent: INodeNo, name: &OsStr) -> Option<PathBuf> {
        self.inner.path_of(parent).map(|dir| dir.join(name))
    }

    fn entry(&self, rel: &Path, reply: ReplyEntry) {
        match self.attr(rel) {
            Ok(attr) => reply.entry(&NO_CACHE, &attr, Generation(0)),
            Err(err) => reply.error(errno(&err)),
        }
    }
}

fn open_options(flags: i32) -> OpenOptions {
    let mut options = OpenOptions::new();
    match flags & libc::O_ACCMODE {
        libc::O_WRONLY => options.write(true),
        libc::O_RDWR => options.read(true).write(true),
        _ => options.read(true),
    };
    if flags & libc::O_APPEND != 0 {
        options.append(true);
    }
    if flags & libc::O_TRUNC != 0 {
        options.truncate(true);
    }
    options.custom_flags(flags & libc::O_NONBLOCK);
    options
}

impl Filesystem for FaultFs {
    fn lookup(&self, req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEntry) {
        let Some(rel) = self.child(parent, name) else {
            return reply.error(Errno::ENOENT);
        };
        if self.inner.vanished(&rel, process_of(req)) {
            return reply.error(Errno::ENOENT);
        }
        self.entry(&rel, reply);
    }

    fn getattr(&self, _req: &Request, ino: INodeNo, _fh: Option<FileHandle>, reply: ReplyAttr) {
        let Some(rel) = self.inner.path_of(ino) else {
            return reply.error(Errno::ENOENT);
        };
        match self.attr(&rel) {
            Ok(attr) => reply.attr(&NO_CACHE, &attr),
            Err(err) => reply.error(errno(&err)),
        }
    }

    fn setattr(
        &self,
        _req: &Request,
        ino: INodeNo,
        mode: Option<u32>,
        _uid: Option<u32>,
        _gid: Option<u32>,
        size: Option<u64>,
        atime: Option<TimeOrNow>,
        mtime: Option<TimeOrNow>,
        _ctime: Option<SystemTime>,
        _fh: Option<FileHandle>,
        _crtime: Option<SystemTime>,
        _chgtime: Option<SystemTime>,
        _bkuptime: Option<SystemTime>,
        _flags: Option<fuser::BsdFileFlags>,
        reply: ReplyAttr,
    ) {
        let Some(rel) = self.inner.path_of(ino) else {
            return reply.error(Errno::ENOENT);
        };
        let path = self.backing.join(&rel);
        let done = (|| -> std::io::Result<()> {
            if let Some(mode) = mode {
                fs::set_permissions(&path, fs::Permissions::from_mode(mode))?;
            }
            if let Some(size) = size {
                OpenOptions::new().write(true).open(&path)?.set_len(size)?;
            }
            let time = |t: TimeOrNow| match t {
                TimeOrNow::SpecificTime(t) => t,
                TimeOrNow::Now => SystemTime::now(),
            };
            if atime.is_some() || mtime.is_some() {
                let file = File::options().write(true).open(&path)?;
                let mut times = fs::FileTimes::new();
                if let Some(t) = atime {
                    times = times.set_accessed(time(t));
                }
                if let Some(t) = mtime {
                    times = times.set_modified(time(t));
                }
                file.set_times(times)?;
            }
            Ok(())
        })();
        match done.and_then(|()| self.attr(&rel)) {
            Ok(attr) => reply.attr(&NO_CACHE, &attr),
            Err(err) => reply.error(errno(&err)),
        }
    }

    fn readlink(&self, _req: &Request, ino: INodeNo, reply: ReplyData) {
        let Some(rel) = self.inner.path_of(ino) else {
            return reply.error(Errno::ENOENT);
        };
        match fs::read_link(self.backing.join(rel)) {
            Ok(target) => reply.data(target.as_os_str().as_encoded_bytes()),
            Err(err) => reply.error(errno(&err)),
        }
    }

    fn mkdir(
        &self,
        _req: &Request,
        parent: INodeNo,
        name: &OsStr,
        _mode: u32,
        _umask: u32,
        reply: ReplyEntry,
    ) {
        let Some(rel) = self.child(parent, name) else {
            return reply.error(Errno::ENOENT);
        };
        match fs::create_dir(self.backing.join(&rel)) {
            Ok(()) => self.entry(&rel, reply),
            Err(err) => reply.error(errno(&err)),
        }
    }

    fn unlink(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEmpty) {
        let Some(rel) = self.child(parent, name) else {
            return reply.error(Errno::ENOENT);
        };
        match fs::remove_file(self.backing.join(rel)) {
            Ok(()) => reply.ok(),
            Err(err) => reply.error(errno(&err)),
        }
    }

    fn rmdir(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEmpty) {
        let Some(rel) = self.child(parent, name) else {
            return reply.error(Errno::ENOENT);
        };
        match fs::remove_dir(self.backing.join(rel)) {
            Ok(()) => reply.ok(),
            Err(err) => reply.error(errno(&err)),
        }
    }

    fn symlink(
        &self,
        _req: &Request,
        parent: INodeNo,
        link_name: &OsStr,
        target: &Path,
        reply: ReplyEntry,
    ) {
        let Some(rel) = self.child(parent, link_name) else {
            return reply.error(Errno::ENOENT);
        };
        match std::os::unix::fs::symlink(target, self.backing.join(&rel)) {
            Ok(()) => self.entry(&rel, reply),
            Err(err) => reply.error(errno(&err)),
        }
    }

    fn rename(
        &self,
        _req: &Request,
        parent: INodeNo,
        name: &OsStr,
        newparent: INodeNo,
        newname: &OsStr,
        _flags: RenameFlags,
        reply: ReplyEmpty,
    ) {
        let (Some(from), Some(to)) = (self.child(parent, name), self.child(newparent, newname))
        else {
            return reply.error(Errno::ENOENT);
        };
        match fs::rename(self.backing.join(&from), self.backing.join(&to)) {
            Ok(()) => {
                self.inner.renamed(&from, &to);
                reply.ok();
            }
            Err(err) => reply.error(errno(&err)),
        }
    }

    fn open(&self, req: &Request, ino: INodeNo, flags: OpenFlags, reply: ReplyOpen) {
        let Some(rel) = self.inner.path_of(ino) else {
            return reply.error(Errno::ENOENT);
        };
        let process = process_of(req);
        *self
            .inner
            .opens
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(rel.clone())
            .or_default() += 1;
        if let Some(Fault::FailOpen(code)) = self
            .inner
            .fault(&rel, process, |f| matches!(f, Fault::FailOpen(_)))
        {
            return reply.error(Errno::from_i32(code));
        }
        let path = self.backing.join(&rel);
        let inner = Arc::clone(&self.inner);
        let open = move || match open_options(flags.0).open(&path) {
            Ok(file) => {
                let fh = inner.handle(file, flags.0 & libc::O_APPEND != 0);
                reply.opened(FileHandle(fh), FopenFlags::FOPEN_DIRECT_IO);
            }
            Err(err) => reply.error(errno(&err)),
        };
        let block = self
            .inner
            .fault(&rel, process, |f| matches!(f, Fault::BlockFirstOpen(_)));
        let first = {
            let mut held = self.inner.held.lock().unwrap_or_else(|p| p.into_inner());
            let key = (rel.clone(), process);
            let first = !held.contains(&key);
            if first && block.is_some() {
                held.push(key);
            }
            first
        };
        match block {
            // Downloading first: the answer comes later, from another
            // thread, while the folder answers everything else meanwhile.
            Some(Fault::BlockFirstOpen(wait)) if first => {
                std::thread::spawn(move || {
                    std::thread::sleep(wait);
                    open();
                });
            }
            _ => open(),
        }
    }

    fn read(
        &self,
        req: &Request,
        ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        size: u32,
        _flags: OpenFlags,
        _lock_owner: Option<LockOwner>,
        reply: ReplyData,
    ) {
        if let Some(rel) = self.inner.path_of(ino) {
            if let Some(Fault::FailRead(code)) = self
                .inner
                .fault(&rel, process_of(req), |f| matches!(f, Fault::FailRead(_)))
            {
                return reply.error(Errno::from_i32(code));
            }
        }
        let Some((file, _)) = self.inner.file(fh) else {
            return reply.error(Errno::EBADF);
        };
        let mut buf = vec![0; size as usize];
        let mut filled = 0;
        while filled < buf.len() {
            match file.read_at(&mut buf[filled..], offset + filled as u64) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(err) => return reply.error(errno(&err)),
            }
        }
        reply.data(&buf[..filled]);
    }

    fn write(
        &self,
        _req: &Request,
        _ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        data: &[u8],
        _write_flags: WriteFlags,
        _flags: OpenFlags,
        _lock_owner: Option<LockOwner>,
        reply: ReplyWrite,
    ) {
        let Some((file, append)) = self.inner.file(fh) else {
            return reply.error(Errno::EBADF);
        };
        let written = if append {
            (&*file).write_all(data)
        } else {
            file.write_all_at(data, offset)
        };
        match written {
            Ok(()) => reply.written(data.len() as u32),
            Err(err) => reply.error(errno(&err)),
        }
    }

    fn flush(
        &self,
        _req: &Request,
        _ino: INodeNo,
        _fh: FileHandle,
        _lock_owner: LockOwner,
        reply: ReplyEmpty,
    ) {
        reply.ok();
    }

    fn release(
        &self,
        _req: &Request,
        _ino: INodeNo,
        fh: FileHandle,
        _flags: OpenFlags,
        _lock_owner: Option<LockOwner>,
        _flush: bool,
        reply: ReplyEmpty,
    ) {
        self.inner
            .handles
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&fh.0);
        reply.ok();
    }

    fn fsync(
        &self,
        _req: &Request,
        _ino: INodeNo,
        fh: FileHandle,
        _datasync: bool,
        reply: ReplyEmpty,
    ) {
        match self.inner.file(fh).map(|(file, _)| file.sync_all()) {
            Some(Ok(())) => reply.ok(),
            Some(Err(err)) => reply.error(errno(&err)),
            None => reply.error(Errno::EBADF),
        }
    }

    fn readdir(
        &self,
        req: &Request,
        ino: INodeNo,
        _fh: FileHandle,
        offset: u64,
        mut reply: ReplyDirectory,
    ) {
        let Some(rel) = self.inner.path_of(ino) else {
            return reply.error(Errno::ENOENT);
        };
        let entries = match fs::read_dir(self.backing.join(&rel)) {
            Ok(entries) => entries,
            Err(err) => return reply.error(errno(&err)),
        };
        let mut listed: Vec<(u64, FileType, std::ffi::OsString)> = vec![
            (ino.0, FileType::Directory, ".".into()),
            (ino.0, FileType::Directory, "..".into()),
        ];
        let process = process_of(req);
        for entry in entries.flatten() {
            let child = rel.join(entry.file_name());
            if self.inner.vanished(&child, process) {
                continue;
            }
            let kind = match entry.file_type() {
                Ok(t) if t.is_dir() => FileType::Directory,
                Ok(t) if t.is_symlink() => FileType::Symlink,
                Ok(t) if t.is_file() => FileType::RegularFile,
                _ => FileType::NamedPipe,
            };
            listed.push((self.inner.inode_of(&child), kind, entry.file_name()));
        }
        for (index, (child, kind, name)) in listed.into_iter().enumerate().skip(offset as usize) {
            if reply.add(INodeNo(child), index as u64 + 1, kind, name) {
                break;
            }
        }
        reply.ok();
    }

    fn statfs(&self, _req: &Request, _ino: INodeNo, reply: ReplyStatfs) {
        reply.statfs(1 << 20, 1 << 19, 1 << 19, 1 << 16, 1 << 15, 4096, 255, 4096);
    }

    fn create(
        &self,
        req: &Request,
        parent: INodeNo,
        name: &OsStr,
        mode: u32,
        _umask: u32,
        flags: i32,
        reply: ReplyCreate,
    ) {
        let Some(rel) = self.child(parent, name) else {
            return reply.error(Errno::ENOENT);
        };
        if let Some(Fault::FailCreate(code)) = self
            .inner
            .fault(&rel, process_of(req), |f| matches!(f, Fault::FailCreate(_)))
        {
            return reply.error(Errno::from_i32(code));
        }
        let mut options = open_options(flags);
        options.create(true).mode(mode & 0o777);
        if flags & libc::O_EXCL != 0 {
            options.create_new(true);
        }
        if flags & libc::O_ACCMODE == libc::O_RDONLY {
            options.write(true);
        }
        match options.open(self.backing.join(&rel)) {
            Ok(file) => match self.attr(&rel) {
                Ok(attr) => {
                    let fh = self.inner.handle(file, flags & libc::O_APPEND != 0);
                    reply.created(
                        &NO_CACHE,
                        &attr,
                        Generation(0),
                        FileHandle(fh),
                        FopenFlags::FOPEN_DIRECT_IO,
                    );
                }
                Err(err) => reply.error(errno(&err)),
            },
            Err(err) => reply.error(errno(&err)),
        }
    }
}

/// A folder behind a FUSE mount whose faults the test sets.
pub struct FaultyFolder {
    /// Where the apps see the folder.
    pub mount: PathBuf,
    /// The folder behind it, as a sync engine changes it.
    pub backing: PathBuf,
    inner: Arc<Inner>,
    session: Option<fuser::BackgroundSession>,
    _dirs: tempfile::TempDir,
}

impl FaultyFolder {
    /// Mounts an empty folder. FUSE works on these machines and in CI: a
    /// mount that fails is a failed test, never a skipped one.
    pub fn new() -> FaultyFolder {
        let dirs = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
        let mount = dirs.path().join("Teammapp");
        let backing = dirs.path().join("behind");
        for dir in [&mount, &backing] {
            fs::create_dir(dir).unwrap_or_else(|err| panic!("{err}"));
        }
        let mut folder = FaultyFolder {
            mount,
            backing,
            inner: Arc::new(Inner::default()),
            session: None,
            _dirs: dirs,
        };
        folder.mount_again();
        folder
    }

    /// (Re)mounts the folder, as a share that comes back.
    pub fn mount_again(&mut self) {
        clear_dead_mount(&self.mount);
        let mut config = Config::default();
        config.mount_options = vec![
            MountOption::FSName("fanday-faults".into()),
            MountOption::DefaultPermissions,
        ];
        config.n_threads = Some(4);
        let mut tries = 0;
        let session = loop {
            let fs = FaultFs {
                backing: self.backing.clone(),
                inner: Arc::clone(&self.inner),
            };
            match fuser::spawn_mount(fs, &self.mount, &config) {
                Ok(session) => break session,
                // The kernel may still be letting go of the last mount.
                Err(_) if tries < 20 => {
                    tries += 1;
                    clear_dead_mount(&self.mount);
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                Err(err) => panic!(
                    "cannot mount a FUSE folder at {} ({err}); /dev/fuse must be usable",
                    self.mount.display()
                ),
            }
        };
        self.session = Some(session);
    }

    /// Unmounts it, as a share that goes away: the path is an empty folder.
    /// Calls still waiting on it (an open held back) fail at once, as on a
    /// share that drops: the connection is aborted first.
    pub fn unmount(&mut self) {
        if let Some(session) = self.session.take() {
            abort_connection(&self.mount);
            let _ = session.umount_and_join();
            clear_dead_mount(&self.mount);
        }
    }

    fn add(&self, pattern: &str, fault: Fault, for_: Option<Duration>, others_only: bool) {
        self.inner
            .rules
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Rule {
                pattern: pattern.to_string(),
                fault,
                until: for_.map(|d| Instant::now() + d),
                others_only,
            });
    }

    /// Files whose path holds `pattern` fail to open with `errno` (EIO,
    /// EACCES, ...) for `for_`.
    pub fn fail_opens(&self, pattern: &str, errno: i32, for_: Duration) {
        self.add(pattern, Fault::FailOpen(errno), Some(for_), false);
    }

    /// Reading them fails with `errno` for `for_`.
    pub fn fail_reads(&self, pattern: &str, errno: i32, for_: Duration) {
        self.add(pattern, Fault::FailRead(errno), Some(for_), false);
    }

    /// Creating files there fails with `errno` (ENOSPC: the disk is
    /// full) for `for_`.
    pub fn fail_creates(&self, pattern: &str, errno: i32, for_: Duration) {
        self.add(pattern, Fault::FailCreate(errno), Some(for_), false);
    }

    /// Their first open in each process waits `wait` before it goes
    /// through.
    pub fn block_first_open(&self, pattern: &str, wait: Duration) {
        self.add(pattern, Fault::BlockFirstOpen(wait), None, false);
    }

    /// As [`FaultyFolder::block_first_open`], only for the apps the test
    /// started, each downloading for itself: the Fanday the test runs
    /// itself stands for a PC that has the files.
    pub fn block_first_open_for_apps(&self, pattern: &str, wait: Duration) {
        self.add(pattern, Fault::BlockFirstOpen(wait), None, true);
    }

    /// They are not there for `for_`, then back.
    pub fn vanish(&self, pattern: &str, for_: Duration) {
        self.add(pattern, Fault::Vanish, Some(for_), false);
    }

    /// Every fault lifted.
    pub fn heal(&self) {
        self.inner
            .rules
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }

    /// How many times files whose path holds `pattern` were opened.
    pub fn opens(&self, pattern: &str) -> u32 {
        self.inner
            .opens
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter(|(path, _)| path.to_string_lossy().contains(pattern))
            .map(|(_, n)| n)
            .sum()
    }
}

/// Aborts the FUSE connection behind `mount` (through the fusectl file
/// system, mounted here if it is not yet): whatever waits on it fails.
/// A mount whose connection was aborted can stay behind as a dead one
/// ("Transport endpoint is not connected") when its unmount lost the race:
/// it is detached, so the folder can be mounted again.
fn clear_dead_mount(mount: &Path) {
    for _ in 0..50 {
        match fs::metadata(mount) {
            Err(err) if err.raw_os_error() == Some(libc::ENOTCONN) => {
                for fusermount in ["fusermount3", "fusermount"] {
                    let _ = std::process::Command::new(fusermount)
                        .args(["-u", "-z"])
                        .arg(mount)
                        .stderr(std::process::Stdio::null())
                        .status();
                }
                let _ = std::process::Command::new("umount")
                    .arg("-l")
                    .arg(mount)
                    .stderr(std::process::Stdio::null())
                    .status();
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            _ => return,
        }
    }
}

fn abort_connection(mount: &Path) {
    let Ok(meta) = fs::metadata(mount) else {
        return;
    };
    let minor = libc::minor(meta.dev());
    let connections = Path::new("/sys/fs/fuse/connections");
    if fs::read_dir(connections).map_or(true, |mut entries| entries.next().is_none()) {
        let _ = std::process::Command::new("mount")
            .args(["-t", "fusectl", "none"])
            .arg(connections)
            .status();
    }
    let _ = fs::write(connections.join(minor.to_string()).join("abort"), "1");
}

impl Drop for FaultyFolder {
    fn drop(&mut self) {
        self.heal();
        self.unmount();
    }
}

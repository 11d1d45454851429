//! A file of the team folder that cannot be read just now is *waiting*,
//! never damaged: online-only and not downloaded yet, held by another
//! program, on a share that is away, or not answering. Only bytes that were
//! read and are wrong are damage. A waiting file is tried again at later
//! passes, each time a little later (back-off), and the Team status says
//! which files wait and why.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Mutex;

/// Why a file cannot be read just now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WaitReason {
    /// Online-only and not downloaded yet, or its cloud provider (the
    /// OneDrive client, say) is not running or could not download it.
    NotDownloaded,
    /// Another program holds it (antivirus, backup, the sync client), or
    /// access to it is refused just now.
    Held,
    /// The network or the share it is on cannot be reached.
    Offline,
    /// The disk or the network answered with an error.
    Failed,
    /// It did not answer in time (a download that takes long, a share that
    /// hangs).
    NoAnswer,
}

impl WaitReason {
    pub const ALL: [WaitReason; 5] = [
        WaitReason::NotDownloaded,
        WaitReason::Held,
        WaitReason::Offline,
        WaitReason::Failed,
        WaitReason::NoAnswer,
    ];

    pub fn code(self) -> &'static str {
        match self {
            WaitReason::NotDownloaded => "not_downloaded",
            WaitReason::Held => "held",
            WaitReason::Offline => "offline",
            WaitReason::Failed => "failed",
            WaitReason::NoAnswer => "no_answer",
        }
    }

    /// In English, for logs and tests; the window words it from `code`.
    pub fn describe(self) -> &'static str {
        match self {
            WaitReason::NotDownloaded => "not downloaded to this PC yet",
            WaitReason::Held => "held by another program",
            WaitReason::Offline => "on a network that cannot be reached",
            WaitReason::Failed => "the disk or network answered with an error",
            WaitReason::NoAnswer => "did not answer in time",
        }
    }
}

impl std::fmt::Display for WaitReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.describe())
    }
}

/// Why an error of the file system means "not just now". Every error that
/// is not a refusal of what the file is (a link, a pipe, a folder) lands
/// here: a file that could not be read was not read, so nothing in it can
/// be wrong yet.
pub fn reason_of(err: &std::io::Error) -> WaitReason {
    match err.raw_os_error() {
        Some(code) => reason_of_code(code),
        None if err.kind() == std::io::ErrorKind::TimedOut => WaitReason::NoAnswer,
        None => WaitReason::Failed,
    }
}

#[cfg(unix)]
fn reason_of_code(code: i32) -> WaitReason {
    match code {
        libc::EACCES | libc::EPERM | libc::EBUSY | libc::ETXTBSY => WaitReason::Held,
        libc::ENETUNREACH
        | libc::ENETDOWN
        | libc::EHOSTUNREACH
        | libc::EHOSTDOWN
        | libc::ENOTCONN
        | libc::ECONNRESET
        | libc::ECONNABORTED
        | libc::ECONNREFUSED
        | libc::ESTALE
        | libc::ENOMEDIUM => WaitReason::Offline,
        libc::ETIMEDOUT => WaitReason::NoAnswer,
        _ => WaitReason::Failed,
    }
}

/// Windows' own codes (GetLastError), as `raw_os_error` gives them.
#[cfg(not(unix))]
fn reason_of_code(code: i32) -> WaitReason {
    const ACCESS_DENIED: i32 = 5;
    const SHARING_VIOLATION: i32 = 32;
    const LOCK_VIOLATION: i32 = 33;
    const REM_NOT_LIST: i32 = 51;
    const BAD_NETPATH: i32 = 53;
    const NETWORK_BUSY: i32 = 54;
    const DEV_NOT_EXIST: i32 = 55;
    const UNEXP_NET_ERR: i32 = 59;
    const NETNAME_DELETED: i32 = 64;
    const BAD_NET_NAME: i32 = 67;
    const SEM_TIMEOUT: i32 = 121;
    const USER_MAPPED_FILE: i32 = 1224;
    const NO_NETWORK: i32 = 1222;
    const NETWORK_UNREACHABLE: i32 = 1231;
    const HOST_UNREACHABLE: i32 = 1232;
    const CONNECTION_ABORTED: i32 = 1236;
    const WAIT_TIMEOUT: i32 = 258;
    /// ERROR_CLOUD_FILE_SYNC_ROOT_METADATA_CORRUPT to
    /// ERROR_CLOUD_FILE_PROVIDER_TERMINATED: the cloud-file errors of
    /// placeholders (provider not running, download failed, in use, ...).
    const CLOUD_FILE: std::ops::RangeInclusive<i32> = 358..=404;
    const CLOUD_FILE_REQUEST_TIMEOUT: i32 = 426;
    const CLOUD_FILE_DEHYDRATION_DISALLOWED: i32 = 434;
    const CLOUD_FILE_US_MESSAGE_TIMEOUT: i32 = 475;
    const CLOUD_FILE_NETWORK_UNAVAILABLE: i32 = 388;
    match code {
        ACCESS_DENIED | SHARING_VIOLATION | LOCK_VIOLATION | USER_MAPPED_FILE => WaitReason::Held,
        CLOUD_FILE_NETWORK_UNAVAILABLE => WaitReason::Offline,
        CLOUD_FILE_REQUEST_TIMEOUT | CLOUD_FILE_US_MESSAGE_TIMEOUT => WaitReason::NoAnswer,
        code if CLOUD_FILE.contains(&code) || code == CLOUD_FILE_DEHYDRATION_DISALLOWED => {
            WaitReason::NotDownloaded
        }
        REM_NOT_LIST | BAD_NETPATH | NETWORK_BUSY | DEV_NOT_EXIST | UNEXP_NET_ERR
        | NETNAME_DELETED | BAD_NET_NAME | NO_NETWORK | NETWORK_UNREACHABLE | HOST_UNREACHABLE
        | CONNECTION_ABORTED => WaitReason::Offline,
        SEM_TIMEOUT | WAIT_TIMEOUT => WaitReason::NoAnswer,
        _ => WaitReason::Failed,
    }
}

/// The first try again after a file could not be read, doubled at each
/// try up to [`LONGEST_RETRY`].
pub const FIRST_RETRY: Duration = Duration::seconds(5);
pub const LONGEST_RETRY: Duration = Duration::minutes(5);

/// A file that waits, as the Team status lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaitingFile {
    /// Its path in the team folder.
    pub path: String,
    pub code: &'static str,
    /// In English, for logs; the window words it from `code`.
    pub reason: String,
    /// Since when it has not been read.
    pub since: DateTime<Utc>,
    pub tries: u32,
}

#[derive(Debug, Clone)]
struct Wait {
    reason: WaitReason,
    since: DateTime<Utc>,
    tries: u32,
    next_try: DateTime<Utc>,
}

/// Which files of the team folder wait, and when each is tried again. Kept
/// while the app runs: after a restart every file is tried at once.
#[derive(Debug, Default)]
pub struct WaitBook(Mutex<HashMap<String, Wait>>);

impl WaitBook {
    fn book(&self) -> std::sync::MutexGuard<'_, HashMap<String, Wait>> {
        crate::lock::locked(&self.0)
    }

    /// May `path` be tried now?
    pub fn is_due(&self, path: &str, now: DateTime<Utc>) -> bool {
        self.book()
            .get(path)
            .map_or(true, |wait| wait.next_try <= now)
    }

    /// `path` could not be read: it is tried again later, each time later.
    pub fn waited(&self, path: &str, reason: WaitReason, now: DateTime<Utc>) {
        let mut book = self.book();
        let wait = book.entry(path.to_string()).or_insert(Wait {
            reason,
            since: now,
            tries: 0,
            next_try: now,
        });
        wait.reason = reason;
        wait.tries = wait.tries.saturating_add(1);
        let doublings = wait.tries.saturating_sub(1).min(16);
        let delay = FIRST_RETRY
            .checked_mul(1 << doublings)
            .unwrap_or(LONGEST_RETRY)
            .min(LONGEST_RETRY);
        wait.next_try = now + delay;
    }

    /// `path` was read (or is gone): it waits no longer.
    pub fn answered(&self, path: &str) {
        self.book().remove(path);
    }

    /// Since when the longest-waiting file under `prefix` has waited.
    pub fn waiting_since(&self, prefix: &str) -> Option<DateTime<Utc>> {
        self.book()
            .iter()
            .filter(|(path, _)| path.starts_with(prefix))
            .map(|(_, wait)| wait.since)
            .min()
    }

    /// Forgets every file (the team was left, or another joined).
    pub fn clear(&self) {
        self.book().clear();
    }

    /// The files that wait, by path.
    pub fn list(&self) -> Vec<WaitingFile> {
        let mut files: Vec<WaitingFile> = self
            .book()
            .iter()
            .map(|(path, wait)| WaitingFile {
                path: path.clone(),
                code: wait.reason.code(),
                reason: wait.reason.describe().to_string(),
                since: wait.since,
                tries: wait.tries,
            })
            .collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_795_000_000 + seconds, 0).unwrap_or_default()
    }

    #[test]
    fn a_file_that_cannot_be_read_is_tried_again_each_time_later_up_to_five_minutes() {
        let book = WaitBook::default();
        let path = "members/sara/events-1.jsonl";
        assert!(book.is_due(path, at(0)));
        book.waited(path, WaitReason::Held, at(0));
        assert!(!book.is_due(path, at(4)));
        assert!(book.is_due(path, at(5)));
        book.waited(path, WaitReason::Held, at(5));
        assert!(!book.is_due(path, at(14)));
        assert!(book.is_due(path, at(15)));
        for _ in 0..20 {
            book.waited(path, WaitReason::Failed, at(15));
        }
        assert!(!book.is_due(path, at(15 + 299)));
        assert!(book.is_due(path, at(15 + 300)));
        let listed = book.list();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].code, "failed");
        assert_eq!(listed[0].since, at(0), "it waits since the first try");
        assert_eq!(book.waiting_since("members/sara/"), Some(at(0)));
        assert_eq!(book.waiting_since("members/ali/"), None);
        book.answered(path);
        assert!(book.is_due(path, at(16)));
        assert!(book.list().is_empty());
    }

    fn os_error(code: i32) -> std::io::Error {
        std::io::Error::from_raw_os_error(code)
    }

    #[cfg(unix)]
    #[test]
    fn what_a_cloud_folder_or_a_share_answers_on_linux_is_waiting() {
        assert_eq!(reason_of(&os_error(libc::EIO)), WaitReason::Failed);
        assert_eq!(reason_of(&os_error(libc::EAGAIN)), WaitReason::Failed);
        assert_eq!(reason_of(&os_error(libc::EACCES)), WaitReason::Held);
        assert_eq!(reason_of(&os_error(libc::EBUSY)), WaitReason::Held);
        assert_eq!(reason_of(&os_error(libc::ENOTCONN)), WaitReason::Offline);
        assert_eq!(reason_of(&os_error(libc::ESTALE)), WaitReason::Offline);
        assert_eq!(reason_of(&os_error(libc::EHOSTDOWN)), WaitReason::Offline);
        assert_eq!(reason_of(&os_error(libc::ETIMEDOUT)), WaitReason::NoAnswer);
    }

    #[cfg(windows)]
    #[test]
    fn what_onedrive_or_a_network_share_answers_on_windows_is_waiting() {
        // Sharing and lock violations: antivirus, backup, the sync client.
        assert_eq!(reason_of(&os_error(32)), WaitReason::Held);
        assert_eq!(reason_of(&os_error(33)), WaitReason::Held);
        assert_eq!(reason_of(&os_error(5)), WaitReason::Held);
        // ERROR_CLOUD_FILE_PROVIDER_NOT_RUNNING: OneDrive not started yet.
        assert_eq!(reason_of(&os_error(362)), WaitReason::NotDownloaded);
        // ERROR_CLOUD_FILE_UNSUCCESSFUL, _REQUEST_ABORTED, _IN_USE.
        assert_eq!(reason_of(&os_error(389)), WaitReason::NotDownloaded);
        assert_eq!(reason_of(&os_error(393)), WaitReason::NotDownloaded);
        assert_eq!(reason_of(&os_error(391)), WaitReason::NotDownloaded);
        assert_eq!(reason_of(&os_error(388)), WaitReason::Offline);
        assert_eq!(reason_of(&os_error(426)), WaitReason::NoAnswer);
        // A share that is away: network name deleted, unreachable.
        assert_eq!(reason_of(&os_error(64)), WaitReason::Offline);
        assert_eq!(reason_of(&os_error(53)), WaitReason::Offline);
        assert_eq!(reason_of(&os_error(1231)), WaitReason::Offline);
        assert_eq!(reason_of(&os_error(121)), WaitReason::NoAnswer);
        // ERROR_CRC: bytes the disk could not give.
        assert_eq!(reason_of(&os_error(23)), WaitReason::Failed);
    }
}

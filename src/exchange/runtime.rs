//! What the app keeps about the team folder while it runs: who writes,
//! what of its own folder was read back, what waits, what was seen.

use std::sync::atomic::AtomicBool;
use std::sync::Mutex;

/// What the app keeps about the team folder while it runs.
#[derive(Default)]
pub(crate) struct Runtime {
    /// One writer of this PC's own file at a time.
    pub(crate) writer: Mutex<()>,
    /// This PC's own folder was read back since the store was opened (or
    /// restored, or the team joined): the numbers it holds are known.
    pub(crate) own_read: AtomicBool,
    /// The team's state, as folded from the log and kept up to date.
    pub(crate) current: crate::team::current::Current,
    /// What stood in the way in this PC's own folder and went, until the
    /// next read tells the person once.
    pub(crate) replaced: Mutex<Vec<String>>,
    /// Files of the folder that cannot be read just now.
    pub(crate) waits: crate::folder::waits::WaitBook,
    /// Files read to their end, as the file system showed them then.
    pub(crate) sightings: super::survey::Sightings,
    /// Stories whose text file cannot be read just now: looked for again,
    /// each time a little later.
    pub(crate) texts: crate::folder::waits::WaitBook,
    /// Where the look at the texts of those asking to join goes on.
    pub(crate) texts_window: std::sync::atomic::AtomicU64,
    /// Who writes to the folder in the background (the app's reading loop,
    /// woken by this): commands then only store and queue their events.
    /// Without it (the command line, the tests) they are written at once.
    pub(crate) sender: Mutex<Option<Sender>>,
    /// What stood in the way at the last reading, as a code the window
    /// words: the team switch tells of a team out of view that needs a look.
    pub(crate) trouble: Mutex<Option<String>>,
    /// Why this member's lines for followers could not be written at the
    /// last write (a region stays behind meanwhile); none once they are.
    pub(crate) open_trouble: Mutex<Option<super::report::SendError>>,
    /// This member's files of lines for followers that cannot be read
    /// just now. Kept apart from `waits`, which decides how long this
    /// member's events files are waited for.
    pub(crate) open_waits: crate::folder::waits::WaitBook,
}

/// Wakes whoever writes this PC's events to the folder.
pub(crate) type Sender = std::sync::Arc<dyn Fn() + Send + Sync>;

impl Runtime {
    /// After a restore or a change of team, what the folder holds of ours
    /// must be read again before the next number is given out.
    pub(crate) fn forget_own_read(&self) {
        self.own_read
            .store(false, std::sync::atomic::Ordering::SeqCst);
        self.waits.clear();
        self.open_waits.clear();
        *crate::lock::locked(&self.open_trouble) = None;
        self.sightings.clear();
        self.current.forget();
        self.texts.clear();
    }
}

//! The team folder: no server, one folder a sync engine keeps in step.
//! Each member's app writes only its own `members/<id>/events-<n>.jsonl`
//! and reads everyone's, verifying every line against the member's pinned
//! key and applying the rules of authority. The folder is hostile input:
//! whatever is wrong in it is refused with a reason and never fatal, and no
//! file of any size or kind costs more than a small, constant memory. The
//! protocol is written down in docs/TEAM-FOLDER.md.

mod accepted;
mod allowance;
mod authority;
pub mod body;
mod catalogue;
mod chain;
mod content;
mod current;
mod events;
mod facade;
pub(crate) mod feed;
mod fold;
#[cfg(test)]
mod fold_property;
mod folder_survey;
pub(crate) mod lineup;
mod lineup_facade;
mod log;
mod member_changes;
pub(crate) mod membership;
mod outbox;
mod project;
mod proposals;
mod read;
pub mod recognition;
mod reconcile;
pub(crate) mod refusal;
mod report;
mod settle;
mod state;
mod steps;
mod story_files;
pub(crate) mod tally;
pub mod tally_insights;
mod touched;
mod verify;
mod write;

pub use crate::folder::cloud::CloudFolder;
pub use crate::folder::waits::{WaitReason, WaitingFile};
pub use crate::folder::{sight_folder, FolderSighting};
pub use body::Body;
pub use content::MAX_STORY_CHARS;
pub use feed::{feed, Comment, Story};
pub use lineup::{Lineup, LineupException, LineupStory, MAX_LINEUP_STORIES};
pub use membership::{is_lead, members, MemberFile, TeamFile, TeamInfo, TeamMember, TeamPreview};
pub use read::{Budget, MAX_FILE_BYTES};
pub use refusal::Refusal;
pub use report::{Gap, ReadReport, Skip, MAX_SKIP_ROWS};
pub use write::ROLL_OVER_BYTES;

use std::sync::atomic::AtomicBool;
use std::sync::Mutex;

/// What the app keeps about the team folder while it runs.
#[derive(Default)]
pub(crate) struct Runtime {
    /// One writer of this PC's own file at a time.
    writer: Mutex<()>,
    /// This PC's own folder was read back since the store was opened (or
    /// restored, or the team joined): the numbers it holds are known.
    own_read: AtomicBool,
    /// The team's state, as folded from the log and kept up to date.
    current: current::Current,
    /// What stood in the way in this PC's own folder and went, until the
    /// next read tells the person once.
    replaced: Mutex<Vec<String>>,
    /// Files of the folder that cannot be read just now.
    waits: crate::folder::waits::WaitBook,
    /// Files read to their end, as the file system showed them then.
    sightings: folder_survey::Sightings,
    /// Stories whose text file cannot be read just now: looked for again,
    /// each time a little later.
    texts: crate::folder::waits::WaitBook,
    /// Where the look at the texts of those asking to join goes on.
    texts_window: std::sync::atomic::AtomicU64,
    /// Who writes to the folder in the background (the app's reading loop,
    /// woken by this): commands then only store and queue their events.
    /// Without it (the command line, the tests) they are written at once.
    sender: Mutex<Option<Sender>>,
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
        self.sightings.clear();
        self.current.forget();
        self.texts.clear();
    }
}

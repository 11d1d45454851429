//! The team: no server, one folder a sync engine keeps in step. Each
//! member's app writes only its own `members/<id>/events-<n>.jsonl` and
//! reads everyone's (`crate::exchange`); here every line is verified
//! against the member's pinned key, accepted into the log, and the team's
//! state is the one fold of that log. The folder is hostile input: whatever
//! is wrong in it is refused with a reason and never fatal. The protocol is
//! written down in docs/TEAM-FOLDER.md.

pub(crate) mod accepted;
pub(crate) mod authority;
pub mod body;
pub(crate) mod catalogue;
mod chain;
mod content;
pub(crate) mod current;
pub(crate) mod events;
pub(crate) mod feed;
pub(crate) mod fold;
#[cfg(test)]
mod fold_property;
pub(crate) mod lineup;
pub(crate) mod log;
pub(crate) mod membership;
pub(crate) mod outbox;
pub(crate) mod project;
mod proposals;
pub mod recognition;
pub mod recognition_week;
pub(crate) mod reconcile;
pub(crate) mod refusal;
mod state;
mod steps;
pub(crate) mod tally;
pub mod tally_insights;
mod touched;
pub(crate) mod verify;

pub use crate::exchange::open_lines::{layout as open_files, OPEN_DIR};
pub use crate::exchange::report::{Gap, ReadReport, Skip, MAX_SKIP_ROWS};
pub use crate::exchange::story_bundles::{
    file_name as month_file_name, month_of, text as month_file_text,
};
pub use crate::exchange::{Budget, MAX_FILE_BYTES, ROLL_OVER_BYTES};
pub use crate::folder::cloud::CloudFolder;
pub use crate::folder::waits::{WaitReason, WaitingFile};
pub use crate::folder::{sight_folder, FolderSighting};
pub use body::Body;
pub use content::MAX_STORY_CHARS;
pub use feed::{feed, Comment, Story};
pub use lineup::{Lineup, LineupException, LineupStory, MAX_LINEUP_STORIES};
pub use membership::{is_lead, members, MemberFile, TeamFile, TeamInfo, TeamMember, TeamPreview};
pub use refusal::Refusal;

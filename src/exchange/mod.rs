//! This PC's exchange with the team folder: looking at what changed,
//! reading the others' files into the log in passes nothing in the folder
//! can stall, writing this PC's own file, and what follows a pass. What an
//! event means is the team's (`crate::team`); how a file is opened safely
//! is the folder's (`crate::folder`).

pub(crate) mod allowance;
pub(crate) mod open_lines;
mod own_open;
mod own_stories;
mod pass;
pub(crate) mod read;
pub(crate) mod report;
pub(crate) mod runtime;
pub(crate) mod settle;
pub(crate) mod story_bundles;
pub(crate) mod story_files;
pub(crate) mod survey;
pub(crate) mod write;

pub use allowance::Budget;
pub use read::MAX_FILE_BYTES;
pub use write::ROLL_OVER_BYTES;

//! The customers' own score (NPS), imported as the lead's survey tool
//! exports it: read from the file's bytes into weeks of answers (`read`),
//! and what the weeks say, with an honest band (`nps`). Kept on the
//! lead's PC only: nothing here is ever written to the team folder.

mod columns;
mod nps;
mod problem;
mod read;
mod redact;
mod text;
mod values;

pub use nps::{lagging_weeks, NpsWeek, MIN_ANSWERS};
pub use problem::{Counted, Problem};
pub use read::{understand, Comment, Skipped, Understood, WeekCounts};
pub use redact::{redact, Redacted, Removed};

/// How a file of answers is laid out, as far as Fanday recognises it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// One row per answer: a date, a score 0-10, maybe a comment.
    Answers,
    /// One row per week: promoters, passives and detractors, or the NPS
    /// and the number of answers.
    Weeks,
}

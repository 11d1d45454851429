//! The vocabulary the rooms of the team share, below all of them: an event
//! as accepted into the log (verified, its body parsed once, typed), what
//! became of it (`Outcome`), and where the team began (`Genesis`). Nothing
//! here imports another room.

use super::body::Body;
use super::refusal::Refusal;
use chrono::{DateTime, Utc};
use ed25519_dalek::VerifyingKey;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// What became of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Outcome {
    Applied,
    /// Counts once what it waits for is there (a lead's admission, a
    /// grant, its date).
    KeptAside(Refusal),
    /// Never counts.
    Refused(Refusal),
}

impl Outcome {
    /// The `applied` column: 1 counted, 0 kept aside, 2 refused.
    pub fn applied_flag(self) -> i64 {
        match self {
            Outcome::Applied => 1,
            Outcome::KeptAside(_) => 0,
            Outcome::Refused(_) => 2,
        }
    }

    pub fn refusal(self) -> Option<Refusal> {
        match self {
            Outcome::Applied => None,
            Outcome::KeptAside(r) | Outcome::Refused(r) => Some(r),
        }
    }
}

/// A verified event, as the log holds it and the fold reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// `member/identity`: how the store names it (ids belong to their
    /// author).
    pub key: String,
    pub member: String,
    pub seq: u64,
    pub v: u32,
    /// The event's identity: its hash (format 2) or its id (format 1).
    pub hash: String,
    pub prev: Option<String>,
    pub at: DateTime<Utc>,
    /// The key that signed it; `None` for a format-1 event stored before
    /// signers were kept (checked then against the key pinned for it).
    /// Shared: a team's hundred thousand lines have a few dozen signers,
    /// and a key is 200 bytes.
    pub signer: Option<Arc<VerifyingKey>>,
    /// Parsed once, when it was verified; what a body that does not parse
    /// is refused for.
    pub body: Result<Body, Refusal>,
}

/// Where the team began: team.json as this PC pinned it, and (format 1)
/// the keys and names pinned from profile.json.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Genesis {
    pub team_id: String,
    /// 1 until its founder moved the team to format 2.
    pub format: u32,
    pub founder: String,
    pub founder_key: Option<VerifyingKey>,
    pub founder_name: String,
    pub created_at: Option<DateTime<Utc>>,
    /// Format 1: each member's key and name, pinned at first sight.
    pub pins: BTreeMap<String, (VerifyingKey, String)>,
}

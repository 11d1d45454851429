//! An exception's status and the actions that move it: below the error
//! type, which names a refused move.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Proposed,
    Approved,
    Rejected,
    Retired,
    Withdrawn,
}

/// What someone does to an exception after proposing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Approve,
    Reject,
    Retire,
    Withdraw,
}

impl Action {
    pub(crate) fn lead_only(self) -> bool {
        !matches!(self, Action::Withdraw)
    }
}

/// The one place status moves are decided: `proposed` -> `approved` |
/// `rejected` | `withdrawn`, and `approved` -> `retired`. Nothing else.
pub fn next_status(from: Status, action: Action) -> Option<Status> {
    match (from, action) {
        (Status::Proposed, Action::Approve) => Some(Status::Approved),
        (Status::Proposed, Action::Reject) => Some(Status::Rejected),
        (Status::Proposed, Action::Withdraw) => Some(Status::Withdrawn),
        (Status::Approved, Action::Retire) => Some(Status::Retired),
        _ => None,
    }
}

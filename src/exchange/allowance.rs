//! How much one reading of the team folder may read: a budget of bytes
//! and time, shared by the passes it makes.

use std::time::{Duration, Instant};

/// How much one pass may read before it lets the next pass go on.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub bytes: u64,
    pub time: Duration,
}

impl Budget {
    /// A pass of the app's reading loop: short enough that nothing waits.
    pub const PASS: Budget = Budget {
        bytes: 32 * 1024 * 1024,
        time: Duration::from_millis(1500),
    };
    pub const WHOLE: Budget = Budget {
        bytes: u64::MAX,
        time: Duration::MAX,
    };
}

/// What is left of one read's budget, shared by the passes it makes (its
/// own folder read back, everyone's, files read again with keys it
/// learned): together they stay within it.
#[derive(Debug, Clone, Copy)]
pub struct Allowance {
    budget: Budget,
    started: Instant,
    bytes: u64,
}

impl Allowance {
    pub fn new(budget: Budget) -> Allowance {
        Allowance {
            budget,
            started: Instant::now(),
            bytes: 0,
        }
    }

    pub fn left(&self) -> Budget {
        Budget {
            bytes: self.budget.bytes.saturating_sub(self.bytes),
            time: self.budget.time.saturating_sub(self.started.elapsed()),
        }
    }

    pub fn is_spent(&self) -> bool {
        let left = self.left();
        left.bytes == 0 || left.time.is_zero()
    }

    /// The bytes read so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    pub(super) fn spend(&mut self, bytes: u64) {
        self.bytes = self.bytes.saturating_add(bytes);
    }
}

//! The first screen comes first: work that starts with the app (the day's
//! backup, the reminder's first look, the team folder's first read) waits
//! until the window has painted its first screen, or a few seconds when
//! nothing is painted (started hidden, at login).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::Notify;

/// How long background work waits for a first screen that may never come.
pub const AT_MOST: Duration = Duration::from_secs(5);

#[derive(Default)]
pub struct FirstScreen {
    shown: AtomicBool,
    notify: Notify,
}

impl FirstScreen {
    /// The window reported its first screen painted and usable.
    pub fn shown(&self) {
        self.shown.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    /// Returns once the first screen is shown, or after `at_most`.
    pub async fn wait(&self, at_most: Duration) {
        let notified = self.notify.notified();
        if self.shown.load(Ordering::SeqCst) {
            return;
        }
        let _ = tokio::time::timeout(at_most, notified).await;
    }
}

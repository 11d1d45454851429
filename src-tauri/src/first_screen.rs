//! The first screen comes first: work that starts with the app (the day's
//! backup, the reminder's first look, the team folder's first read) waits
//! until the window has painted its first screen, or a few seconds when
//! nothing is painted (started hidden, at login).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tauri::{AppHandle, Manager};
use tokio::sync::Notify;

/// How long background work waits for a first screen that may never come.
const AT_MOST: Duration = Duration::from_secs(5);

/// Returns once the app's first screen is shown, or after `AT_MOST`.
pub async fn painted(app: &AppHandle) {
    app.state::<FirstScreen>().wait(AT_MOST).await;
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Instant;

    const LONG: Duration = Duration::from_secs(30);

    fn wait(first_screen: &FirstScreen, at_most: Duration) -> Duration {
        let started = Instant::now();
        tauri::async_runtime::block_on(first_screen.wait(at_most));
        started.elapsed()
    }

    #[test]
    fn background_work_starts_once_the_window_shows_its_first_screen() {
        let first_screen = Arc::new(FirstScreen::default());
        let window = first_screen.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            window.shown();
        });
        assert!(wait(&first_screen, LONG) < LONG);
    }

    #[test]
    fn work_started_after_the_first_screen_does_not_wait() {
        let first_screen = FirstScreen::default();
        first_screen.shown();
        assert!(wait(&first_screen, LONG) < LONG);
    }

    #[test]
    fn a_hidden_window_holds_work_back_only_until_the_limit() {
        let first_screen = FirstScreen::default();
        assert!(wait(&first_screen, Duration::from_millis(20)) >= Duration::from_millis(20));
    }
}

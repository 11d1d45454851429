//! Keeps the team feed in step with the team folder: reads it at start,
//! when the folder changes (file events), and every minute, since network
//! shares send no change events. The reading itself is the core's.

use crate::error::UiError;
use crate::first_screen;
use crate::AppState;
use fanday_core::team::ReadReport;
use notify::{RecursiveMode, Watcher};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager};
use tokio::sync::Notify;

pub const EVENT_TEAM_READ: &str = "fanday://team-read";
const RESCAN: Duration = Duration::from_secs(60);
/// File events come in bursts while a sync engine writes: wait for quiet.
const SETTLE: Duration = Duration::from_millis(400);
const BETWEEN_PASSES: Duration = Duration::from_millis(100);

#[derive(Default)]
pub struct TeamSync {
    wake: Arc<Notify>,
    last: Mutex<Option<Status>>,
    healed_at: Mutex<Option<chrono::DateTime<chrono::Utc>>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub read_at: chrono::DateTime<chrono::Utc>,
    pub report: ReadReport,
    /// Why the folder could not be read, for the window to word.
    pub error: Option<UiError>,
    /// When this PC's own team file was last written again after damage:
    /// the Team screen says so until the app is closed, not only for the
    /// one read that healed it.
    pub healed_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl TeamSync {
    pub fn last(&self) -> Option<Status> {
        self.last
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

/// Read now (after joining, or when the person asks).
pub fn wake(app: &AppHandle) {
    app.state::<TeamSync>().wake.notify_one();
}

fn folder(app: &AppHandle) -> Option<PathBuf> {
    let state = app.state::<AppState>();
    let core = state.core.as_ref().ok()?;
    core.team_info()
        .ok()
        .flatten()
        .map(|team| PathBuf::from(team.folder))
}

pub fn read_now(app: &AppHandle) -> Option<Status> {
    let state = app.state::<AppState>();
    let core = state.core.as_ref().ok()?;
    core.team_info().ok().flatten()?;
    let (report, error) = match core.read_team() {
        Ok(report) => (report, None),
        Err(err) => (ReadReport::default(), Some(UiError::from(err))),
    };
    let read_at = chrono::Utc::now();
    let sync = app.state::<TeamSync>();
    let healed_at = {
        let mut healed = sync
            .healed_at
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if report.healed {
            *healed = Some(read_at);
        }
        *healed
    };
    let status = Status {
        read_at,
        report,
        error,
        healed_at,
    };
    *app.state::<TeamSync>()
        .last
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(status.clone());
    let _ = app.emit_to("main", EVENT_TEAM_READ, status.clone());
    Some(status)
}

pub fn start(app: &AppHandle) {
    let wake = app.state::<TeamSync>().wake.clone();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        first_screen::painted(&app).await;
        let (changed_tx, mut changed) = tokio::sync::mpsc::unbounded_channel::<()>();
        let mut watched: Option<(PathBuf, notify::RecommendedWatcher)> = None;
        loop {
            // (Re)watch the folder of the team joined now, if any.
            let wanted = folder(&app);
            if watched.as_ref().map(|(path, _)| path) != wanted.as_ref() {
                watched = wanted.and_then(|path| {
                    let tx = changed_tx.clone();
                    let mut watcher = notify::recommended_watcher(move |_event| {
                        let _ = tx.send(());
                    })
                    .ok()?;
                    match watcher.watch(&path, RecursiveMode::Recursive) {
                        Ok(()) => Some((path, watcher)),
                        Err(err) => {
                            log::info!(
                                "not watching {}: {err}; reading every minute",
                                path.display()
                            );
                            None
                        }
                    }
                });
            }
            let app_for_read = app.clone();
            let read = tauri::async_runtime::spawn_blocking(move || read_now(&app_for_read)).await;
            // A pass that stopped at its budget goes on at once, a little
            // later so the window and other commands get their turn.
            if read.ok().flatten().is_some_and(|status| status.report.more) {
                tokio::time::sleep(BETWEEN_PASSES).await;
                continue;
            }
            tokio::select! {
                _ = tokio::time::sleep(RESCAN) => {}
                _ = wake.notified() => {}
                Some(()) = changed.recv() => {
                    tokio::time::sleep(SETTLE).await;
                    while changed.try_recv().is_ok() {}
                }
            }
        }
    });
}

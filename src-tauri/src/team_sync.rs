//! Keeps the team feed in step with the team folder: reads it at start,
//! when the folder changes (file events), and every minute, since network
//! shares send no change events. A folder that goes away (a share behind a
//! VPN, a drive unplugged, a PC asleep) is looked for every few seconds
//! and watched again when it is back. The reading itself is the core's.

use crate::error::UiError;
use crate::first_screen;
use crate::AppState;
use fanday_core::team::{sight_folder, FolderSighting, ReadReport};
use notify::{RecursiveMode, Watcher};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager};
use tokio::sync::mpsc::UnboundedSender;
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
    /// When each team's own file was last written again, by team.
    healed_at: Mutex<std::collections::HashMap<String, chrono::DateTime<chrono::Utc>>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// The team read: the one in view then.
    pub team_id: String,
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

/// The folder of the team in view: watched for changes.
fn folder(app: &AppHandle) -> Option<PathBuf> {
    let state = app.state::<AppState>();
    let core = state.core.as_ref().ok()?;
    core.team_in_view()
        .ok()?
        .team_info()
        .ok()
        .flatten()
        .map(|team| PathBuf::from(team.folder))
}

/// Reads the team in view (what the window shows of it), then once each
/// further team the person is in.
pub fn read_now(app: &AppHandle) -> Option<Status> {
    let status = read_in_view(app);
    // While the team in view is read pass after pass, the others wait.
    if status.as_ref().is_some_and(|status| status.report.more) {
        return status;
    }
    let state = app.state::<AppState>();
    if let Ok(core) = state.core.as_ref() {
        if let Err(err) = core.read_teams_out_of_view() {
            log::info!("the teams out of view were not read: {err}");
        }
    }
    status
}

fn read_in_view(app: &AppHandle) -> Option<Status> {
    let state = app.state::<AppState>();
    let core = state.core.as_ref().ok()?;
    let team_id = core
        .team_in_view()
        .ok()?
        .team_info()
        .ok()
        .flatten()?
        .team_id;
    let (report, error) = match core.read_team_in_view() {
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
            healed.insert(team_id.clone(), read_at);
        }
        healed.get(&team_id).copied()
    };
    let status = Status {
        team_id,
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

/// How often a folder that cannot be reached is looked for, so that a
/// share or a cloud folder that comes back is watched and read at once.
const AWAY_POLL: Duration = Duration::from_secs(2);

/// How the team folder looks now, if a team is joined.
async fn sight(wanted: &Option<PathBuf>) -> Option<FolderSighting> {
    let path = wanted.clone()?;
    tauri::async_runtime::spawn_blocking(move || sight_folder(&path))
        .await
        .ok()
}

/// What wakes the loop besides the clock.
enum Change {
    /// Something in the folder changed.
    Files,
    /// The watcher lost the folder (it went away, or was mounted again).
    Lost,
}

struct Watched {
    path: PathBuf,
    seen: FolderSighting,
    _watcher: notify::RecommendedWatcher,
}

fn watch(path: &Path, seen: FolderSighting, changed: &UnboundedSender<Change>) -> Option<Watched> {
    let tx = changed.clone();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let change = match event {
            Ok(_) => Change::Files,
            Err(_) => Change::Lost,
        };
        let _ = tx.send(change);
    })
    .ok()?;
    match watcher.watch(path, RecursiveMode::Recursive) {
        Ok(()) => Some(Watched {
            path: path.to_path_buf(),
            seen,
            _watcher: watcher,
        }),
        Err(err) => {
            log::info!(
                "not watching {}: {err}; reading every minute",
                path.display()
            );
            None
        }
    }
}

pub fn start(app: &AppHandle) {
    let wake = app.state::<TeamSync>().wake.clone();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        first_screen::painted(&app).await;
        let (changed_tx, mut changed) = tokio::sync::mpsc::unbounded_channel::<Change>();
        let mut watched: Option<Watched> = None;
        loop {
            // (Re)watch the folder of the team joined now, if any: again
            // when it comes back after being away, or is another folder
            // at the same path (a share mounted again); not while away.
            let wanted = folder(&app);
            let seen = sight(&wanted).await;
            let same = match (&watched, &wanted, &seen) {
                (Some(w), Some(path), Some(seen)) => w.path == *path && w.seen == *seen,
                _ => false,
            };
            if !same {
                watched = match (&wanted, seen) {
                    (Some(path), Some(seen)) if seen.reachable => watch(path, seen, &changed_tx),
                    _ => None,
                };
            }
            let app_for_read = app.clone();
            let read = tauri::async_runtime::spawn_blocking(move || read_now(&app_for_read)).await;
            // A pass that stopped at its budget goes on at once, a little
            // later so the window and other commands get their turn.
            if read.ok().flatten().is_some_and(|status| status.report.more) {
                tokio::time::sleep(BETWEEN_PASSES).await;
                continue;
            }
            // Until the next read: a change, a wake-up, the minute, or the
            // folder going away or coming back (looked at every few
            // seconds, a stat of one file).
            let deadline = tokio::time::Instant::now() + RESCAN;
            loop {
                tokio::select! {
                    _ = tokio::time::sleep_until(deadline.min(tokio::time::Instant::now() + AWAY_POLL)) => {}
                    _ = wake.notified() => break,
                    Some(change) = changed.recv() => {
                        if let Change::Lost = change {
                            watched = None;
                        }
                        tokio::time::sleep(SETTLE).await;
                        while changed.try_recv().is_ok() {}
                        break;
                    }
                }
                if tokio::time::Instant::now() >= deadline {
                    break;
                }
                if sight(&wanted).await != seen {
                    break;
                }
            }
        }
    });
}

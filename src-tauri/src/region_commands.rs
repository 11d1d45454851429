//! The region's commands: following teams read-only and their weekly
//! numbers. Each calls the core and maps its error.

use crate::commands::{core, Exported, Reply};
use crate::error::UiError;
use crate::file_chooser::{self, Choose};
use crate::AppState;
use fanday_core::region::{FollowedTeam, Region};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, State};

pub const EVENT_REGION_PROGRESS: &str = "fanday://region-progress";

/// Weeks the region's screen and report show.
const REGION_WEEKS: usize = 8;

#[derive(Debug, Clone, Serialize)]
struct Progress {
    done: usize,
    total: usize,
}

#[tauri::command]
pub async fn follow_team(
    state: State<'_, AppState>,
    folder: String,
    fingerprint: String,
) -> Reply<FollowedTeam> {
    Ok(core(&state)?.follow_team(std::path::Path::new(folder.trim()), &fingerprint)?)
}

/// Reads every followed team's folder (telling the window how far it is),
/// then gives the region's numbers. The reading runs on a thread of its
/// own: it may take minutes the first time.
#[tauri::command]
pub async fn region(app: AppHandle, read: bool) -> Reply<Region> {
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        let fanday = core(&state)?;
        if read {
            read_region(&app, fanday)?;
        }
        Ok(fanday.region(REGION_WEEKS)?)
    })
    .await
    .map_err(|err| UiError::from(fanday_core::CoreError::Storage(err.to_string())))?
}

/// Reads the followed teams' folders, telling the window how far it is.
fn read_region(app: &AppHandle, fanday: &fanday_core::Fanday) -> Reply<u64> {
    Ok(fanday.read_region(|done, total| {
        let _ = app.emit(EVENT_REGION_PROGRESS, Progress { done, total });
    })?)
}

/// How often the followed teams' folders are read in the background.
const REGION_EVERY: std::time::Duration = std::time::Duration::from_secs(300);

/// Reads the followed teams' folders and works out their numbers in the
/// background, after the first screen and then every few minutes, so that
/// the region's numbers are ready when Insights opens (a person who follows no team costs a look
/// at one empty folder).
pub fn start(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        crate::first_screen::painted(&app).await;
        loop {
            let reading = app.clone();
            let _ = tauri::async_runtime::spawn_blocking(move || {
                let state = reading.state::<AppState>();
                // The numbers are worked out too (and kept), so that the
                // first click on Insights of a day shows them at once.
                if let Ok(fanday) = core(&state) {
                    let read = read_region(&reading, fanday)
                        .and_then(|_| Ok(fanday.region(REGION_WEEKS)?));
                    if let Err(err) = read {
                        log::info!("the region was not read: {}", err.message);
                    }
                }
            })
            .await;
            tokio::time::sleep(REGION_EVERY).await;
        }
    });
}

/// A lead lets a person follow the team read-only, after comparing keys.
#[tauri::command]
pub async fn let_follow(
    app: AppHandle,
    state: State<'_, AppState>,
    member_id: String,
    fingerprint: String,
) -> Reply<()> {
    crate::commands::in_view(&state)?.let_follow(&member_id, &fingerprint)?;
    crate::team_sync::wake(&app);
    Ok(())
}

#[tauri::command]
pub async fn stop_following(state: State<'_, AppState>, team_id: String) -> Reply<()> {
    Ok(core(&state)?.stop_following(&team_id)?)
}

/// Asks where to save, then writes the region's weeks there as CSV.
#[tauri::command]
pub async fn export_region(
    app: AppHandle,
    state: State<'_, AppState>,
    title: String,
) -> Reply<Option<Exported>> {
    let file_name = "fanday-region.csv".to_string();
    let Some(path) = file_chooser::choose(&app, Choose::SaveAs { file_name }, &title) else {
        return Ok(None);
    };
    let rows = core(&state)?.export_region(&path, REGION_WEEKS)?;
    Ok(Some(Exported::new(&path, rows)))
}

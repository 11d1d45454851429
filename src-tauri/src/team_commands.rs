//! The team screen's commands: each one calls the core and maps its error.

use crate::commands::{core, in_view, Reply};
use crate::{team_sync, AppState};
use serde::Serialize;
use tauri::{AppHandle, State};

#[derive(Debug, Serialize)]
pub struct TeamState {
    team: Option<fanday_core::team::TeamInfo>,
    status: Option<team_sync::Status>,
}

#[tauri::command]
pub async fn team_state(
    state: State<'_, AppState>,
    sync: State<'_, team_sync::TeamSync>,
) -> Reply<TeamState> {
    let team = in_view(&state)?.team_info()?;
    // The last reading's status, if it was of the team in view.
    let status = sync.last().filter(|status| {
        team.as_ref()
            .is_some_and(|team| team.team_id == status.team_id)
    });
    Ok(TeamState { team, status })
}

#[tauri::command]
pub async fn preview_team(
    state: State<'_, AppState>,
    folder: String,
) -> Reply<fanday_core::team::TeamPreview> {
    Ok(core(&state)?.preview_team(std::path::Path::new(folder.trim()))?)
}

#[tauri::command]
pub async fn create_team(
    app: AppHandle,
    state: State<'_, AppState>,
    name: String,
    folder: String,
) -> Reply<fanday_core::team::TeamInfo> {
    let info = core(&state)?.found_team(&name, std::path::Path::new(folder.trim()))?;
    team_sync::wake(&app);
    Ok(info)
}

/// Joins after the person compared the founder's fingerprint: the one
/// they saw is checked against the folder again.
#[tauri::command]
pub async fn join_team(
    app: AppHandle,
    state: State<'_, AppState>,
    folder: String,
    fingerprint: String,
) -> Reply<fanday_core::team::TeamInfo> {
    let info = core(&state)?.enter_team(std::path::Path::new(folder.trim()), &fingerprint)?;
    team_sync::wake(&app);
    Ok(info)
}

/// Whether a cloud provider keeps `folder`: Fanday then offers to keep it
/// on this PC.
#[tauri::command]
pub async fn folder_cloud(
    state: State<'_, AppState>,
    folder: String,
) -> Reply<fanday_core::team::CloudFolder> {
    Ok(core(&state)?.folder_cloud(std::path::Path::new(folder.trim()))?)
}

#[tauri::command]
pub async fn keep_team_folder_on_device(
    state: State<'_, AppState>,
    keep: bool,
) -> Reply<fanday_core::team::CloudFolder> {
    Ok(in_view(&state)?.keep_team_folder_on_device(keep)?)
}

#[tauri::command]
pub async fn leave_team(state: State<'_, AppState>) -> Reply<()> {
    Ok(core(&state)?.leave_team_in_view()?)
}

/// Reads the folder now and returns what was read.
#[tauri::command]
pub async fn read_team(app: AppHandle) -> Reply<Option<team_sync::Status>> {
    Ok(
        tauri::async_runtime::spawn_blocking(move || team_sync::read_now(&app))
            .await
            .ok()
            .flatten(),
    )
}

#[tauri::command]
pub async fn team_feed(
    state: State<'_, AppState>,
    situation: Option<fanday_core::Situation>,
) -> Reply<Vec<fanday_core::team::Story>> {
    Ok(in_view(&state)?.feed(situation, 200)?)
}

#[tauri::command]
pub async fn applaud(state: State<'_, AppState>, story_id: String) -> Reply<()> {
    Ok(in_view(&state)?.applaud(&story_id)?)
}

#[tauri::command]
pub async fn comment(state: State<'_, AppState>, story_id: String, text: String) -> Reply<()> {
    Ok(in_view(&state)?.comment(&story_id, &text)?)
}

#[tauri::command]
pub async fn review(state: State<'_, AppState>, story_id: String, featured: bool) -> Reply<()> {
    Ok(in_view(&state)?.review(&story_id, featured)?)
}

#[tauri::command]
pub async fn team_members(state: State<'_, AppState>) -> Reply<Vec<fanday_core::team::TeamMember>> {
    Ok(in_view(&state)?.team_members()?)
}

#[tauri::command]
pub async fn grant_lead(state: State<'_, AppState>, member_id: String) -> Reply<()> {
    Ok(in_view(&state)?.grant_lead(&member_id)?)
}

#[tauri::command]
pub async fn admit(
    app: AppHandle,
    state: State<'_, AppState>,
    member_id: String,
    fingerprint: String,
) -> Reply<()> {
    in_view(&state)?.admit(&member_id, &fingerprint)?;
    team_sync::wake(&app);
    Ok(())
}

#[tauri::command]
pub async fn decline(
    app: AppHandle,
    state: State<'_, AppState>,
    member_id: String,
    fingerprint: String,
) -> Reply<()> {
    in_view(&state)?.decline(&member_id, &fingerprint)?;
    team_sync::wake(&app);
    Ok(())
}

#[tauri::command]
pub async fn remove_member(
    app: AppHandle,
    state: State<'_, AppState>,
    member_id: String,
) -> Reply<()> {
    in_view(&state)?.remove_member(&member_id)?;
    team_sync::wake(&app);
    Ok(())
}

#[tauri::command]
pub async fn revoke_lead(
    app: AppHandle,
    state: State<'_, AppState>,
    member_id: String,
) -> Reply<()> {
    in_view(&state)?.revoke_lead(&member_id)?;
    team_sync::wake(&app);
    Ok(())
}

/// A new key for this PC; returns its fingerprint.
#[tauri::command]
pub async fn rotate_key(app: AppHandle, state: State<'_, AppState>) -> Reply<String> {
    let fingerprint = in_view(&state)?.rotate_key()?;
    team_sync::wake(&app);
    Ok(fingerprint)
}

#[tauri::command]
pub async fn lineup(
    state: State<'_, AppState>,
    week: Option<String>,
) -> Reply<fanday_core::team::Lineup> {
    Ok(in_view(&state)?.lineup(week.as_deref())?)
}

#[tauri::command]
pub async fn set_lineup(
    state: State<'_, AppState>,
    week: Option<String>,
    stories: Vec<String>,
) -> Reply<fanday_core::team::Lineup> {
    Ok(in_view(&state)?.set_lineup(week.as_deref(), &stories)?)
}

#[tauri::command]
pub async fn lineup_anonymous(state: State<'_, AppState>) -> Reply<bool> {
    Ok(in_view(&state)?.lineup_anonymous()?)
}

#[tauri::command]
pub async fn set_lineup_anonymous(state: State<'_, AppState>, anonymous: bool) -> Reply<()> {
    Ok(in_view(&state)?.set_lineup_anonymous(anonymous)?)
}

/// The line-up fills the screen; leaving it gives the window back.
#[tauri::command]
pub async fn set_fullscreen(window: tauri::WebviewWindow, on: bool) -> Reply<()> {
    window
        .set_fullscreen(on)
        .map_err(|err| crate::error::UiError::new("fullscreen", err.to_string()))
}

/// Whether this person's weekly tallies go to the team.
#[tauri::command]
pub async fn tally_sharing(state: State<'_, AppState>) -> Reply<bool> {
    Ok(core(&state)?.tally_sharing()?)
}

#[tauri::command]
pub async fn set_tally_sharing(app: AppHandle, state: State<'_, AppState>, on: bool) -> Reply<()> {
    core(&state)?.set_tally_sharing_in_every_team(on)?;
    team_sync::wake(&app);
    Ok(())
}

/// The teams this person is in, for the team switch.
#[tauri::command]
pub async fn teams(state: State<'_, AppState>) -> Reply<Vec<fanday_core::teams::TeamChoice>> {
    Ok(core(&state)?.teams()?)
}

/// Puts another team in view, and reads its folder.
#[tauri::command]
pub async fn show_team(
    app: AppHandle,
    state: State<'_, AppState>,
    team_id: String,
) -> Reply<Vec<fanday_core::teams::TeamChoice>> {
    let teams = core(&state)?.show_team(&team_id)?;
    team_sync::wake(&app);
    Ok(teams)
}

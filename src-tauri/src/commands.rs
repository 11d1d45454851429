//! The UI's commands: each one calls the core and maps its error.

use crate::error::UiError;
use crate::AppState;
use fanday_core::{
    Fanday, Language, Moment, MomentFilter, MomentInput, Profile, ProfileInput, TodayStatus,
};
use serde::Serialize;
use tauri::State;

type Reply<T> = Result<T, UiError>;

fn core<'a>(state: &'a State<'_, AppState>) -> Reply<&'a Fanday> {
    state.core.as_ref().map_err(UiError::clone)
}

#[derive(Debug, Serialize)]
pub struct Bootstrap {
    profile: Option<Profile>,
    system_language: Language,
    today: TodayStatus,
    data_dir: String,
}

#[tauri::command]
pub async fn bootstrap(state: State<'_, AppState>) -> Reply<Bootstrap> {
    let fanday = core(&state)?;
    Ok(Bootstrap {
        profile: fanday.profile()?,
        system_language: state.system_language,
        today: fanday.today_status()?,
        data_dir: state.data_dir.display().to_string(),
    })
}

#[tauri::command]
pub async fn save_profile(state: State<'_, AppState>, profile: ProfileInput) -> Reply<Profile> {
    Ok(core(&state)?.save_profile(&profile)?)
}

#[tauri::command]
pub async fn add_moment(state: State<'_, AppState>, moment: MomentInput) -> Reply<Moment> {
    Ok(core(&state)?.add_moment(&moment)?)
}

#[tauri::command]
pub async fn update_moment(
    state: State<'_, AppState>,
    id: String,
    moment: MomentInput,
) -> Reply<Moment> {
    Ok(core(&state)?.update_moment(&id, &moment)?)
}

#[tauri::command]
pub async fn delete_moment(state: State<'_, AppState>, id: String) -> Reply<()> {
    Ok(core(&state)?.delete_moment(&id)?)
}

#[tauri::command]
pub async fn restore_moment(state: State<'_, AppState>, id: String) -> Reply<Moment> {
    Ok(core(&state)?.restore_moment(&id)?)
}

#[tauri::command]
pub async fn list_moments(state: State<'_, AppState>, filter: MomentFilter) -> Reply<Vec<Moment>> {
    Ok(core(&state)?.list_moments(&filter)?)
}

#[tauri::command]
pub async fn today_status(state: State<'_, AppState>) -> Reply<TodayStatus> {
    Ok(core(&state)?.today_status()?)
}

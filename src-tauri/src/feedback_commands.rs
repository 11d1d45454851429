//! The customers' feedback in the window: a lead picks a survey export in
//! the system's file chooser and sees what Fanday understood; saving
//! imports exactly the file picked (the window never names a path).

use crate::commands::{in_view, Exported, Reply};
use crate::error::UiError;
use crate::file_chooser::{self, Choose};
use crate::AppState;
use std::path::PathBuf;
use std::sync::Mutex;
use tauri::{AppHandle, State};

/// The survey export the lead picked last, waiting for "Save".
#[derive(Default)]
pub struct PickedFeedback(Mutex<Option<PathBuf>>);

/// Asks for a survey export (the system's file chooser), then previews it.
#[tauri::command]
pub async fn choose_feedback_file(
    app: AppHandle,
    state: State<'_, AppState>,
    picked: State<'_, PickedFeedback>,
    title: String,
) -> Reply<Option<fanday_core::FeedbackImport>> {
    let open = Choose::Open {
        extensions: &["csv", "txt"],
    };
    let Some(path) = file_chooser::choose(&app, open, &title) else {
        return Ok(None);
    };
    let preview = in_view(&state)?.preview_feedback(&path)?;
    if let Ok(mut last) = picked.0.lock() {
        *last = Some(path);
    }
    Ok(Some(preview))
}

/// Imports the survey export previewed last.
#[tauri::command]
pub async fn import_feedback(
    state: State<'_, AppState>,
    picked: State<'_, PickedFeedback>,
) -> Reply<fanday_core::FeedbackImport> {
    let path = picked.0.lock().ok().and_then(|mut last| last.take());
    let path = path.ok_or_else(|| UiError::new("not_found", "pick the file to import again"))?;
    Ok(in_view(&state)?.import_feedback(&path)?)
}

/// Asks where to save (the system's save dialog), then writes a year of
/// Insights there as CSV.
#[tauri::command]
pub async fn export_insights(
    app: AppHandle,
    state: State<'_, AppState>,
    title: String,
) -> Reply<Option<Exported>> {
    let file_name = "fanday-insights.csv".to_string();
    let Some(path) = file_chooser::choose(&app, Choose::SaveAs { file_name }, &title) else {
        return Ok(None);
    };
    let rows = in_view(&state)?.export_insights(&path)?;
    Ok(Some(Exported::new(&path, rows)))
}

/// The customers' comments of a week (`2026-W45`).
#[tauri::command]
pub async fn feedback_comments(
    state: State<'_, AppState>,
    week: String,
) -> Reply<Vec<fanday_core::feedback::Comment>> {
    Ok(in_view(&state)?.feedback_comments(&week)?)
}

/// A comment as the team would see it in the line-up; shares nothing.
#[tauri::command]
pub async fn customer_voice(
    state: State<'_, AppState>,
    comment_id: i64,
) -> Reply<fanday_core::CustomerVoice> {
    Ok(in_view(&state)?.customer_voice(comment_id)?)
}

/// Shares a comment, made fit, as its week's customer voice.
#[tauri::command]
pub async fn share_customer_voice(
    state: State<'_, AppState>,
    comment_id: i64,
) -> Reply<fanday_core::CustomerVoice> {
    Ok(in_view(&state)?.share_customer_voice(comment_id)?)
}

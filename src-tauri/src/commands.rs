//! The UI's commands: each one calls the core and maps its error.

use crate::error::UiError;
use crate::file_chooser::{self, Choose};
use crate::first_screen::FirstScreen;
use crate::{reminders, team_sync, tray, AppState};
use fanday_core::exception::Action;
use fanday_core::teams::TeamView;
use fanday_core::{
    Exception, ExceptionFilter, ExceptionInput, Fanday, Language, Moment, MomentFilter,
    MomentInput, NotificationText, Profile, ProfileInput, ReminderSettings, TodayStatus,
};
use serde::Serialize;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_autostart::ManagerExt;

pub(crate) type Reply<T> = Result<T, UiError>;

pub(crate) fn core<'a>(state: &'a State<'_, AppState>) -> Reply<&'a Fanday> {
    state.core.as_ref().map_err(UiError::clone)
}

/// The store of the team in view: the team screens show one team at a
/// time when the person is in several.
pub(crate) fn in_view<'a>(state: &'a State<'_, AppState>) -> Reply<TeamView<'a>> {
    Ok(core(state)?.team_in_view()?)
}

/// Everything the first screen shows, in one call: each extra round trip
/// before the first paint is time the person waits.
#[derive(Debug, Serialize)]
pub struct Bootstrap {
    profile: Option<Profile>,
    system_language: Language,
    today: TodayStatus,
    data_dir: String,
    recent_moments: Vec<Moment>,
    approved_exceptions: Vec<Exception>,
    /// The teams the person is in: a moment may be shared with several.
    teams: Vec<fanday_core::teams::TeamChoice>,
}

/// How many moments Today lists under the form.
const RECENT_ON_TODAY: u32 = 5;

#[tauri::command]
pub async fn bootstrap(state: State<'_, AppState>) -> Reply<Bootstrap> {
    let fanday = core(&state)?;
    let profile = fanday.profile()?;
    let (recent_moments, approved_exceptions) = if profile.is_some() {
        let recent = MomentFilter {
            limit: Some(RECENT_ON_TODAY),
            ..MomentFilter::default()
        };
        let approved = ExceptionFilter {
            status: Some(fanday_core::exception::Status::Approved),
            ..ExceptionFilter::default()
        };
        (
            fanday.list_moments(&recent)?,
            fanday.list_exceptions(&approved)?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(Bootstrap {
        profile,
        system_language: state.system_language,
        today: fanday.today_status()?,
        data_dir: fanday.data_dir().display().to_string(),
        recent_moments,
        approved_exceptions,
        // One team's store that cannot be read does not stop the window.
        teams: fanday.teams().unwrap_or_default(),
    })
}

#[tauri::command]
pub async fn save_profile(
    app: AppHandle,
    state: State<'_, AppState>,
    profile: ProfileInput,
) -> Reply<Profile> {
    let saved = core(&state)?.save_profile(&profile)?;
    tray::refresh(&app);
    Ok(saved)
}

#[tauri::command]
pub async fn add_moment(
    app: AppHandle,
    state: State<'_, AppState>,
    moment: MomentInput,
    teams: Option<Vec<String>>,
) -> Reply<Moment> {
    let added = core(&state)?.add_moment_shared_with(&moment, teams.as_deref())?;
    reminders::wake(&app);
    Ok(added)
}

#[tauri::command]
pub async fn update_moment(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    moment: MomentInput,
    teams: Option<Vec<String>>,
) -> Reply<Moment> {
    let updated = core(&state)?.update_moment_shared_with(&id, &moment, teams.as_deref())?;
    reminders::wake(&app);
    Ok(updated)
}

#[tauri::command]
pub async fn delete_moment(app: AppHandle, state: State<'_, AppState>, id: String) -> Reply<()> {
    core(&state)?.delete_moment(&id)?;
    reminders::wake(&app);
    Ok(())
}

#[tauri::command]
pub async fn restore_moment(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> Reply<Moment> {
    let restored = core(&state)?.restore_moment(&id)?;
    reminders::wake(&app);
    Ok(restored)
}

#[tauri::command]
pub async fn list_moments(state: State<'_, AppState>, filter: MomentFilter) -> Reply<Vec<Moment>> {
    Ok(core(&state)?.list_moments(&filter)?)
}

#[tauri::command]
pub async fn today_status(state: State<'_, AppState>) -> Reply<TodayStatus> {
    Ok(core(&state)?.today_status()?)
}

#[tauri::command]
pub async fn reminder_settings(state: State<'_, AppState>) -> Reply<ReminderSettings> {
    Ok(core(&state)?.reminder_settings()?)
}

/// Saves the reminder settings, then asks the system to open Fanday at
/// login, or not, as they say.
#[tauri::command]
pub async fn save_reminder_settings(
    app: AppHandle,
    state: State<'_, AppState>,
    settings: ReminderSettings,
) -> Reply<ReminderSettings> {
    let saved = core(&state)?.save_reminder_settings(settings)?;
    reminders::wake(&app);
    let autostart = app.autolaunch();
    let applied = if saved.open_at_login {
        autostart.enable()
    } else if autostart.is_enabled().unwrap_or(false) {
        autostart.disable()
    } else {
        Ok(())
    };
    applied.map_err(|err| UiError::new("autostart", err.to_string()))?;
    Ok(saved)
}

#[tauri::command]
pub async fn remind_now(app: AppHandle) -> Reply<()> {
    Ok(reminders::remind_now(&app)?)
}

#[tauri::command]
pub async fn snooze_reminder(app: AppHandle) -> Reply<reminders::Snoozed> {
    Ok(reminders::try_snooze(&app)?)
}

/// "Log a moment" on the reminder shown in the window.
#[tauri::command]
pub async fn follow_reminder(app: AppHandle) -> Reply<()> {
    reminders::open_log_form(&app, true);
    Ok(())
}

#[tauri::command]
pub async fn dismiss_reminder(app: AppHandle) -> Reply<()> {
    reminders::dismiss_in_window(&app);
    Ok(())
}

/// A reminder waiting in the window, if any (shown before the window was ready).
#[tauri::command]
pub async fn pending_reminder(
    reminders: State<'_, reminders::Reminders>,
) -> Reply<Option<NotificationText>> {
    Ok(reminders.in_window())
}

#[tauri::command]
pub async fn list_exceptions(
    state: State<'_, AppState>,
    filter: ExceptionFilter,
) -> Reply<Vec<Exception>> {
    Ok(in_view(&state)?.list_exceptions(&filter)?)
}

/// The approved exceptions a moment may use: the person's own store's
/// (moments live there whichever team is in view).
#[tauri::command]
pub async fn moment_exceptions(state: State<'_, AppState>) -> Reply<Vec<Exception>> {
    let approved = ExceptionFilter {
        status: Some(fanday_core::exception::Status::Approved),
        ..ExceptionFilter::default()
    };
    Ok(core(&state)?.list_exceptions(&approved)?)
}

#[tauri::command]
pub async fn propose_exception(
    state: State<'_, AppState>,
    exception: ExceptionInput,
) -> Reply<Exception> {
    Ok(in_view(&state)?.propose_exception(&exception)?)
}

#[tauri::command]
pub async fn act_on_exception(
    state: State<'_, AppState>,
    id: String,
    action: Action,
    note: Option<String>,
) -> Reply<Exception> {
    Ok(in_view(&state)?.act_on_exception(&id, action, note.as_deref())?)
}

#[tauri::command]
pub async fn add_approved_exception(
    state: State<'_, AppState>,
    exception: ExceptionInput,
) -> Reply<Exception> {
    Ok(in_view(&state)?.add_approved_exception(&exception, None)?)
}

#[tauri::command]
pub async fn progress(state: State<'_, AppState>) -> Reply<fanday_core::stats::Progress> {
    Ok(core(&state)?.progress()?)
}

#[tauri::command]
pub async fn reflections(
    state: State<'_, AppState>,
) -> Reply<Vec<fanday_core::reflection::Reflection>> {
    Ok(core(&state)?.reflections()?)
}

#[tauri::command]
pub async fn save_reflection(
    state: State<'_, AppState>,
    reflection: fanday_core::reflection::ReflectionInput,
) -> Reply<fanday_core::reflection::Reflection> {
    Ok(core(&state)?.save_reflection(&reflection)?)
}

#[tauri::command]
pub async fn list_plans(state: State<'_, AppState>) -> Reply<fanday_core::Plans> {
    Ok(core(&state)?.plans()?)
}

#[tauri::command]
pub async fn save_plan(
    state: State<'_, AppState>,
    plan: fanday_core::PlanInput,
) -> Reply<fanday_core::IfThenPlan> {
    Ok(core(&state)?.save_plan(&plan)?)
}

#[tauri::command]
pub async fn delete_plan(
    state: State<'_, AppState>,
    situation: fanday_core::Situation,
) -> Reply<()> {
    Ok(core(&state)?.delete_plan(situation)?)
}

/// Weeks the lead's insights cover.
const INSIGHT_WEEKS: usize = 8;

#[tauri::command]
pub async fn insights(state: State<'_, AppState>) -> Reply<fanday_core::Insights> {
    Ok(in_view(&state)?.lead_insights(INSIGHT_WEEKS)?)
}

/// The system's folder picker, for the team folder.
#[tauri::command]
pub async fn pick_folder(app: AppHandle, title: String) -> Reply<Option<String>> {
    let picked = file_chooser::choose(&app, Choose::Folder, &title);
    Ok(picked.map(|path| path.display().to_string()))
}

#[derive(Debug, Serialize)]
pub struct Exported {
    path: String,
    rows: usize,
}

impl Exported {
    pub fn new(path: &std::path::Path, rows: usize) -> Exported {
        Exported {
            path: path.display().to_string(),
            rows,
        }
    }
}

/// Asks where to save (the system's save dialog), then exports there.
#[tauri::command]
pub async fn export_data(
    app: AppHandle,
    state: State<'_, AppState>,
    format: fanday_core::export::Format,
    what: fanday_core::export::What,
    title: String,
) -> Reply<Option<Exported>> {
    let file_name = what.file_name(format);
    let Some(path) = file_chooser::choose(&app, Choose::SaveAs { file_name }, &title) else {
        return Ok(None);
    };
    let rows = core(&state)?.export(what, format, &path)?;
    Ok(Some(Exported::new(&path, rows)))
}

#[tauri::command]
pub async fn backups(state: State<'_, AppState>) -> Reply<Vec<fanday_core::backup::BackupFile>> {
    Ok(core(&state)?.backups())
}

#[tauri::command]
pub async fn backup_now(state: State<'_, AppState>) -> Reply<String> {
    Ok(core(&state)?.backup_now()?.display().to_string())
}

/// Restores a backup from the data folder's backup list.
#[tauri::command]
pub async fn restore_backup(app: AppHandle, state: State<'_, AppState>, path: String) -> Reply<()> {
    let fanday = core(&state)?;
    let known = fanday.backups().into_iter().any(|b| b.path == path);
    if !known {
        return Err(UiError::new("not_found", "that backup is not in the list"));
    }
    fanday.restore(std::path::Path::new(&path))?;
    reminders::wake(&app);
    team_sync::wake(&app);
    Ok(())
}

/// The window reports that its first screen is up and can be used; with
/// FANDAY_REPORT_READY set, a line on standard output says so (for
/// scripts/bench-app, which times start-up).
/// `timings` says where the window's time went, in ms since it started.
#[tauri::command]
pub async fn ui_ready(app: AppHandle, timings: Option<String>) -> Reply<()> {
    app.state::<FirstScreen>().shown();
    if std::env::var_os("FANDAY_REPORT_READY").is_some() {
        println!("fanday-ready {}", timings.unwrap_or_default());
    }
    Ok(())
}

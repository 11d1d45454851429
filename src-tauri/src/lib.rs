//! The Fanday desktop app: a window over the core. No business rules here.

mod args;
mod cli;
mod commands;
mod error;
mod file_chooser;
mod first_screen;
mod reminders;
mod single_instance;
mod team_commands;
mod team_sync;
mod tray;

use error::UiError;
use fanday_core::{Fanday, Language, SystemClock};
use std::path::PathBuf;
use std::sync::Arc;
use tauri::{Manager, WindowEvent};

/// The app's identifier, also the name of its data folder.
pub const IDENTIFIER: &str = "se.fanday.app";

pub struct AppState {
    /// The open store, or why it could not be opened (shown in the window).
    pub core: Result<Fanday, UiError>,
    pub data_dir: PathBuf,
    pub system_language: Language,
}

fn system_language() -> Language {
    sys_locale::get_locale()
        .map(|locale| Language::from_locale(&locale))
        .unwrap_or(Language::En)
}

fn open_state(app: &tauri::App, options: &args::Options) -> AppState {
    let data_dir = args::choose_data_dir(
        options.data_dir.clone(),
        std::env::var_os("FANDAY_DATA_DIR"),
        || app.path().app_data_dir().ok(),
    )
    .unwrap_or_else(|| PathBuf::from("fanday-data"));

    let core = Fanday::open(&data_dir, Arc::new(SystemClock)).map_err(|err| {
        log::error!("cannot open the data in {}: {err}", data_dir.display());
        UiError::from(err)
    });
    if let Ok(fanday) = &core {
        fanday.set_reminder_override(options.remind_at);
    }
    if options.demo {
        if let Ok(fanday) = &core {
            match fanday.fill_demo() {
                Ok(true) => log::info!("filled {} with demo data", data_dir.display()),
                Ok(false) => log::warn!("--demo ignored: the data dir is not empty"),
                Err(err) => log::warn!("could not fill the demo data: {err}"),
            }
        }
    }
    // The day's backup is made by the reminder loop, off the start-up path.
    AppState {
        core,
        data_dir,
        system_language: system_language(),
    }
}

pub fn run() {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let raw: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    if let Some(code) = cli::run(&raw) {
        std::process::exit(code);
    }
    // The window keeps the team key in the desktop's keyring where one runs
    // (FANDAY_KEY_STORE=file keeps it in the data folder instead).
    fanday_core::keys::use_system_keyring(
        std::env::var("FANDAY_KEY_STORE").map_or(true, |place| place != "file"),
    );
    let options = args::parse(std::env::args_os().skip(1));
    for unknown in &options.unknown {
        log::warn!("ignoring unknown argument {unknown:?}");
    }

    // A second launch only brings the running Fanday forward.
    let instance = single_instance::claim();
    if let single_instance::Claim::AlreadyRunning = instance {
        return;
    }

    let result = tauri::Builder::default()
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec!["--hidden"]),
        ))
        .manage(first_screen::FirstScreen::default())
        .manage(reminders::Reminders::default())
        .manage(team_sync::TeamSync::default())
        .setup(move |app| {
            if let single_instance::Claim::First(activations) = instance {
                let handle = app.handle().clone();
                activations.each(move || reminders::show_main_window(&handle));
            }
            let state = open_state(app, &options);
            let opened = state.core.is_ok();
            app.manage(state);
            tray::start_after_first_screen(app.handle());
            if !options.hidden {
                reminders::show_main_window(app.handle());
            }
            if opened {
                reminders::start(app.handle());
                team_sync::start(app.handle());
            }
            Ok(())
        })
        .on_window_event(|window, event| {
            // With a tray icon, closing the window keeps Fanday (and its
            // reminder) running; Quit is in the tray menu.
            if let WindowEvent::CloseRequested { api, .. } = event {
                if window.app_handle().try_state::<tray::InTray>().is_some() {
                    api.prevent_close();
                    let _ = window.hide();
                }
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::bootstrap,
            commands::save_profile,
            commands::add_moment,
            commands::update_moment,
            commands::delete_moment,
            commands::restore_moment,
            commands::list_moments,
            commands::today_status,
            commands::reminder_settings,
            commands::save_reminder_settings,
            commands::remind_now,
            commands::snooze_reminder,
            commands::follow_reminder,
            commands::dismiss_reminder,
            commands::pending_reminder,
            commands::list_exceptions,
            commands::propose_exception,
            commands::act_on_exception,
            commands::add_approved_exception,
            commands::progress,
            commands::reflections,
            commands::save_reflection,
            commands::insights,
            team_commands::team_state,
            team_commands::preview_team,
            team_commands::create_team,
            team_commands::join_team,
            team_commands::leave_team,
            team_commands::read_team,
            team_commands::team_feed,
            team_commands::applaud,
            team_commands::comment,
            team_commands::review,
            team_commands::team_members,
            team_commands::grant_lead,
            team_commands::admit,
            team_commands::decline,
            team_commands::remove_member,
            team_commands::revoke_lead,
            team_commands::rotate_key,
            commands::pick_folder,
            commands::export_data,
            commands::backups,
            commands::backup_now,
            commands::restore_backup,
            commands::ui_ready,
        ])
        .run(tauri::generate_context!());
    if let Err(err) = result {
        log::error!("the app could not start: {err}");
        std::process::exit(1);
    }
}

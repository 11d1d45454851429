//! The Fanday desktop app: a window over the core. No business rules here.

mod args;
mod cli;
mod commands;
mod desktop_session;
mod error;
mod feedback_commands;
mod file_chooser;
mod first_screen;
mod notification;
mod region_commands;
mod reminders;
mod single_instance;
mod team_commands;
mod team_sync;
mod tray;

use error::UiError;
use fanday_core::{Fanday, Language, SystemClock};
use std::path::Path;
use std::sync::Arc;
use tauri::{Manager, WindowEvent};

/// The app's identifier (`identifier` in tauri.conf.json), also the name
/// of its data folder.
pub const IDENTIFIER: &str = env!("FANDAY_IDENTIFIER");

pub struct AppState {
    /// The open store, or why it could not be opened (shown in the window).
    pub core: Result<Fanday, UiError>,
    pub system_language: Language,
}

fn system_language() -> Language {
    sys_locale::get_locale()
        .map(|locale| Language::from_locale(&locale))
        .unwrap_or(Language::En)
}

fn open_state(options: &args::Options) -> AppState {
    let core = args::data_dir(options.data_dir.clone())
        .map_err(|reason| UiError::new("no_data_dir", reason))
        .and_then(|data_dir| open_core(&data_dir, options));
    // The day's backup is made by the reminder loop, off the start-up path.
    AppState {
        core,
        system_language: system_language(),
    }
}

fn open_core(data_dir: &Path, options: &args::Options) -> Result<Fanday, UiError> {
    let fanday = Fanday::open(data_dir, Arc::new(SystemClock)).map_err(|err| {
        log::error!("cannot open the data in {}: {err}", data_dir.display());
        UiError::from(err)
    })?;
    fanday.set_reminder_override(options.remind_at);
    if options.demo {
        match fanday.fill_demo() {
            Ok(true) => log::info!("filled {} with demo data", data_dir.display()),
            Ok(false) => log::warn!("--demo ignored: the data dir is not empty"),
            Err(err) => log::warn!("could not fill the demo data: {err}"),
        }
    }
    Ok(fanday)
}

pub fn run() {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let options = match cli::start(std::env::args_os().skip(1).collect()) {
        cli::Start::Window(options) => options,
        cli::Start::Exit(code) => std::process::exit(code),
    };
    if let Err(reason) = desktop_session::check() {
        eprintln!("{reason}");
        std::process::exit(1);
    }
    desktop_session::one_line_failures();
    // The window keeps the team key in the desktop's keyring where one runs
    // (FANDAY_KEY_STORE=file keeps it in the data folder instead).
    fanday_core::keys::use_system_keyring(
        std::env::var("FANDAY_KEY_STORE").map_or(true, |place| place != "file"),
    );

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
        .manage(feedback_commands::PickedFeedback::default())
        .setup(move |app| {
            if let single_instance::Claim::First(activations) = instance {
                let handle = app.handle().clone();
                activations.each(move || reminders::show_main_window(&handle));
            }
            let state = open_state(&options);
            let opened = state.core.is_ok();
            // Commands store and queue what they send; the team's reading
            // loop writes it to the folder, so nobody waits on a share.
            if let Ok(core) = &state.core {
                let handle = app.handle().clone();
                core.send_in_background(move || team_sync::wake(&handle));
            }
            app.manage(state);
            tray::start_after_first_screen(app.handle());
            if !options.hidden {
                reminders::show_main_window(app.handle());
            }
            if opened {
                reminders::start(app.handle());
                team_sync::start(app.handle());
                region_commands::start(app.handle());
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
        .invoke_handler(include!(concat!(env!("OUT_DIR"), "/handlers.rs")))
        .run(tauri::generate_context!());
    if let Err(err) = result {
        eprintln!("Fanday could not start its window: {err}");
        std::process::exit(1);
    }
}

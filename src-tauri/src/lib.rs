//! The Fanday desktop app: a window over the core. No business rules here.

mod args;
mod commands;
mod error;

use error::UiError;
use fanday_core::{Fanday, Language, SystemClock};
use std::path::PathBuf;
use std::sync::Arc;
use tauri::Manager;

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
        eprintln!(
            "fanday: cannot open the data in {}: {err}",
            data_dir.display()
        );
        UiError::from(err)
    });
    if options.demo {
        if let Ok(fanday) = &core {
            match fanday.fill_demo() {
                Ok(true) => eprintln!("fanday: filled {} with demo data", data_dir.display()),
                Ok(false) => eprintln!("fanday: --demo ignored: the data dir is not empty"),
                Err(err) => eprintln!("fanday: could not fill the demo data: {err}"),
            }
        }
    }
    AppState {
        core,
        data_dir,
        system_language: system_language(),
    }
}

pub fn run() {
    let options = args::parse(std::env::args_os().skip(1));
    for unknown in &options.unknown {
        eprintln!("fanday: ignoring unknown argument {unknown:?}");
    }

    let result = tauri::Builder::default()
        .setup(move |app| {
            let state = open_state(app, &options);
            app.manage(state);
            Ok(())
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
        ])
        .run(tauri::generate_context!());
    if let Err(err) = result {
        eprintln!("fanday: the app could not start: {err}");
        std::process::exit(1);
    }
}

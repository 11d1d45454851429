//! The tray icon: Fanday keeps running there when its window is closed, so
//! the reminder keeps coming.

use crate::first_screen;
use crate::reminders;
use crate::AppState;
use fanday_core::Language;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Wry};

const TRAY_ID: &str = "fanday";

/// Managed once the tray icon is up: then closing the window only hides it.
pub struct InTray;

struct Labels {
    log: &'static str,
    open: &'static str,
    snooze: &'static str,
    remind_now: &'static str,
    quit: &'static str,
}

fn labels(language: Language) -> Labels {
    match language {
        Language::Sv => Labels {
            log: "Logga ett fan",
            open: "Öppna Fanday",
            snooze: "Skjut upp dagens påminnelse",
            remind_now: "Påminn mig nu",
            quit: "Avsluta Fanday",
        },
        Language::En => Labels {
            log: "Log a moment",
            open: "Open Fanday",
            snooze: "Snooze today's reminder",
            remind_now: "Remind me now",
            quit: "Quit Fanday",
        },
    }
}

fn language(app: &AppHandle) -> Language {
    let state = app.state::<AppState>();
    state
        .core
        .as_ref()
        .ok()
        .and_then(|core| core.profile().ok().flatten())
        .map_or(state.system_language, |profile| profile.language)
}

fn menu(app: &AppHandle) -> tauri::Result<Menu<Wry>> {
    let words = labels(language(app));
    Menu::with_items(
        app,
        &[
            &MenuItem::with_id(app, "log", words.log, true, None::<&str>)?,
            &MenuItem::with_id(app, "open", words.open, true, None::<&str>)?,
            &PredefinedMenuItem::separator(app)?,
            &MenuItem::with_id(app, "snooze", words.snooze, true, None::<&str>)?,
            &MenuItem::with_id(app, "remind-now", words.remind_now, true, None::<&str>)?,
            &PredefinedMenuItem::separator(app)?,
            &MenuItem::with_id(app, "quit", words.quit, true, None::<&str>)?,
        ],
    )
}

pub fn build(app: &AppHandle) -> tauri::Result<()> {
    let mut tray = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("Fanday")
        .menu(&menu(app)?)
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| match event.id().as_ref() {
            "log" => reminders::open_log_form(app, false),
            "open" => reminders::show_main_window(app),
            "snooze" => reminders::snooze(app),
            "remind-now" => {
                if let Err(err) = reminders::remind_now(app) {
                    log::warn!("cannot show the reminder: {err}");
                }
            }
            "quit" => app.exit(0),
            _ => {}
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                reminders::show_main_window(tray.app_handle());
            }
        });
    // A tray shows the icon at 16 to 48 px: the 128 px one is plenty, and
    // far cheaper to hand over than the window's 512 px one.
    let icon = tauri::image::Image::from_bytes(include_bytes!("../../icons/128x128.png"))
        .ok()
        .or_else(|| app.default_window_icon().cloned());
    if let Some(icon) = icon {
        tray = tray.icon(icon);
    }
    tray.build(app)?;
    Ok(())
}

/// Puts up the tray icon once the first screen is shown (the window comes
/// first); from then on closing the window only hides it.
pub fn start_after_first_screen(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        first_screen::painted(&app).await;
        let on_main_thread = app.clone();
        let posted = app.run_on_main_thread(move || match build(&on_main_thread) {
            Ok(()) => {
                on_main_thread.manage(InTray);
            }
            Err(err) => log::warn!("no tray icon ({err}); closing the window quits"),
        });
        if let Err(err) = posted {
            log::warn!("no tray icon ({err}); closing the window quits");
        }
    });
}

/// After the language changes: the menu in the new language.
pub fn refresh(app: &AppHandle) {
    if let Some(tray) = app.tray_by_id(TRAY_ID) {
        match menu(app) {
            Ok(menu) => {
                let _ = tray.set_menu(Some(menu));
            }
            Err(err) => log::warn!("cannot rebuild the tray menu: {err}"),
        }
    }
}

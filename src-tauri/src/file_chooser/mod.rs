//! The system's file chooser, for the team folder, for where an export
//! goes and for a file to import: GTK's on Linux, the Windows file dialog on Windows.

use std::path::PathBuf;
use tauri::AppHandle;

#[cfg(target_os = "linux")]
mod gtk_chooser;
#[cfg(target_os = "linux")]
use gtk_chooser::run_on_main_thread;

#[cfg(windows)]
mod windows_dialog;
#[cfg(windows)]
use windows_dialog::run_on_main_thread;

pub enum Choose {
    /// An existing folder.
    Folder,
    /// A new file, proposed under `file_name`, of the type its extension names.
    SaveAs { file_name: String },
    /// An existing file of one of these extensions (a survey export).
    Open { extensions: &'static [&'static str] },
}

/// Shows the chooser over the main window and waits for the person's
/// answer; `None` when they cancel. Call it off the main thread.
pub fn choose(app: &AppHandle, what: Choose, title: &str) -> Option<PathBuf> {
    let (answer, answered) = std::sync::mpsc::channel();
    let handle = app.clone();
    let title = title.to_string();
    let posted = app.run_on_main_thread(move || {
        let _ = answer.send(run_on_main_thread(&handle, what, &title));
    });
    if let Err(err) = posted {
        log::warn!("cannot show the file chooser ({err})");
        return None;
    }
    answered.recv().ok().flatten()
}

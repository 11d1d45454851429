//! The system's file chooser, for the team folder and for where an export
//! goes: GTK's on Linux, the Windows file dialog on Windows.

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

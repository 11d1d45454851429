//! Windows: the system's own file dialog (IFileDialog, through rfd), over
//! the main window.

use super::Choose;
use std::path::PathBuf;
use tauri::{AppHandle, Manager};

pub fn run_on_main_thread(app: &AppHandle, what: Choose, title: &str) -> Option<PathBuf> {
    let mut dialog = rfd::FileDialog::new().set_title(title);
    if let Some(window) = app.get_webview_window("main") {
        dialog = dialog.set_parent(&window);
    }
    match what {
        Choose::Folder => {
            if let Some(home) = dirs::home_dir() {
                dialog = dialog.set_directory(home);
            }
            dialog.pick_folder()
        }
        Choose::SaveAs { file_name } => {
            if let Some(documents) = dirs::document_dir().or_else(dirs::home_dir) {
                dialog = dialog.set_directory(documents);
            }
            if let Some((_, extension)) = file_name.rsplit_once('.') {
                dialog = dialog.add_filter(extension.to_uppercase(), &[extension]);
            }
            dialog.set_file_name(file_name).save_file()
        }
        Choose::Open { extensions } => {
            if let Some(downloads) = dirs::download_dir().or_else(dirs::home_dir) {
                dialog = dialog.set_directory(downloads);
            }
            dialog
                .add_filter(extensions.join(", ").to_uppercase(), extensions)
                .pick_file()
        }
    }
}

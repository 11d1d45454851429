//! Linux: GTK's native chooser (the desktop portal where there is one),
//! driven straight from the toolkit the window already runs on.

use super::Choose;
use gtk::prelude::*;
use std::path::PathBuf;
use tauri::{AppHandle, Manager};

pub fn run_on_main_thread(app: &AppHandle, what: Choose, title: &str) -> Option<PathBuf> {
    let parent = app
        .get_webview_window("main")
        .and_then(|window| window.gtk_window().ok());
    let (action, start_in) = match what {
        Choose::Folder => (gtk::FileChooserAction::SelectFolder, dirs::home_dir()),
        Choose::SaveAs { .. } => (
            gtk::FileChooserAction::Save,
            dirs::document_dir().or_else(dirs::home_dir),
        ),
        Choose::Open { .. } => (
            gtk::FileChooserAction::Open,
            dirs::download_dir().or_else(dirs::home_dir),
        ),
    };
    // No labels of our own: GTK's buttons come in the desktop's language.
    let dialog = gtk::FileChooserNative::new(Some(title), parent.as_ref(), action, None, None);
    dialog.set_modal(true);
    if let Some(folder) = start_in {
        dialog.set_current_folder(folder);
    }
    if let Choose::SaveAs { file_name } = &what {
        dialog.set_do_overwrite_confirmation(true);
        dialog.set_current_name(file_name);
        if let Some((_, extension)) = file_name.rsplit_once('.') {
            let filter = gtk::FileFilter::new();
            filter.set_name(Some(&extension.to_uppercase()));
            filter.add_pattern(&format!("*.{extension}"));
            dialog.add_filter(filter);
        }
    }
    if let Choose::Open { extensions } = &what {
        let filter = gtk::FileFilter::new();
        filter.set_name(Some(&extensions.join(", ").to_uppercase()));
        for extension in *extensions {
            filter.add_pattern(&format!("*.{extension}"));
            filter.add_pattern(&format!("*.{}", extension.to_uppercase()));
        }
        dialog.add_filter(filter);
    }
    let picked = (dialog.run() == gtk::ResponseType::Accept)
        .then(|| dialog.filename())
        .flatten();
    dialog.destroy();
    picked
}

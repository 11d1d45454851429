//! Stores beside this person's own, each in a folder of the data folder
//! named by a team's id: a team followed read-only (`region/<id>/`) and a
//! further team this person is in (`teams/<id>/`).

use std::path::{Path, PathBuf};

/// An id as it may stand in a folder's name (a team's id comes from a
/// file anyone could write).
/// Lower case only: two ids that differ in case alone would be one folder
/// on Windows.
pub(crate) fn plain_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The stores under `root`, by team id (only folders named by a plain id).
pub(crate) fn dirs_under(root: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|entry| entry.file_name().to_str().is_some_and(plain_id))
        .map(|entry| entry.path())
        .collect();
    dirs.sort();
    dirs
}

//! A team folder under a cloud provider (OneDrive, SharePoint, Dropbox on
//! Windows): its files may be online-only placeholders that download when
//! opened, and Windows turns unused ones back into placeholders on its
//! own. "Always keep on this device" is the folder's *pinned* attribute
//! (`attrib +p`): Fanday offers to set it when a team is created or joined
//! there, and Settings can take it off again. Elsewhere there is nothing
//! to pin, and nothing is offered.

use crate::error::{CoreError, Result};
use serde::Serialize;
use std::path::Path;

/// The team folder as its cloud provider keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct CloudFolder {
    /// Under a cloud provider that keeps files online-only.
    pub under_cloud: bool,
    /// Kept on this device ("Always keep on this device").
    pub kept_on_device: bool,
}

/// The attributes a cloud provider sets (Windows' own numbers).
const PINNED: u32 = 0x0008_0000;
const UNPINNED: u32 = 0x0010_0000;
const RECALL_ON_OPEN: u32 = 0x0004_0000;
const RECALL_ON_DATA_ACCESS: u32 = 0x0040_0000;
const OFFLINE: u32 = 0x0000_1000;
const REPARSE_POINT: u32 = 0x0000_0400;
/// IO_REPARSE_TAG_CLOUD and its sixteen variants (0x9000?01A).
const CLOUD_TAG_MASK: u32 = 0xFFFF_0FFF;
const CLOUD_TAG: u32 = 0x9000_001A;

/// What a folder's attributes and reparse tag say of it, for the folder
/// itself and the folders above it (nearest first).
pub fn state_of(folders: &[(u32, u32)]) -> CloudFolder {
    let cloudy = |(attributes, tag): &(u32, u32)| {
        attributes & (PINNED | UNPINNED | RECALL_ON_OPEN | RECALL_ON_DATA_ACCESS | OFFLINE) != 0
            || (attributes & REPARSE_POINT != 0 && tag & CLOUD_TAG_MASK == CLOUD_TAG)
    };
    CloudFolder {
        under_cloud: folders.iter().any(cloudy),
        kept_on_device: folders
            .first()
            .is_some_and(|(attributes, _)| attributes & PINNED != 0),
    }
}

/// How the team folder is kept (as a plain folder where it does not
/// answer in time).
pub fn state(folder: &Path) -> CloudFolder {
    let owned = folder.to_path_buf();
    super::deadline::within(folder, move || {
        state_of(&platform::attributes_up_from(&owned))
    })
    .unwrap_or_default()
}

/// Keeps the folder on this device, or lets its cloud provider free it up
/// again (`keep` false takes the pin off; the provider decides).
pub fn keep_on_device(folder: &Path, keep: bool) -> Result<CloudFolder> {
    if !state(folder).under_cloud {
        return Err(CoreError::TeamFolder(format!(
            "{} is not kept by a cloud provider; there is nothing to keep on this device",
            folder.display()
        )));
    }
    platform::set_pinned(folder, keep).map_err(|err| {
        CoreError::TeamFolder(format!(
            "{} could not be kept on this device: {err}",
            folder.display()
        ))
    })?;
    Ok(state(folder))
}

#[cfg(windows)]
mod platform {
    use super::{PINNED, UNPINNED};
    use std::path::Path;
    use windows_sys::Win32::Foundation::INVALID_HANDLE_VALUE;
    use windows_sys::Win32::Storage::FileSystem::{
        FindClose, FindFirstFileW, GetFileAttributesW, SetFileAttributesW, FILE_ATTRIBUTE_NORMAL,
        INVALID_FILE_ATTRIBUTES, WIN32_FIND_DATAW,
    };

    fn wide(path: &Path) -> Vec<u16> {
        use std::os::windows::ffi::OsStrExt;
        path.as_os_str()
            .encode_wide()
            .chain(std::iter::once(0))
            .collect()
    }

    /// The attributes and reparse tag of one folder, if it can be asked.
    fn attributes(path: &Path) -> Option<(u32, u32)> {
        let name = wide(path);
        // SAFETY: `name` is NUL-terminated; `found` is written by the call
        // and read only when it succeeded; the handle is closed.
        unsafe {
            let mut found: WIN32_FIND_DATAW = std::mem::zeroed();
            let handle = FindFirstFileW(name.as_ptr(), &mut found);
            if handle == INVALID_HANDLE_VALUE {
                let attributes = GetFileAttributesW(name.as_ptr());
                return (attributes != INVALID_FILE_ATTRIBUTES).then_some((attributes, 0));
            }
            FindClose(handle);
            Some((found.dwFileAttributes, found.dwReserved0))
        }
    }

    pub fn attributes_up_from(folder: &Path) -> Vec<(u32, u32)> {
        folder
            .ancestors()
            .filter(|dir| dir.parent().is_some())
            .filter_map(attributes)
            .collect()
    }

    pub fn set_pinned(folder: &Path, keep: bool) -> std::io::Result<()> {
        /// What SetFileAttributesW takes; the rest it refuses.
        const SETTABLE: u32 = 0x1 | 0x2 | 0x4 | 0x20 | 0x100 | 0x1000 | 0x2000 | PINNED | UNPINNED;
        let name = wide(folder);
        // SAFETY: `name` is NUL-terminated.
        let now = unsafe { GetFileAttributesW(name.as_ptr()) };
        if now == INVALID_FILE_ATTRIBUTES {
            return Err(std::io::Error::last_os_error());
        }
        let mut wanted = now & SETTABLE & !(PINNED | UNPINNED);
        if keep {
            wanted |= PINNED;
        }
        if wanted == 0 {
            wanted = FILE_ATTRIBUTE_NORMAL;
        }
        // SAFETY: `name` is NUL-terminated.
        if unsafe { SetFileAttributesW(name.as_ptr(), wanted) } == 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(())
    }
}

#[cfg(not(windows))]
mod platform {
    use std::path::Path;

    /// Outside Windows, no cloud provider keeps placeholders Fanday could
    /// pin: nothing is offered.
    pub fn attributes_up_from(_folder: &Path) -> Vec<(u32, u32)> {
        Vec::new()
    }

    pub fn set_pinned(_folder: &Path, _keep: bool) -> std::io::Result<()> {
        Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_in_onedrive_is_told_apart_and_its_pin_is_read() {
        // A plain folder on a local disk, above it the user's home.
        assert_eq!(state_of(&[(0x10, 0), (0x10, 0)]), CloudFolder::default());
        // A OneDrive folder: a directory placeholder with a cloud reparse tag.
        let onedrive = (0x10 | REPARSE_POINT, 0x9000_601A);
        assert_eq!(
            state_of(&[(0x10, 0), onedrive]),
            CloudFolder {
                under_cloud: true,
                kept_on_device: false
            },
            "a new folder inside OneDrive is under it too"
        );
        // "Always keep on this device".
        assert_eq!(
            state_of(&[(0x10 | PINNED, 0), onedrive]),
            CloudFolder {
                under_cloud: true,
                kept_on_device: true
            }
        );
        // A link that is no cloud (a junction).
        assert_eq!(
            state_of(&[(0x10 | REPARSE_POINT, 0xA000_0003)]),
            CloudFolder::default()
        );
    }

    #[test]
    fn a_folder_no_cloud_keeps_is_left_alone() {
        let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(state(dir.path()), CloudFolder::default());
        let refused = keep_on_device(dir.path(), true);
        assert!(refused.is_err(), "nothing to pin outside a cloud folder");
    }
}

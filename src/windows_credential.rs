//! The Windows Credential Manager, with entries that stay on this PC. A
//! credential written with enterprise persistence (as the keyring crate
//! writes them) roams with a roaming Windows profile to every PC the
//! person logs on to: one team key on two PCs, a fork to the team. Fanday
//! writes its key with local-machine persistence, and moves an entry an
//! earlier Fanday wrote the roaming way to this PC's own.
//!
//! The secret is kept as UTF-16, little-endian, as the keyring crate kept
//! it, so the entries an earlier Fanday wrote are read as they are.

use std::ptr::null_mut;
use windows_sys::Win32::Foundation::{GetLastError, ERROR_NOT_FOUND, FILETIME};
use windows_sys::Win32::Security::Credentials::{
    CredDeleteW, CredFree, CredReadW, CredWriteW, CREDENTIALW, CRED_PERSIST_LOCAL_MACHINE,
    CRED_TYPE_GENERIC,
};

/// An entry as found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub secret: String,
    /// Kept on this PC only (not roaming with the person's profile).
    pub stays_on_this_pc: bool,
}

fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain(std::iter::once(0)).collect()
}

/// Writes `secret` under `target`, kept on this PC only. `Err` carries the
/// Windows error code.
pub fn write(target: &str, user: &str, secret: &str) -> Result<(), u32> {
    let mut target = wide(target);
    let mut user = wide(user);
    let mut blob: Vec<u8> = secret.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let credential = CREDENTIALW {
        Flags: 0,
        Type: CRED_TYPE_GENERIC,
        TargetName: target.as_mut_ptr(),
        Comment: null_mut(),
        LastWritten: FILETIME {
            dwLowDateTime: 0,
            dwHighDateTime: 0,
        },
        CredentialBlobSize: blob.len() as u32,
        CredentialBlob: blob.as_mut_ptr(),
        Persist: CRED_PERSIST_LOCAL_MACHINE,
        AttributeCount: 0,
        Attributes: null_mut(),
        TargetAlias: null_mut(),
        UserName: user.as_mut_ptr(),
    };
    // SAFETY: every pointer in `credential` points into a buffer of this
    // function that outlives the call; CredWriteW copies what it keeps.
    let written = unsafe { CredWriteW(&credential, 0) };
    blob.fill(0);
    if written == 0 {
        // SAFETY: reads this thread's last error, set by the call above.
        return Err(unsafe { GetLastError() });
    }
    Ok(())
}

/// Deletes the entry under `target`; none there is no error. `Err` carries
/// the Windows error code.
pub fn delete(target: &str) -> Result<(), u32> {
    let target = wide(target);
    // SAFETY: `target` is a NUL-terminated UTF-16 string.
    if unsafe { CredDeleteW(target.as_ptr(), CRED_TYPE_GENERIC, 0) } != 0 {
        return Ok(());
    }
    // SAFETY: reads this thread's last error, set by the call above.
    match unsafe { GetLastError() } {
        ERROR_NOT_FOUND => Ok(()),
        code => Err(code),
    }
}

/// Reads the entry under `target`: `None` where there is none. `Err`
/// carries the Windows error code (the Credential Manager cannot be asked).
pub fn read(target: &str) -> Result<Option<Found>, u32> {
    let target = wide(target);
    let mut credential: *mut CREDENTIALW = null_mut();
    // SAFETY: `target` is a NUL-terminated UTF-16 string; on success
    // CredReadW allocates the credential, which is freed below.
    let read = unsafe { CredReadW(target.as_ptr(), CRED_TYPE_GENERIC, 0, &mut credential) };
    if read == 0 || credential.is_null() {
        // SAFETY: reads this thread's last error, set by the call above.
        let code = unsafe { GetLastError() };
        return if code == ERROR_NOT_FOUND {
            Ok(None)
        } else {
            Err(code)
        };
    }
    // SAFETY: CredReadW succeeded, so `credential` points at a credential
    // whose blob holds `CredentialBlobSize` bytes, until CredFree.
    let found = unsafe {
        let entry = &*credential;
        let bytes: &[u8] = if entry.CredentialBlob.is_null() {
            &[]
        } else {
            std::slice::from_raw_parts(entry.CredentialBlob, entry.CredentialBlobSize as usize)
        };
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
            .collect();
        let found = String::from_utf16(&units).ok().map(|secret| Found {
            secret,
            stays_on_this_pc: entry.Persist == CRED_PERSIST_LOCAL_MACHINE,
        });
        CredFree(credential.cast());
        found
    };
    Ok(found)
}

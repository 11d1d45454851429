//! Windows: the first launch creates a named mutex in the person's session;
//! a later launch finds it, signals a named event the first one waits on,
//! and exits.

use super::{Activations, Claim};
use windows_sys::Win32::Foundation::{GetLastError, ERROR_ALREADY_EXISTS, WAIT_OBJECT_0};
use windows_sys::Win32::System::Threading::{
    CreateEventW, CreateMutexW, OpenEventW, SetEvent, WaitForSingleObject, EVENT_MODIFY_STATE,
    INFINITE,
};

const MUTEX_NAME: &str = "Local\\se.fanday.app.SingleInstance";
const EVENT_NAME: &str = "Local\\se.fanday.app.Activate";

fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain(std::iter::once(0)).collect()
}

/// Owns the mutex for the life of the process, or brings the owner forward.
pub fn claim() -> Claim {
    let mutex_name = wide(MUTEX_NAME);
    let event_name = wide(EVENT_NAME);
    // SAFETY: the names are NUL-terminated UTF-16 that outlive the calls;
    // null security attributes mean the defaults.
    let mutex = unsafe { CreateMutexW(std::ptr::null(), 0, mutex_name.as_ptr()) };
    // SAFETY: reads this thread's last error, set by CreateMutexW.
    let already = unsafe { GetLastError() } == ERROR_ALREADY_EXISTS;
    if mutex.is_null() {
        log::warn!("cannot create the single-instance mutex; running anyway");
        return Claim::NoBus;
    }
    if already {
        // SAFETY: as above; the handle is only used to set the event.
        let event = unsafe { OpenEventW(EVENT_MODIFY_STATE, 0, event_name.as_ptr()) };
        if event.is_null() {
            log::warn!("Fanday already runs but cannot be asked to come forward");
        } else {
            // SAFETY: `event` is a valid handle opened above.
            unsafe { SetEvent(event) };
        }
        return Claim::AlreadyRunning;
    }
    // The mutex handle is kept open (never closed) so the name lives as long
    // as this process. An auto-reset event wakes the listener once per launch.
    // SAFETY: as above.
    let event = unsafe { CreateEventW(std::ptr::null(), 0, 0, event_name.as_ptr()) };
    if event.is_null() {
        log::warn!("cannot create the activation event; a second Fanday will only exit");
        return Claim::NoBus;
    }
    let event = event as usize;
    let (activate, activations) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("single-instance".into())
        .spawn(move || loop {
            // SAFETY: the event handle stays open for the process's life.
            let woke = unsafe { WaitForSingleObject(event as _, INFINITE) };
            if woke != WAIT_OBJECT_0 || activate.send(()).is_err() {
                break;
            }
        });
    if let Err(err) = spawned {
        log::warn!("cannot listen for a second Fanday ({err})");
    }
    Claim::First(Activations::new(activations))
}

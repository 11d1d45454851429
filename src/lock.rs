//! Taking a lock whose holder panicked: every value the core guards with a
//! mutex (a queue, a cache, a set of names) stays whole between steps, so
//! it is used as it is rather than stopping the app.

use std::sync::{Mutex, MutexGuard};

pub(crate) fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

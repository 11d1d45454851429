//! One Fanday per person: a second launch brings the running one forward
//! and exits. Each platform has its own way, chosen here and nowhere else.

use std::sync::mpsc::Receiver;

#[cfg(target_os = "linux")]
mod session_bus;
#[cfg(target_os = "linux")]
pub use session_bus::claim;

#[cfg(windows)]
mod named_mutex;
#[cfg(windows)]
pub use named_mutex::claim;

/// What the launch found.
pub enum Claim {
    /// This is the only Fanday; later launches arrive as activations.
    First(Activations),
    /// Another Fanday runs and was asked to show its window.
    AlreadyRunning,
    /// Nothing to check against (no session bus), so this one runs.
    NoBus,
}

/// Later launches asking this Fanday to come forward.
pub struct Activations(Receiver<()>);

impl Activations {
    fn new(activations: Receiver<()>) -> Activations {
        Activations(activations)
    }

    /// Runs `on_activate` for each later launch, on a thread of its own.
    pub fn each(self, on_activate: impl Fn() + Send + 'static) {
        let spawned = std::thread::Builder::new()
            .name("activations".into())
            .spawn(move || self.0.iter().for_each(|()| on_activate()));
        if let Err(err) = spawned {
            log::warn!("cannot listen for a second Fanday ({err})");
        }
    }
}

//! Linux: the first launch owns a name on the session bus, a second launch
//! asks that one to come forward and exits. Uses libdbus, which the window
//! toolkit links anyway.

use super::{Activations, Claim};
use dbus::blocking::Connection;
use dbus::channel::{MatchingReceiver, Sender as _};
use dbus::message::MatchRule;
use dbus::Message;
use std::sync::mpsc::Sender;
use std::time::Duration;

const BUS_NAME: &str = "se.fanday.app.SingleInstance";
const OBJECT_PATH: &str = "/se/fanday/app/SingleInstance";
const INTERFACE: &str = "se.fanday.app.SingleInstance";
const ACTIVATE: &str = "Activate";

/// Claims the name, or, when another Fanday holds it, brings that one forward.
pub fn claim() -> Claim {
    let connection = match Connection::new_session() {
        Ok(connection) => connection,
        Err(err) => {
            log::warn!("no session bus ({err}); a second Fanday would not be noticed");
            return Claim::NoBus;
        }
    };
    use dbus::blocking::stdintf::org_freedesktop_dbus::RequestNameReply;
    match connection.request_name(BUS_NAME, false, false, true) {
        Ok(RequestNameReply::PrimaryOwner | RequestNameReply::AlreadyOwner) => {
            let (activate, activations) = std::sync::mpsc::channel();
            serve(connection, activate);
            Claim::First(Activations::new(activations))
        }
        Ok(RequestNameReply::Exists | RequestNameReply::InQueue) => {
            if let Err(err) = connection
                .with_proxy(BUS_NAME, OBJECT_PATH, Duration::from_secs(5))
                .method_call::<(), _, _, _>(INTERFACE, ACTIVATE, ())
            {
                log::warn!("Fanday already runs but did not answer ({err})");
            }
            Claim::AlreadyRunning
        }
        Err(err) => {
            log::warn!("cannot claim {BUS_NAME} ({err}); running anyway");
            Claim::NoBus
        }
    }
}

/// Answers `Activate` at once, from the first moment: the window may still
/// be on its way, and the call is acknowledged all the same.
fn serve(connection: Connection, activate: Sender<()>) {
    let spawned = std::thread::Builder::new()
        .name("single-instance".into())
        .spawn(move || {
            let rule = MatchRule::new_method_call()
                .with_path(OBJECT_PATH)
                .with_interface(INTERFACE)
                .with_member(ACTIVATE);
            connection.start_receive(
                rule,
                Box::new(move |call: Message, connection: &Connection| {
                    let _ = activate.send(());
                    if connection.send(call.method_return()).is_ok() {
                        // Queued messages otherwise wait for the next wake-up.
                        connection.channel().flush();
                    }
                    true
                }),
            );
            loop {
                if let Err(err) = connection.process(Duration::from_secs(3600)) {
                    log::warn!("single-instance bus connection closed ({err})");
                    break;
                }
            }
        });
    if let Err(err) = spawned {
        log::warn!("cannot listen for a second Fanday ({err})");
    }
}

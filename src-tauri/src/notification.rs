//! The reminder as a desktop notification: over D-Bus on Linux, with its
//! buttons; a toast on Windows (under the app's id, which the installer's
//! Start menu entry carries).

use fanday_core::NotificationText;

/// What the person chose on the notification.
#[cfg_attr(windows, allow(dead_code))]
pub enum Action {
    Log,
    Snooze,
}

/// Shows `text`, tells `shown` whether the system took it, then (on Linux)
/// waits on this thread for the person's answer and passes it to `on_action`.
#[cfg(target_os = "linux")]
pub fn show(
    text: &NotificationText,
    shown: impl FnOnce(Result<(), String>),
    on_action: impl Fn(Action),
) {
    let mut notification = notify_rust::Notification::new();
    notification
        .appname("Fanday")
        .icon("fanday")
        .summary(&text.title)
        .body(&text.body)
        .action("default", &text.log_action)
        .action("log", &text.log_action)
        .action("snooze", &text.snooze_action);
    match notification.show() {
        Ok(handle) => {
            shown(Ok(()));
            handle.wait_for_action(|action| match action {
                "default" | "log" => on_action(Action::Log),
                "snooze" => on_action(Action::Snooze),
                _ => {}
            });
        }
        Err(err) => shown(Err(err.to_string())),
    }
}

/// Windows toasts from a desktop app carry no answer back here: the
/// person opens Fanday from the toast or the tray.
#[cfg(windows)]
pub fn show(
    text: &NotificationText,
    shown: impl FnOnce(Result<(), String>),
    _on_action: impl Fn(Action),
) {
    let result = notify_rust::Notification::new()
        .app_id(crate::IDENTIFIER)
        .appname("Fanday")
        .summary(&text.title)
        .body(&text.body)
        .show();
    shown(result.map(|_| ()).map_err(|err| err.to_string()));
}

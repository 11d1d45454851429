//! The reminder loop and the desktop notification. Whether to remind is the
//! core's rule; this module only asks it, sleeps, and delivers.

use crate::first_screen;
use crate::notification;
use crate::AppState;
use fanday_core::{Fanday, NotificationText, Plan};
use serde::Serialize;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager};
use tokio::sync::Notify;

/// The loop looks at the wall clock at least this often, so that suspend,
/// a clock that jumps or a new time zone are noticed within a minute.
const LOOK_AGAIN: Duration = Duration::from_secs(60);
/// Never spin: the shortest sleep between two looks.
const SHORTEST_SLEEP: Duration = Duration::from_millis(50);
/// A notification server that has not answered by then is taken as absent.
const NOTIFY_TIMEOUT: Duration = Duration::from_secs(10);

pub const EVENT_IN_WINDOW: &str = "fanday://reminder";
pub const EVENT_LOG_MOMENT: &str = "fanday://log-moment";
pub const EVENT_SNOOZED: &str = "fanday://snoozed";

#[derive(Default)]
pub struct Reminders {
    wake: Arc<Notify>,
    /// A reminder shown inside the window (no notification server), until
    /// the person acts on it; the window asks for it when it starts.
    in_window: Mutex<Option<NotificationText>>,
}

impl Reminders {
    fn set_in_window(&self, text: Option<NotificationText>) {
        *self
            .in_window
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = text;
    }

    pub fn in_window(&self) -> Option<NotificationText> {
        self.in_window
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

/// Starts the loop; it runs as long as the app.
pub fn start(app: &AppHandle) {
    let wake = app.state::<Reminders>().wake.clone();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        first_screen::painted(&app).await;
        loop {
            let sleep = look(&app);
            tokio::select! {
                _ = tokio::time::sleep(sleep) => {}
                _ = wake.notified() => {}
            }
        }
    });
}

/// Something the rule depends on changed (a moment, the settings, a
/// snooze): look again now instead of at the next planned instant.
pub fn wake(app: &AppHandle) {
    app.state::<Reminders>().wake.notify_one();
}

fn with_core<T>(app: &AppHandle, act: impl FnOnce(&Fanday) -> T) -> Option<T> {
    let state = app.state::<AppState>();
    state.core.as_ref().ok().map(act)
}

/// The weekly digest, once, when it is due.
fn send_digest_if_due(app: &AppHandle) {
    let due = with_core(app, |core| {
        let due = core.digest_due()?;
        if let Some((monday, _)) = &due {
            core.record_digest_sent(*monday)?;
        }
        Ok::<_, fanday_core::CoreError>(due)
    });
    match due {
        Some(Ok(Some((_, text)))) => deliver(app, text),
        Some(Err(err)) => log::warn!("cannot prepare the weekly digest: {err}"),
        _ => {}
    }
}

/// One look at the rule: remind if due, and say how long to sleep.
fn look(app: &AppHandle) -> Duration {
    send_digest_if_due(app);
    // The day's automatic backup, for an app that runs for days.
    if let Some(Err(err)) = with_core(app, Fanday::daily_backup) {
        log::warn!("no daily backup today: {err}");
    }
    let plan = with_core(app, |core| core.reminder_plan());
    match plan {
        None => LOOK_AGAIN,
        Some(Err(err)) => {
            log::warn!("cannot plan the reminder: {err}");
            LOOK_AGAIN
        }
        Some(Ok(Plan::Remind { .. })) => {
            // Logged before it is sent: a crash or restart never repeats it.
            let text = with_core(app, |core| {
                core.record_reminder_shown()?;
                core.notification_text()
            });
            match text {
                Some(Ok(text)) => deliver(app, text),
                Some(Err(err)) => log::warn!("cannot note the reminder: {err}"),
                None => {}
            }
            SHORTEST_SLEEP
        }
        Some(Ok(Plan::Wait { next, .. })) => next
            .and_then(|next| (next - chrono::Utc::now()).to_std().ok())
            .map_or(LOOK_AGAIN, |until| until.clamp(SHORTEST_SLEEP, LOOK_AGAIN)),
    }
}

/// Shows the reminder at once, to try it; it does not count as the day's.
pub fn remind_now(app: &AppHandle) -> Result<(), fanday_core::CoreError> {
    if let Some(text) = with_core(app, Fanday::notification_text).transpose()? {
        deliver(app, text);
    }
    Ok(())
}

/// Sends the desktop notification; without a notification server, shows
/// the reminder in the window instead. Never blocks the caller.
fn deliver(app: &AppHandle, text: NotificationText) {
    let (sent, answer) = mpsc::channel::<Result<(), String>>();
    let on_action = app.clone();
    let notification_text = text.clone();
    let spawned = std::thread::Builder::new()
        .name("fanday-notification".into())
        .spawn(move || {
            notification::show(
                &notification_text,
                |shown| {
                    let _ = sent.send(shown);
                },
                |action| match action {
                    notification::Action::Log => open_log_form(&on_action, true),
                    notification::Action::Snooze => snooze(&on_action),
                },
            );
        });
    if let Err(err) = spawned {
        log::warn!("cannot start the notification thread: {err}");
        show_in_window(app, text);
        return;
    }
    let app = app.clone();
    let _ = std::thread::Builder::new()
        .name("fanday-notification-watch".into())
        .spawn(move || {
            let failure = match answer.recv_timeout(NOTIFY_TIMEOUT) {
                Ok(Ok(())) => return,
                Ok(Err(reason)) => reason,
                Err(_) => "the notification server did not answer".to_string(),
            };
            log::warn!("no desktop notification ({failure}); showing the reminder in the window");
            show_in_window(&app, text);
        });
}

fn show_in_window(app: &AppHandle, text: NotificationText) {
    app.state::<Reminders>().set_in_window(Some(text.clone()));
    show_main_window(app);
    if let Err(err) = app.emit_to("main", EVENT_IN_WINDOW, text) {
        log::warn!("cannot show the reminder in the window: {err}");
    }
}

pub fn show_main_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Opens the window on the quick-log form; `from_reminder` notes that the
/// person followed a reminder there.
pub fn open_log_form(app: &AppHandle, from_reminder: bool) {
    if from_reminder {
        if let Some(Err(err)) = with_core(app, Fanday::record_reminder_opened) {
            log::warn!("cannot note the opened reminder: {err}");
        }
    }
    app.state::<Reminders>().set_in_window(None);
    show_main_window(app);
    let _ = app.emit_to("main", EVENT_LOG_MOMENT, ());
}

#[derive(Debug, Clone, Serialize)]
pub struct Snoozed {
    until: chrono::DateTime<chrono::Utc>,
}

/// Snoozes today's reminder for the snooze length.
pub fn snooze(app: &AppHandle) {
    if let Err(err) = try_snooze(app) {
        log::warn!("cannot snooze the reminder: {err}");
    }
}

pub fn try_snooze(app: &AppHandle) -> Result<Snoozed, fanday_core::CoreError> {
    let until = with_core(app, Fanday::snooze_reminder)
        .transpose()?
        .unwrap_or_else(chrono::Utc::now);
    app.state::<Reminders>().set_in_window(None);
    wake(app);
    let snoozed = Snoozed { until };
    let _ = app.emit_to("main", EVENT_SNOOZED, snoozed.clone());
    Ok(snoozed)
}

pub fn dismiss_in_window(app: &AppHandle) {
    app.state::<Reminders>().set_in_window(None);
}

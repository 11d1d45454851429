//! The daily reminder end to end: the real app on a private session D-Bus,
//! with a notification server that records what it is sent (python3-dbusmock),
//! and without one.

#[path = "support/desktop.rs"]
mod desktop;

use chrono::{Duration as Span, Local};
use desktop::{click, quit, screenshot, testid, wait_for, wait_for_text, Desktop, Service};
use fanday_core::{
    Customer, Fanday, FixedClock, Language, MomentInput, PlanInput, ProfileInput, ReminderSettings,
    Role, Situation, SystemClock,
};
use fantoccini::{Client, Locator};
use rusqlite::Connection;
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

const CTRL_ENTER: &str = "\u{E009}\u{E007}";

/// Sets up a profile in the data dir, through the same core as the app, and
/// returns the title today's reminder will have.
fn set_up_profile(data_dir: &Path, language: Language) -> String {
    let core = Fanday::open(data_dir, Arc::new(SystemClock)).unwrap_or_else(|err| panic!("{err}"));
    core.save_profile(&ProfileInput {
        display_name: "Sara Lind".into(),
        role: Role::Staff,
        language,
    })
    .unwrap_or_else(|err| panic!("{err}"));
    core.notification_text()
        .unwrap_or_else(|err| panic!("{err}"))
        .title
}

const MOCK: &str = "import dbus\n\
bus = dbus.SessionBus()\n\
mock = dbus.Interface(bus.get_object('org.freedesktop.Notifications', '/org/freedesktop/Notifications'), 'org.freedesktop.DBus.Mock')\n";

/// The notification server that records every call made to it.
fn start_notification_server(desktop: &Desktop) -> Service {
    let server = desktop.start_service(
        "/usr/bin/python3",
        &["-m", "dbusmock", "--template", "notification_daemon"],
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while desktop
        .python_on_bus(&format!("{MOCK}mock.GetCalls()"))
        .is_err()
    {
        assert!(
            Instant::now() < deadline,
            "the mock notification server did not start (is python3-dbusmock installed?)"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    server
}

/// The summaries (titles) of every `Notify` call the server received.
fn notified_titles(desktop: &Desktop) -> Vec<String> {
    let printed = desktop
        .python_on_bus(&format!(
            "{MOCK}import json\n\
             print(json.dumps([str(args[3]) for (_, method, args) in mock.GetCalls() if method == 'Notify']))"
        ))
        .unwrap_or_else(|err| panic!("cannot read the server's calls: {err}"));
    serde_json::from_str(printed.trim()).unwrap_or_else(|err| panic!("{printed}: {err}"))
}

/// The bodies of every `Notify` call the server received.
fn notified_bodies(desktop: &Desktop) -> Vec<String> {
    let printed = desktop
        .python_on_bus(&format!(
            "{MOCK}import json\n\
             print(json.dumps([str(args[4]) for (_, method, args) in mock.GetCalls() if method == 'Notify']))"
        ))
        .unwrap_or_else(|err| panic!("cannot read the server's calls: {err}"));
    serde_json::from_str(printed.trim()).unwrap_or_else(|err| panic!("{printed}: {err}"))
}

fn wait_for_notifications(desktop: &Desktop, count: usize, within: Duration) -> Vec<String> {
    let deadline = Instant::now() + within;
    loop {
        let titles = notified_titles(desktop);
        if titles.len() >= count || Instant::now() > deadline {
            return titles;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// As if the person clicked a button on the notification.
fn invoke_action(desktop: &Desktop, notification_id: u32, action: &str) {
    desktop
        .python_on_bus(&format!(
            "{MOCK}mock.EmitSignal('org.freedesktop.Notifications', 'ActionInvoked', 'us', \
             [dbus.UInt32({notification_id}), '{action}'])"
        ))
        .unwrap_or_else(|err| panic!("cannot invoke {action}: {err}"));
}

async fn focused_testid(client: &Client) -> String {
    client
        .execute(
            "return document.activeElement?.dataset?.testid ?? ''",
            vec![],
        )
        .await
        .ok()
        .and_then(|value| value.as_str().map(str::to_string))
        .unwrap_or_default()
}

async fn wait_for_focus(client: &Client, id: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let focused = focused_testid(client).await;
        if focused == id {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{id} never got the focus ({focused:?} has it)"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn is_shown(client: &Client, id: &str) -> bool {
    match client.find(Locator::Css(&testid(id))).await {
        Ok(element) => element.is_displayed().await.unwrap_or(false),
        Err(_) => false,
    }
}

fn reminder_log(data_dir: &Path) -> Vec<String> {
    let db = Connection::open(data_dir.join(fanday_core::store::DB_FILE_NAME))
        .unwrap_or_else(|err| panic!("{err}"));
    db.prepare("SELECT kind FROM reminder_log ORDER BY id")
        .and_then(|mut stmt| {
            stmt.query_map([], |row| row.get(0))?
                .collect::<Result<Vec<String>, _>>()
        })
        .unwrap_or_else(|err| panic!("{err}"))
}

fn hh_mm(offset_minutes: i64) -> String {
    (Local::now() + Span::minutes(offset_minutes))
        .format("%H:%M")
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reminder_set_a_minute_ahead_is_sent_once_and_never_again_that_day() {
    let desktop = Desktop::start();
    let _server = start_notification_server(&desktop);
    let data_dir = desktop.data_dir();
    let data_arg = data_dir.display().to_string();
    let title = set_up_profile(&data_dir, Language::En);

    let at = hh_mm(1);
    let app = desktop
        .launch(&["--data-dir", &data_arg, "--remind-at", &at])
        .await;
    wait_for(&app, "moment-text").await;
    click(&app, "nav-settings").await;

    // The app sleeps until the minute comes, then sends exactly one.
    let titles = wait_for_notifications(&desktop, 1, Duration::from_secs(100));
    assert_eq!(titles, vec![title.clone()], "one reminder at {at}");
    assert!(
        !is_shown(&app, "in-window-reminder").await,
        "a notification server is there: nothing in the window"
    );

    // "Log a moment" on the notification opens the window on the form.
    invoke_action(&desktop, 1, "log");
    wait_for_focus(&app, "moment-text").await;
    quit(app).await;

    // A restart the same day never shows it again.
    let app = desktop
        .launch(&["--data-dir", &data_arg, "--remind-at", &at])
        .await;
    wait_for(&app, "moment-text").await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(notified_titles(&desktop).len(), 1, "after a restart");

    // Today's fan made: still only the one.
    let field = wait_for(&app, "moment-text").await;
    field
        .send_keys("Bar upp kassarna till bilen")
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    field
        .send_keys(CTRL_ENTER)
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    wait_for_text(&app, "today-status", "Today's fan is made").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(notified_titles(&desktop).len(), 1, "after today's fan");
    quit(app).await;

    assert_eq!(reminder_log(&data_dir), vec!["shown", "opened"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn after_a_missed_day_the_reminder_names_a_plan_and_says_kindly_that_today_counts() {
    let desktop = Desktop::start();
    let _server = start_notification_server(&desktop);
    let data_dir = desktop.data_dir();
    let data_arg = data_dir.display().to_string();
    set_up_profile(&data_dir, Language::Sv);
    // Every day a working day; the last fan was the day before yesterday.
    {
        let two_days_ago = Local::now().fixed_offset() - Span::days(2);
        let core = Fanday::open(&data_dir, Arc::new(FixedClock::new(two_days_ago)))
            .unwrap_or_else(|err| panic!("{err}"));
        let settings = core
            .reminder_settings()
            .unwrap_or_else(|err| panic!("{err}"));
        core.save_reminder_settings(ReminderSettings {
            weekdays: vec![1, 2, 3, 4, 5, 6, 7],
            ..settings
        })
        .unwrap_or_else(|err| panic!("{err}"));
        core.save_plan(&PlanInput {
            situation: Situation::Complaint,
            action: "lyssna klart innan jag svarar".into(),
        })
        .unwrap_or_else(|err| panic!("{err}"));
        core.add_moment(&MomentInput::new(
            Situation::Complaint,
            Customer::External,
            "Ringde upp en arg kund",
        ))
        .unwrap_or_else(|err| panic!("{err}"));
    }

    let app = desktop
        .launch(&["--data-dir", &data_arg, "--remind-at", &hh_mm(0)])
        .await;
    wait_for_text(
        &app,
        "today-missed",
        "Igår blev det inget, det gör inget. Idag räknas.",
    )
    .await;
    screenshot(&desktop, "today-after-a-miss-sv");
    let titles = wait_for_notifications(&desktop, 1, Duration::from_secs(60));
    assert_eq!(
        titles,
        vec!["Igår blev det inget, det gör inget. Idag räknas.".to_string()]
    );
    assert_eq!(
        notified_bodies(&desktop),
        vec!["Idag: när en kund klagar, så ska jag lyssna klart innan jag svarar".to_string()]
    );
    quit(app).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_notification_server_the_reminder_shows_in_the_window() {
    let desktop = Desktop::start();
    let data_dir = desktop.data_dir();
    let data_arg = data_dir.display().to_string();
    let title = set_up_profile(&data_dir, Language::Sv);

    // The set time has just passed (as after sleep): shown at once.
    let app = desktop
        .launch(&["--data-dir", &data_arg, "--remind-at", &hh_mm(0)])
        .await;
    wait_for_text(&app, "in-window-reminder-title", &title).await;
    screenshot(&desktop, "in-window-reminder-sv");

    // Snooze: the banner goes, the app stays, the snooze is kept.
    click(&app, "snooze").await;
    wait_for_text(&app, "today-status", "Inget fan").await;
    assert!(!is_shown(&app, "in-window-reminder").await);
    assert_eq!(reminder_log(&data_dir), vec!["shown", "snoozed"]);

    // Settings: the reminder can be changed, and a bad time is explained.
    click(&app, "nav-settings").await;
    let time = wait_for(&app, "reminder-time").await;
    time.clear().await.unwrap_or_else(|err| panic!("{err}"));
    time.send_keys("25:99")
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    click(&app, "reminder-save").await;
    wait_for_text(&app, "error", "10:00").await;
    time.clear().await.unwrap_or_else(|err| panic!("{err}"));
    time.send_keys("8:15")
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    click(&app, "reminder-day-6").await;
    click(&app, "reminder-save").await;
    let saved_time = || {
        Fanday::open(&data_dir, Arc::new(SystemClock))
            .and_then(|core| core.reminder_settings())
            .unwrap_or_else(|err| panic!("{err}"))
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while saved_time().time != "08:15" {
        assert!(Instant::now() < deadline, "the settings were never saved");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(saved_time().weekdays, vec![1, 2, 3, 4, 5, 6]);
    let _ = app
        .execute(
            "document.getElementById('reminder-title').scrollIntoView()",
            vec![],
        )
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    screenshot(&desktop, "settings-reminder-sv");
    assert_eq!(
        wait_for(&app, "reminder-time")
            .await
            .prop("value")
            .await
            .unwrap_or_default()
            .as_deref(),
        Some("08:15"),
        "the field shows the time as saved"
    );

    // A holiday: added as a pause, kept in the database.
    let first = (Local::now() + Span::days(30))
        .format("%Y-%m-%d")
        .to_string();
    let last = (Local::now() + Span::days(44))
        .format("%Y-%m-%d")
        .to_string();
    app.execute(
        "const [from, to] = arguments; \
         document.getElementById('pause-from').value = from; \
         document.getElementById('pause-to').value = to;",
        vec![Value::String(first.clone()), Value::String(last.clone())],
    )
    .await
    .unwrap_or_else(|err| panic!("{err}"));
    click(&app, "pause-add").await;
    desktop::wait_for_count(&app, "pause-item", 1).await;
    let pauses = saved_time().pauses;
    assert_eq!(pauses.len(), 1);
    assert_eq!(pauses[0].first_day.to_string(), first);
    assert_eq!(pauses[0].last_day.to_string(), last);

    // "Remind me now" tries it: in the window again, as there is no server.
    click(&app, "remind-now").await;
    wait_for_text(&app, "in-window-reminder-title", &title).await;
    click(&app, "reminder-log").await;
    wait_for_focus(&app, "moment-text").await;
    quit(app).await;

    let log = reminder_log(&data_dir);
    assert_eq!(log, vec!["shown", "snoozed", "opened"]);
    let status: Value = serde_json::to_value(saved_time()).unwrap_or_default();
    assert_eq!(status["time"], "08:15");
}

#[tokio::test(flavor = "multi_thread")]
async fn one_fanday_runs_at_a_time_and_it_can_open_at_login() {
    let desktop = Desktop::start();
    let data_dir = desktop.data_dir();
    let data_arg = data_dir.display().to_string();
    set_up_profile(&data_dir, Language::En);
    // Started at login: in the tray, the window hidden.
    let app = desktop
        .launch(&["--data-dir", &data_arg, "--remind-at=off", "--hidden"])
        .await;
    wait_for(&app, "moment-text").await;
    let visibility = || async {
        app.execute("return document.visibilityState;", vec![])
            .await
            .unwrap_or_else(|err| panic!("{err}"))
    };
    assert_eq!(visibility().await, "hidden");

    // A second launch brings the first forward and ends at once.
    let mut second = desktop
        .command(desktop::app_binary())
        .args(["--data-dir", &data_arg])
        .spawn()
        .unwrap_or_else(|err| panic!("cannot start a second Fanday: {err}"));
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Ok(Some(status)) = second.try_wait() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = second.kill();
            panic!("a second Fanday kept running beside the first");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(status.success(), "the second launch ended with {status}");
    let deadline = Instant::now() + Duration::from_secs(10);
    while visibility().await != "visible" {
        assert!(
            Instant::now() < deadline,
            "the running Fanday stayed hidden"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    click(&app, "nav-settings").await;
    wait_for(&app, "reminder-time").await;

    // Open at login: an autostart entry that starts Fanday in the tray.
    let autostart = Path::new(desktop.env("HOME").unwrap_or_default()).join(".config/autostart");
    let entries = || -> Vec<String> {
        std::fs::read_dir(&autostart)
            .map(|dir| {
                dir.filter_map(Result::ok)
                    .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
                    .collect()
            })
            .unwrap_or_default()
    };
    assert!(entries().is_empty());
    click(&app, "reminder-open-at-login").await;
    click(&app, "reminder-save").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while entries().is_empty() {
        assert!(Instant::now() < deadline, "no autostart entry was written");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let entry = entries().join("\n");
    assert!(entry.contains("--hidden"), "{entry}");
    click(&app, "reminder-open-at-login").await;
    click(&app, "reminder-save").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !entries().is_empty() {
        assert!(Instant::now() < deadline, "the autostart entry stayed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    quit(app).await;
}

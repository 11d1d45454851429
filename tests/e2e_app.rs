//! End to end on the real app: the built binary in a real WebKit webview,
//! on a private Xvfb display and session D-Bus, driven over WebDriver.

#[path = "support/desktop.rs"]
mod desktop;

use desktop::{
    click, paste_into, quit, screenshot, texts_at, texts_of, wait_for, wait_for_count,
    wait_for_text, Desktop,
};
use fantoccini::{Client, Locator};
use rusqlite::Connection;
use std::time::Duration;

/// These tests are about logging, not the reminder: whatever the time of
/// day, no reminder comes in their way.
const QUIET: &str = "--remind-at=off";

const CTRL_ENTER: &str = "\u{E009}\u{E007}";

/// Replaces what is in a field: clear it (telling the page, as a person's
/// erasing would), then type the new text.
async fn type_into(client: &Client, id: &str, text: &str) {
    let field = wait_for(client, id).await;
    field
        .clear()
        .await
        .unwrap_or_else(|err| panic!("cannot clear {id}: {err}"));
    let arg = serde_json::to_value(&field).unwrap_or_default();
    client
        .execute(
            "arguments[0].dispatchEvent(new InputEvent('input', {bubbles: true}))",
            vec![arg],
        )
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    if !text.is_empty() {
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|err| panic!("cannot type into {id}: {err}"));
    }
}

const HOSTILE: &str =
    "<img src=x onerror=\"document.title='hacked'\"> Växlade pengar åt en kund 😍 مرحبا";

#[tokio::test(flavor = "multi_thread")]
async fn a_person_sets_up_logs_a_fan_and_finds_it_again_after_a_restart() {
    let desktop = Desktop::start();
    let data_dir = desktop.data_dir();
    let data_arg = data_dir.display().to_string();

    // First run: asked for name, role and language.
    let app = desktop.launch(&["--data-dir", &data_arg, QUIET]).await;
    wait_for(&app, "profile-name").await;
    screenshot(&desktop, "first-run");
    click(&app, "profile-save").await;
    wait_for_text(&app, "error", "Write your name").await;
    type_into(&app, "profile-name", "   ").await;
    click(&app, "profile-save").await;
    wait_for_text(&app, "error", "Write your name").await;
    type_into(&app, "profile-name", "Sara Lind").await;
    click(&app, "role-staff").await;
    // The working days: Monday to Friday unless the person says otherwise.
    let checked = app
        .execute(
            "return [...document.querySelectorAll('[data-testid^=\"setup-day-\"]')]\
               .filter((box) => box.checked).map((box) => Number(box.value));",
            vec![],
        )
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(checked, serde_json::json!([1, 2, 3, 4, 5]));
    click(&app, "profile-save").await;

    // One if-then plan to start with: the example must be made one's own.
    click(&app, "plan-situation-said_no").await;
    wait_for_text(&app, "plan-text", "").await;
    screenshot(&desktop, "first-run-plan");
    click(&app, "plan-save").await;
    wait_for_text(&app, "error", "Make the example your own").await;
    type_into(&app, "plan-text", "ge ett annat förslag direkt").await;
    click(&app, "plan-save").await;

    // Today: the prompt, the status, the form with the cursor in it.
    wait_for_text(&app, "today-status", "No fan yet today").await;
    assert_eq!(
        texts_at(&app, "h1").await,
        vec!["Who will you make a fan today?"]
    );

    // An empty moment is refused next to the field; nothing is saved.
    click(&app, "moment-save").await;
    wait_for_text(&app, "error", "Write a few words about what you did.").await;

    // Log one with the keyboard: text, then Ctrl+Enter saves.
    click(&app, "situation-said_no").await;
    // The plan for a no is shown, and this moment followed it.
    wait_for_text(
        &app,
        "moment-plan-text",
        "When I have to say no, I will ge ett annat förslag direkt",
    )
    .await;
    click(&app, "moment-plan").await;
    screenshot(&desktop, "today-plan");
    click(&app, "customer-internal").await;
    click(&app, "moment-more").await;
    type_into(
        &app,
        "moment-reaction",
        "<script>document.title='hacked'</script> Tack!",
    )
    .await;
    paste_into(&app, "moment-text", HOSTILE).await;
    wait_for(&app, "moment-text")
        .await
        .send_keys(CTRL_ENTER)
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    wait_for_text(&app, "today-status", "Today's fan is made").await;
    assert!(app
        .find_all(Locator::Css("[data-testid=\"error\"]"))
        .await
        .unwrap_or_default()
        .is_empty());
    screenshot(&desktop, "today");

    // My moments: the text is shown exactly as typed, never as markup.
    click(&app, "nav-moments").await;
    wait_for_count(&app, "moment-item", 1).await;
    assert_eq!(
        texts_of(&app, "moment-item-text").await,
        vec![HOSTILE.to_string()]
    );
    let images = app
        .find_all(Locator::Css("main img, main script"))
        .await
        .unwrap_or_default();
    assert!(images.is_empty(), "user text became markup");
    assert_eq!(app.title().await.unwrap_or_default(), "Fanday");

    // Search finds it ignoring case; a miss says so.
    type_into(&app, "moment-search", "VÄXLADE").await;
    wait_for_count(&app, "moment-item", 1).await;
    type_into(&app, "moment-search", "parkering").await;
    wait_for(&app, "moments-empty").await;
    wait_for_count(&app, "moment-item", 0).await;
    type_into(&app, "moment-search", "").await;
    wait_for_count(&app, "moment-item", 1).await;

    // Edit it in the dialog.
    click(&app, "moment-edit").await;
    type_into(
        &app,
        "edit-moment-text",
        "Växlade pengar till automaten åt en kund",
    )
    .await;
    click(&app, "edit-moment-save").await;
    wait_for_text(&app, "moment-item-text", "till automaten").await;

    // Delete, then undo.
    click(&app, "moment-delete").await;
    wait_for(&app, "moments-empty").await;
    click(&app, "toast-action").await;
    wait_for_count(&app, "moment-item", 1).await;
    screenshot(&desktop, "moments");

    // Progress: the fan counts whatever the day (a Saturday too), and the
    // plan shows it was followed once.
    click(&app, "nav-progress").await;
    wait_for_text(&app, "plan-item", "Followed 1 time").await;
    assert_eq!(texts_of(&app, "streak-current").await, vec!["1"]);
    assert_eq!(texts_of(&app, "never-missed-twice").await, vec!["1"]);
    let strength = texts_of(&app, "habit-strength").await.join("");
    assert!(!strength.starts_with('0'), "{strength}");
    screenshot(&desktop, "progress-plans");
    app.execute("document.getElementById('plans').scrollIntoView()", vec![])
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    screenshot(&desktop, "progress-plans-list");

    click(&app, "nav-settings").await;
    wait_for_text(&app, "data-dir", &data_arg).await;
    screenshot(&desktop, "settings");
    quit(app).await;

    // A restart on the same data dir goes straight to Today, with the moment.
    let app = desktop.launch(&["--data-dir", &data_arg, QUIET]).await;
    wait_for_text(&app, "today-status", "Today's fan is made").await;
    click(&app, "nav-moments").await;
    wait_for_count(&app, "moment-item", 1).await;
    assert_eq!(
        texts_of(&app, "moment-item-text").await,
        vec!["Växlade pengar till automaten åt en kund".to_string()]
    );
    quit(app).await;

    // And the SQLite file holds exactly what the person saw.
    let db = Connection::open(data_dir.join(fanday_core::store::DB_FILE_NAME))
        .unwrap_or_else(|err| panic!("{err}"));
    let rows: Vec<(String, String, String, Option<String>)> = db
        .prepare("SELECT text, situation, customer, reaction FROM moments WHERE deleted_at IS NULL")
        .and_then(|mut stmt| {
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<Result<Vec<_>, _>>()
        })
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        rows,
        vec![(
            "Växlade pengar till automaten åt en kund".to_string(),
            "said_no".to_string(),
            "internal".to_string(),
            Some("<script>document.title='hacked'</script> Tack!".to_string()),
        )]
    );
    let name: String = db
        .query_row("SELECT display_name FROM profile", [], |r| r.get(0))
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(name, "Sara Lind");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_database_is_explained_in_the_window_and_left_as_it_was() {
    let desktop = Desktop::start();
    let data_dir = desktop.data_dir();
    std::fs::create_dir_all(&data_dir).unwrap_or_else(|err| panic!("{err}"));
    let db_path = data_dir.join(fanday_core::store::DB_FILE_NAME);
    let garbage = b"not a database, but still somebody's file\n".repeat(100);
    std::fs::write(&db_path, &garbage).unwrap_or_else(|err| panic!("{err}"));

    let app = desktop
        .launch(&["--data-dir", &data_dir.display().to_string(), QUIET])
        .await;
    wait_for_text(&app, "error", "damaged").await;
    screenshot(&desktop, "damaged-database");
    quit(app).await;
    assert_eq!(std::fs::read(&db_path).unwrap_or_default(), garbage);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_opens_in_swedish_with_weeks_of_moments() {
    let desktop = Desktop::start();
    assert!(desktop.env("DISPLAY").is_some());
    let data_dir = desktop.data_dir();
    let app = desktop
        .launch(&[
            "--data-dir",
            &data_dir.display().to_string(),
            "--demo",
            QUIET,
        ])
        .await;
    wait_for_text(&app, "today-status", "Inget fan än idag").await;
    assert_eq!(
        texts_at(&app, "h1").await,
        vec!["Vem gör du till ett fan idag?"]
    );
    screenshot(&desktop, "demo-today-sv");

    // The day picker names the days as a Swede writes them.
    let days: Vec<(String, String)> = serde_json::from_value(
        app.execute(
            "return [...document.querySelectorAll('[data-testid=\"moment-date\"] option')]\
               .map((option) => [option.value, option.textContent])",
            vec![],
        )
        .await
        .unwrap_or_else(|err| panic!("{err}")),
    )
    .unwrap_or_else(|err| panic!("{err}"));
    let labels: Vec<&str> = days.iter().map(|(_, label)| label.as_str()).collect();
    assert_eq!(labels.len(), 8, "today and a week back: {labels:?}");
    assert_eq!(&labels[..2], ["Idag", "Igår"]);
    for (value, label) in &days[2..] {
        let day = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .unwrap_or_else(|err| panic!("{value}: {err}"));
        assert_eq!(label, &swedish_day(day));
    }

    click(&app, "nav-moments").await;
    wait_for(&app, "moment-item").await;
    let shown = texts_of(&app, "moment-item").await.len();
    assert!(shown >= 12, "the demo shows only {shown} moments");

    // Filtering by kind shows only that kind.
    let filter = wait_for(&app, "moment-filter").await;
    filter
        .select_by_value("complaint")
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    let deadline = std::time::Instant::now() + desktop::WAIT;
    loop {
        let texts = texts_at(&app, ".moment .badge").await;
        if !texts.is_empty() && texts.len() < shown && texts.iter().all(|t| t == "Klagomål vänt")
        {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "filter never applied: {texts:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    screenshot(&desktop, "demo-moments-sv");
    quit(app).await;
}

/// The X window id of the window whose title starts with `title`, once it is up.
/// A day the way Swedish calendars shorten it: "fre 20 nov.".
fn swedish_day(day: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    const WEEKDAYS: [&str; 7] = ["mån", "tis", "ons", "tors", "fre", "lör", "sön"];
    const MONTHS: [&str; 12] = [
        "jan.", "feb.", "mars", "apr.", "maj", "juni", "juli", "aug.", "sep.", "okt.", "nov.",
        "dec.",
    ];
    format!(
        "{} {} {}",
        WEEKDAYS[day.weekday().num_days_from_monday() as usize],
        day.day(),
        MONTHS[day.month0() as usize]
    )
}

fn moment_rows(data_dir: &std::path::Path) -> usize {
    let db = Connection::open(data_dir.join(fanday_core::store::DB_FILE_NAME))
        .unwrap_or_else(|err| panic!("{err}"));
    db.query_row(
        "SELECT count(*) FROM moments WHERE deleted_at IS NULL",
        [],
        |row| row.get::<_, i64>(0),
    )
    .map(|n| n as usize)
    .unwrap_or_else(|err| panic!("{err}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_daily_backup_is_there_and_restoring_it_brings_a_deleted_moment_back() {
    let desktop = Desktop::start();
    let data_dir = desktop.data_dir();
    let data_arg = data_dir.display().to_string();
    let app = desktop
        .launch(&["--data-dir", &data_arg, "--demo", QUIET])
        .await;
    wait_for(&app, "moment-text").await;
    // The day's backup is made in the background just after the start.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !std::fs::read_dir(data_dir.join("backups"))
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("daily-"))
        })
        .unwrap_or(false)
    {
        assert!(std::time::Instant::now() < deadline, "no daily backup");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    click(&app, "nav-settings").await;
    wait_for_text(&app, "backup-list", "daily-").await;
    app.execute(
        "document.querySelector('[data-testid=\"export-csv\"]').scrollIntoView({block: 'center'});",
        vec![],
    )
    .await
    .unwrap_or_else(|err| panic!("{err}"));
    screenshot(&desktop, "settings-data");

    // Export through the system's save dialog (the demo is in Swedish):
    // a person types where to.
    let exported = data_dir.with_file_name("exported moments.csv");
    click(&app, "export-csv").await;
    desktop::save_as(
        &desktop,
        "Exportera: Mina fans som CSV",
        &exported,
        "export-save-dialog",
    )
    .await;
    let moments = moment_rows(&data_dir);
    wait_for_text(&app, "toast", &format!("Exporterade {moments} rader")).await;
    let csv = std::fs::read_to_string(&exported).unwrap_or_else(|err| panic!("{err}"));
    assert!(csv.starts_with("\u{feff}"), "a BOM for Excel");
    let mut rows = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    assert_eq!(rows.records().count(), moments);

    click(&app, "backup-now").await;
    wait_for_count(&app, "backup-item", 2).await;

    // A moment deleted, and its undo missed.
    click(&app, "nav-moments").await;
    wait_for(&app, "moment-item").await;
    let before = texts_of(&app, "moment-item-text").await;
    click(&app, "moment-delete").await;
    wait_for_count(&app, "moment-item", before.len() - 1).await;

    // Restore the day's backup, after confirming.
    click(&app, "nav-settings").await;
    wait_for_text(&app, "backup-list", "daily-").await;
    let items = texts_of(&app, "backup-item").await;
    let daily = items
        .iter()
        .position(|item| item.contains("daily-"))
        .unwrap_or_else(|| panic!("no daily backup in {items:?}"));
    let buttons = app
        .find_all(Locator::Css(&desktop::testid("backup-restore")))
        .await
        .unwrap_or_default();
    buttons[daily]
        .click()
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    click(&app, "confirm-ok").await;
    wait_for(&app, "moment-text").await;
    click(&app, "nav-moments").await;
    wait_for_count(&app, "moment-item", before.len()).await;
    assert_eq!(texts_of(&app, "moment-item-text").await, before);
    quit(app).await;
}

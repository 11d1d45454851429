//! Progress end to end: the numbers the real app shows are the data dir's,
//! the weekly mirror is saved, and a lead sees the week-by-week insights.

#[path = "support/desktop.rs"]
mod desktop;

use desktop::{
    click, quit, screenshot, texts_of, wait_for, wait_for_count, wait_for_text, Desktop,
};
use fanday_core::{Fanday, SystemClock};
use fantoccini::{Client, Locator};
use rusqlite::Connection;
use std::sync::Arc;

async fn text_of(app: &Client, id: &str) -> String {
    wait_for(app, id).await;
    texts_of(app, id).await.join("\n")
}

fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_progress_screen_shows_the_data_dirs_numbers_and_keeps_the_mirror() {
    let desktop = Desktop::start();
    let data_dir = desktop.data_dir();
    let data_arg = data_dir.display().to_string();
    let app = desktop
        .launch(&["--data-dir", &data_arg, "--demo", "--remind-at=off"])
        .await;
    wait_for(&app, "moment-text").await;
    let expected = Fanday::open(&data_dir, Arc::new(SystemClock))
        .and_then(|core| core.progress())
        .unwrap_or_else(|err| panic!("{err}"));

    click(&app, "nav-progress").await;
    wait_for(&app, "fans-chart").await;
    assert_eq!(
        text_of(&app, "streak-current").await,
        expected.streak.current.to_string()
    );
    assert_eq!(
        text_of(&app, "streak-best").await,
        expected.streak.best.to_string()
    );
    assert_eq!(
        text_of(&app, "fans-total").await,
        expected.total.to_string()
    );
    assert_eq!(
        digits(&text_of(&app, "never-missed-twice").await),
        expected.never_missed_twice.to_string()
    );
    let strength = text_of(&app, "habit-strength").await;
    assert_eq!(
        digits(&strength),
        digits(&format!("{}", expected.habit_strength)),
        "{strength} against {}",
        expected.habit_strength
    );
    assert!(strength.contains('%'));
    // One bar per week, adding up to the total.
    let bars = app
        .find_all(Locator::Css("[data-testid=\"fans-chart\"] g[data-fans]"))
        .await
        .unwrap_or_default();
    assert_eq!(bars.len(), 26);
    let mut charted = 0;
    for bar in &bars {
        charted += bar
            .attr("data-fans")
            .await
            .ok()
            .flatten()
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or_default();
    }
    assert_eq!(charted, expected.total);
    let painted = app
        .execute("return window.fandayTimings.progress ?? null", vec![])
        .await
        .unwrap_or_default();
    eprintln!("progress screen, click to painted: {painted} ms");
    screenshot(&desktop, "progress-sv");

    // The weekly mirror, saved and listed.
    wait_for(&app, "mirror-went-well")
        .await
        .send_keys("Vände två klagomål")
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    wait_for(&app, "mirror-intention")
        .await
        .send_keys("Säga <b>ja</b> oftare")
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    click(&app, "mirror-save").await;
    wait_for_count(&app, "mirror-item", 1).await;
    wait_for_text(&app, "mirror-item", "Säga <b>ja</b> oftare").await;
    screenshot(&desktop, "mirror-sv");

    // A lead sees Insights, week by week, in English.
    click(&app, "nav-settings").await;
    click(&app, "role-lead").await;
    click(&app, "lang-en").await;
    click(&app, "profile-save").await;
    wait_for_text(&app, "toast", "Profile saved").await;
    click(&app, "nav-insights").await;
    wait_for_count(&app, "insights-week", 8).await;
    let insights = Fanday::open(&data_dir, Arc::new(SystemClock))
        .and_then(|core| core.insights(8))
        .unwrap_or_else(|err| panic!("{err}"));
    let this_week = text_of(&app, "insights-week").await;
    assert!(
        this_week.contains(&format!("{}%", insights[0].participation)),
        "{this_week}"
    );
    screenshot(&desktop, "insights-en");
    click(&app, "nav-progress").await;
    wait_for_text(&app, "mirror-compare", "This week").await;
    screenshot(&desktop, "progress-en");
    quit(app).await;

    let db = Connection::open(data_dir.join(fanday_core::store::DB_FILE_NAME))
        .unwrap_or_else(|err| panic!("{err}"));
    let (went_well, intention): (String, String) = db
        .query_row("SELECT went_well, intention FROM reflections", [], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(went_well, "Vände två klagomål");
    assert_eq!(intention, "Säga <b>ja</b> oftare");
}

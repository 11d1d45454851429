//! Rule exceptions end to end in the real app: a staff member proposes, a
//! lead approves, the staff member logs a moment with it; a lead starts an
//! empty catalogue from an idea and retires it.

#[path = "support/desktop.rs"]
mod desktop;

use desktop::{
    click, paste_into, screenshot, testid, texts_of, wait_for, wait_for_count, wait_for_text,
    Desktop,
};
use fanday_core::{Fanday, Language, ProfileInput, Role, SystemClock};
use fantoccini::{Client, Locator};
use rusqlite::Connection;
use std::path::Path;
use std::sync::Arc;

const QUIET: &str = "--remind-at=off";
const CTRL_ENTER: &str = "\u{E009}\u{E007}";
const RULE: &str = "Receptionen växlar inte <b>pengar</b>";

fn set_up(data_dir: &Path, role: Role) {
    let core = Fanday::open(data_dir, Arc::new(SystemClock)).unwrap_or_else(|err| panic!("{err}"));
    core.save_profile(&ProfileInput {
        display_name: "Sara Lind".into(),
        role,
        language: Language::En,
    })
    .unwrap_or_else(|err| panic!("{err}"));
}

async fn switch_role(app: &Client, role: &str) {
    click(app, "nav-settings").await;
    click(app, &format!("role-{role}")).await;
    click(app, "profile-save").await;
    wait_for_text(app, "toast", "Profile saved").await;
}

async fn type_text(app: &Client, id: &str, text: &str) {
    wait_for(app, id)
        .await
        .send_keys(text)
        .await
        .unwrap_or_else(|err| panic!("cannot type into {id}: {err}"));
}

async fn pick_exception(app: &Client, rule: &str) -> usize {
    // The picker fills itself with the agreed exceptions once they are read.
    let picker = app
        .wait()
        .at_most(desktop::WAIT)
        .for_element(Locator::Css(
            "[data-testid=\"moment-exception\"][data-loaded]",
        ))
        .await
        .unwrap_or_else(|err| panic!("the exception picker never filled: {err}"));
    let options = picker
        .find_all(Locator::Css("option"))
        .await
        .unwrap_or_default();
    let mut labels = Vec::new();
    for option in &options {
        labels.push(option.text().await.unwrap_or_default());
    }
    if let Some(index) = labels.iter().position(|label| label == rule) {
        picker
            .select_by_index(index)
            .await
            .unwrap_or_else(|err| panic!("cannot pick {rule}: {err}"));
    }
    labels.len()
}

fn db(data_dir: &Path) -> Connection {
    Connection::open(data_dir.join(fanday_core::store::DB_FILE_NAME))
        .unwrap_or_else(|err| panic!("{err}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_propose_a_lead_approves_and_the_moment_records_the_exception() {
    let desktop = Desktop::start();
    let data_dir = desktop.data_dir();
    set_up(&data_dir, Role::Staff);
    let app = desktop
        .launch(&["--data-dir", &data_dir.display().to_string(), QUIET])
        .await;

    // Staff: an empty catalogue, and a proposal.
    click(&app, "nav-exceptions").await;
    wait_for_text(&app, "exceptions-empty", "No agreed exceptions yet").await;
    type_text(&app, "exception-rule", RULE).await;
    type_text(
        &app,
        "exception-allowed",
        "Växla upp till 100 kr i mynt till parkeringsautomaten",
    )
    .await;
    type_text(&app, "exception-limits", "Bara mynt").await;
    type_text(&app, "exception-amount", "100").await;
    click(&app, "exception-propose").await;
    wait_for_count(&app, "exception-item", 1).await;
    wait_for_text(&app, "exception-status", "Proposed").await;
    assert_eq!(texts_of(&app, "exception-item-rule").await, vec![RULE]);
    assert!(
        app.find(Locator::Css(&testid("exception-approve")))
            .await
            .is_err(),
        "staff cannot approve"
    );

    // The same person as team lead: the proposal waits in the queue.
    switch_role(&app, "lead").await;
    click(&app, "nav-exceptions").await;
    wait_for(&app, "exception-approve").await;
    screenshot(&desktop, "exceptions-queue-en");
    click(&app, "exception-approve").await;
    type_text(&app, "decision-note", "Good idea, within the limits").await;
    click(&app, "decision-confirm").await;
    wait_for_text(&app, "exception-status", "Agreed").await;
    wait_for_text(&app, "exception-uses", "Not used yet").await;

    // Staff again: log a moment with the exception and the tick box.
    switch_role(&app, "staff").await;
    click(&app, "nav-today").await;
    paste_into(
        &app,
        "moment-text",
        "Växlade mynt åt en kund vars bil stod på en lapp-plats",
    )
    .await;
    click(&app, "situation-said_no").await;
    click(&app, "moment-more").await;
    let offered = pick_exception(&app, RULE).await;
    assert_eq!(offered, 2, "no exception, or the agreed one");
    click(&app, "moment-told-customer").await;
    screenshot(&desktop, "today-exception-en");
    wait_for(&app, "moment-text")
        .await
        .send_keys(CTRL_ENTER)
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    wait_for_text(&app, "today-status", "Today's fan is made").await;

    click(&app, "nav-moments").await;
    wait_for_text(&app, "moment-item-exception", &format!("Exception: {RULE}")).await;
    wait_for_text(&app, "moment-item-exception", "told the customer").await;
    click(&app, "nav-exceptions").await;
    wait_for_text(&app, "exception-uses", "Used once").await;
    screenshot(&desktop, "exceptions-catalogue-en");
    let title = app.title().await.unwrap_or_default();
    assert_eq!(title, "Fanday", "nothing typed ran as HTML");
    app.close().await.unwrap_or_else(|err| panic!("{err}"));

    let conn = db(&data_dir);
    let (status, note): (String, String) = conn
        .query_row("SELECT status, decision_note FROM exceptions", [], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(status, "approved");
    assert_eq!(note, "Good idea, within the limits");
    let (linked, told): (i64, bool) = conn
        .query_row(
            "SELECT count(exception_id), max(told_customer) FROM moments",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!((linked, told), (1, true));
    let events: Vec<String> = conn
        .prepare("SELECT kind FROM exception_events ORDER BY at, id")
        .and_then(|mut stmt| {
            stmt.query_map([], |row| row.get(0))?
                .collect::<Result<Vec<String>, _>>()
        })
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(events, vec!["proposed", "approved"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lead_starts_the_catalogue_from_an_idea_and_retires_it() {
    let desktop = Desktop::start();
    let data_dir = desktop.data_dir();
    set_up(&data_dir, Role::Lead);
    let app = desktop
        .launch(&["--data-dir", &data_dir.display().to_string(), QUIET])
        .await;

    click(&app, "nav-exceptions").await;
    wait_for_count(&app, "exception-seed", 3).await;
    screenshot(&desktop, "exceptions-ideas-en");
    // Picking an idea only fills the form: nothing is saved yet.
    click(&app, "exception-seed").await;
    let rule = wait_for(&app, "exception-rule")
        .await
        .prop("value")
        .await
        .unwrap_or_default()
        .unwrap_or_default();
    assert_eq!(rule, "The reception desk does not change money");
    let saved: i64 = db(&data_dir)
        .query_row("SELECT count(*) FROM exceptions", [], |row| row.get(0))
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        saved, 0,
        "an idea is never saved without the lead's confirm"
    );
    click(&app, "exception-propose").await;
    wait_for_text(&app, "exception-status", "Agreed").await;

    // Retired: out of the catalogue and the picker.
    click(&app, "exception-retire").await;
    click(&app, "decision-confirm").await;
    wait_for_text(&app, "exceptions-empty", "No agreed exceptions yet").await;
    click(&app, "nav-today").await;
    click(&app, "moment-more").await;
    assert_eq!(pick_exception(&app, &rule).await, 1, "only 'no exception'");
    app.close().await.unwrap_or_else(|err| panic!("{err}"));

    let status: String = db(&data_dir)
        .query_row("SELECT status FROM exceptions", [], |row| row.get(0))
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(status, "retired");
}

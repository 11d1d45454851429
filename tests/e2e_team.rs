//! The team feed end to end: two real Fanday apps on two data dirs (each on
//! its own display and session bus, as on two PCs) share one team folder.

#[path = "support/desktop.rs"]
mod desktop;

use desktop::{
    admit_in_window, click, paste_into, quit, screenshot, texts_of, wait_for, wait_for_text,
    words_of, Desktop,
};
use fanday_core::{Fanday, Language, ProfileInput, Role, SystemClock};
use fantoccini::{Client, Locator};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// The rescan interval, plus time to spare.
const WITHIN: Duration = Duration::from_secs(75);

fn set_up(data_dir: &Path, name: &str, role: Role, language: Language) {
    let core = Fanday::open(data_dir, Arc::new(SystemClock)).unwrap_or_else(|err| panic!("{err}"));
    core.save_profile(&ProfileInput {
        display_name: name.into(),
        role,
        language,
    })
    .unwrap_or_else(|err| panic!("{err}"));
}

async fn type_text(app: &Client, id: &str, text: &str) {
    wait_for(app, id)
        .await
        .send_keys(text)
        .await
        .unwrap_or_else(|err| panic!("cannot type into {id}: {err}"));
}

/// Opens the `<details>` whose summary is `summary`, clicking it again if a
/// redraw of the page swallowed the first click.
async fn open_details(app: &Client, summary: &str) {
    for _ in 0..5 {
        click(app, summary).await;
        let element = wait_for(app, summary).await;
        let arg = serde_json::to_value(&element).unwrap_or_default();
        let open = app
            .execute("return arguments[0].parentElement.open;", vec![arg])
            .await
            .unwrap_or_default();
        if open == serde_json::Value::Bool(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{summary} did not open");
}

/// Waits, up to `within`, until `id` says `expected` (in its text, shown or
/// folded away in a closed list: the status line is redrawn as reads come).
async fn eventually(app: &Client, id: &str, expected: &str, within: Duration) {
    let deadline = std::time::Instant::now() + within;
    loop {
        let said = words_of(app, id).await;
        if said.iter().any(|t| t.contains(expected)) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{id} never showed {expected:?}; it said {said:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Applauds the first story and waits until it shows one applause. The
/// feed is drawn again as readings come in, so a click can land on a
/// button that is replaced just then: it is clicked again while it is
/// still offered (once applauded it is disabled, so a second applause
/// cannot happen).
async fn applaud(app: &Client, within: Duration) {
    let deadline = std::time::Instant::now() + within;
    click(app, "feed-applaud").await;
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let said = words_of(app, "feed-applaud").await;
        if said.iter().any(|t| t.contains('1')) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "feed-applaud never showed 1; it said {said:?}"
        );
        let element = wait_for(app, "feed-applaud").await;
        if element.is_enabled().await.unwrap_or(false) {
            click(app, "feed-applaud").await;
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_story_shared_on_one_pc_reaches_the_other_and_the_leads_feature_comes_back() {
    let folder = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let team_folder = folder.path().join("Kundtjänst Fanday");
    let team_arg = team_folder.display().to_string();

    let lead_pc = Desktop::start();
    let staff_pc = Desktop::start();
    // The lead works in English, Sara in Swedish.
    set_up(&lead_pc.data_dir(), "Lena", Role::Lead, Language::En);
    set_up(&staff_pc.data_dir(), "Sara", Role::Staff, Language::Sv);
    let lead = lead_pc.launch_quiet().await;
    let staff = staff_pc.launch_quiet().await;

    // The lead creates the team.
    click(&lead, "nav-team").await;
    type_text(&lead, "team-name", "Kundtjänst").await;
    paste_into(&lead, "team-create-folder", &team_arg).await;
    click(&lead, "team-create").await;
    wait_for_text(&lead, "feed-empty", "No shared stories yet").await;
    let founder = Fanday::open(&lead_pc.data_dir(), Arc::new(SystemClock))
        .and_then(|core| core.team_info())
        .unwrap_or_else(|err| panic!("{err}"))
        .unwrap_or_else(|| panic!("a team"))
        .founder_fingerprint;

    // Sara joins after comparing the founder's fingerprint.
    click(&staff, "nav-team").await;
    paste_into(&staff, "team-folder", &team_arg).await;
    click(&staff, "team-join").await;
    wait_for_text(&staff, "team-fingerprint", &founder).await;
    screenshot(&staff_pc, "team-join-sv");
    click(&staff, "team-join").await;
    wait_for(&staff, "feed-status").await;
    screenshot(&staff_pc, "team-waiting-sv");

    // Lena lets her in after comparing Sara's key with the one Sara reads
    // out from her window.
    click(&lead, "nav-team").await;
    eventually(&lead, "team-request", "Sara", WITHIN).await;
    screenshot(&lead_pc, "team-request-en");
    let key = admit_in_window(&lead, &staff, WITHIN).await;
    assert_eq!(key.len(), "ABCD-EF01-2345-6789".len());

    // Sara shares a moment as she logs it.
    click(&staff, "nav-today").await;
    paste_into(
        &staff,
        "moment-text",
        "Bar en <b>tung</b> kartong till bilen åt en kund",
    )
    .await;
    click(&staff, "moment-more").await;
    click(&staff, "share-toggle").await;
    click(&staff, "moment-save").await;
    wait_for_text(&staff, "today-status", "Dagens fan är gjort").await;

    // It reaches the lead's feed within the rescan interval.
    eventually(&lead, "feed-text", "Bar en <b>tung</b> kartong", WITHIN).await;
    eventually(&lead, "feed-author", "Sara", WITHIN).await;
    applaud(&lead, Duration::from_secs(10)).await;
    click(&lead, "feed-feature").await;
    eventually(&lead, "feed-item", "Featured", Duration::from_secs(10)).await;
    screenshot(&lead_pc, "team-lead-en");

    // The applause and the feature reach Sara.
    click(&staff, "nav-team").await;
    eventually(&staff, "feed-item", "Utvald", WITHIN).await;
    eventually(&staff, "feed-applaud", "Applåder 1", WITHIN).await;
    screenshot(&staff_pc, "team-staff-sv");

    // Sara starts a thank-you comment; while she writes, the lead makes her
    // a team lead too, after confirming.
    let thanks = "Tack! <i>Kul</i> att det syntes";
    paste_into(&staff, "feed-comment-text", thanks).await;
    open_details(&lead, "team-about").await;
    eventually(&lead, "team-member", "Sara", Duration::from_secs(10)).await;
    // The members list is redrawn whenever Sara's app writes to the folder;
    // a click lost in a redraw is given again, as a person would.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        click(&lead, "team-grant-lead").await;
        let confirm = lead
            .wait()
            .at_most(Duration::from_secs(3))
            .for_element(Locator::Css(&desktop::testid("confirm-ok")))
            .await;
        if confirm.is_ok() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the confirm dialog never opened"
        );
        open_details(&lead, "team-about").await;
    }
    click(&lead, "confirm-ok").await;
    wait_for_text(&lead, "toast", "Sara is now a team lead").await;
    open_details(&lead, "team-about").await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let members = texts_of(&lead, "team-member").await;
        if members.len() == 2 && members.iter().all(|m| m.contains("team lead")) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "both should be leads: {members:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }

    // Sara's app takes the grant: she gets Insights, the team screen is
    // drawn again, and her half-written comment is still there.
    eventually(&staff, "toast", "gjort dig till teamledare", WITHIN).await;
    wait_for_text(&staff, "nav-insights", "Insikter").await;
    // Read in one step: the feed may be redrawn between finding the field
    // and reading it (a lost draft would never come back).
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let draft = staff
            .execute(
                "return document.querySelector('[data-testid=\"feed-comment-text\"]')?.value ?? null;",
                vec![],
            )
            .await
            .unwrap_or_default();
        if draft == serde_json::Value::String(thanks.to_string()) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "Sara's comment draft was lost: {draft}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    screenshot(&staff_pc, "team-staff-now-lead-sv");

    // She sends it; it reaches the lead.
    click(&staff, "feed-comment").await;
    eventually(
        &staff,
        "feed-comment-item",
        "Tack! <i>Kul</i>",
        Duration::from_secs(10),
    )
    .await;
    eventually(&lead, "feed-comment-item", thanks, WITHIN).await;
    assert_eq!(lead.title().await.unwrap_or_default(), "Fanday");

    // Lena takes the lead role back, after confirming; both are told.
    open_details(&lead, "team-about").await;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        click(&lead, "team-revoke-lead").await;
        let confirm = lead
            .wait()
            .at_most(Duration::from_secs(3))
            .for_element(Locator::Css(&desktop::testid("confirm-ok")))
            .await;
        if confirm.is_ok() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the confirm dialog never opened"
        );
        open_details(&lead, "team-about").await;
    }
    click(&lead, "confirm-ok").await;
    wait_for_text(&lead, "toast", "Sara is no longer a team lead").await;

    // Sara makes a new key in Settings; her window shows it.
    click(&staff, "nav-settings").await;
    let old_key = wait_for(&staff, "settings-my-key")
        .await
        .text()
        .await
        .unwrap_or_default();
    click(&staff, "team-rotate-key").await;
    click(&staff, "confirm-ok").await;
    let told = wait_for_text(&staff, "toast", "Din nya nyckel").await;
    assert!(!told.contains(&old_key), "a new key: {told}");
    screenshot(&staff_pc, "settings-key-sv");
    click(&staff, "nav-team").await;

    // Someone puts junk and a link into the team folder: both PCs say which
    // file and why, each in its person's language, and go on working.
    let stranger = team_folder
        .join("members")
        .join(uuid::Uuid::now_v7().to_string());
    std::fs::create_dir_all(&stranger).unwrap_or_else(|err| panic!("{err}"));
    let key = fanday_core::team_event::new_signing_key().unwrap_or_else(|| panic!("a key"));
    std::fs::write(
        stranger.join("profile.json"),
        serde_json::json!({"v": 1, "member": stranger.file_name().map(|n| n.to_string_lossy().into_owned()),
            "name": "Junk", "key": fanday_core::team_event::public_key_text(&key.verifying_key())})
        .to_string(),
    )
    .unwrap_or_else(|err| panic!("{err}"));
    // Whole, as a sync engine delivers a file (written aside, then renamed):
    // a read in the middle of the write would count part of the junk.
    let junk = team_folder.with_extension("junk");
    std::fs::write(&junk, "x\n".repeat(1000)).unwrap_or_else(|err| panic!("{err}"));
    std::fs::rename(&junk, stranger.join("events-1.jsonl")).unwrap_or_else(|err| panic!("{err}"));
    std::os::unix::fs::symlink("/dev/zero", stranger.join("events-2.jsonl"))
        .unwrap_or_else(|err| panic!("{err}"));
    for (app, expected) in [
        (
            &staff,
            [
                "events-1.jsonl: ingen giltig händelse (1 000 rader, den första vid byte",
                "events-2.jsonl: en länk",
            ],
        ),
        (
            &lead,
            [
                "events-1.jsonl: not a valid event (1,000 lines, the first at byte",
                "events-2.jsonl: a link",
            ],
        ),
    ] {
        click(app, "team-read").await;
        eventually(app, "feed-skipped", "(", WITHIN).await;
        open_details(app, "feed-skipped").await;
        for text in expected {
            eventually(app, "feed-skip", text, Duration::from_secs(10)).await;
        }
    }
    screenshot(&staff_pc, "team-status-sv");
    screenshot(&lead_pc, "team-status-en");

    // The sync engine loses Sara's own team files: her app writes them
    // again from its own store, says so in the status, and the lead still
    // has everything.
    let saras_folder = std::fs::read_dir(team_folder.join("members"))
        .unwrap_or_else(|err| panic!("{err}"))
        .flatten()
        .map(|entry| entry.path())
        .find(|dir| {
            std::fs::read_to_string(dir.join("profile.json")).is_ok_and(|p| p.contains("\"Sara\""))
        })
        .unwrap_or_else(|| panic!("Sara's folder"));
    for entry in std::fs::read_dir(&saras_folder)
        .unwrap_or_else(|err| panic!("{err}"))
        .flatten()
    {
        if entry.file_name().to_string_lossy().ends_with(".jsonl") {
            std::fs::remove_file(entry.path()).unwrap_or_else(|err| panic!("{err}"));
        }
    }
    click(&staff, "team-read").await;
    eventually(&staff, "feed-healed", "Fanday skrev den igen", WITHIN).await;
    screenshot(&staff_pc, "team-healed-sv");
    eventually(
        &lead,
        "feed-text",
        "Bar en <b>tung</b> kartong",
        Duration::from_secs(5),
    )
    .await;
    quit(lead).await;
    quit(staff).await;
}

/// Scrolls the element with test id `id` into view, for a screenshot.
async fn show(app: &Client, id: &str) {
    let script = format!(
        "document.querySelector('{}')?.scrollIntoView({{block: 'center'}});",
        desktop::testid(id)
    );
    let _ = app.execute(&script, vec![]).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
}

/// Opens `screen` afresh until `id` shows `expected` (a screen that is not
/// live shows what the folder brought only when opened again).
async fn eventually_on(app: &Client, screen: &str, id: &str, expected: &str, within: Duration) {
    let deadline = std::time::Instant::now() + within;
    loop {
        click(app, &format!("nav-{screen}")).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let texts = texts_of(app, id).await;
        if texts.iter().any(|t| t.contains(expected)) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{id} on {screen} never showed {expected:?}: {texts:?}"
        );
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_leads_insights_come_from_the_teams_tallies_and_name_who_was_not_recognised() {
    let folder = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let team_folder = folder.path().join("Kundtjänst Fanday");
    let team_arg = team_folder.display().to_string();
    let lead_pc = Desktop::start();
    let staff_pc = Desktop::start();
    set_up(&lead_pc.data_dir(), "Lena", Role::Lead, Language::En);
    set_up(&staff_pc.data_dir(), "Sara", Role::Staff, Language::Sv);
    let lead = lead_pc.launch_quiet().await;
    let staff = staff_pc.launch_quiet().await;

    // Without a team, the lead's insights say they are this computer's.
    click(&lead, "nav-insights").await;
    wait_for_text(&lead, "insights-source", "this computer only").await;

    click(&lead, "nav-team").await;
    type_text(&lead, "team-name", "Kundtjänst").await;
    paste_into(&lead, "team-create-folder", &team_arg).await;
    click(&lead, "team-create").await;
    wait_for_text(&lead, "feed-empty", "No shared stories yet").await;

    // Joining says in plain words what the lead will see.
    click(&staff, "nav-team").await;
    wait_for_text(&staff, "team-join-lead-sees", "aldrig dina siffror för sig").await;
    paste_into(&staff, "team-folder", &team_arg).await;
    click(&staff, "team-join").await;
    wait_for(&staff, "team-fingerprint").await;
    screenshot(&staff_pc, "team-join-lead-sees-sv");
    click(&staff, "team-join").await;
    wait_for(&staff, "feed-status").await;
    click(&lead, "nav-team").await;
    eventually(&lead, "team-request", "Sara", WITHIN).await;
    admit_in_window(&lead, &staff, WITHIN).await;

    // Sara makes a fan and shares it.
    click(&staff, "nav-today").await;
    paste_into(&staff, "moment-text", "Ringde upp en kund som väntat").await;
    click(&staff, "moment-more").await;
    click(&staff, "share-toggle").await;
    click(&staff, "moment-save").await;
    wait_for_text(&staff, "today-status", "Dagens fan är gjort").await;

    // The lead's insights sum both tallies: Sara made a fan, Lena none.
    eventually_on(
        &lead,
        "insights",
        "insights-source",
        "From the weekly tallies of 2 of 2 members this week",
        WITHIN,
    )
    .await;
    eventually_on(
        &lead,
        "insights",
        "insights-week",
        "50% · 2 tallies",
        WITHIN,
    )
    .await;
    let unrecognised = texts_of(&lead, "insights-unrecognised").await;
    assert!(
        unrecognised.iter().any(|t| t.contains("Sara")),
        "{unrecognised:?}"
    );
    assert!(
        !unrecognised.iter().any(|t| t.contains("Lena")),
        "the lead is not listed: {unrecognised:?}"
    );
    // Two members' tallies: who took part, no one's own numbers.
    let week = texts_of(&lead, "insights-week").await;
    assert!(
        !week[0].contains("Just because"),
        "no mix from two tallies: {week:?}"
    );
    screenshot(&lead_pc, "insights-tallies-en");
    show(&lead, "insights-unrecognised").await;
    screenshot(&lead_pc, "insights-unrecognised-en");

    // The lead applauds Sara's story: she is recognised.
    click(&lead, "nav-team").await;
    eventually(&lead, "feed-text", "Ringde upp en kund", WITHIN).await;
    applaud(&lead, Duration::from_secs(10)).await;
    eventually_on(
        &lead,
        "insights",
        "insights-unrecognised",
        "Everyone in the team has been recognised",
        Duration::from_secs(20),
    )
    .await;
    show(&lead, "insights-recognition").await;
    screenshot(&lead_pc, "insights-recognised-en");

    // Sara switches her tally off in Settings; the lead's insights say
    // they come from fewer members.
    click(&staff, "nav-settings").await;
    wait_for(&staff, "team-tally-toggle").await;
    let on = staff
        .execute(
            "return document.querySelector('[data-testid=\"team-tally-toggle\"]').checked;",
            vec![],
        )
        .await
        .unwrap_or_default();
    assert_eq!(on, serde_json::Value::Bool(true), "on by default");
    click(&staff, "team-tally-toggle").await;
    wait_for_text(&staff, "team-tally-status", "avstängd").await;
    screenshot(&staff_pc, "settings-tally-sv");
    eventually_on(
        &lead,
        "insights",
        "insights-source",
        "From the weekly tallies of 1 of 2 members this week",
        WITHIN,
    )
    .await;
    show(&lead, "insights-source").await;
    screenshot(&lead_pc, "insights-one-of-two-en");
    quit(lead).await;
    quit(staff).await;
}

//! Several teams and a region's view in the real window. A person joins
//! two teams from the Team screen, switches between them and shares a
//! story with one of them only: the other team never sees it. A regional
//! manager follows two teams' folders from Insights, each team's lead lets
//! her follow, and her window shows both teams' weekly numbers and the
//! region's, exported through the system's save dialog. Neither her window
//! nor anything in her data folder ever holds a word of the teams'
//! stories. The teams are set up through the core beforehand.

#[path = "support/desktop.rs"]
mod desktop;

use desktop::{
    click, paste_into, quit, screenshot, texts_of, wait_for, wait_for_count, wait_for_text, Desktop,
};
use fanday_core::region::Following;
use fanday_core::{
    Customer, Fanday, Language, MomentInput, ProfileInput, Role, Situation, SystemClock,
};
use fantoccini::Client;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SECRET_WORDS: [&str; 3] = ["kanelbulle", "paraplyet", "kaffekoppen"];

fn open(data_dir: &Path, name: &str, role: Role) -> Fanday {
    let core = Fanday::open(data_dir, Arc::new(SystemClock)).unwrap_or_else(|err| panic!("{err}"));
    core.save_profile(&ProfileInput {
        display_name: name.into(),
        role,
        language: Language::En,
    })
    .unwrap_or_else(|err| panic!("{err}"));
    core
}

fn log(core: &Fanday, text: &str, shared: bool) {
    core.add_moment(&MomentInput {
        shared,
        ..MomentInput::new(Situation::JustBecause, Customer::External, text)
    })
    .unwrap_or_else(|err| panic!("{err}"));
}

/// A lead founds `name` in `folder`; two colleagues join and are let in;
/// each makes a fan (one shares it, with words nobody outside the team may
/// read); everyone's tallies reach the folder. Returns the lead.
fn a_team(folder: &Path, dirs: &Path, name: &str, story: &str) -> Fanday {
    let lead = open(&dirs.join(format!("{name} lead")), "Lena", Role::Lead);
    lead.create_team(name, folder)
        .unwrap_or_else(|err| panic!("{err}"));
    let mut staff = Vec::new();
    for person in ["Sara", "Ali"] {
        let core = open(&dirs.join(format!("{name} {person}")), person, Role::Staff);
        let preview = core
            .preview_team(folder)
            .unwrap_or_else(|err| panic!("{err}"));
        core.join_team(folder, &preview.founder_fingerprint)
            .unwrap_or_else(|err| panic!("{err}"));
        lead.read_team_whole().unwrap_or_else(|err| panic!("{err}"));
        let id = core
            .profile()
            .ok()
            .flatten()
            .map(|p| p.id)
            .unwrap_or_default();
        let compared = core
            .team_info()
            .ok()
            .flatten()
            .map(|i| i.my_fingerprint)
            .unwrap_or_default();
        lead.admit(&id, &compared)
            .unwrap_or_else(|err| panic!("{err}"));
        core.read_team_whole().unwrap_or_else(|err| panic!("{err}"));
        staff.push(core);
    }
    log(&staff[0], story, true);
    log(&staff[1], "Ett fan i tysthet", false);
    log(&lead, "Ringde tillbaka samma dag", false);
    for core in staff.iter().chain([&lead]) {
        core.read_team_whole().unwrap_or_else(|err| panic!("{err}"));
    }
    lead
}

/// Follows the team in `folder` through the window: look, compare, ask.
async fn follow(app: &Client, folder: &Path) {
    paste_into(app, "region-folder", &folder.display().to_string()).await;
    click(app, "team-follow").await;
    wait_for(app, "team-fingerprint").await;
    click(app, "team-follow").await;
}

/// The lead sees the region's request to follow and lets her follow.
fn let_follow(lead: &Fanday) {
    lead.read_team_whole().unwrap_or_else(|err| panic!("{err}"));
    let asking = lead
        .team_members()
        .unwrap_or_else(|err| panic!("{err}"))
        .into_iter()
        .find(|m| m.status == "asks_to_follow")
        .unwrap_or_else(|| panic!("nobody asks to follow"));
    lead.let_follow(&asking.member_id, &asking.fingerprint)
        .unwrap_or_else(|err| panic!("{err}"));
    lead.read_team_whole().unwrap_or_else(|err| panic!("{err}"));
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(next) = todo.pop() {
        for entry in std::fs::read_dir(&next).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

#[tokio::test(flavor = "multi_thread")]
async fn a_region_follows_two_teams_sees_their_weekly_numbers_and_never_a_story() {
    let work = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let north = work.path().join("Butik Nord Fanday");
    let south = work.path().join("Kundtjänst Syd Fanday");
    let north_lead = a_team(
        &north,
        work.path(),
        "Butik Nord",
        "Lånade ut paraplyet till en kund",
    );
    let south_lead = a_team(
        &south,
        work.path(),
        "Kundtjänst Syd",
        "Bytte kaffekoppen, hemlig kanelbulle",
    );

    let pc = Desktop::start();
    drop(open(&pc.data_dir(), "Rut", Role::Lead));
    let app = pc.launch_quiet().await;
    click(&app, "nav-insights").await;
    wait_for(&app, "region-empty").await;
    follow(&app, &north).await;
    wait_for_count(&app, "region-team", 1).await;
    follow(&app, &south).await;
    wait_for_count(&app, "region-team", 2).await;
    let rows = texts_of(&app, "region-team").await;
    assert!(
        rows.iter().all(|row| row.contains("Waiting for a lead")),
        "{rows:?}"
    );
    screenshot(&pc, "region-asking-en");

    let_follow(&north_lead);
    let_follow(&south_lead);
    // Started again, the app reads the followed folders in the background,
    // before anyone opens Insights.
    quit(app).await;
    let app = pc.launch_quiet().await;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let teams = Fanday::open(&pc.data_dir(), Arc::new(SystemClock))
            .and_then(|core| core.followed_teams())
            .unwrap_or_default();
        if teams.len() == 2 && teams.iter().all(|t| t.following == Following::Following) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "never read in the background: {teams:?}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    click(&app, "nav-insights").await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let rows = texts_of(&app, "region-team").await;
        if rows.len() == 2 && rows.iter().all(|row| row.contains("3 tallies")) {
            assert!(
                rows[0].starts_with("Butik Nord") && rows[1].starts_with("Kundtjänst Syd"),
                "{rows:?}"
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the teams' numbers never showed: {rows:?}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    wait_for_text(&app, "region-together", "Together (2 teams)").await;
    wait_for_text(&app, "region-together", "6 tallies").await;
    app.execute(
        "document.querySelector('[data-testid=\"region-insights\"]').scrollIntoView({block: 'center'});",
        vec![],
    )
    .await
    .unwrap_or_else(|err| panic!("{err}"));
    screenshot(&pc, "region-following-en");

    // The region's report, through the system's save dialog.
    let exported = work.path().join("region report.csv");
    click(&app, "region-export").await;
    desktop::save_as(&pc, "Export for a report", &exported, "region-save-dialog").await;
    wait_for_text(&app, "toast", "Exported").await;
    let csv = std::fs::read_to_string(&exported).unwrap_or_else(|err| panic!("{err}"));
    assert!(
        csv.contains("Butik Nord") && csv.contains("Kundtjänst Syd") && csv.contains("region,")
    );

    // Not a word of a story: not in the window, not on her computer.
    let page = app
        .execute("return document.body.innerText;", vec![])
        .await
        .unwrap_or_default();
    let page = page.as_str().unwrap_or_default().to_string();
    for word in SECRET_WORDS {
        assert!(!page.contains(word), "the window shows {word}");
        assert!(!csv.contains(word));
        for file in files_under(&pc.data_dir()) {
            let bytes = std::fs::read(&file).unwrap_or_default();
            assert!(
                !bytes.windows(word.len()).any(|w| w == word.as_bytes()),
                "{} holds {word}",
                file.display()
            );
        }
    }
    quit(app).await;
}

/// The lead lets in the person named `name` who asked to join.
fn admit_named(lead: &Fanday, name: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    let asking = loop {
        lead.read_team_whole().unwrap_or_else(|err| panic!("{err}"));
        let people = lead.team_members().unwrap_or_else(|err| panic!("{err}"));
        if let Some(asking) = people.into_iter().find(|m| m.name == name) {
            break asking;
        }
        assert!(Instant::now() < deadline, "{name} never asked to join");
        std::thread::sleep(Duration::from_millis(300));
    };
    lead.admit(&asking.member_id, &asking.fingerprint)
        .unwrap_or_else(|err| panic!("{err}"));
    lead.read_team_whole().unwrap_or_else(|err| panic!("{err}"));
}

/// Joins the team in `folder` from the team set-up form: look, compare, ask.
async fn join_in_window(app: &Client, folder: &Path) {
    paste_into(app, "team-folder", &folder.display().to_string()).await;
    click(app, "team-join").await;
    wait_for(app, "team-fingerprint").await;
    click(app, "team-join").await;
    wait_for(app, "feed-status").await;
}

/// Reads the folder until the window no longer waits for a lead.
async fn let_in_seen(app: &Client) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        click(app, "team-read").await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let waiting = app
            .execute(
                "return Boolean(document.querySelector('[data-testid=\"team-my-fingerprint\"]'));",
                vec![],
            )
            .await
            .unwrap_or_else(|err| panic!("{err}"));
        if waiting == serde_json::json!(false) {
            return;
        }
        assert!(Instant::now() < deadline, "the window never saw her let in");
    }
}

/// Picks the team named `name` in the team switch.
async fn switch_to(app: &Client, name: &str) {
    wait_for(app, "team-switch").await;
    app.execute(
        "const pick = document.querySelector('[data-testid=\"team-switch\"]');
         pick.value = [...pick.options].find((o) => o.text === arguments[0] || o.text.startsWith(arguments[0] + ' · ')).value;
         pick.dispatchEvent(new Event('change'));",
        vec![serde_json::json!(name)],
    )
    .await
    .unwrap_or_else(|err| panic!("{err}"));
}

fn feed_holds(lead: &Fanday, words: &str) -> bool {
    lead.read_team_whole().unwrap_or_else(|err| panic!("{err}"));
    lead.feed(None, 50)
        .unwrap_or_else(|err| panic!("{err}"))
        .iter()
        .any(|story| story.text.contains(words))
}

#[tokio::test(flavor = "multi_thread")]
async fn one_app_joins_two_teams_and_shares_a_story_with_one_of_them_only() {
    let work = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let north = work.path().join("Butik Nord Fanday");
    let south = work.path().join("Kundtjänst Syd Fanday");
    let north_lead = a_team(&north, work.path(), "Butik Nord", "Ett fan i norr");
    let south_lead = a_team(&south, work.path(), "Kundtjänst Syd", "Ett fan i syd");

    let pc = Desktop::start();
    drop(open(&pc.data_dir(), "Maja", Role::Staff));
    let app = pc.launch_quiet().await;
    click(&app, "nav-team").await;
    join_in_window(&app, &north).await;
    admit_named(&north_lead, "Maja");
    let_in_seen(&app).await;
    // A second team, from the first team's screen.
    click(&app, "team-about").await;
    click(&app, "team-add").await;
    join_in_window(&app, &south).await;
    admit_named(&south_lead, "Maja");
    let_in_seen(&app).await;
    wait_for_text(&app, "team-switch", "Butik Nord").await;
    screenshot(&pc, "teams-switch-en");

    // A story for the team in view (the south one, joined last) only.
    click(&app, "nav-today").await;
    paste_into(
        &app,
        "moment-text",
        "Bar hem soffan åt en kund, hemligt ord pepparkaka",
    )
    .await;
    click(&app, "moment-more").await;
    click(&app, "share-toggle").await;
    let picked = app
        .execute(
            "return [...document.querySelectorAll('[data-testid=\"share-team\"]')]
               .map((box) => `${box.dataset.team}:${box.checked}`);",
            vec![],
        )
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        picked,
        serde_json::json!(["Butik Nord:false", "Kundtjänst Syd:true"])
    );
    screenshot(&pc, "teams-share-picks-en");
    click(&app, "moment-save").await;
    wait_for_text(&app, "today-status", "made").await;

    // The south team's lead reads it; the north team never does.
    let deadline = Instant::now() + Duration::from_secs(60);
    while !feed_holds(&south_lead, "pepparkaka") {
        assert!(
            Instant::now() < deadline,
            "the story never reached the south team"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert!(!feed_holds(&north_lead, "pepparkaka"));
    for file in files_under(&north) {
        let bytes = std::fs::read(&file).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("pepparkaka"),
            "{} holds the south team's story",
            file.display()
        );
    }
    // In the window: the south team's feed has it, the north team's not.
    click(&app, "nav-team").await;
    wait_for_text(&app, "feed-list", "pepparkaka").await;
    switch_to(&app, "Butik Nord").await;
    wait_for_text(&app, "feed-list", "Ett fan i norr").await;
    let north_feed = texts_of(&app, "feed-list").await.join(" ");
    assert!(!north_feed.contains("pepparkaka"), "{north_feed}");
    screenshot(&pc, "teams-north-in-view-en");
    // Exceptions and the team's part of Settings follow the switch too.
    click(&app, "nav-exceptions").await;
    wait_for_text(&app, "team-switch", "Kundtjänst Syd").await;
    app.execute("document.querySelector('main').scrollTo(0, 0);", vec![])
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    screenshot(&pc, "teams-exceptions-en");
    click(&app, "nav-settings").await;
    wait_for_text(&app, "team-switch", "Kundtjänst Syd").await;
    app.execute(
        "document.querySelector('[data-testid=\"team-switch\"]').scrollIntoView({block: 'start'});",
        vec![],
    )
    .await
    .unwrap_or_else(|err| panic!("{err}"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    screenshot(&pc, "teams-settings-en");
    quit(app).await;
}

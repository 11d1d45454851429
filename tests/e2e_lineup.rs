//! The team's line-up in the real window: a lead picks two stories in the
//! feed, starts the line-up, moves with the arrow keys and the buttons,
//! leaves with Esc; a member opens the same line-up read-only. The team is
//! set up through the core beforehand (tests/e2e_team.rs drives joining
//! through the windows).

#[path = "support/desktop.rs"]
mod desktop;

use desktop::{click, quit, screenshot, texts_of, wait_for, wait_for_text, Desktop};
use fanday_core::{
    Customer, Fanday, Language, MomentInput, ProfileInput, Role, Situation, SystemClock,
};
use fantoccini::{Client, Locator};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

const SARAS: &str = "Växlade mynt till parkeringsautomaten åt en stressad gäst";
const LENAS: &str = "Bar kartongen hela vägen till bilen i regnet";

fn open(data_dir: &Path, name: &str, role: Role, language: Language) -> Fanday {
    let core = Fanday::open(data_dir, Arc::new(SystemClock)).unwrap_or_else(|err| panic!("{err}"));
    core.save_profile(&ProfileInput {
        display_name: name.into(),
        role,
        language,
    })
    .unwrap_or_else(|err| panic!("{err}"));
    core
}

fn share(core: &Fanday, text: &str, situation: Situation) {
    core.add_moment(&MomentInput {
        reaction: Some("Hon skickade ett tackkort".into()),
        shared: true,
        ..MomentInput::new(situation, Customer::External, text)
    })
    .unwrap_or_else(|err| panic!("{err}"));
}

/// Lena (lead) founds the team; Sara joins, is let in, shares a story and
/// asks to be shown as a colleague; Lena shares one of her own.
fn a_team(folder: &Path, lead_dir: &Path, staff_dir: &Path) {
    let lena = open(lead_dir, "Lena", Role::Lead, Language::En);
    let sara = open(staff_dir, "Sara", Role::Staff, Language::Sv);
    lena.create_team("Kundtjänst", folder)
        .unwrap_or_else(|err| panic!("{err}"));
    let preview = sara
        .preview_team(folder)
        .unwrap_or_else(|err| panic!("{err}"));
    sara.join_team(folder, &preview.founder_fingerprint)
        .unwrap_or_else(|err| panic!("{err}"));
    lena.read_team_whole().unwrap_or_else(|err| panic!("{err}"));
    let profile = sara
        .profile()
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("Sara"));
    let compared = sara
        .team_info()
        .ok()
        .flatten()
        .map(|info| info.my_fingerprint)
        .unwrap_or_default();
    lena.admit(&profile.id, &compared)
        .unwrap_or_else(|err| panic!("{err}"));
    sara.read_team_whole().unwrap_or_else(|err| panic!("{err}"));
    share(&sara, SARAS, Situation::SaidNo);
    sara.set_lineup_anonymous(true)
        .unwrap_or_else(|err| panic!("{err}"));
    share(&lena, LENAS, Situation::JustBecause);
    lena.read_team_whole().unwrap_or_else(|err| panic!("{err}"));
}

/// Presses a key where the focus is (WebDriver's key codes).
async fn press(app: &Client, key: char) {
    let focused = app
        .active_element()
        .await
        .unwrap_or_else(|err| panic!("no focus: {err}"));
    focused
        .send_keys(&key.to_string())
        .await
        .unwrap_or_else(|err| panic!("cannot press a key: {err}"));
}

const RIGHT: char = '\u{E014}';
const LEFT: char = '\u{E012}';
const ESCAPE: char = '\u{E00C}';

async fn shown_text(app: &Client) -> String {
    texts_of(app, "lineup-text").await.join("|")
}

/// Waits until the line-up shows `expected`.
async fn shows(app: &Client, expected: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now = shown_text(app).await;
        if now == expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the line-up shows {now:?}, not {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Picks the story whose text is `text` in the feed (a lead's review queue
/// above it shows the story too, without a pick button).
async fn pick(app: &Client, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let clicked = app
            .execute(
                "const item = [...document.querySelectorAll('[data-testid=\"feed-item\"]')]
                   .find((li) => li.querySelector('[data-testid=\"lineup-pick\"]')
                   && li.querySelector('[data-testid=\"feed-text\"]')?.textContent === arguments[0]);
                 const button = item?.querySelector('[data-testid=\"lineup-pick\"]');
                 if (!button || button.getAttribute('aria-pressed') === 'true') return false;
                 button.click(); return true;",
                vec![serde_json::Value::String(text.into())],
            )
            .await
            .unwrap_or_default();
        if clicked == serde_json::Value::Bool(true) {
            return;
        }
        if Instant::now() > deadline {
            let feed = texts_of(app, "feed-text").await;
            let picks = texts_of(app, "lineup-pick").await;
            panic!("no pick button for {text:?} in {feed:?} ({picks:?})");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lead_runs_a_line_up_of_two_stories_and_a_member_opens_it_read_only() {
    let folder = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let team_folder = folder.path().join("Kundtjänst Fanday");
    std::fs::create_dir_all(&team_folder).unwrap_or_else(|err| panic!("{err}"));
    let lead_pc = Desktop::start();
    // Sara's PC shows the dark theme (WebKitGTK follows the GTK theme).
    std::env::set_var("GTK_THEME", "Adwaita:dark");
    let staff_pc = Desktop::start();
    std::env::remove_var("GTK_THEME");
    a_team(&team_folder, &lead_pc.data_dir(), &staff_pc.data_dir());

    let lead = lead_pc.launch_quiet().await;
    click(&lead, "nav-team").await;
    wait_for_text(&lead, "lineup-summary", "No stories yet").await;
    pick(&lead, SARAS).await;
    wait_for_text(&lead, "lineup-summary", "1 story picked").await;
    pick(&lead, LENAS).await;
    wait_for_text(&lead, "lineup-summary", "2 stories picked").await;
    screenshot(&lead_pc, "lineup-team-en");

    click(&lead, "lineup-start").await;
    wait_for(&lead, "lineup-view").await;
    shows(&lead, SARAS).await;
    assert_eq!(texts_of(&lead, "lineup-author").await, vec!["A colleague"]);
    let size = lead
        .execute(
            "return parseFloat(getComputedStyle(document.querySelector('[data-testid=\"lineup-text\"]')).fontSize);",
            vec![],
        )
        .await
        .unwrap_or_default();
    assert!(
        size.as_f64().unwrap_or(0.0) >= 40.0,
        "story text at {size} px"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    screenshot(&lead_pc, "lineup-view-light-en");
    press(&lead, RIGHT).await;
    shows(&lead, LENAS).await;
    assert_eq!(texts_of(&lead, "lineup-author").await, vec!["Lena"]);
    screenshot(&lead_pc, "lineup-view-light-en-2");
    press(&lead, LEFT).await;
    shows(&lead, SARAS).await;
    click(&lead, "lineup-next").await;
    shows(&lead, LENAS).await;
    click(&lead, "lineup-prev").await;
    shows(&lead, SARAS).await;
    press(&lead, ESCAPE).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !texts_of(&lead, "lineup-view").await.is_empty() {
        assert!(Instant::now() < deadline, "Esc did not leave the line-up");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let focused = lead
        .execute(
            "return document.activeElement?.dataset.testid ?? '';",
            vec![],
        )
        .await
        .unwrap_or_default();
    assert_eq!(focused, "lineup-start", "the focus is back where it was");
    quit(lead).await;

    // Sara reads the lead's line-up from the folder: the same two stories,
    // nothing to pick.
    let staff = staff_pc.launch_quiet().await;
    click(&staff, "nav-team").await;
    wait_for_text(&staff, "lineup-summary", "2 berättelser valda").await;
    assert!(
        staff
            .find_all(Locator::Css("[data-testid=\"lineup-pick\"]"))
            .await
            .unwrap_or_default()
            .is_empty(),
        "a member has no pick buttons"
    );
    screenshot(&staff_pc, "lineup-team-sv-dark");
    click(&staff, "lineup-start").await;
    wait_for(&staff, "lineup-view").await;
    shows(&staff, SARAS).await;
    assert_eq!(texts_of(&staff, "lineup-author").await, vec!["En kollega"]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    screenshot(&staff_pc, "lineup-view-dark-sv");
    press(&staff, RIGHT).await;
    shows(&staff, LENAS).await;
    press(&staff, ESCAPE).await;
    quit(staff).await;
}

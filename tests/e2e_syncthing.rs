//! The team feed across two PCs kept in step by a real sync engine: two
//! Fanday apps, each on its own display and session bus with its own copy of
//! the team folder, and two real Syncthings carrying every change between
//! the copies over loopback. Each hop's time is printed (`--nocapture`).

#[path = "support/desktop.rs"]
mod desktop;
#[path = "support/syncthing.rs"]
mod syncthing;

use desktop::{
    admit_in_window, click, paste_into, quit, texts_of, wait_for, wait_for_text, Desktop,
};
use fanday_core::{Fanday, Language, ProfileInput, Role, SystemClock};
use fantoccini::Client;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

const QUIET: &str = "--remind-at=off";
/// Per hop: Syncthing's own delays plus the app's minute-long rescan, should
/// a file event be missed, with time to spare on a busy 2-core machine.
const HOP: Duration = Duration::from_secs(90);
/// Two Syncthings from cold: keys, database, first scan, TLS handshake.
const CONNECT: Duration = Duration::from_secs(60);
const TEAM_FOLDER: &str = "Kundtjänst Fanday";
const STORY: &str = "Walked a customer's heavy parcel out to the car";

fn set_up(data_dir: &Path, name: &str, role: Role, language: Language) {
    let core = Fanday::open(data_dir, Arc::new(SystemClock)).unwrap_or_else(|err| panic!("{err}"));
    core.save_profile(&ProfileInput {
        display_name: name.into(),
        role,
        language,
    })
    .unwrap_or_else(|err| panic!("{err}"));
}

async fn launch(pc: &Desktop) -> Client {
    pc.launch(&["--data-dir", &pc.data_dir().display().to_string(), QUIET])
        .await
}

/// Waits, up to `within`, until some `id` in the page shows `expected`.
async fn shows(app: &Client, id: &str, expected: &str, within: Duration) {
    let started = Instant::now();
    loop {
        if texts_of(app, id).await.iter().any(|t| t.contains(expected)) {
            return;
        }
        assert!(
            started.elapsed() < within,
            "{id} never showed {expected:?} within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Waits, up to `within`, until `file` exists.
async fn arrives(file: &Path, within: Duration) {
    let started = Instant::now();
    while !file.is_file() {
        assert!(
            started.elapsed() < within,
            "{} never arrived within {within:?}",
            file.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Ticks or unticks a checkbox, clicking again if a click was lost.
async fn set_checkbox(app: &Client, id: &str, wanted: bool) {
    for _ in 0..5 {
        let checked = wait_for(app, id)
            .await
            .is_selected()
            .await
            .unwrap_or_else(|err| panic!("cannot read {id}: {err}"));
        if checked == wanted {
            return;
        }
        click(app, id).await;
    }
    panic!("{id} would not become {wanted}");
}

/// Applauds the one story in the feed until the button says `done`. The
/// feed is redrawn whenever the folder changes, and a click that lands on
/// the old drawing is lost; applauding twice counts once.
async fn applaud(app: &Client, done: &str) {
    for _ in 0..5 {
        click(app, "feed-applaud").await;
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if texts_of(app, "feed-applaud")
                .await
                .iter()
                .any(|t| t.contains(done))
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    panic!("the applause was never counted: the button never said {done:?}");
}

fn hop(what: &str, took: Duration) -> Duration {
    eprintln!("Syncthing hop: {what} in {:.1} s", took.as_secs_f64());
    took
}

#[tokio::test(flavor = "multi_thread")]
async fn a_story_shared_applauded_and_withdrawn_across_two_pcs_kept_in_step_by_syncthing() {
    let started = Instant::now();
    let lead_pc = Desktop::start();
    let staff_pc = Desktop::start();
    // Each PC has its own copy of the team folder; only Syncthing joins them.
    let lead_copy = lead_pc.dir.path().join(TEAM_FOLDER);
    let staff_copy = staff_pc.dir.path().join(TEAM_FOLDER);
    let syncing = Instant::now();
    let (lead_sync, staff_sync) =
        syncthing::start_pair(("lena-pc", &lead_copy), ("sara-pc", &staff_copy));

    // The lead works in English, Sara in Swedish.
    set_up(&lead_pc.data_dir(), "Lena", Role::Lead, Language::En);
    set_up(&staff_pc.data_dir(), "Sara", Role::Staff, Language::Sv);
    let lead = launch(&lead_pc).await;
    let staff = launch(&staff_pc).await;
    syncthing::wait_connected(&lead_sync, &staff_sync, CONNECT);
    eprintln!(
        "Syncthing: the two PCs connected {:.1} s after Syncthing started",
        syncing.elapsed().as_secs_f64()
    );

    // Lena creates the team on her copy; Syncthing carries team.json to Sara's.
    click(&lead, "nav-team").await;
    paste_into(&lead, "team-name", "Kundtjänst").await;
    paste_into(
        &lead,
        "team-create-folder",
        &lead_copy.display().to_string(),
    )
    .await;
    let created = Instant::now();
    click(&lead, "team-create").await;
    wait_for_text(&lead, "feed-empty", "No shared stories yet").await;
    arrives(&staff_copy.join("team.json"), HOP).await;
    let team_hop = hop("team.json, Lena -> Sara's copy", created.elapsed());
    let founder = Fanday::open(&lead_pc.data_dir(), Arc::new(SystemClock))
        .and_then(|core| core.team_info())
        .unwrap_or_else(|err| panic!("{err}"))
        .unwrap_or_else(|| panic!("Lena has no team after creating it"))
        .founder_fingerprint;

    // Sara joins from her own copy, after comparing the founder's fingerprint
    // with the one Lena reads out to her.
    click(&staff, "nav-team").await;
    paste_into(&staff, "team-folder", &staff_copy.display().to_string()).await;
    click(&staff, "team-join").await;
    let shown = wait_for_text(&staff, "team-fingerprint", &founder).await;
    assert_eq!(shown.trim(), founder);
    click(&staff, "team-join").await;
    wait_for_text(&staff, "feed-empty", "Inga delade berättelser").await;

    // Sara's request crosses to Lena, who lets her in after comparing the
    // key Sara reads out.
    click(&lead, "nav-team").await;
    let asked = Instant::now();
    admit_in_window(&lead, &staff, HOP).await;
    let admission_hop = hop(
        "request and admission, Sara -> Lena -> Sara",
        asked.elapsed(),
    );

    // Lena shares a moment as she logs it; it reaches Sara's feed.
    click(&lead, "nav-today").await;
    paste_into(&lead, "moment-text", STORY).await;
    click(&lead, "moment-more").await;
    set_checkbox(&lead, "share-toggle", true).await;
    let shared = Instant::now();
    click(&lead, "moment-save").await;
    wait_for_text(&lead, "today-status", "Today's fan is made").await;
    shows(&staff, "feed-text", STORY, HOP).await;
    let story_hop = hop("story, Lena's Today -> Sara's feed", shared.elapsed());
    shows(&staff, "feed-author", "Lena", Duration::from_secs(5)).await;

    // Sara applauds; the applause reaches Lena's feed.
    click(&lead, "nav-team").await;
    shows(&lead, "feed-applaud", "Applause 0", Duration::from_secs(10)).await;
    let applauded = Instant::now();
    applaud(&staff, "Applåder 1").await;
    shows(&lead, "feed-applaud", "Applause 1", HOP).await;
    let applause_hop = hop("applause, Sara -> Lena's feed", applauded.elapsed());

    // Lena changes her mind and stops sharing it; it leaves Sara's feed.
    click(&lead, "nav-moments").await;
    shows(&lead, "moment-item-text", STORY, Duration::from_secs(10)).await;
    click(&lead, "moment-edit").await;
    set_checkbox(&lead, "edit-share-toggle", false).await;
    let withdrawn = Instant::now();
    click(&lead, "edit-moment-save").await;
    wait_for_text(&lead, "toast", "Changes saved").await;
    shows(&staff, "feed-empty", "Inga delade berättelser", HOP).await;
    let withdrawal_hop = hop("withdrawal, Lena -> Sara's feed", withdrawn.elapsed());
    assert!(
        !texts_of(&staff, "feed-text")
            .await
            .iter()
            .any(|t| t.contains(STORY)),
        "the withdrawn story is still in Sara's feed"
    );
    // The moment itself stays Lena's, only no longer shared.
    shows(&lead, "moment-item-text", STORY, Duration::from_secs(10)).await;

    eprintln!(
        "Syncthing hops: team.json {:.1} s, request and admission {:.1} s, story {:.1} s, \
         applause {:.1} s, withdrawal {:.1} s; whole test {:.1} s",
        team_hop.as_secs_f64(),
        admission_hop.as_secs_f64(),
        story_hop.as_secs_f64(),
        applause_hop.as_secs_f64(),
        withdrawal_hop.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    quit(lead).await;
    quit(staff).await;
}

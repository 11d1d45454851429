//! Two real Fanday apps (Lena, the lead, and Sara, each on a display and a
//! session bus of their own, as on two PCs) on a team folder that fails as
//! OneDrive, SharePoint and network shares do: a FUSE mount in front of
//! it. Sara's own files cannot be read for ten minutes while her app runs;
//! the share drops and comes back; a colleague's file takes a minute to
//! open. What each shares reaches the other, no file is written in vain,
//! and the lead's window stays quick.

#![cfg(target_os = "linux")]

#[path = "support/desktop.rs"]
mod desktop;
#[path = "support/faultfs.rs"]
mod faultfs;

use desktop::{click, paste_into, quit, screenshot, wait_for, words_of, Desktop};
use fanday_core::{
    Customer, Fanday, Language, MomentInput, ProfileInput, Role, Situation, SystemClock,
};
use fantoccini::{Client, Locator};
use faultfs::FaultyFolder;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The rescan interval, plus time to spare.
const WITHIN: Duration = Duration::from_secs(75);
/// How long Sara's own files cannot be read.
const OUTAGE: Duration = Duration::from_secs(600);

fn core_of(data_dir: &Path) -> Fanday {
    Fanday::open(data_dir, Arc::new(SystemClock)).unwrap_or_else(|err| panic!("{err}"))
}

fn profile(core: &Fanday, name: &str, role: Role, language: Language) -> String {
    core.save_profile(&ProfileInput {
        display_name: name.into(),
        role,
        language,
    })
    .unwrap_or_else(|err| panic!("{err}"))
    .id
}

fn share(core: &Fanday, text: &str) {
    core.add_moment(&MomentInput {
        shared: true,
        ..MomentInput::new(Situation::JustBecause, Customer::External, text)
    })
    .unwrap_or_else(|err| panic!("{err}"));
}

/// The names in a member's folder, behind the mount.
fn files_of(folder: &FaultyFolder, member: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder.backing.join("members").join(member))
        .unwrap_or_else(|err| panic!("{err}"))
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".jsonl") || name == "profile.json")
        .collect();
    names.sort();
    names
}

/// Waits, up to `within`, until `id` says `expected`; returns how long.
async fn eventually(app: &Client, id: &str, expected: &str, within: Duration) -> Duration {
    let started = Instant::now();
    loop {
        let said = words_of(app, id).await;
        if said.iter().any(|t| t.contains(expected)) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < within,
            "{id} never showed {expected:?}; it said {said:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn never_says(app: &Client, id: &str) {
    let found = app.find_all(Locator::Css(&desktop::testid(id))).await;
    assert!(
        found.map(|found| found.is_empty()).unwrap_or(true),
        "{id} is shown"
    );
}

/// Sara logs a moment and shares it, in her window.
async fn share_in_window(app: &Client, text: &str) {
    click(app, "nav-today").await;
    paste_into(app, "moment-text", text).await;
    click(app, "moment-more").await;
    click(app, "share-toggle").await;
    click(app, "moment-save").await;
    wait_for(app, "toast").await;
}

/// The lead goes from screen to screen; each is drawn in under two
/// seconds, whatever the folder does meanwhile.
async fn switch_screens(app: &Client) {
    for (nav, shown) in [
        ("nav-today", "moment-text"),
        ("nav-moments", "moment-search"),
        ("nav-team", "feed-status"),
        ("nav-progress", "streak-best"),
    ] {
        let started = Instant::now();
        click(app, nav).await;
        wait_for(app, shown).await;
        let took = started.elapsed();
        assert!(took < Duration::from_secs(2), "{nav} took {took:?} to show");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn writes_reach_the_team_on_a_folder_that_fails_as_cloud_folders_do() {
    let mut folder = FaultyFolder::new();
    let lead_pc = Desktop::start();
    let staff_pc = Desktop::start();
    let ali_dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));

    // The team as it stands: Lena founded it on the folder, Sara and Ali
    // (whose PC has no window here) joined and were let in.
    let (sara, ali) = {
        let lena = core_of(&lead_pc.data_dir());
        let sara = core_of(&staff_pc.data_dir());
        let ali = core_of(ali_dir.path());
        // The lead works in English, Sara and Ali in Swedish.
        profile(&lena, "Lena", Role::Lead, Language::En);
        let sara_id = profile(&sara, "Sara", Role::Staff, Language::Sv);
        let ali_id = profile(&ali, "Ali", Role::Staff, Language::Sv);
        let created = lena
            .create_team("Kundtjänst", &folder.mount)
            .unwrap_or_else(|err| panic!("{err}"));
        for (joiner, id) in [(&sara, &sara_id), (&ali, &ali_id)] {
            joiner
                .join_team(&folder.mount, &created.founder_fingerprint)
                .unwrap_or_else(|err| panic!("{err}"));
            let mine = joiner
                .team_info()
                .ok()
                .flatten()
                .map(|info| info.my_fingerprint)
                .unwrap_or_default();
            lena.read_team().unwrap_or_else(|err| panic!("{err}"));
            lena.admit(id, &mine).unwrap_or_else(|err| panic!("{err}"));
        }
        share(&sara, "Saras första");
        (sara_id, ali)
    };
    let lead = lead_pc.launch_quiet().await;
    let staff = staff_pc.launch_quiet().await;
    click(&lead, "nav-team").await;
    eventually(&lead, "feed-text", "Saras första", WITHIN).await;
    let before = files_of(&folder, &sara);

    // Sara's own files cannot be read for ten minutes (offline, then held
    // by another program) while her app runs and she shares a moment.
    let outage = Instant::now();
    let hers = format!("members/{sara}/");
    folder.fail_opens(&hers, libc::EIO, OUTAGE / 2);
    click(&staff, "nav-team").await;
    share_in_window(&staff, "Under avbrottet").await;
    click(&staff, "nav-team").await;
    eventually(&staff, "feed-waiting-files", "", WITHIN).await;
    screenshot(&staff_pc, "team-waiting-files-sv");

    // Meanwhile the share drops and comes back: the lead's app says so,
    // watches the folder again, and reads a change within seconds.
    folder.unmount();
    eventually(
        &lead,
        "feed-status",
        "could not be reached",
        Duration::from_secs(30),
    )
    .await;
    screenshot(&lead_pc, "team-folder-away-en");
    tokio::time::sleep(Duration::from_secs(10)).await;
    folder.mount_again();
    folder.fail_opens(
        &hers,
        libc::EIO,
        (OUTAGE / 2).saturating_sub(outage.elapsed()),
    );
    tokio::time::sleep(Duration::from_secs(5)).await;
    share(&ali, "Ali efter att mappen kom tillbaka");
    let took = eventually(
        &lead,
        "feed-text",
        "Ali efter att mappen kom tillbaka",
        WITHIN,
    )
    .await;
    assert!(
        took < Duration::from_secs(5),
        "a change after the folder came back took {took:?} to be read"
    );

    // The second half of the outage: held by another program.
    tokio::time::sleep((OUTAGE / 2).saturating_sub(outage.elapsed())).await;
    folder.fail_opens(&hers, libc::EACCES, OUTAGE.saturating_sub(outage.elapsed()));
    tokio::time::sleep(OUTAGE.saturating_sub(outage.elapsed())).await;
    folder.heal();
    never_says(&staff, "feed-healed").await;
    assert_eq!(
        files_of(&folder, &sara),
        before,
        "no new file of Sara's while her files could not be read"
    );

    // Her files answer again: what she shared reaches the lead.
    click(&lead, "nav-team").await;
    eventually(&lead, "feed-text", "Under avbrottet", WITHIN).await;
    assert_eq!(files_of(&folder, &sara), before, "written into her file");
    never_says(&staff, "feed-healed").await;

    // A colleague's file takes a minute to open (online-only, downloading
    // on the lead's PC): Sara's story shared meanwhile reaches the lead in
    // under 20 s, and the lead's window stays quick.
    folder.block_first_open_for_apps(
        &format!("members/{}/events", ali_id(&ali)),
        Duration::from_secs(60),
    );
    share(&ali, "Alis berättelse som laddas ner");
    tokio::time::sleep(Duration::from_secs(2)).await;
    share_in_window(&staff, "Medan Alis fil laddas ner").await;
    let shared = Instant::now();
    click(&lead, "nav-team").await;
    eventually(
        &lead,
        "feed-text",
        "Medan Alis fil laddas ner",
        Duration::from_secs(20),
    )
    .await;
    let reached = shared.elapsed();
    assert!(reached < Duration::from_secs(20), "took {reached:?}");
    switch_screens(&lead).await;
    click(&lead, "nav-team").await;
    eventually(
        &lead,
        "feed-text",
        "Alis berättelse som laddas ner",
        Duration::from_secs(150),
    )
    .await;
    screenshot(&lead_pc, "team-after-faults-en");

    quit(lead).await;
    quit(staff).await;
    drop(folder);
}

fn ali_id(ali: &Fanday) -> String {
    ali.profile()
        .ok()
        .flatten()
        .map(|profile| profile.id)
        .unwrap_or_default()
}

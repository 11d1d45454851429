//! How a region reads its teams: two at a time, past a damaged store,
//! and again when the clock has gone back; recognition reaches it as the
//! members' own words of their weeks.

use super::region::{a_team_rut_follows, follow, followed_store, follower_id, region_now};
use crate::support::team as support;

use chrono::Duration;
use fanday_core::region::Following;
use fanday_core::{Fanday, FixedClock, Situation};
use std::fs;
use std::sync::Arc;
use support::{monday_morning, read, share, story_key, Member};

/// The region reads its teams two at a time: every team is read, one
/// whose store on this computer is damaged does not stop the others, and
/// the window hears each team counted once, from none to all.
#[test]
fn reading_the_region_reads_every_team_and_tells_the_window_each_once_from_none_to_all() {
    let north = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let south = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let (lena, sara, ali, rut, _) = a_team_rut_follows(north.path());
    let (karin, bo, eva) = support::colleagues_in_team(south.path(), "Butik Syd", true);
    follow(&rut, south.path());
    let (id, fingerprint, _) = follower_id(&karin, "Rut (region)");
    karin
        .app
        .let_follow(&id, &fingerprint)
        .unwrap_or_else(|err| panic!("{err}"));
    share(&sara, "Bar ut en soffa åt en kund", Situation::JustBecause);
    share(&bo, "Sa nej till en retur, vänligt", Situation::SaidNo);
    share(&eva, "Vände ett klagomål", Situation::Complaint);
    for m in [&lena, &sara, &ali, &karin, &bo, &eva] {
        read(m);
    }
    let damaged = rut.data_dir().join("region").join("0000damaged");
    fs::create_dir_all(&damaged).unwrap_or_else(|err| panic!("{err}"));
    fs::write(
        damaged.join(fanday_core::store::DB_FILE_NAME),
        b"not a database at all, as a half-synced copy may be",
    )
    .unwrap_or_else(|err| panic!("{err}"));

    let heard = std::sync::Mutex::new(Vec::new());
    rut.app
        .read_region(|done, total| {
            heard
                .lock()
                .unwrap_or_else(|err| err.into_inner())
                .push((done, total))
        })
        .unwrap_or_else(|err| panic!("{err}"));
    let heard = heard.into_inner().unwrap_or_else(|err| err.into_inner());
    let dones: Vec<usize> = heard.iter().map(|(done, _)| *done).collect();
    assert_eq!(dones, vec![0, 1, 2, 3], "{heard:?}");
    assert!(heard.iter().all(|(_, total)| *total == 3), "{heard:?}");

    let region = rut.app.region(4).unwrap_or_else(|err| panic!("{err}"));
    let fans: Vec<(String, u32)> = region
        .teams
        .iter()
        .filter(|t| t.team.following == Following::Following)
        .map(|t| (t.team.name.clone(), t.weeks[0].tallied.fans))
        .collect();
    assert_eq!(fans.len(), 2, "{region:?}");
    assert!(
        fans.iter()
            .any(|(name, fans)| name == "Butik Syd" && *fans == 2),
        "{fans:?}"
    );
    assert!(
        fans.iter()
            .any(|(name, fans)| name != "Butik Syd" && *fans == 1),
        "{fans:?}"
    );
}

/// The rows of `table` in the followed team's store.
fn rows(rut: &Member, table: &str) -> i64 {
    followed_store(rut)
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
            row.get(0)
        })
        .unwrap_or_else(|err| panic!("{err}"))
}

/// Sara recognised in the region's week, as the region shows it.
fn recognised_this_week(rut: &Member) -> (u32, u32) {
    let region = region_now(rut);
    let week = &region.teams[0].weeks[0];
    (week.recognised, week.team_members)
}

/// Recognition reaches a region as each member's own word of their week
/// (`recognition.week`, beside the tallies), never as applause: a
/// followed store holds no row of a story or of applause. A colleague's
/// applause a year on is said by the one recognised at her app's next
/// reading, not before; with the region's clock set back, while the app
/// runs or at a start, it shows the week of the earlier applause.
#[test]
fn recognition_reaches_the_region_as_the_recognised_members_word_never_as_applause() {
    let north = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let (lena, sara, ali, rut, _) = a_team_rut_follows(north.path());
    let story = share(
        &sara,
        "Bytte en trasig lampa åt en kund",
        Situation::JustBecause,
    );
    read(&ali);
    ali.app
        .applaud(&story_key(&sara, &story))
        .unwrap_or_else(|err| panic!("{err}"));
    for m in [&lena, &sara, &ali] {
        read(m);
    }
    assert_eq!(recognised_this_week(&rut), (1, 3));

    // A year on, nobody was recognised that week.
    let year_on = monday_morning() + Duration::weeks(60);
    let clock = Arc::new(FixedClock::new(year_on));
    let later = Member {
        app: Fanday::open(rut.data_dir(), clock.clone()).unwrap_or_else(|err| panic!("{err}")),
        dir: tempfile::tempdir().unwrap_or_else(|err| panic!("{err}")),
        id: rut.id.clone(),
    };
    assert_eq!(recognised_this_week(&later), (0, 3));

    // Lena applauds the old story: hers is not the word to say it; Sara's
    // app says it when it has read her applause.
    let lena_later = lena.opened_again_at(year_on);
    lena_later
        .app
        .applaud(&story_key(&sara, &story))
        .unwrap_or_else(|err| panic!("{err}"));
    read(&lena_later);
    assert_eq!(recognised_this_week(&later), (0, 3));
    read(&sara.opened_again_at(year_on));
    assert_eq!(recognised_this_week(&later), (1, 3));
    for table in [
        "stories",
        "story_reactions",
        "story_comments",
        "story_reviews",
    ] {
        assert_eq!(rows(&rut, table), 0, "{table}");
    }

    // Her clock set back at the week of Ali's applause, the app running,
    // and then at a start.
    clock.set(monday_morning());
    assert_eq!(recognised_this_week(&later), (1, 3));
    drop(later);
    let back = rut.opened_again_at(monday_morning());
    assert_eq!(recognised_this_week(&back), (1, 3));
}

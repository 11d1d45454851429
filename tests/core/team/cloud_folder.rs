//! The team folder as OneDrive, SharePoint and network shares keep it: a
//! real FUSE mount in front of the folder makes chosen files fail to open
//! for a while (offline, held by another program), take long to open the
//! first time (an online-only file downloading), or vanish and come back.
//! A file that cannot be read just now waits; it is never damage.

use crate::support::team as support;

#[path = "../../support/faultfs.rs"]
mod faultfs;

use fanday_core::team::ReadReport;
use fanday_core::Situation;
use faultfs::FaultyFolder;
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};
use support::{colleagues_in, feed_texts, member_dir, read, share, Member};

fn files_of(folder: &Path, member: &Member) -> Vec<String> {
    support::names_in(&member_dir(folder, &member.id))
}

fn texts(member: &Member) -> Vec<String> {
    let mut texts = feed_texts(member);
    texts.sort();
    texts
}

fn waiting_codes(report: &ReadReport, path_part: &str) -> Vec<&'static str> {
    report
        .waiting_files
        .iter()
        .filter(|file| file.path.contains(path_part))
        .map(|file| file.code)
        .collect()
}

#[test]
fn her_own_files_unreadable_for_a_while_leave_no_new_file_and_her_next_story_reaches_the_lead() {
    let folder = FaultyFolder::new();
    let (lena, sara, _ali) = colleagues_in(&folder.mount, false);
    share(&sara, "Före", Situation::JustBecause);
    read(&lena);
    let before = files_of(&folder.backing, &sara);
    let hers = format!("members/{}/", sara.id);
    // Offline first (EIO), then held by another program (EACCES), while
    // her app goes on reading pass after pass and she shares a story.
    for (errno, label) in [(libc::EIO, "failed"), (libc::EACCES, "held")] {
        folder.fail_opens(&hers, errno, Duration::from_secs(3600));
        share(&sara, &format!("Under ({label})"), Situation::SaidNo);
        for _ in 0..60 {
            let report = read(&sara);
            assert!(!report.healed, "a file that cannot be read is no damage");
            assert_eq!(report.send_error, None);
        }
        let report = read(&sara);
        assert!(
            waiting_codes(&report, &hers).contains(&label),
            "the status says her file waits, and why: {:?}",
            report.waiting_files
        );
        assert!(report.waiting_to_send > 0, "what she shared waits here");
        folder.heal();
    }
    assert_eq!(
        files_of(&folder.backing, &sara),
        before,
        "no new file of hers in the folder"
    );
    // The folder answers again: what waited is written, into her file.
    let report = read(&sara);
    assert_eq!(report.waiting_to_send, 0);
    assert!(!report.healed);
    assert_eq!(files_of(&folder.backing, &sara), before);
    share(&sara, "Efter", Situation::Complaint);
    read(&lena);
    assert_eq!(
        texts(&lena),
        vec!["Efter", "Före", "Under (failed)", "Under (held)"]
    );
}

#[test]
fn a_colleagues_file_that_takes_long_to_open_holds_up_nothing_else() {
    let folder = FaultyFolder::new();
    let (lena, sara, ali) = colleagues_in(&folder.mount, false);
    read(&lena);
    share(&ali, "Alis berättelse", Situation::JustBecause);
    // Ali's file is online-only on Lena's PC: her next open downloads it
    // first, for half a minute. Meanwhile Sara shares a story.
    folder.block_first_open(
        &format!("members/{}/events", ali.id),
        Duration::from_secs(30),
    );
    share(&sara, "Saras berättelse", Situation::JustBecause);
    let started = Instant::now();
    let mut report = read(&lena);
    while !texts(&lena).contains(&"Saras berättelse".to_string()) {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "Sara's story waited on Ali's file"
        );
        report = read(&lena);
    }
    assert_eq!(waiting_codes(&report, &ali.id), vec!["no_answer"]);
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    // Once downloaded, Ali's story comes too.
    while !texts(&lena).contains(&"Alis berättelse".to_string()) {
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "Ali's story never came"
        );
        std::thread::sleep(Duration::from_millis(500));
        read(&lena);
    }
    assert!(read(&lena).waiting_files.is_empty());
}

#[test]
fn a_colleagues_file_that_vanishes_for_a_while_is_neither_damage_nor_forgotten() {
    let folder = FaultyFolder::new();
    let (lena, sara, _ali) = colleagues_in(&folder.mount, false);
    share(&sara, "Ett", Situation::JustBecause);
    read(&lena);
    folder.vanish(
        &format!("members/{}/events", sara.id),
        Duration::from_secs(3),
    );
    let report = read(&lena);
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    std::thread::sleep(Duration::from_secs(3));
    share(&sara, "Två", Situation::JustBecause);
    let report = read(&lena);
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    assert_eq!(texts(&lena), vec!["Ett", "Två"]);
    assert!(folder.opens(&format!("members/{}/events-1.jsonl", sara.id)) > 0);
}

#[test]
fn logging_a_moment_answers_at_once_while_the_folder_blocks_and_reaches_it_after() {
    let folder = FaultyFolder::new();
    let (lena, sara, _ali) = colleagues_in(&folder.mount, false);
    share(&sara, "Före", Situation::JustBecause);
    read(&lena);
    // Her own file takes half a minute to open (downloading again).
    folder.block_first_open(
        &format!("members/{}/events", sara.id),
        Duration::from_secs(30),
    );
    // Sara's app writes in the background, as the app does: a writer
    // that reads the team when woken, and every second.
    let (wake, woken) = std::sync::mpsc::channel::<()>();
    sara.app.send_in_background(move || {
        let _ = wake.send(());
    });
    let done = std::sync::atomic::AtomicBool::new(false);
    let (sara, done) = (&sara, &done);
    let (answered, reached) = std::thread::scope(|scope| {
        scope.spawn(move || {
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                let _ = woken.recv_timeout(Duration::from_secs(1));
                let _ = sara.app.read_team();
            }
        });
        let started = Instant::now();
        share(sara, "Medan mappen dröjer", Situation::SaidNo);
        let answered = started.elapsed();
        // It reaches the folder once the folder answers.
        let mut reached = false;
        while !reached && started.elapsed() < Duration::from_secs(120) {
            std::thread::sleep(Duration::from_millis(500));
            read(&lena);
            reached = texts(&lena).contains(&"Medan mappen dröjer".to_string());
        }
        done.store(true, std::sync::atomic::Ordering::SeqCst);
        (answered, reached)
    });
    // The folder held her file for 30 s; logging did not wait for it.
    assert!(
        answered < Duration::from_secs(1),
        "logging waited {answered:?} on the folder"
    );
    assert!(reached, "her story never reached the folder");
}

#[test]
fn a_share_that_drops_while_files_are_held_open_can_be_mounted_again() {
    let mut folder = FaultyFolder::new();
    fs::write(folder.mount.join("team.json"), "{}").unwrap_or_else(|err| panic!("{err}"));
    for _ in 0..5 {
        // An app holds the folder and a file in it open as the share drops.
        let held_file = fs::File::open(folder.mount.join("team.json"));
        let held_dir = fs::read_dir(&folder.mount);
        folder.unmount();
        assert!(
            fs::metadata(&folder.mount).is_ok(),
            "the path is a plain folder again, not a dead mount"
        );
        folder.mount_again();
        assert_eq!(
            fs::read_to_string(folder.mount.join("team.json")).unwrap_or_default(),
            "{}"
        );
        drop((held_file, held_dir));
    }
}

#[test]
fn a_full_disk_for_her_copies_for_the_region_is_told_to_her_while_her_stories_reach_the_team() {
    let folder = FaultyFolder::new();
    let (lena, sara, ali) = colleagues_in(&folder.mount, true);
    let her_open = format!("members/{}/open/", sara.id);
    folder.fail_creates(&her_open, libc::ENOSPC, Duration::from_secs(3600));
    share(&sara, "Bar ut en tung kartong", Situation::JustBecause);

    // Nobody follows the team yet: nobody is behind, nothing to tell.
    assert_eq!(read(&sara).followers_error, None);

    // A region follows: her status says why it does not get her numbers,
    // and her story still reaches her lead.
    let rut = support::member("Rut (region)", fanday_core::Role::Lead);
    super::region::follow(&rut, &folder.mount);
    let (id, fingerprint, _) = super::region::follower_id(&lena, "Rut (region)");
    lena.app
        .let_follow(&id, &fingerprint)
        .unwrap_or_else(|err| panic!("{err}"));
    let report = read(&sara);
    assert_eq!(
        report.followers_error.map(|error| error.code),
        Some("disk_full")
    );
    assert_eq!(report.send_error, None);
    read(&lena);
    assert!(texts(&lena).contains(&"Bar ut en tung kartong".to_string()));

    // Room again: her next reading writes the copies without a new story
    // of hers, the word goes, and the region counts her fan.
    folder.heal();
    let report = read(&sara);
    assert_eq!(report.followers_error, None);
    read(&ali);
    let fans = |rut: &Member| {
        super::region::region_now(rut).teams[0].weeks[0]
            .tallied
            .fans
    };
    assert_eq!(fans(&rut), 1);

    // Her open file held by another program while her numbers change: it
    // is listed among the files that wait, and written once it is free.
    folder.fail_opens(&her_open, libc::EACCES, Duration::from_secs(3600));
    share(
        &sara,
        "Hittade rätt storlek åt en kund",
        Situation::JustBecause,
    );
    let report = read(&sara);
    assert_eq!(waiting_codes(&report, &her_open), vec!["held"]);
    assert_eq!(report.followers_error, None);
    folder.heal();
    let mut report = read(&sara);
    for _ in 0..20 {
        if waiting_codes(&report, &her_open).is_empty() {
            break;
        }
        report = read(&sara);
    }
    assert_eq!(waiting_codes(&report, &her_open), Vec::<&str>::new());
    assert_eq!(fans(&rut), 2);
}

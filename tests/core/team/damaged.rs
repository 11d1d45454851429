//! The team folder as a sync engine leaves it: files truncated, put back
//! older, reordered, glued onto, deleted, split over later files and
//! conflict copies; numbers after leaving, rejoining and restoring a
//! backup. Each case asserts what the colleagues end up with: healed or
//! reported, nothing lost.

use crate::support::team as support;

use fanday_core::{Role, Situation};
use std::fs;
use std::path::{Path, PathBuf};
use support::{
    append_raw, codes, copy_of_folder, event_lines, events_file, feed, feed_texts, join, member,
    member_dir, read, seqs_in_folder, share, skip_count, story_key, team, unshare,
};

/// Lena's copy of a story file, before the sync engine does something to it.
fn three_stories(t: &support::Team) -> (Vec<String>, PathBuf) {
    let ids = ["Ett", "Två", "Tre"]
        .iter()
        .map(|text| share(&t.sara, text, Situation::JustBecause))
        .collect();
    read(&t.lena);
    assert_eq!(feed(&t.lena).len(), 3);
    (ids, events_file(t.path(), &t.sara.id))
}

fn late_joiner_sees(t: &support::Team) -> Vec<String> {
    let olle = member("Olle", Role::Staff);
    support::join_and_admit(&olle, t.path(), &t.lena);
    while read(&olle).more {}
    feed_texts(&olle)
}

#[test]
fn a_truncated_file_is_written_again_by_its_writer_and_noticed_by_its_readers() {
    let t = team();
    let (_, saras_file) = three_stories(&t);
    let bytes = fs::read(&saras_file).unwrap_or_default();
    fs::write(&saras_file, &bytes[..bytes.len() / 2]).unwrap_or_else(|err| panic!("{err}"));

    share(&t.sara, "Fyra", Situation::SaidNo);
    let report = read(&t.sara);
    assert!(report.healed, "Sara is told her file was written again");
    assert!(!read(&t.sara).healed, "and told once");
    let report = read(&t.lena);
    assert_eq!(
        skip_count(&report, &format!("{}/events-1.jsonl", t.sara.id), "rewound"),
        1
    );
    assert_eq!(feed_texts(&t.lena), vec!["Ett", "Fyra", "Tre", "Två"]);
    assert!(report.gaps.is_empty(), "{:?}", report.gaps);
    assert_eq!(late_joiner_sees(&t), vec!["Ett", "Fyra", "Tre", "Två"]);
}

#[test]
fn an_older_copy_of_a_file_is_written_again_and_a_later_withdrawal_still_counts() {
    let t = team();
    let first = share(&t.sara, "Ett", Situation::JustBecause);
    let saras_file = events_file(t.path(), &t.sara.id);
    let older = fs::read(&saras_file).unwrap_or_default();
    let second = share(&t.sara, "Två", Situation::JustBecause);
    share(&t.sara, "Tre", Situation::JustBecause);
    read(&t.lena);
    fs::write(&saras_file, &older).unwrap_or_else(|err| panic!("{err}"));

    unshare(&t.sara, &second);
    read(&t.lena);
    assert_eq!(feed_texts(&t.lena), vec!["Ett", "Tre"]);
    assert_eq!(late_joiner_sees(&t), vec!["Ett", "Tre"]);
    assert!(feed(&t.lena)
        .iter()
        .any(|s| s.story_id == story_key(&t.sara, &first)));
}

#[test]
fn reordered_lines_give_the_same_feed_and_the_writer_starts_a_fresh_file() {
    let t = team();
    let first = share(&t.sara, "Ett", Situation::JustBecause);
    unshare(&t.sara, &first);
    share(&t.sara, "Två", Situation::JustBecause);
    let saras_file = events_file(t.path(), &t.sara.id);
    let mut lines = event_lines(t.path(), &t.sara.id);
    lines.reverse();
    fs::write(&saras_file, format!("{}\n", lines.join("\n"))).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        late_joiner_sees(&t),
        vec!["Två"],
        "the withdrawal holds, read first"
    );

    share(&t.sara, "Tre", Situation::SaidNo);
    assert!(member_dir(t.path(), &t.sara.id)
        .join("events-2.jsonl")
        .is_file());
    read(&t.lena);
    assert_eq!(feed_texts(&t.lena), vec!["Tre", "Två"]);
}

#[test]
fn a_file_read_to_its_end_and_replaced_by_a_reordering_of_the_same_length_is_read_again() {
    let t = team();
    let (_, saras_file) = three_stories(&t);
    let before = fs::read(&saras_file).unwrap_or_default();
    let mut lines = event_lines(t.path(), &t.sara.id);
    lines.reverse();
    let reordered = format!("{}\n", lines.join("\n"));
    assert_eq!(reordered.len(), before.len(), "the same length");
    fs::write(&saras_file, reordered).unwrap_or_else(|err| panic!("{err}"));

    let report = read(&t.lena);
    assert_eq!(
        skip_count(&report, &format!("{}/events-1.jsonl", t.sara.id), "rewound"),
        1,
        "{:?}",
        report.skipped
    );
    assert_eq!(feed_texts(&t.lena), vec!["Ett", "Tre", "Två"]);
    assert!(report.gaps.is_empty(), "{:?}", report.gaps);
    assert_eq!(late_joiner_sees(&t), vec!["Ett", "Tre", "Två"]);
}

#[test]
fn a_byte_glued_onto_a_leads_file_does_not_swallow_her_withdrawal() {
    let t = team();
    let story = share(&t.lena, "Lenas berättelse", Situation::Complaint);
    read(&t.sara);
    assert_eq!(feed_texts(&t.sara), vec!["Lenas berättelse"]);
    append_raw(&events_file(t.path(), &t.lena.id), "x");

    unshare(&t.lena, &story);
    read(&t.sara);
    assert!(feed(&t.sara).is_empty(), "the withdrawal reached Sara");
    assert!(read(&t.lena).healed);
}

#[test]
fn a_deleted_own_file_is_written_again_with_the_same_events() {
    let t = team();
    share(&t.sara, "Ett", Situation::JustBecause);
    share(&t.sara, "Två", Situation::SaidNo);
    read(&t.lena);
    let saras_file = events_file(t.path(), &t.sara.id);
    let before = event_lines(t.path(), &t.sara.id);
    fs::remove_file(&saras_file).unwrap_or_else(|err| panic!("{err}"));

    let report = read(&t.sara);
    assert!(report.healed);
    let mut after = event_lines(t.path(), &t.sara.id);
    let mut before_sorted = before.clone();
    after.sort();
    before_sorted.sort();
    assert_eq!(after, before_sorted, "same ids, same signatures");
    assert_eq!(late_joiner_sees(&t), vec!["Ett", "Två"]);
}

#[test]
fn a_later_file_and_conflict_copies_are_taken_and_gaps_are_shown_by_name() {
    let t = team();
    three_stories(&t);
    // A colleague's copy of the folder where the sync has not brought all
    // of Sara's file yet: her request and first story, and her third story
    // in a later file; her second is missing.
    let copy = copy_of_folder(&t);
    let lines = event_lines(t.path(), &t.sara.id);
    assert_eq!(lines.len(), 4, "a request and three stories");
    let dir = member_dir(copy.path(), &t.sara.id);
    fs::write(
        dir.join("events-1.jsonl"),
        format!("{}\n{}\n", lines[0], lines[1]),
    )
    .unwrap_or_else(|err| panic!("{err}"));
    fs::write(dir.join("events-2.jsonl"), format!("{}\n", lines[3]))
        .unwrap_or_else(|err| panic!("{err}"));

    // A newcomer who has not been let in yet can read the feed.
    let olle = member("Olle", Role::Staff);
    join(&olle, copy.path());
    let report = read(&olle);
    assert_eq!(feed_texts(&olle), vec!["Ett", "Tre"]);
    let gap = report.gaps.iter().find(|g| g.member_id == t.sara.id);
    assert_eq!(
        gap.map(|g| (g.name.as_str(), g.missing)),
        Some(("Sara", 1)),
        "{:?}",
        report.gaps
    );

    // The missing line arrives in a sync engine's conflict copy.
    fs::write(
        dir.join("events-1.sync-conflict-20261123-101500-ABCDEFG.jsonl"),
        format!("{}\n{}\n{}\n", lines[0], lines[1], lines[2]),
    )
    .unwrap_or_else(|err| panic!("{err}"));
    let report = read(&olle);
    assert_eq!(feed_texts(&olle), vec!["Ett", "Tre", "Två"]);
    assert!(report.gaps.is_empty(), "{:?}", report.gaps);
}

fn assert_no_number_repeats(folder: &Path, member: &str) {
    let seqs = seqs_in_folder(folder, member);
    let mut unique = seqs.clone();
    unique.dedup();
    assert_eq!(seqs, unique, "a number was used twice");
}

#[test]
fn leaving_and_joining_again_never_reuses_a_number() {
    let t = team();
    let first = share(&t.sara, "Ett", Situation::JustBecause);
    share(&t.sara, "Två", Situation::JustBecause);
    read(&t.lena);
    let highest = seqs_in_folder(t.path(), &t.sara.id)
        .last()
        .copied()
        .unwrap_or(0);

    t.sara
        .app
        .leave_team()
        .unwrap_or_else(|err| panic!("{err}"));
    join(&t.sara, t.path());
    unshare(&t.sara, &first);
    assert!(
        seqs_in_folder(t.path(), &t.sara.id)
            .last()
            .copied()
            .unwrap_or(0)
            > highest
    );
    assert_no_number_repeats(t.path(), &t.sara.id);
    let report = read(&t.lena);
    assert_eq!(
        feed_texts(&t.lena),
        vec!["Två"],
        "the withdrawal reached Lena"
    );
    assert!(report.gaps.is_empty(), "{:?}", report.gaps);
}

#[test]
fn leaving_and_joining_again_never_reuses_a_number_of_a_later_file() {
    let t = team();
    let first = share(&t.sara, "Ett", Situation::JustBecause);
    // A byte glued on by the sync: Sara's app goes on in events-2.jsonl.
    append_raw(&events_file(t.path(), &t.sara.id), "x");
    share(&t.sara, "Två", Situation::JustBecause);
    share(&t.sara, "Tre", Situation::SaidNo);
    assert!(member_dir(t.path(), &t.sara.id)
        .join("events-2.jsonl")
        .is_file());
    read(&t.lena);
    let highest = seqs_in_folder(t.path(), &t.sara.id)
        .last()
        .copied()
        .unwrap_or(0);

    t.sara
        .app
        .leave_team()
        .unwrap_or_else(|err| panic!("{err}"));
    join(&t.sara, t.path());
    read(&t.sara);
    let me = t.sara.app.team_members().unwrap_or_default();
    assert!(
        me.iter().any(|m| m.is_me && m.status == "admitted"),
        "Sara is in the team again: {me:?}"
    );
    unshare(&t.sara, &first);
    share(&t.sara, "Fyra", Situation::Complaint);
    assert!(
        seqs_in_folder(t.path(), &t.sara.id)
            .last()
            .copied()
            .unwrap_or(0)
            > highest
    );
    assert_no_number_repeats(t.path(), &t.sara.id);
    let report = read(&t.lena);
    assert_eq!(
        feed_texts(&t.lena),
        vec!["Fyra", "Tre", "Två"],
        "the withdrawal reached Lena"
    );
    assert!(
        report.gaps.is_empty() && !codes(&report).contains(&"fork"),
        "{report:?}"
    );
}

#[test]
fn restoring_a_backup_never_reuses_a_number_and_keeps_later_stories_shared() {
    let t = team();
    let first = share(&t.sara, "Ett", Situation::JustBecause);
    let backup = t.sara.data_dir().join("before.sqlite3");
    t.sara
        .app
        .backup_to(&backup)
        .unwrap_or_else(|err| panic!("{err}"));
    share(&t.sara, "Två", Situation::JustBecause);
    share(&t.sara, "Tre", Situation::JustBecause);
    read(&t.lena);

    t.sara
        .app
        .restore(&backup)
        .unwrap_or_else(|err| panic!("{err}"));
    unshare(&t.sara, &first);
    assert_no_number_repeats(t.path(), &t.sara.id);
    let report = read(&t.lena);
    assert_eq!(feed_texts(&t.lena), vec!["Tre", "Två"]);
    assert!(report.gaps.is_empty(), "{:?}", report.gaps);
}

#[test]
fn a_backup_restored_while_the_folder_is_away_renumbers_what_waits_to_be_sent() {
    let t = team();
    let first = share(&t.sara, "Ett", Situation::JustBecause);
    let backup = t.sara.data_dir().join("before.sqlite3");
    t.sara
        .app
        .backup_to(&backup)
        .unwrap_or_else(|err| panic!("{err}"));
    share(&t.sara, "Två", Situation::JustBecause);
    read(&t.lena);

    let away = t.path().with_extension("away");
    fs::rename(t.path(), &away).unwrap_or_else(|err| panic!("{err}"));
    // The restored data knows nothing of "Två": the withdrawal is given the
    // number "Två" has in the folder, and waits to be sent.
    let sara = &t.sara;
    sara.app
        .restore(&backup)
        .unwrap_or_else(|err| panic!("{err}"));
    unshare(sara, &first);
    assert_eq!(read(sara).waiting_to_send, 1);
    fs::rename(&away, t.path()).unwrap_or_else(|err| panic!("{err}"));

    let report = read(sara);
    assert_eq!(report.waiting_to_send, 0, "{report:?}");
    assert_no_number_repeats(t.path(), &t.sara.id);
    let report = read(&t.lena);
    assert_eq!(feed_texts(&t.lena), vec!["Två"]);
    assert!(
        report.gaps.is_empty() && !codes(&report).contains(&"fork"),
        "{report:?}"
    );
}

/// A line whose own signature is broken, inside a member's chain: the next
/// event, signed, names its hash and vouches for it. Every PC must come to
/// the same answer, whether it read both at once or one after the other.
#[test]
fn a_line_vouched_for_by_the_next_one_counts_the_same_on_every_pc() {
    let t = team();
    share(&t.sara, "Ett", Situation::JustBecause);
    share(&t.sara, "Två", Situation::JustBecause);
    share(&t.sara, "Tre", Situation::JustBecause);
    let lines = event_lines(t.path(), &t.sara.id);
    let broken = lines[2].replacen("\"sig\":\"", "\"sig\":\"AAAA", 1);
    let copy = copy_of_folder(&t);
    let saras = member_dir(copy.path(), &t.sara.id).join("events-1.jsonl");

    // One PC reads the broken line before the line after it arrives.
    fs::write(&saras, format!("{}\n{}\n{broken}\n", lines[0], lines[1]))
        .unwrap_or_else(|err| panic!("{err}"));
    let olle = member("Olle", Role::Staff);
    join(&olle, copy.path());
    while read(&olle).more {}
    assert_eq!(feed_texts(&olle), vec!["Ett"], "the broken line waits");
    append_raw(&saras, &format!("{}\n", lines[3]));
    while read(&olle).more {}

    // Another reads them all at once.
    let pia = member("Pia", Role::Staff);
    join(&pia, copy.path());
    while read(&pia).more {}
    assert_eq!(feed_texts(&pia), vec!["Ett", "Tre", "Två"]);
    assert_eq!(feed_texts(&olle), feed_texts(&pia));
}

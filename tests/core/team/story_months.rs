//! A member's story texts of a month travel in one file,
//! `stories/<YYYY-MM>.json`, so that a team's folder holds tens of files a
//! year per member, not hundreds. Each case asserts what the folder holds
//! and what her colleagues read.

use crate::support::team as support;

use chrono::{DateTime, NaiveDate};
use fanday_core::{Fanday, Role, Situation};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use support::{feed_texts, member, member_dir, moment_input, names_in, read, share, team, Member};

/// The member's app started again on Wednesday 2 December.
fn in_december(member: Member) -> Member {
    let Member { dir, app, id } = member;
    drop(app);
    let wednesday = DateTime::parse_from_rfc3339("2026-12-02T10:00:00+01:00")
        .unwrap_or_else(|err| panic!("{err}"));
    let app = Fanday::open(dir.path(), Arc::new(support::TickingClock::new(wednesday)))
        .unwrap_or_else(|err| panic!("{err}"));
    Member { dir, app, id }
}

fn holds(path: &Path, words: &str) -> bool {
    String::from_utf8_lossy(&fs::read(path).unwrap_or_default()).contains(words)
}

#[test]
fn a_months_stories_travel_in_one_file_and_an_edit_to_another_month_moves_its_text() {
    let support::Team {
        folder, lena, sara, ..
    } = team();
    let (lena, sara) = (in_december(lena), in_december(sara));
    let texts = ["Ett", "Två", "Tre", "Fyra", "Fem"].map(|word| format!("{word} fan i dag"));
    let ids: Vec<String> = texts
        .iter()
        .map(|text| share(&sara, text, Situation::JustBecause))
        .collect();
    let stories = member_dir(folder.path(), &sara.id).join("stories");
    assert_eq!(
        names_in(&stories),
        vec!["2026-12.json"],
        "five stories, one file"
    );
    read(&lena);
    assert_eq!(feed_texts(&lena), {
        let mut sorted = texts.to_vec();
        sorted.sort();
        sorted
    });

    // She moves one story to the day it really happened, in November.
    let mut input = moment_input("Fem fan, i november", Situation::JustBecause, true);
    input.date = NaiveDate::from_ymd_opt(2026, 11, 30);
    sara.app
        .update_moment(&ids[4], &input)
        .unwrap_or_else(|err| panic!("{err}"));
    read(&sara);
    assert_eq!(names_in(&stories), vec!["2026-11.json", "2026-12.json"]);
    assert!(holds(&stories.join("2026-11.json"), "Fem fan, i november"));
    assert!(
        !holds(&stories.join("2026-12.json"), "Fem fan"),
        "December's file no longer holds the story, in either version"
    );
    read(&lena);
    assert!(feed_texts(&lena).contains(&"Fem fan, i november".to_string()));
    assert_eq!(feed_texts(&lena).len(), 5);
}

#[test]
fn stories_an_earlier_fanday_kept_one_file_each_are_read_and_gathered_into_the_months_file() {
    let t = team();
    let id = share(&t.sara, "Skrivet av en äldre Fanday", Situation::Complaint);
    let month = support::month_file(t.path(), &t.sara.id);
    let stories = month.parent().map(Path::to_path_buf).unwrap_or_default();
    // How an earlier Fanday left it: the text in a file of its own.
    let bundle: serde_json::Value =
        serde_json::from_slice(&fs::read(&month).unwrap_or_default()).unwrap_or_default();
    let content = bundle["stories"][0].clone();
    assert_eq!(content["story_id"], id.as_str());
    fs::write(stories.join(format!("{id}.json")), content.to_string())
        .unwrap_or_else(|err| panic!("{err}"));
    fs::remove_file(&month).unwrap_or_else(|err| panic!("{err}"));

    read(&t.lena);
    assert_eq!(feed_texts(&t.lena), vec!["Skrivet av en äldre Fanday"]);

    // Her app, at its next pass, keeps the text in the month's file only.
    read(&t.sara);
    assert_eq!(names_in(&stories), vec!["2026-11.json"]);
    assert!(holds(
        &stories.join("2026-11.json"),
        "Skrivet av en äldre Fanday"
    ));
    let olle = member("Olle", Role::Staff);
    support::join_and_admit(&olle, t.path(), &t.lena);
    while read(&olle).more {}
    assert_eq!(feed_texts(&olle), vec!["Skrivet av en äldre Fanday"]);
}

/// Sara's month file after she shared `text`: its path, its folder, its
/// name and what it holds.
fn her_month_after_sharing(
    t: &support::Team,
    text: &str,
) -> (PathBuf, PathBuf, String, serde_json::Value) {
    share(&t.sara, text, Situation::JustBecause);
    let month = support::month_file(t.path(), &t.sara.id);
    let stories = month.parent().map(Path::to_path_buf).unwrap_or_default();
    let name = month
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let bundle = serde_json::from_slice(&fs::read(&month).unwrap_or_default()).unwrap_or_default();
    (month, stories, name, bundle)
}

#[test]
fn a_conflict_copy_holding_a_text_her_app_never_had_is_gathered_into_the_month_not_dropped() {
    let t = team();
    let (month, stories, name, mut bundle) =
        her_month_after_sharing(&t, "Skrivet på den här datorn");
    // A copy the engine made while another PC of hers wrote the month:
    // it holds a story this PC has never heard of.
    let mut other = bundle["stories"][0].clone();
    other["story_id"] = "0193ffff-0000-7000-8000-000000000001".into();
    other["text"] = "Skrivet på en annan dator".into();
    if let Some(stories) = bundle["stories"].as_array_mut() {
        stories.push(other);
    }
    let stem = name.trim_end_matches(".json");
    fs::write(
        stories.join(format!("{stem} (Sara's conflicted copy 2026-12-06).json")),
        bundle.to_string(),
    )
    .unwrap_or_else(|err| panic!("{err}"));

    read(&t.sara);
    assert_eq!(names_in(&stories), vec![name], "the copy went");
    assert!(holds(&month, "Skrivet på den här datorn"));
    assert!(
        holds(&month, "Skrivet på en annan dator"),
        "what only the copy held is in the month's file"
    );
}

#[test]
fn stories_in_a_planted_copy_that_no_reader_would_look_for_are_not_carried_and_get_no_files() {
    let t = team();
    let (month, stories, name, mut bundle) = her_month_after_sharing(&t, "Hennes egen");
    let template = bundle["stories"][0].clone();
    let mut planted = Vec::new();
    for (id, date) in [
        ("../../utanför", "2026-11-23"),
        ("0193ffff-0000-7000-8000-000000000002", "2025-01-15"),
    ] {
        let mut story = template.clone();
        story["story_id"] = id.into();
        story["date"] = date.into();
        story["text"] = "Inplanterat".into();
        planted.push(story);
    }
    bundle["stories"] = planted.into();
    let stem = name.trim_end_matches(".json");
    fs::write(stories.join(format!("{stem} (1).json")), bundle.to_string())
        .unwrap_or_else(|err| panic!("{err}"));

    read(&t.sara);
    assert_eq!(
        names_in(&stories),
        vec![name],
        "the copy went, and no file came"
    );
    assert!(holds(&month, "Hennes egen"));
    assert!(!holds(&month, "Inplanterat"));
    assert!(!t.path().join("utanför.json").exists());
}

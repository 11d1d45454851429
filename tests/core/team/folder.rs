//! The team folder with three simulated members (three data dirs, one temp
//! folder): sharing converges in every store whatever the read order, and a
//! hostile or broken folder is skipped and reported, never fatal.

use crate::support::team as support;

use fanday_core::export::{Format, What};
use fanday_core::team::Story;
use fanday_core::{MomentInput, Role, Situation};
use std::fs;
use support::{
    append_raw, codes, events_file, feed, keep_private, member, read, share, signed_by, story_key,
    team, Member,
};

/// Story id, text, applause, comments and review: what everyone must agree
/// on (without the reader's own applause flag).
type Shape = (String, String, u32, Vec<String>, Option<String>);

fn shape(stories: &[Story]) -> Vec<Shape> {
    stories
        .iter()
        .map(|s| {
            (
                s.story_id.clone(),
                s.text.clone(),
                s.applause,
                s.comments.iter().map(|c| c.text.clone()).collect(),
                s.review.clone(),
            )
        })
        .collect()
}

#[test]
fn shared_stories_edits_withdrawals_applause_comments_and_reviews_converge() {
    let t = team();
    let lenas = share(
        &t.lena,
        "Ringde upp en kund som väntat",
        Situation::Complaint,
    );
    let saras = share(&t.sara, "Växlade pengar till automaten", Situation::SaidNo);
    let private = keep_private(&t.ali, "Bara mitt eget");

    // Different read orders.
    read(&t.ali);
    read(&t.sara);
    read(&t.lena);
    assert_eq!(feed(&t.ali).len(), 2, "only what is shared leaves a PC");
    assert!(feed(&t.lena)
        .iter()
        .all(|s| !s.story_id.ends_with(&private)));

    // Sara edits hers; Ali applauds and comments; Lena features Sara's.
    let mut edited = t
        .sara
        .app
        .moment(&saras)
        .unwrap_or_else(|err| panic!("{err}"));
    edited.text = "Växlade mynt till parkeringsautomaten".into();
    t.sara
        .app
        .update_moment(
            &saras,
            &MomentInput {
                date: Some(edited.date),
                reaction: edited.reaction.clone(),
                shared: true,
                ..MomentInput::new(edited.situation, edited.customer, edited.text.clone())
            },
        )
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.ali);
    t.ali
        .app
        .applaud(&story_key(&t.sara, &saras))
        .unwrap_or_else(|err| panic!("{err}"));
    t.ali
        .app
        .comment(
            &story_key(&t.sara, &saras),
            "Snyggt! <script>alert(1)</script>",
        )
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.lena);
    t.lena
        .app
        .review(&story_key(&t.sara, &saras), true)
        .unwrap_or_else(|err| panic!("{err}"));
    let err = t
        .ali
        .app
        .review(&story_key(&t.lena, &lenas), false)
        .expect_err("staff do not review");
    assert_eq!(err.code(), "lead_only");

    // Lena withdraws hers by unsharing it (deleting would do the same).
    let mut mine = t
        .lena
        .app
        .moment(&lenas)
        .unwrap_or_else(|err| panic!("{err}"));
    mine.shared = false;
    t.lena
        .app
        .update_moment(
            &lenas,
            &MomentInput {
                date: Some(mine.date),
                reaction: mine.reaction.clone(),
                shared: false,
                ..MomentInput::new(mine.situation, mine.customer, mine.text.clone())
            },
        )
        .unwrap_or_else(|err| panic!("{err}"));

    for _ in 0..2 {
        read(&t.sara);
        read(&t.ali);
        read(&t.lena);
    }
    let lena_sees = shape(&feed(&t.lena));
    assert_eq!(lena_sees, shape(&feed(&t.sara)));
    assert_eq!(lena_sees, shape(&feed(&t.ali)));
    assert_eq!(
        lena_sees,
        vec![(
            story_key(&t.sara, &saras),
            "Växlade mynt till parkeringsautomaten".to_string(),
            1,
            vec!["Snyggt! <script>alert(1)</script>".to_string()],
            Some("featured".to_string()),
        )]
    );
    let story = &feed(&t.sara)[0];
    assert_eq!(story.author_name, "Sara");
    assert!(feed(&t.ali)[0].applauded_by_me);
}

#[test]
fn a_lead_exports_the_teams_shared_stories_as_csv_and_json() {
    let t = team();
    let saras = share(
        &t.sara,
        "=SUM(A1) växlade mynt; \"gärna\"",
        Situation::SaidNo,
    );
    let alis = share(&t.ali, "Bar kassen till bilen", Situation::JustBecause);
    keep_private(&t.ali, "Bara mitt eget");
    read(&t.lena);
    t.lena
        .app
        .review(&story_key(&t.sara, &saras), true)
        .unwrap_or_else(|err| panic!("{err}"));

    let out = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let csv_path = out.path().join("teamets berättelser.csv");
    let rows = t
        .lena
        .app
        .export(What::TeamStories, Format::Csv, &csv_path)
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(rows, 2, "the two shared stories, not Ali's private moment");
    let bytes = fs::read(&csv_path).unwrap_or_else(|err| panic!("{err}"));
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "a BOM for Excel");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let records: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|err| panic!("{err}"));
    let sara_row = records
        .iter()
        .find(|r| r[9] == story_key(&t.sara, &saras))
        .unwrap_or_else(|| panic!("Sara's story is exported: {records:?}"));
    assert_eq!(&sara_row[1], "Sara");
    assert_eq!(
        &sara_row[4], "'=SUM(A1) växlade mynt; \"gärna\"",
        "a formula stays text"
    );
    assert_eq!(&sara_row[8], "featured");
    let ali_row = records
        .iter()
        .find(|r| r[9] == story_key(&t.ali, &alis))
        .unwrap_or_else(|| panic!("Ali's story is exported: {records:?}"));
    assert_eq!(&ali_row[4], "Bar kassen till bilen");
    assert!(records.iter().all(|r| &r[4] != "Bara mitt eget"));

    let json_path = out.path().join("teamets berättelser.json");
    t.lena
        .app
        .export(What::TeamStories, Format::Json, &json_path)
        .unwrap_or_else(|err| panic!("{err}"));
    let document: serde_json::Value =
        serde_json::from_slice(&fs::read(&json_path).unwrap_or_else(|err| panic!("{err}")))
            .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(document["format"], "fanday-team-stories");
    let stories = document["stories"].as_array().cloned().unwrap_or_default();
    assert_eq!(stories.len(), 2);
    assert!(stories
        .iter()
        .any(|s| s["text"] == "Bar kassen till bilen" && s["author_name"] == "Ali"));
}

#[test]
fn a_broken_or_hostile_folder_is_skipped_and_reported_never_fatal() {
    let t = team();
    let folder = t.folder.path();
    share(&t.sara, "Första", Situation::JustBecause);
    let saras_file = events_file(folder, &t.sara.id);
    // Her first line asks to join; her story is the last.
    let good_line = fs::read_to_string(&saras_file)
        .unwrap_or_else(|err| panic!("{err}"))
        .lines()
        .last()
        .unwrap_or_default()
        .to_string();

    // A torn last line is left until it is complete.
    let second = share(&t.sara, "Andra", Situation::SaidNo);
    let full = fs::read_to_string(&saras_file).unwrap_or_else(|err| panic!("{err}"));
    let (head, last) = full
        .trim_end()
        .rsplit_once('\n')
        .unwrap_or_else(|| panic!("two lines"));
    fs::write(&saras_file, format!("{head}\n{}", &last[..last.len() / 2]))
        .unwrap_or_else(|err| panic!("{err}"));
    let report = read(&t.ali);
    assert_eq!(report.new_events, 1);
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    fs::write(&saras_file, &full).unwrap_or_else(|err| panic!("{err}"));
    let again = read(&t.ali);
    assert_eq!(again.new_events, 1, "{:?}", again.skipped);
    assert!(feed(&t.ali)
        .iter()
        .any(|s| s.story_id == story_key(&t.sara, &second)));

    // Garbage, an unknown format, a forged signature, a replay.
    let forged = good_line.replace("just_because", "complaint");
    let future = good_line
        .replace("{\"at\"", "{\"x\":1,\"at\"")
        .replace("\"v\":2", "\"v\":99");
    append_raw(&saras_file, "this is not json\n");
    append_raw(&saras_file, &format!("{future}\n"));
    append_raw(&saras_file, &format!("{forged}\n"));
    append_raw(&saras_file, &format!("{good_line}\n"));
    let report = read(&t.ali);
    let why = codes(&report);
    assert_eq!(report.new_events, 0, "{why:?}");
    assert!(why.contains(&"not_event"), "{why:?}");
    assert!(why.contains(&"unknown_version"), "{why:?}");
    assert!(why.contains(&"bad_signature"), "{why:?}");
    assert_eq!(feed(&t.ali).len(), 2, "the replay changed nothing");

    // Conflict copies (their signed lines count, once), temp files, and a
    // file over the size cap.
    let dir = folder.join("members").join(&t.sara.id);
    for name in [
        "events-1.sync-conflict-20261123-100000-ABC.jsonl",
        "events-1 (1).jsonl",
        "~$events-1.jsonl",
        "events-2.jsonl.tmp",
    ] {
        fs::write(dir.join(name), format!("{good_line}\n")).unwrap_or_else(|err| panic!("{err}"));
    }
    let huge = fs::File::create(dir.join("events-9.jsonl")).unwrap_or_else(|err| panic!("{err}"));
    huge.set_len(65 * 1024 * 1024)
        .unwrap_or_else(|err| panic!("{err}"));
    let report = read(&t.ali);
    let why = codes(&report);
    assert_eq!(report.new_events, 0, "copies of known events are no news");
    assert_eq!(
        why.iter().filter(|c| **c == "temp_file").count(),
        2,
        "{why:?}"
    );
    assert!(why.contains(&"too_large"), "{why:?}");

    // A forged lead decision: Ali, staff, marks a story featured.
    let alis_file = events_file(folder, &t.ali.id);
    read(&t.lena);
    t.ali
        .app
        .applaud(&story_key(&t.sara, &second))
        .unwrap_or_else(|err| panic!("{err}"));
    let applause = fs::read_to_string(&alis_file).unwrap_or_else(|err| panic!("{err}"));
    let review = applause
        .lines()
        .last()
        .unwrap_or_default()
        .replace("reaction.added", "review.marked");
    append_raw(&alis_file, &format!("{review}\n"));
    let why = codes(&read(&t.lena));
    assert!(
        why.contains(&"bad_signature"),
        "a changed line does not verify: {why:?}"
    );
    assert!(
        feed(&t.lena).iter().all(|s| s.review.is_none()),
        "no story got featured by a forged decision"
    );

    // A member rewriting another's file: Ali's lines copied into Sara's.
    append_raw(&saras_file, &applause);
    let why = codes(&read(&t.lena));
    assert!(why.contains(&"other_members_folder"), "{why:?}");

    // A stray folder, and a profile.json that swaps in another key: keys
    // come from signed admissions, so it changes nothing.
    fs::create_dir_all(folder.join("members").join("not-a-member"))
        .unwrap_or_else(|err| panic!("{err}"));
    let saras_profile = dir.join("profile.json");
    let alis_profile =
        fs::read_to_string(folder.join("members").join(&t.ali.id).join("profile.json"))
            .unwrap_or_else(|err| panic!("{err}"));
    let ali_key = alis_profile
        .split("\"key\": \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_string();
    let swapped = fs::read_to_string(&saras_profile)
        .unwrap_or_else(|err| panic!("{err}"))
        .lines()
        .map(|line| {
            if line.contains("\"key\"") {
                format!("  \"key\": \"{ali_key}\"")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    fs::write(&saras_profile, swapped).unwrap_or_else(|err| panic!("{err}"));
    let why = codes(&read(&t.lena));
    assert!(why.contains(&"not_member_folder"), "{why:?}");
    let after_swap = share(&t.sara, "Efter bytet", Situation::JustBecause);
    read(&t.lena);
    assert!(feed(&t.lena)
        .iter()
        .any(|s| s.story_id == story_key(&t.sara, &after_swap)));

    // The folder vanishes (an unplugged drive) and comes back.
    let away = folder.with_extension("away");
    fs::rename(folder, &away).unwrap_or_else(|err| panic!("{err}"));
    let report = read(&t.ali);
    assert!(report.folder_missing);
    let third = share(&t.sara, "Medan mappen var borta", Situation::Complaint);
    fs::rename(&away, folder).unwrap_or_else(|err| panic!("{err}"));
    read(&t.sara);
    read(&t.ali);
    assert!(
        feed(&t.ali)
            .iter()
            .any(|s| s.story_id == story_key(&t.sara, &third)),
        "shared while the folder was away, sent when it came back"
    );
}

/// A proposal's status in `member`'s catalogue, where a colleague's
/// proposal is named by its proposer and id together.
fn exception_status(member: &Member, proposer: &Member, id: &str) -> Option<String> {
    member
        .app
        .exception(&local_exception_id(member, proposer, id))
        .ok()
        .map(|e| format!("{:?}", e.status).to_lowercase())
}

fn local_exception_id(member: &Member, proposer: &Member, id: &str) -> String {
    if member.id == proposer.id {
        id.to_string()
    } else {
        format!("{}/{id}", proposer.id)
    }
}

#[test]
fn exceptions_travel_as_events_and_only_a_leads_decision_counts() {
    let t = team();
    let proposal = t
        .sara
        .app
        .propose_exception(&fanday_core::ExceptionInput {
            rule: "Receptionen växlar inte pengar".into(),
            allowed: "Växla mynt till parkeringsautomaten".into(),
            ..fanday_core::ExceptionInput::default()
        })
        .unwrap_or_else(|err| panic!("{err}"));
    let second_input = fanday_core::ExceptionInput {
        rule: "Öppet köp i 30 dagar".into(),
        allowed: "Förläng med 14 dagar".into(),
        ..fanday_core::ExceptionInput::default()
    };
    let second = t
        .sara
        .app
        .propose_exception(&second_input)
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.lena);
    assert_eq!(
        exception_status(&t.lena, &t.sara, &proposal.id).as_deref(),
        Some("proposed")
    );
    t.lena
        .app
        .act_on_exception(
            &local_exception_id(&t.lena, &t.sara, &proposal.id),
            fanday_core::exception::Action::Approve,
            Some("Ja"),
        )
        .unwrap_or_else(|err| panic!("{err}"));

    // Ali, staff, forges an approval of the second proposal, signed with
    // his own (valid) key.
    read(&t.ali);
    let forged = signed_by(
        &t.ali,
        "exception.decided",
        serde_json::json!({
            "proposer": t.sara.id, "exception_id": second.id,
            "proposal_hash": fanday_core::team_event::content_hash(&second_input),
            "decision_id": uuid::Uuid::now_v7().to_string(),
            "action": "approve", "note": "godkänt av mig"
        }),
        1000,
    );
    append_raw(
        &events_file(t.folder.path(), &t.ali.id),
        &format!("{forged}\n"),
    );

    let report = read(&t.sara);
    assert!(codes(&report).contains(&"not_lead"), "{:?}", report.skipped);
    read(&t.ali);
    read(&t.lena);
    for member in [&t.lena, &t.sara, &t.ali] {
        assert_eq!(
            exception_status(member, &t.sara, &proposal.id).as_deref(),
            Some("approved")
        );
        assert_eq!(
            exception_status(member, &t.sara, &second.id).as_deref(),
            Some("proposed")
        );
    }
    let history = t
        .sara
        .app
        .exception(&proposal.id)
        .unwrap_or_else(|err| panic!("{err}"))
        .history;
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].note.as_deref(), Some("Ja"));

    // Someone joining late reads it all at once, in whatever order the
    // folders come, and ends up in the same place.
    let olle = member("Olle", Role::Staff);
    support::join_and_admit(&olle, t.folder.path(), &t.lena);
    read(&olle);
    assert_eq!(
        exception_status(&olle, &t.sara, &proposal.id).as_deref(),
        Some("approved")
    );
    assert_eq!(
        exception_status(&olle, &t.sara, &second.id).as_deref(),
        Some("proposed")
    );
}

#[test]
fn a_lead_can_make_a_colleague_lead_and_then_their_reviews_count() {
    let t = team();
    let story = share(
        &t.sara,
        "Hjälpte en kollega med kassan",
        Situation::JustBecause,
    );
    read(&t.ali);
    // Ali, staff in the team, cannot make himself a lead.
    let err = t
        .ali
        .app
        .grant_lead(&t.ali.id)
        .expect_err("not a team lead");
    assert_eq!(err.code(), "lead_only");

    read(&t.lena);
    let members = t
        .lena
        .app
        .team_members()
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(members.len(), 3);
    assert!(members[0].is_lead && members[0].is_me);
    t.lena
        .app
        .grant_lead(&t.ali.id)
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.ali);
    read(&t.sara);
    assert!(t
        .sara
        .app
        .team_members()
        .unwrap_or_else(|err| panic!("{err}"))
        .iter()
        .any(|m| m.member_id == t.ali.id && m.is_lead));

    // Ali's own app takes the signed grant as his new role.
    let ali_profile = t
        .ali
        .app
        .profile()
        .unwrap_or_else(|err| panic!("{err}"))
        .unwrap_or_else(|| panic!("a profile"));
    assert_eq!(ali_profile.role, Role::Lead);
    assert_eq!(ali_profile.display_name, "Ali");
    // Sara, not granted, stays staff.
    let sara_profile = t.sara.app.profile().unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(sara_profile.map(|p| p.role), Some(Role::Staff));

    // Now Ali, a lead in the team, features Sara's story.
    t.ali
        .app
        .review(&story_key(&t.sara, &story), true)
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.sara);
    read(&t.lena);
    assert_eq!(feed(&t.sara)[0].review.as_deref(), Some("featured"));
    assert_eq!(feed(&t.lena)[0].review.as_deref(), Some("featured"));
}

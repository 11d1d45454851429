//! Team trust, what is whose: a hijacked exception id, reused decision and
//! story ids, a decision on other text, an event replayed from another
//! team, a withdrawn story's text (also by someone waiting to be let in, or
//! removed), and dates and numbers out of range. Each attack from the
//! issue, tried on real folders with validly signed events, showing that it
//! fails and what the person sees.

use crate::support::team as support;

use chrono::Utc;
use fanday_core::exception::Action;
use fanday_core::team_event::{content_hash, Event};
use fanday_core::{ExceptionInput, Role, Situation};
use serde_json::json;
use std::fs;
use support::{
    append_raw, codes, event_lines, feed, feed_texts, file_holds, join_and_admit, member,
    member_dir, read, share, signed_by, story_key, team, unshare, Member, Stranger,
};

fn exception_text(viewer: &Member, local_id: &str) -> Option<(String, String)> {
    viewer
        .app
        .exception(local_id)
        .ok()
        .map(|e| (e.rule, format!("{:?}", e.status).to_lowercase()))
}

#[test]
fn a_hijacked_exception_id_never_takes_the_leads_approval_even_for_a_late_joiner() {
    let t = team();
    let input = ExceptionInput {
        rule: "Receptionen växlar inte pengar".into(),
        allowed: "Växla mynt till parkeringsautomaten".into(),
        ..ExceptionInput::default()
    };
    let saras = t
        .sara
        .app
        .propose_exception(&input)
        .unwrap_or_else(|err| panic!("{err}"));
    // A folder that sorts first, and Ali, an admitted member: both sign a
    // proposal with the id of Sara's and other text.
    let hijack = json!({
        "exception_id": saras.id, "rule": "HIJACKED rule", "allowed": "give away anything",
        "limits": "", "amount_sek": null, "minutes": null, "applies_when": "",
    });
    let mut first = Stranger::new(t.path(), "00000000-0000-0000-0000-000000000000");
    first.asks_to_join("Kollega");
    first.writes("exception.proposed", hijack.clone());
    let line = signed_by(&t.ali, "exception.proposed", hijack, 50);
    append_raw(
        &support::events_file(t.path(), &t.ali.id),
        &format!("{line}\n"),
    );

    read(&t.lena);
    let in_lenas = format!("{}/{}", t.sara.id, saras.id);
    t.lena
        .app
        .act_on_exception(&in_lenas, Action::Approve, Some("Ja"))
        .unwrap_or_else(|err| panic!("{err}"));

    let olle = member("Olle", Role::Staff);
    join_and_admit(&olle, t.path(), &t.lena);
    while read(&olle).more {}
    assert_eq!(
        exception_text(&olle, &in_lenas),
        Some(("Receptionen växlar inte pengar".into(), "approved".into())),
        "the lead approved Sara's text, and only that"
    );
    assert_eq!(
        exception_text(&olle, &format!("{}/{}", t.ali.id, saras.id)).map(|(_, status)| status),
        Some("proposed".into()),
        "Ali's proposal with the same id is his own, and undecided"
    );
    let approved = olle
        .app
        .list_exceptions(&fanday_core::ExceptionFilter {
            status: Some(fanday_core::exception::Status::Approved),
            ..Default::default()
        })
        .unwrap_or_default();
    assert!(approved.iter().all(|e| !e.rule.contains("HIJACKED")));
}

#[test]
fn a_decision_on_other_text_than_the_proposals_does_not_count() {
    let t = team();
    let input = ExceptionInput {
        rule: "Öppet köp i 30 dagar".into(),
        allowed: "Förläng med 14 dagar".into(),
        ..ExceptionInput::default()
    };
    let saras = t
        .sara
        .app
        .propose_exception(&input)
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.lena);
    let other = ExceptionInput {
        allowed: "Förläng hur länge som helst".into(),
        ..input.clone()
    };
    let line = signed_by(
        &t.lena,
        "exception.decided",
        json!({
            "proposer": t.sara.id, "exception_id": saras.id,
            "proposal_hash": content_hash(&other),
            "decision_id": uuid::Uuid::now_v7().to_string(), "action": "approve", "note": null,
        }),
        100,
    );
    append_raw(
        &support::events_file(t.path(), &t.lena.id),
        &format!("{line}\n"),
    );
    let report = read(&t.sara);
    assert!(
        codes(&report).contains(&"proposal_changed"),
        "{:?}",
        report.skipped
    );
    assert_eq!(
        exception_text(&t.sara, &saras.id).map(|(_, s)| s),
        Some("proposed".into())
    );
}

#[test]
fn an_event_replayed_from_another_team_is_refused() {
    let t = team();
    share(&t.sara, "I första teamet", Situation::JustBecause);
    let first_team_line = event_lines(t.path(), &t.sara.id)
        .into_iter()
        .last()
        .unwrap_or_default();
    // Sara moves to another team, with the same key.
    let other = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let lead = member("Karin", Role::Lead);
    lead.app
        .create_team("Lagret", other.path())
        .unwrap_or_else(|err| panic!("{err}"));
    t.sara
        .app
        .leave_team()
        .unwrap_or_else(|err| panic!("{err}"));
    join_and_admit(&t.sara, other.path(), &lead);
    append_raw(
        &support::events_file(other.path(), &t.sara.id),
        &format!("{first_team_line}\n"),
    );
    let report = read(&lead);
    assert!(
        codes(&report).contains(&"other_team"),
        "{:?}",
        report.skipped
    );
    // Sara's app shares her shared moment anew in the new team: once.
    assert_eq!(feed_texts(&lead), vec!["I första teamet"]);
}

#[test]
fn a_withdrawn_story_is_erased_from_the_folder_every_colleagues_store_and_backups() {
    let t = team();
    let secret = "Hemlig historia som ska bort";
    let story = share(&t.sara, secret, Situation::Complaint);
    read(&t.lena);
    assert_eq!(feed_texts(&t.lena), vec![secret]);
    let backup = t
        .lena
        .app
        .daily_backup()
        .unwrap_or_else(|err| panic!("{err}"))
        .unwrap_or_else(|| panic!("a backup"));
    assert!(file_holds(&backup, secret), "the backup held it");

    unshare(&t.sara, &story);
    let story_file = member_dir(t.path(), &t.sara.id)
        .join("stories")
        .join(format!("{story}.json"));
    assert!(!story_file.exists(), "the story's file is deleted");
    read(&t.lena);
    assert!(feed(&t.lena).is_empty());
    let db = t.lena.app.database_path().to_path_buf();
    let wal = db.with_extension("sqlite3-wal");
    assert!(
        !file_holds(&db, secret),
        "Lena's database no longer holds it"
    );
    assert!(!file_holds(&wal, secret), "nor its log");
    assert!(!file_holds(&backup, secret), "nor her backup");
    for line in event_lines(t.path(), &t.sara.id) {
        assert!(!line.contains(secret), "no event line carries the text");
    }
    let olle = member("Olle", Role::Staff);
    join_and_admit(&olle, t.path(), &t.lena);
    assert!(feed(&olle).is_empty(), "a late joiner never sees it");
    assert!(!feed(&t.lena)
        .iter()
        .any(|s| s.story_id == story_key(&t.sara, &story)));
}

#[test]
fn dates_outside_the_team_and_numbers_out_of_range_are_refused() {
    let t = team();
    let far = signed_by(
        &t.sara,
        "comment.added",
        json!({"story_author": t.lena.id, "story_id": "x", "text": "från framtiden"}),
        100,
    )
    .replace(
        "\"at\":\"2026-11-23T10:00:00Z\"",
        "\"at\":\"9999-12-31T00:00:00Z\"",
    );
    // The changed date breaks the signature: sign it properly instead.
    let mut event = Event::parse(&far).unwrap_or_else(|err| panic!("{err:?}"));
    event.at = chrono::DateTime::parse_from_rfc3339("9999-12-31T00:00:00Z")
        .unwrap_or_else(|err| panic!("{err}"))
        .with_timezone(&Utc);
    let future = event.sign(&support::secret_key(&t.sara)).to_line();
    let mut big = Event::parse(&far).unwrap_or_else(|err| panic!("{err:?}"));
    big.seq = u64::MAX;
    let big = big.sign(&support::secret_key(&t.sara)).to_line();
    let file = support::events_file(t.path(), &t.sara.id);
    append_raw(&file, &format!("{future}\n{big}\n"));
    let report = read(&t.lena);
    let why = codes(&report);
    assert!(why.contains(&"date_out_of_range"), "{why:?}");
    assert!(why.contains(&"seq_out_of_range"), "{why:?}");
}

#[test]
fn a_story_dated_far_ahead_is_refused_rather_than_pinned_on_top() {
    let t = team();
    share(&t.sara, "Vanlig", Situation::JustBecause);
    let content = fanday_core::team::body::StoryContent {
        v: 2,
        story_id: uuid::Uuid::now_v7().to_string(),
        date: chrono::NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or_default(),
        situation: Situation::JustBecause,
        customer: fanday_core::Customer::External,
        text: "Alltid överst".into(),
        reaction: None,
    };
    let dir = member_dir(t.path(), &t.sara.id).join("stories");
    fs::write(
        dir.join(format!("{}.json", content.story_id)),
        serde_json::to_vec(&content).unwrap_or_default(),
    )
    .unwrap_or_else(|err| panic!("{err}"));
    let next = support::seqs_in_folder(t.path(), &t.sara.id)
        .last()
        .copied()
        .unwrap_or(0)
        + 1;
    let line = signed_by(
        &t.sara,
        "story.shared",
        serde_json::to_value(content.body()).unwrap_or_default(),
        next,
    );
    append_raw(
        &support::events_file(t.path(), &t.sara.id),
        &format!("{line}\n"),
    );
    read(&t.lena);
    assert_eq!(feed_texts(&t.lena), vec!["Vanlig"]);
}

fn holds(viewer: &Member, text: &str) -> bool {
    let db = viewer.app.database_path().to_path_buf();
    file_holds(&db, text) || file_holds(&db.with_extension("sqlite3-wal"), text)
}

#[test]
fn a_story_withdrawn_before_its_author_is_let_in_is_erased_from_the_request() {
    let t = team();
    let nora = member("Nora", Role::Staff);
    support::join(&nora, t.path());
    let secret = "Noras första, innan hon blev insläppt";
    let story = share(&nora, secret, Situation::JustBecause);
    // Her app reads the folder as it does every minute: the story is sent
    // once, not again at each read while she waits.
    read(&nora);
    read(&nora);
    read(&t.lena);
    let waiting = |viewer: &Member| {
        viewer
            .app
            .team_members()
            .unwrap_or_default()
            .into_iter()
            .find(|m| m.member_id == nora.id)
            .map(|m| m.waiting_stories)
            .unwrap_or_default()
    };
    assert_eq!(
        waiting(&t.lena),
        vec![secret],
        "the lead sees it in the request"
    );
    unshare(&nora, &story);
    read(&t.lena);
    assert!(waiting(&t.lena).is_empty(), "gone from the request");
    assert!(!holds(&t.lena, secret), "and from the lead's store");
    t.lena
        .app
        .admit(&nora.id, &support::my_fingerprint(&nora))
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.sara);
    assert!(
        feed(&t.sara).is_empty(),
        "nobody sees it after she is let in"
    );
}

#[test]
fn a_removed_member_can_still_take_back_what_they_shared() {
    let t = team();
    let secret = "Alis historia, innan han slutade";
    let story = share(&t.ali, secret, Situation::SaidNo);
    read(&t.lena);
    read(&t.sara);
    assert_eq!(feed_texts(&t.sara), vec![secret]);
    t.lena
        .app
        .remove_member(&t.ali.id)
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.ali);
    unshare(&t.ali, &story);
    for viewer in [&t.lena, &t.sara] {
        while read(viewer).more {}
        assert!(feed(viewer).is_empty(), "withdrawn after he left");
        assert!(!holds(viewer, secret));
    }
}

#[test]
fn a_reused_decision_or_story_id_silences_nothing_even_read_first() {
    let t = team();
    let story = share(&t.sara, "Saras berättelse", Situation::Complaint);
    let saras = t
        .sara
        .app
        .propose_exception(&ExceptionInput {
            rule: "Inga returer efter 30 dagar".into(),
            allowed: "Ta emot en retur dag 31".into(),
            ..ExceptionInput::default()
        })
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.lena);
    let in_lenas = format!("{}/{}", t.sara.id, saras.id);
    t.lena
        .app
        .act_on_exception(&in_lenas, Action::Approve, Some("Ja"))
        .unwrap_or_else(|err| panic!("{err}"));
    let decision = event_lines(t.path(), &t.lena.id)
        .iter()
        .filter_map(|line| Event::parse(line).ok())
        .find(|event| event.kind == "exception.decided")
        .unwrap_or_else(|| panic!("Lena's approval in the folder"))
        .body;
    // A member whose folder every PC reads first copies the ids of Lena's
    // approval (with "reject") and of Sara's story (withdrawing it).
    let mut first = Stranger::new(t.path(), "00000000-0000-0000-0000-000000000000");
    first.asks_to_join("Kollega");
    read(&t.lena);
    t.lena
        .app
        .admit(&first.id, &first.fingerprint())
        .unwrap_or_else(|err| panic!("{err}"));
    first.writes(
        "exception.decided",
        json!({"proposer": t.sara.id, "exception_id": saras.id,
               "proposal_hash": decision["proposal_hash"], "decision_id": decision["decision_id"],
               "action": "reject", "note": null}),
    );
    first.writes("story.withdrawn", json!({"story_id": story}));

    let olle = member("Olle", Role::Staff);
    join_and_admit(&olle, t.path(), &t.lena);
    for viewer in [&t.lena, &t.sara, &olle] {
        while read(viewer).more {}
        let statuses = support::exception_statuses(viewer);
        assert_eq!(statuses, vec!["approved"], "Lena's approval holds");
        assert_eq!(
            feed_texts(viewer),
            vec!["Saras berättelse"],
            "Sara's story stays"
        );
    }
    let report = read(&t.lena);
    assert!(codes(&report).contains(&"not_lead"), "{:?}", report.skipped);
}

#[test]
fn a_withdrawal_that_counts_once_its_key_is_let_in_leaves_the_backups_too() {
    let t = team();
    let secret = "Saras gamla historia";
    let story = share(&t.sara, secret, Situation::Complaint);
    read(&t.lena);
    let backup = t
        .lena
        .app
        .daily_backup()
        .unwrap_or_else(|err| panic!("{err}"))
        .unwrap_or_else(|| panic!("a backup"));
    assert!(file_holds(&backup, secret));
    // Sara, on a PC without her key, takes the story back with her new key:
    // it counts once a lead lets that key in.
    let sara = t.sara.on_a_pc_without_the_key();
    read(&sara);
    unshare(&sara, &story);
    read(&t.lena);
    t.lena
        .app
        .admit(&sara.id, &support::my_fingerprint(&sara))
        .unwrap_or_else(|err| panic!("{err}"));
    while read(&t.lena).more {}
    assert!(feed(&t.lena).is_empty());
    assert!(!holds(&t.lena, secret), "gone from Lena's store");
    assert!(!file_holds(&backup, secret), "and from her backup");
}

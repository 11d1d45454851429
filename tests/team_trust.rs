//! Team trust: each attack on the team folder, as written in the issue,
//! tried on real folders with validly signed events (the project's own
//! signing code), showing that it fails and what the person sees.

#[path = "support/team.rs"]
mod support;

use chrono::{Duration, Utc};
use ed25519_dalek::SigningKey;
use fanday_core::exception::Action;
use fanday_core::team_event::{content_hash, new_signing_key, public_key_text, Event};
use fanday_core::{ExceptionInput, Role, Situation};
use serde_json::json;
use std::fs;
use std::path::{Path, PathBuf};
use support::{
    append_raw, codes, event_lines, feed, feed_texts, join_and_admit, member, member_dir, read,
    share, signed_by, story_key, team, unshare, Member,
};

/// Someone with write access to the folder, with a key of their own.
struct Stranger {
    id: String,
    key: SigningKey,
    team: String,
    seq: u64,
    prev: String,
    dir: PathBuf,
}

impl Stranger {
    fn new(folder: &Path, id: &str) -> Stranger {
        let team: serde_json::Value =
            serde_json::from_slice(&fs::read(folder.join("team.json")).unwrap_or_default())
                .unwrap_or_default();
        let dir = member_dir(folder, id);
        fs::create_dir_all(&dir).unwrap_or_else(|err| panic!("{err}"));
        Stranger {
            id: id.to_string(),
            key: new_signing_key().unwrap_or_else(|| panic!("a key")),
            team: team["team_id"].as_str().unwrap_or_default().to_string(),
            seq: 0,
            prev: String::new(),
            dir,
        }
    }

    fn writes(&mut self, kind: &str, body: serde_json::Value) {
        self.seq += 1;
        let event = Event {
            v: 2,
            id: String::new(),
            team: self.team.clone(),
            member: self.id.clone(),
            seq: self.seq,
            prev: Some(self.prev.clone()),
            at: (support::monday_morning() + Duration::minutes(30)).with_timezone(&Utc),
            kind: kind.into(),
            body,
            sig: String::new(),
        }
        .sign(&self.key);
        self.prev = event.hash();
        append_raw(
            &self.dir.join("events-1.jsonl"),
            &format!("{}\n", event.to_line()),
        );
    }

    fn asks_to_join(&mut self, name: &str) {
        let key = public_key_text(&self.key.verifying_key());
        self.writes("member.requested", json!({"name": name, "key": key}));
    }
}

fn members_named(viewer: &Member) -> Vec<(String, bool, String)> {
    viewer
        .app
        .team_members()
        .unwrap_or_default()
        .into_iter()
        .map(|m| (m.name, m.is_lead, m.status))
        .collect()
}

fn exception_text(viewer: &Member, local_id: &str) -> Option<(String, String)> {
    viewer
        .app
        .exception(local_id)
        .ok()
        .map(|e| (e.rule, format!("{:?}", e.status).to_lowercase()))
}

#[test]
fn a_stranger_who_writes_in_the_folder_counts_for_nothing_until_a_lead_admits_them() {
    let t = team();
    let mut stranger = Stranger::new(t.path(), &uuid::Uuid::now_v7().to_string());
    stranger.asks_to_join("Lena (lead)");
    let own_id = stranger.id.clone();
    stranger.writes(
        "role.granted",
        json!({"member": own_id, "role": "lead", "after": 0}),
    );
    let content = fanday_core::team::body::StoryContent {
        v: 2,
        story_id: uuid::Uuid::now_v7().to_string(),
        date: support::monday_morning().date_naive(),
        situation: Situation::JustBecause,
        customer: fanday_core::Customer::External,
        text: "Köp hos konkurrenten i stället".into(),
        reaction: None,
    };
    fs::create_dir_all(stranger.dir.join("stories")).unwrap_or_else(|err| panic!("{err}"));
    fs::write(
        stranger
            .dir
            .join("stories")
            .join(format!("{}.json", content.story_id)),
        serde_json::to_vec(&content).unwrap_or_default(),
    )
    .unwrap_or_else(|err| panic!("{err}"));
    stranger.writes(
        "story.shared",
        serde_json::to_value(content.body()).unwrap_or_default(),
    );

    for viewer in [&t.lena, &t.sara] {
        let report = read(viewer);
        assert!(feed(viewer).is_empty(), "the stranger's story is nowhere");
        assert!(
            codes(&report).contains(&"not_admitted"),
            "{:?}",
            report.skipped
        );
    }
    // The lead sees a request, with the key to compare, and the story in it;
    // nobody sees a new lead.
    let lenas_view = t.lena.app.team_members().unwrap_or_default();
    let request = lenas_view
        .iter()
        .find(|m| m.member_id == stranger.id)
        .unwrap_or_else(|| panic!("the request shows: {lenas_view:?}"));
    assert_eq!(request.status, "pending");
    assert!(!request.is_lead);
    assert_eq!(
        request.fingerprint,
        fanday_core::team_event::fingerprint(&stranger.key.verifying_key())
    );
    assert_eq!(request.waiting_stories, vec![content.text.clone()]);
    assert!(members_named(&t.sara)
        .iter()
        .all(|(_, lead, status)| !lead || status == "admitted"));
    // A lead declines it: it is gone from the requests.
    t.lena
        .app
        .decline(&stranger.id)
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.lena);
    assert!(t
        .lena
        .app
        .team_members()
        .unwrap_or_default()
        .iter()
        .all(|m| m.member_id != stranger.id || m.status == "declined"));
}

#[test]
fn a_members_self_grant_and_a_staff_decision_do_not_count() {
    let t = team();
    let line = signed_by(
        &t.ali,
        "role.granted",
        json!({"member": t.ali.id, "role": "lead", "after": 0}),
        100,
    );
    append_raw(
        &support::events_file(t.path(), &t.ali.id),
        &format!("{line}\n"),
    );
    for viewer in [&t.lena, &t.sara] {
        let report = read(viewer);
        assert!(codes(&report).contains(&"not_lead"), "{:?}", report.skipped);
        assert!(members_named(viewer)
            .iter()
            .any(|(name, lead, _)| name == "Ali" && !lead));
    }
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
fn names_come_from_signed_events_so_nobody_renames_anyone() {
    let t = team();
    // Ali rewrites Lena's profile.json; a stranger calls themselves the lead.
    let lenas_profile = member_dir(t.path(), &t.lena.id).join("profile.json");
    let text = fs::read_to_string(&lenas_profile).unwrap_or_default();
    fs::write(&lenas_profile, text.replace("Lena (lead)", "Ali är chef"))
        .unwrap_or_else(|err| panic!("{err}"));
    let mut stranger = Stranger::new(t.path(), &uuid::Uuid::now_v7().to_string());
    stranger.asks_to_join("Lena (lead)");
    read(&t.sara);
    let names = members_named(&t.sara);
    assert!(
        names
            .iter()
            .any(|(name, lead, _)| name == "Lena (lead)" && *lead),
        "{names:?}"
    );
    assert!(names.iter().all(|(name, _, _)| name != "Ali är chef"));
    assert_eq!(
        names
            .iter()
            .filter(|(name, _, status)| name == "Lena (lead)" && status == "admitted")
            .count(),
        1,
        "the stranger calling themselves Lena is no member: {names:?}"
    );
}

#[test]
fn a_swapped_profile_key_before_a_colleague_first_reads_changes_nothing() {
    let t = team();
    share(&t.sara, "Äkta", Situation::JustBecause);
    // Before Olle ever reads, someone swaps Sara's profile.json to their own
    // key and writes lines as Sara with it.
    let mut impostor = Stranger::new(t.path(), &t.sara.id);
    let profile = member_dir(t.path(), &t.sara.id).join("profile.json");
    let text = fs::read_to_string(&profile).unwrap_or_default();
    let sara_key = public_key_text(&support::secret_key(&t.sara).verifying_key());
    let impostor_key = public_key_text(&impostor.key.verifying_key());
    fs::write(&profile, text.replace(&sara_key, &impostor_key))
        .unwrap_or_else(|err| panic!("{err}"));
    impostor.seq = 100;
    impostor.writes(
        "comment.added",
        json!({"story_author": t.lena.id, "story_id": "x", "text": "falsk"}),
    );
    let olle = member("Olle", Role::Staff);
    join_and_admit(&olle, t.path(), &t.lena);
    let report = read(&olle);
    assert_eq!(feed_texts(&olle), vec!["Äkta"]);
    assert!(
        codes(&report).contains(&"bad_signature"),
        "{:?}",
        report.skipped
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

fn file_holds(path: &Path, text: &str) -> bool {
    let bytes = fs::read(path).unwrap_or_default();
    bytes
        .windows(text.len())
        .any(|window| window == text.as_bytes())
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
fn a_removed_member_keeps_what_they_wrote_before_and_nothing_after_counts() {
    let t = team();
    share(&t.ali, "Före", Situation::JustBecause);
    read(&t.lena);
    t.lena
        .app
        .remove_member(&t.ali.id)
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.ali);
    share(&t.ali, "Efter", Situation::JustBecause);
    for viewer in [&t.lena, &t.sara] {
        read(viewer);
        assert_eq!(feed_texts(viewer), vec!["Före"]);
    }
    // Also for someone who reads it all later, in any order.
    let olle = member("Olle", Role::Staff);
    join_and_admit(&olle, t.path(), &t.lena);
    while read(&olle).more {}
    assert_eq!(feed_texts(&olle), vec!["Före"]);
    assert!(members_named(&olle)
        .iter()
        .any(|(name, _, status)| name == "Ali" && status == "removed"));
}

#[test]
fn a_lead_role_taken_back_stops_counting_and_the_last_lead_keeps_it() {
    let t = team();
    let first = share(&t.sara, "Ett", Situation::JustBecause);
    let second = share(&t.sara, "Två", Situation::JustBecause);
    read(&t.lena);
    t.lena
        .app
        .grant_lead(&t.ali.id)
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.ali);
    t.ali
        .app
        .review(&story_key(&t.sara, &first), true)
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.lena);
    t.lena
        .app
        .revoke_lead(&t.ali.id)
        .unwrap_or_else(|err| panic!("{err}"));
    // Ali's app does not know yet: it still writes as a lead.
    t.ali
        .app
        .review(&story_key(&t.sara, &second), true)
        .unwrap_or_else(|err| panic!("{err}"));
    for viewer in [&t.lena, &t.sara] {
        read(viewer);
        let reviews: Vec<Option<String>> = feed(viewer)
            .iter()
            .map(|s| (s.text.clone(), s.review.clone()))
            .filter(|(text, _)| text == "Ett" || text == "Två")
            .map(|(_, review)| review)
            .collect();
        assert!(reviews.contains(&Some("featured".into())), "before: counts");
        assert!(reviews.contains(&None), "after: does not");
    }
    // The founder cannot lose the role when she is the last lead.
    let err = t
        .lena
        .app
        .revoke_lead(&t.lena.id)
        .expect_err("the last lead keeps the role");
    assert_eq!(err.code(), "team_folder");
}

#[test]
fn a_rotated_key_counts_and_the_old_key_no_longer_does() {
    let t = team();
    let old = support::secret_key(&t.sara);
    t.sara
        .app
        .rotate_key()
        .unwrap_or_else(|err| panic!("{err}"));
    share(&t.sara, "Med den nya nyckeln", Situation::JustBecause);
    read(&t.lena);
    assert_eq!(feed_texts(&t.lena), vec!["Med den nya nyckeln"]);
    // Someone with a copy of the old key signs as Sara, after the rotation.
    let highest = support::seqs_in_folder(t.path(), &t.sara.id)
        .last()
        .copied()
        .unwrap_or(0);
    let mut thief = Stranger::new(t.path(), &t.sara.id);
    thief.key = old;
    thief.seq = highest + 10;
    thief.writes(
        "comment.added",
        json!({"story_author": t.sara.id, "story_id": "x", "text": "stulen nyckel"}),
    );
    let report = read(&t.lena);
    assert!(
        codes(&report).contains(&"bad_signature"),
        "{:?}",
        report.skipped
    );
}

#[test]
fn a_member_who_lost_their_key_asks_to_come_back_and_a_lead_lets_the_new_key_in() {
    let t = team();
    share(&t.sara, "Före", Situation::JustBecause);
    read(&t.lena);
    // Sara's data is restored on a PC without her key.
    fs::remove_file(t.sara.data_dir().join("device-key")).unwrap_or_else(|err| panic!("{err}"));
    let sara = Member {
        app: fanday_core::Fanday::open(
            t.sara.data_dir(),
            std::sync::Arc::new(support::TickingClock::new(support::monday_morning())),
        )
        .unwrap_or_else(|err| panic!("{err}")),
        dir: tempfile::tempdir().unwrap_or_else(|err| panic!("{err}")),
        id: t.sara.id.clone(),
    };
    read(&sara);
    share(&sara, "Efter", Situation::JustBecause);
    read(&t.lena);
    assert_eq!(
        feed_texts(&t.lena),
        vec!["Före"],
        "not before a lead agrees"
    );
    let request = t
        .lena
        .app
        .team_members()
        .unwrap_or_default()
        .into_iter()
        .find(|m| m.member_id == t.sara.id)
        .unwrap_or_else(|| panic!("Sara"));
    assert_eq!(request.status, "returning");
    t.lena
        .app
        .admit(&t.sara.id)
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.sara);
    for viewer in [&t.lena, &t.ali] {
        while read(viewer).more {}
        assert_eq!(feed_texts(viewer), vec!["Efter", "Före"]);
    }
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

#[test]
fn one_key_used_on_two_pcs_is_shown_to_leads_as_a_fork() {
    let t = team();
    share(&t.sara, "Ett", Situation::JustBecause);
    let next = support::seqs_in_folder(t.path(), &t.sara.id)
        .last()
        .copied()
        .unwrap_or(0)
        + 1;
    // Two different events with one number, both signed with Sara's key.
    let a = signed_by(
        &t.sara,
        "comment.added",
        json!({"story_author": t.lena.id, "story_id": "x", "text": "från datorn A"}),
        next,
    );
    let b = signed_by(
        &t.sara,
        "comment.added",
        json!({"story_author": t.lena.id, "story_id": "x", "text": "från datorn B"}),
        next,
    );
    let file = support::events_file(t.path(), &t.sara.id);
    append_raw(&file, &format!("{a}\n{b}\n"));
    let report = read(&t.lena);
    let gap = report
        .gaps
        .iter()
        .find(|g| g.member_id == t.sara.id)
        .unwrap_or_else(|| panic!("{:?}", report.gaps));
    assert_eq!(gap.forks, 1);
    assert!(codes(&report).contains(&"fork"));
}

#[test]
fn joining_checks_team_json_against_the_fingerprint_the_person_compared() {
    let t = team();
    let olle = member("Olle", Role::Staff);
    let seen = olle
        .app
        .preview_team(t.path())
        .unwrap_or_else(|err| panic!("{err}"))
        .founder_fingerprint;
    // Between looking and joining, someone writes their own team.json.
    let impostor = new_signing_key().unwrap_or_else(|| panic!("a key"));
    let text = fs::read_to_string(t.path().join("team.json")).unwrap_or_default();
    let founder_key = public_key_text(&support::secret_key(&t.lena).verifying_key());
    fs::write(
        t.path().join("team.json"),
        text.replace(&founder_key, &public_key_text(&impostor.verifying_key())),
    )
    .unwrap_or_else(|err| panic!("{err}"));
    let err = olle
        .app
        .join_team(t.path(), &seen)
        .expect_err("team.json changed");
    assert_eq!(err.code(), "team_folder");
    assert!(olle.app.team_info().ok().flatten().is_none());
}

#[test]
fn the_device_key_is_in_no_database_and_no_backup() {
    let t = team();
    let secret = public_key_text(&support::secret_key(&t.sara).verifying_key());
    let secret_text = fs::read_to_string(t.sara.data_dir().join("device-key")).unwrap_or_default();
    assert!(!secret_text.is_empty());
    let backup = t
        .sara
        .app
        .daily_backup()
        .unwrap_or_else(|err| panic!("{err}"))
        .unwrap_or_else(|| panic!("a backup"));
    let db = t.sara.app.database_path().to_path_buf();
    for file in [db.clone(), db.with_extension("sqlite3-wal"), backup] {
        assert!(!file_holds(&file, secret_text.trim()), "{}", file.display());
    }
    // The public half is, so the team's view of this PC stays readable.
    assert!(file_holds(&db, &secret) || file_holds(&db.with_extension("sqlite3-wal"), &secret));
}

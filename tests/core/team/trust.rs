//! Team trust, who counts: a stranger who writes in the folder, a member
//! who grants themselves the lead, renames, swapped keys, removal, the lead
//! role taken back, key rotation, a lost key, forks, the join check and the
//! device key. Each attack from the issue, tried on real folders with
//! validly signed events (the project's own signing code), showing that it
//! fails and what the person sees.

use crate::support::team as support;

use fanday_core::team_event::{new_signing_key, public_key_text};
use fanday_core::{Role, Situation};
use serde_json::json;
use std::fs;
use support::{
    append_raw, codes, feed, feed_texts, file_holds, join_and_admit, member, member_dir, read,
    share, signed_by, story_key, team, Member, Stranger,
};

fn members_named(viewer: &Member) -> Vec<(String, bool, String)> {
    viewer
        .app
        .team_members()
        .unwrap_or_default()
        .into_iter()
        .map(|m| (m.name, m.is_lead, m.status))
        .collect()
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
        .decline(&stranger.id, &stranger.fingerprint())
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
    assert_eq!(err.code(), "last_lead");
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
    let sara = t.sara.on_a_pc_without_the_key();
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
        .admit(&t.sara.id, &support::my_fingerprint(&sara))
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.sara);
    for viewer in [&t.lena, &t.ali] {
        while read(viewer).more {}
        assert_eq!(feed_texts(viewer), vec!["Efter", "Före"]);
    }
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
    // Between looking and joining, someone writes their own team.json,
    // signed with their own key; and one only edited, which no key signs.
    let impostor = new_signing_key().unwrap_or_else(|| panic!("a key"));
    let text = fs::read_to_string(t.path().join("team.json")).unwrap_or_default();
    let real: fanday_core::team::TeamFile =
        serde_json::from_str(&text).unwrap_or_else(|err| panic!("{err}"));
    let edited = text.replace(
        &real.founder_key,
        &public_key_text(&impostor.verifying_key()),
    );
    fs::write(t.path().join("team.json"), &edited).unwrap_or_else(|err| panic!("{err}"));
    let err = olle
        .app
        .join_team(t.path(), &seen)
        .expect_err("an unsigned team.json");
    assert_eq!(err.code(), "team_folder");
    let forged = fanday_core::team::TeamFile {
        founder_key: public_key_text(&impostor.verifying_key()),
        sig: String::new(),
        ..real
    }
    .sign(&impostor);
    fs::write(
        t.path().join("team.json"),
        serde_json::to_string(&forged).unwrap_or_default(),
    )
    .unwrap_or_else(|err| panic!("{err}"));
    let err = olle
        .app
        .join_team(t.path(), &seen)
        .expect_err("team.json changed");
    assert_eq!(err.code(), "team_file_changed");
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

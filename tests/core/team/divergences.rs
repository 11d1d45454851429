//! Files that once gave different teams on different PCs, depending on the
//! order a PC read them in: an early reader (who read the honest files
//! first) and a late joiner (who finds the hostile file sorting first, as a
//! sync engine's conflict copy does) now come to the same team, and to the
//! rule the team folder's specification states.

use crate::support::team as support;

use fanday_core::exception::Action;
use fanday_core::team::body::StoryContent;
use fanday_core::{ExceptionInput, Role, Situation};
use serde_json::json;
use support::{
    append_raw, feed, join_and_admit, member, member_dir, read, share, signed_by, team, Member,
    Team,
};

/// A file that sorts before the member's own files in their folder.
fn sorting_first(t: &Team, member: &Member) -> std::path::PathBuf {
    member_dir(t.path(), &member.id).join("events-1 (1).jsonl")
}

fn highest_seq(t: &Team, member: &Member) -> u64 {
    support::seqs_in_folder(t.path(), &member.id)
        .last()
        .copied()
        .unwrap_or(0)
}

/// A colleague who joins now and reads everything.
fn late_joiner(t: &Team) -> Member {
    let nils = member("Nils", Role::Staff);
    join_and_admit(&nils, t.path(), &t.lena);
    while read(&nils).more {}
    nils
}

fn read_all(viewers: &[&Member]) {
    for viewer in viewers {
        while read(viewer).more {}
    }
}

fn comments(viewer: &Member) -> Vec<String> {
    let mut said: Vec<String> = feed(viewer)
        .iter()
        .flat_map(|s| s.comments.iter().map(|c| c.text.clone()))
        .collect();
    said.sort();
    said
}

fn is_lead(viewer: &Member, name: &str) -> bool {
    viewer
        .app
        .team_members()
        .unwrap_or_default()
        .iter()
        .any(|m| m.name == name && m.is_lead)
}

#[test]
fn one_key_signing_two_events_with_one_number_ends_alike_on_every_pc() {
    let t = team();
    let story = share(&t.sara, "Berättelse", Situation::JustBecause);
    read(&t.lena);
    let n = highest_seq(&t, &t.sara) + 1;
    let said = |text: &str| {
        signed_by(
            &t.sara,
            "comment.added",
            json!({"story_author": t.sara.id, "story_id": story, "text": text}),
            n,
        )
    };
    // Lena reads A first; B comes later in a file that sorts first.
    append_raw(
        &member_dir(t.path(), &t.sara.id).join("events-2.jsonl"),
        &format!("{}\n", said("A")),
    );
    read_all(&[&t.lena]);
    append_raw(&sorting_first(&t, &t.sara), &format!("{}\n", said("B")));
    read_all(&[&t.lena, &t.ali]);
    let nils = late_joiner(&t);
    for viewer in [&t.lena, &t.ali, &nils] {
        assert_eq!(
            comments(viewer),
            Vec::<String>::new(),
            "neither branch counts, on any PC"
        );
    }
    let gaps = read(&t.lena).gaps;
    let sara = gaps.iter().find(|g| g.member_id == t.sara.id);
    assert_eq!(sara.map(|g| g.forks), Some(1), "the lead is told");
}

#[test]
fn a_removed_lead_cannot_sign_a_grant_below_the_event_her_removal_names() {
    let t = team();
    t.lena
        .app
        .grant_lead(&t.ali.id)
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.ali);
    t.ali
        .app
        .set_lineup_anonymous(true)
        .unwrap_or_else(|err| panic!("{err}"));
    read_all(&[&t.lena, &t.sara]);
    let n = highest_seq(&t, &t.ali);
    t.lena
        .app
        .remove_member(&t.ali.id)
        .unwrap_or_else(|err| panic!("{err}"));
    read_all(&[&t.sara]);
    // With the key he kept, Ali signs at his last number a grant making
    // Sara lead, in a file that sorts first.
    let forged = signed_by(
        &t.ali,
        "role.granted",
        json!({"member": t.sara.id, "role": "lead", "after": highest_seq(&t, &t.sara)}),
        n,
    );
    let first = support::event_lines(t.path(), &t.ali.id)[0].clone();
    append_raw(&sorting_first(&t, &t.ali), &format!("{first}\n{forged}\n"));
    read_all(&[&t.lena, &t.sara]);
    let nils = late_joiner(&t);
    for viewer in [&t.lena, &t.sara, &nils] {
        assert!(!is_lead(viewer, "Sara"), "Sara stays staff on every PC");
    }
}

fn proposal(text: &str) -> ExceptionInput {
    ExceptionInput {
        rule: format!("{text} rule"),
        allowed: format!("{text} allowed"),
        ..ExceptionInput::default()
    }
}

#[test]
fn an_exception_proposed_again_with_other_text_keeps_the_text_the_lead_approved() {
    let t = team();
    let proposed = t
        .sara
        .app
        .propose_exception(&proposal("T1"))
        .unwrap_or_else(|err| panic!("{err}"));
    read_all(&[&t.lena]);
    let in_lenas = format!("{}/{}", t.sara.id, proposed.id);
    t.lena
        .app
        .act_on_exception(&in_lenas, Action::Approve, Some("Ja"))
        .unwrap_or_else(|err| panic!("{err}"));
    let again = signed_by(
        &t.sara,
        "exception.proposed",
        json!({"exception_id": proposed.id, "rule": "T2 rule", "allowed": "T2 allowed",
               "limits": "", "amount_sek": null, "minutes": null, "applies_when": ""}),
        highest_seq(&t, &t.sara) + 1,
    );
    let first = support::event_lines(t.path(), &t.sara.id)[0].clone();
    append_raw(&sorting_first(&t, &t.sara), &format!("{first}\n{again}\n"));
    read_all(&[&t.lena, &t.ali]);
    let nils = late_joiner(&t);
    for viewer in [&t.lena, &t.ali, &nils] {
        let seen = viewer
            .app
            .exception(&in_lenas)
            .unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(
            (seen.rule.as_str(), format!("{:?}", seen.status)),
            ("T1 rule", "Approved".to_string()),
            "on {}",
            viewer
                .app
                .profile()
                .ok()
                .flatten()
                .map(|p| p.display_name)
                .unwrap_or_default()
        );
    }
}

#[test]
fn lines_anyone_writes_at_a_members_numbers_make_no_fork() {
    let t = team();
    share(&t.sara, "Före", Situation::JustBecause);
    read(&t.lena);
    let mut stranger = support::Stranger::continuing(t.path(), &t.sara.id);
    stranger.prev = String::new();
    stranger.asks_to_join("Sara");
    stranger.writes("lineup.anonymous", json!({"anonymous": true}));
    share(&t.sara, "Efter", Situation::SaidNo);
    read_all(&[&t.lena, &t.ali]);
    let nils = late_joiner(&t);
    for viewer in [&t.lena, &t.ali, &nils] {
        let report = read(viewer);
        assert!(
            report
                .gaps
                .iter()
                .all(|g| g.member_id != t.sara.id || g.forks == 0),
            "{:?}",
            report.gaps
        );
        let mut texts = support::feed_texts(viewer);
        texts.sort();
        assert_eq!(texts, vec!["Efter", "Före"]);
    }
}

#[test]
fn a_story_text_too_long_is_shown_on_no_pc_whichever_path_read_it() {
    let t = team();
    let id = uuid::Uuid::now_v7().to_string();
    let content = StoryContent {
        v: 2,
        story_id: id.clone(),
        date: chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default(),
        situation: Situation::JustBecause,
        customer: fanday_core::Customer::External,
        text: "x".repeat(5000),
        reaction: None,
    };
    let body = json!({"story_id": id, "date": "2026-11-23", "situation": "just_because",
                      "customer": "external", "hash": content.hash()});
    let line = signed_by(&t.sara, "story.shared", body, highest_seq(&t, &t.sara) + 1);
    append_raw(&sorting_first(&t, &t.sara), &format!("{line}\n"));
    // Ali reads the event before its file is there; Lena reads both.
    read_all(&[&t.ali]);
    let stories = member_dir(t.path(), &t.sara.id).join("stories");
    std::fs::create_dir_all(&stories).unwrap_or_else(|err| panic!("{err}"));
    std::fs::write(
        stories.join(format!("{id}.json")),
        serde_json::to_vec(&content).unwrap_or_default(),
    )
    .unwrap_or_else(|err| panic!("{err}"));
    read_all(&[&t.lena, &t.ali]);
    let nils = late_joiner(&t);
    for viewer in [&t.lena, &t.ali, &nils] {
        assert!(
            feed(viewer).iter().all(|s| s.text.chars().count() <= 2000),
            "no text over 2,000 characters is shown"
        );
    }
}

#[test]
fn a_member_renaming_herself_to_a_colleagues_name_is_told_apart_everywhere() {
    let t = team();
    let line = signed_by(
        &t.ali,
        "member.renamed",
        json!({"name": "Sara"}),
        highest_seq(&t, &t.ali) + 1,
    );
    append_raw(&sorting_first(&t, &t.ali), &format!("{line}\n"));
    read_all(&[&t.lena, &t.sara]);
    let nils = late_joiner(&t);
    for viewer in [&t.lena, &t.sara, &nils] {
        let names: Vec<String> = viewer
            .app
            .team_members()
            .unwrap_or_default()
            .into_iter()
            .map(|m| m.name)
            .collect();
        assert_eq!(
            names.iter().filter(|n| *n == "Sara").count(),
            1,
            "one Sara: {names:?}"
        );
        assert!(
            names
                .iter()
                .any(|n| n.starts_with("Sara (") && n.ends_with(')')),
            "{names:?}"
        );
    }
}

#[test]
fn a_leads_decision_dated_ahead_counts_for_nothing_once_she_is_removed() {
    let t = team();
    t.lena
        .app
        .grant_lead(&t.ali.id)
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.ali);
    let input = proposal("G");
    let proposed = t
        .sara
        .app
        .propose_exception(&input)
        .unwrap_or_else(|err| panic!("{err}"));
    read_all(&[&t.lena, &t.ali]);
    let decision = signed_by(
        &t.ali,
        "exception.decided",
        json!({"proposer": t.sara.id, "exception_id": proposed.id,
               "proposal_hash": fanday_core::team_event::content_hash(&input),
               "decision_id": uuid::Uuid::now_v7().to_string(), "action": "approve", "note": null}),
        highest_seq(&t, &t.ali) + 1,
    );
    let mut event =
        fanday_core::team_event::Event::parse(&decision).unwrap_or_else(|err| panic!("{err:?}"));
    event.at = (support::monday_morning() + chrono::Duration::days(3)).with_timezone(&chrono::Utc);
    let line = event.sign(&support::secret_key(&t.ali)).to_line();
    append_raw(&sorting_first(&t, &t.ali), &format!("{line}\n"));
    read_all(&[&t.lena]);
    t.lena
        .app
        .remove_member(&t.ali.id)
        .unwrap_or_else(|err| panic!("{err}"));
    let in_lenas = format!("{}/{}", t.sara.id, proposed.id);
    // Days later, when the decision's date has come.
    let later = t
        .lena
        .opened_again_at(support::monday_morning() + chrono::Duration::days(4));
    read_all(&[&later]);
    let nils = late_joiner(&t);
    let status = |viewer: &Member, id: &str| {
        viewer
            .app
            .exception(id)
            .map(|e| format!("{:?}", e.status))
            .unwrap_or_default()
    };
    assert_eq!(status(&later, &in_lenas), "Proposed");
    assert_eq!(status(&nils, &in_lenas), "Proposed");
}

#[test]
fn a_flood_of_stories_waiting_for_their_text_hides_no_colleagues_story() {
    let t = team();
    // Someone asking to join writes 1,500 stories whose files never come.
    let mut stranger = support::Stranger::new(t.path(), &uuid::Uuid::now_v7().to_string());
    stranger.asks_to_join("Flod");
    for n in 0..1500 {
        stranger.writes(
            "story.shared",
            json!({"story_id": format!("0193cccc-0000-7000-8000-{n:012}"), "date": "2026-11-23",
                   "situation": "just_because", "customer": "external", "hash": "0".repeat(64)}),
        );
    }
    read_all(&[&t.lena]);
    // Sara's story's file arrives after its event.
    share(&t.sara, "Syns ändå", Situation::Complaint);
    let file = support::month_file(t.path(), &t.sara.id);
    let bytes = std::fs::read(&file).unwrap_or_default();
    std::fs::remove_file(&file).unwrap_or_else(|err| panic!("{err}"));
    read_all(&[&t.lena]);
    std::fs::write(&file, bytes).unwrap_or_else(|err| panic!("{err}"));
    read(&t.lena);
    assert!(
        support::feed_texts(&t.lena).contains(&"Syns ändå".to_string()),
        "her story is looked for at the next pass"
    );
}

#[test]
fn a_decision_the_team_does_not_count_shows_on_no_pc_not_even_the_deciders() {
    let t = team();
    t.ali
        .app
        .propose_exception(&proposal("Ali"))
        .unwrap_or_else(|err| panic!("{err}"));
    read_all(&[&t.sara, &t.lena]);
    // Sara calls herself a lead on her own PC; the team never made her one.
    crate::support::be(&t.sara.app, Role::Lead, "Sara");
    let in_her_catalogue = t
        .sara
        .app
        .list_exceptions(&Default::default())
        .unwrap_or_default()
        .remove(0)
        .id;
    // Her PC lets her try (it only knows her own word for her role)...
    let _ = t
        .sara
        .app
        .act_on_exception(&in_her_catalogue, Action::Approve, None);
    read_all(&[&t.lena, &t.ali, &t.sara]);
    // ...and the team's rule decides, on her PC as on everyone's.
    for (who, viewer) in [("Sara", &t.sara), ("Lena", &t.lena), ("Ali", &t.ali)] {
        assert_eq!(support::exception_statuses(viewer), ["proposed"], "{who}");
    }
}

#[test]
fn a_proposal_carrying_a_followers_hash_of_other_words_never_takes_the_approval_of_those_words() {
    let t = team();
    // Sara's own lines: a proposal of "A" words that claims, as only a
    // follower's log may, the hash of "B" words; then "B" with the same id.
    let b_words =
        fanday_core::exception::validate(&proposal("B")).unwrap_or_else(|err| panic!("{err}"));
    let claimed = fanday_core::team_event::content_hash(&b_words);
    let seq = highest_seq(&t, &t.sara) + 1;
    let hostile = signed_by(
        &t.sara,
        "exception.proposed",
        json!({"exception_id": "e9", "rule": "A rule", "allowed": "A allowed",
               "limits": "", "amount_sek": null, "minutes": null, "applies_when": "",
               "words_hash": claimed}),
        seq,
    );
    append_raw(
        &support::events_file(t.path(), &t.sara.id),
        &format!("{hostile}\n"),
    );
    read_all(&[&t.sara]);
    let honest = signed_by(
        &t.sara,
        "exception.proposed",
        json!({"exception_id": "e9", "rule": "B rule", "allowed": "B allowed",
               "limits": "", "amount_sek": null, "minutes": null, "applies_when": ""}),
        seq + 1,
    );
    append_raw(
        &support::events_file(t.path(), &t.sara.id),
        &format!("{honest}\n"),
    );
    read_all(&[&t.lena]);
    let in_lenas = format!("{}/e9", t.sara.id);
    t.lena
        .app
        .act_on_exception(&in_lenas, Action::Approve, Some("Ja"))
        .unwrap_or_else(|err| panic!("{err}"));
    read_all(&[&t.lena, &t.ali]);
    // Folded again from the log (a start of the app), on the lead's PC
    // and a colleague's: the approval is of the words the lead saw.
    let Team {
        lena, ali, folder, ..
    } = t;
    let lena = lena.reopen();
    let ali = ali.reopen();
    for viewer in [&lena, &ali] {
        read(viewer);
        let seen = viewer
            .app
            .exception(&in_lenas)
            .unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(
            (seen.rule.as_str(), format!("{:?}", seen.status)),
            ("B rule", "Approved".to_string())
        );
    }
    drop(folder);
}

//! A key nobody let in, written into an admitted member's own chain: it may
//! ask for that member's place (a lead compares the key), but nothing it
//! signs speaks for the member, and the member's own events win the
//! numbers it took, whatever order the files arrive in.

use crate::support::team as support;

use fanday_core::team_event::{new_signing_key, public_key_text};
use fanday_core::{Role, Situation};
use serde_json::json;
use support::{feed, feed_texts, join_and_admit, member, read, share, team, Member, Stranger};

fn is_lead(viewer: &Member, name: &str) -> bool {
    viewer
        .app
        .team_members()
        .unwrap_or_default()
        .iter()
        .any(|m| m.name == name && m.is_lead)
}

fn admitted_names(viewer: &Member) -> Vec<String> {
    viewer
        .app
        .team_members()
        .unwrap_or_default()
        .into_iter()
        .filter(|m| matches!(m.status.as_str(), "admitted" | "returning"))
        .map(|m| m.name)
        .collect()
}

fn highest_seq(t: &support::Team, member: &Member) -> u64 {
    support::seqs_in_folder(t.path(), &member.id)
        .last()
        .copied()
        .unwrap_or(0)
}

#[test]
fn a_request_written_into_a_leads_folder_signs_nothing_in_her_name() {
    let t = team();
    share(&t.sara, "Saras berättelse", Situation::JustBecause);
    read(&t.lena);
    // Someone with folder access asks for Lena's place with a key of their
    // own, then signs a lead's decisions with it in her chain.
    let mut impostor = Stranger::continuing(t.path(), &t.lena.id);
    impostor.asks_to_join("Lena");
    let ali_after = highest_seq(&t, &t.ali);
    impostor.writes(
        "role.granted",
        json!({"member": t.ali.id, "role": "lead", "after": ali_after}),
    );
    let friend = new_signing_key().unwrap_or_else(|| panic!("a key"));
    impostor.writes(
        "member.admitted",
        json!({"member": uuid::Uuid::now_v7().to_string(),
               "key": public_key_text(&friend.verifying_key()), "name": "Kim", "after": 0}),
    );
    impostor.writes("member.removed", json!({"member": t.sara.id, "after": 0}));
    // Sara and Ali read the impostor's lines before Lena, who has not seen
    // them, shares a story under the same numbers.
    for viewer in [&t.sara, &t.ali] {
        while read(viewer).more {}
    }
    share(&t.lena, "Lenas berättelse", Situation::SaidNo);
    let nils = member("Nils", Role::Staff);
    join_and_admit(&nils, t.path(), &t.lena);
    for viewer in [&t.lena, &t.sara, &t.ali, &nils] {
        while read(viewer).more {}
        assert!(!is_lead(viewer, "Ali"), "Ali stays staff");
        let mut admitted = admitted_names(viewer);
        admitted.sort();
        assert_eq!(
            admitted,
            vec!["Ali", "Lena (lead)", "Nils", "Sara"],
            "nobody let in but Nils, nobody out"
        );
        assert_eq!(
            feed_texts(viewer),
            vec!["Lenas berättelse", "Saras berättelse"],
            "Lena's story reaches everyone"
        );
    }
}

#[test]
fn a_request_written_into_a_members_folder_cannot_move_her_key() {
    let t = team();
    share(&t.sara, "Före", Situation::JustBecause);
    let mut thief = Stranger::continuing(t.path(), &t.sara.id);
    thief.asks_to_join("Sara");
    let taken = new_signing_key().unwrap_or_else(|| panic!("a key"));
    thief.writes(
        "key.rotated",
        json!({"key": public_key_text(&taken.verifying_key())}),
    );
    thief.key = taken;
    thief.writes("member.renamed", json!({"name": "Lena (lead)"}));
    for viewer in [&t.lena, &t.ali] {
        while read(viewer).more {}
        let sara = viewer
            .app
            .team_members()
            .unwrap_or_default()
            .into_iter()
            .find(|m| m.member_id == t.sara.id)
            .unwrap_or_else(|| panic!("Sara"));
        assert_eq!(sara.name, "Sara", "nobody renames her");
    }
    // Sara's own key still counts; the lead is told someone asks for her
    // place with another key, to compare with Sara before anything.
    share(&t.sara, "Efter", Situation::JustBecause);
    for viewer in [&t.lena, &t.ali] {
        while read(viewer).more {}
        assert_eq!(feed_texts(viewer), vec!["Efter", "Före"]);
    }
}

#[test]
fn a_leads_decision_dated_far_ahead_never_counts_not_even_when_other_decisions_follow() {
    let t = team();
    let ali_after = highest_seq(&t, &t.ali);
    let next = highest_seq(&t, &t.lena) + 1;
    let line = support::signed_by(
        &t.lena,
        "role.granted",
        json!({"member": t.ali.id, "role": "lead", "after": ali_after}),
        next,
    );
    let mut grant =
        fanday_core::team_event::Event::parse(&line).unwrap_or_else(|err| panic!("{err:?}"));
    grant.at = chrono::DateTime::parse_from_rfc3339("9999-12-31T00:00:00Z")
        .unwrap_or_else(|err| panic!("{err}"))
        .with_timezone(&chrono::Utc);
    let grant = grant.sign(&support::secret_key(&t.lena)).to_line();
    support::append_raw(
        &support::member_dir(t.path(), &t.lena.id).join("events-1 (1).jsonl"),
        &format!("{grant}\n"),
    );
    let report = read(&t.sara);
    assert!(
        support::codes(&report).contains(&"date_out_of_range"),
        "{report:?}"
    );
    assert!(!is_lead(&t.sara, "Ali"));
    // Lena lets Nils in: the team's decisions are replayed, the dated one
    // still aside.
    let nils = member("Nils", Role::Staff);
    join_and_admit(&nils, t.path(), &t.lena);
    for viewer in [&t.sara, &t.ali, &nils] {
        while read(viewer).more {}
        assert!(
            !is_lead(viewer, "Ali"),
            "a date far ahead counts for nothing"
        );
        assert!(admitted_names(viewer).contains(&"Nils".to_string()));
    }
}

#[test]
fn a_lead_lets_in_only_the_key_she_compared() {
    let t = team();
    let id = uuid::Uuid::now_v7().to_string();
    let mut kim = Stranger::new(t.path(), &id);
    kim.asks_to_join("Kim");
    let compared = kim.fingerprint();
    read(&t.lena);
    read(&t.sara);
    // Before Lena clicks, someone else asks again for Kim's place with
    // another key.
    let mut swapped = Stranger::new(t.path(), &id);
    swapped.file = "events-1 (1).jsonl".into();
    swapped.seq = kim.seq;
    swapped.prev = kim.prev.clone();
    swapped.asks_to_join("Kim");
    read(&t.lena);
    let err = t
        .lena
        .app
        .admit(&id, &compared)
        .err()
        .unwrap_or_else(|| panic!("a key nobody compared was let in"));
    assert_eq!(err.code(), "request_key_changed");
    assert!(!admitted_names(&t.lena).contains(&"Kim".to_string()));
    // Compared anew, the key shown now is the one let in.
    t.lena
        .app
        .admit(&id, &swapped.fingerprint())
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(admitted_names(&t.lena).contains(&"Kim".to_string()));
}

#[test]
fn only_leads_see_the_stories_of_someone_waiting_to_be_let_in() {
    let t = team();
    let nora = member("Nora", Role::Staff);
    support::join(&nora, t.path());
    share(&nora, "Väntar på att bli insläppt", Situation::JustBecause);
    let waiting = |viewer: &Member| -> Vec<String> {
        viewer
            .app
            .team_members()
            .unwrap_or_default()
            .into_iter()
            .flat_map(|m| m.waiting_stories)
            .collect()
    };
    read(&t.lena);
    read(&t.sara);
    assert_eq!(waiting(&t.lena), vec!["Väntar på att bli insläppt"]);
    assert!(waiting(&t.sara).is_empty(), "staff are not shown it");
    assert!(feed(&t.sara).is_empty() && feed(&t.lena).is_empty());
}

#[test]
fn a_chain_that_does_not_join_is_put_aside_in_whichever_order_it_arrives() {
    let t = team();
    let story = share(&t.lena, "Lenas berättelse", Situation::JustBecause);
    read(&t.sara);
    let story_id = support::story_key(&t.lena, &story);
    let (author, id) = story_id
        .split_once('/')
        .unwrap_or_else(|| panic!("{story_id}"));
    let n = highest_seq(&t, &t.sara) + 1;
    // Two PCs with Sara's key: one comments at n; the other applauds at
    // n + 1, after an event n nobody has.
    let joins = support::signed_by(
        &t.sara,
        "comment.added",
        json!({"story_author": author, "story_id": id, "text": "Bra gjort"}),
        n,
    );
    let off_chain = support::signed_by(
        &t.sara,
        "reaction.added",
        json!({"story_author": author, "story_id": id}),
        n + 1,
    );
    let dir = support::member_dir(t.path(), &t.sara.id);
    // Ali's PC gets the applause first, then the comment.
    support::append_raw(&dir.join("events-1 (2).jsonl"), &format!("{off_chain}\n"));
    read(&t.ali);
    assert_eq!(feed(&t.ali)[0].applause, 1, "nothing says otherwise yet");
    support::append_raw(&dir.join("events-1 (1).jsonl"), &format!("{joins}\n"));
    // Lena's PC reads both at once, the comment first.
    for viewer in [&t.ali, &t.lena] {
        let report = read(viewer);
        let shown = feed(viewer);
        assert_eq!(
            shown[0].applause, 0,
            "the branch that does not join is aside"
        );
        assert_eq!(shown[0].comments.len(), 1);
        let gap = report
            .gaps
            .iter()
            .find(|g| g.member_id == t.sara.id)
            .unwrap_or_else(|| panic!("{:?}", report.gaps));
        assert_eq!(gap.forks, 1, "leads are told");
    }
}

#[test]
fn a_lead_who_was_removed_decides_nothing_afterwards_with_the_key_they_kept() {
    let t = team();
    t.lena
        .app
        .grant_lead(&t.ali.id)
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.ali);
    read(&t.sara);
    assert!(is_lead(&t.sara, "Ali"), "Ali leads for a while");
    t.lena
        .app
        .remove_member(&t.ali.id)
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.sara);
    assert!(!is_lead(&t.sara, "Ali"), "no longer a lead");
    // Ali still has his PC and his key, and signs a lead's steps anyway:
    // Sara made lead, Lena removed.
    let sara_after = highest_seq(&t, &t.sara);
    let lena_after = highest_seq(&t, &t.lena);
    let next = highest_seq(&t, &t.ali) + 1;
    let grant = support::signed_by(
        &t.ali,
        "role.granted",
        json!({"member": t.sara.id, "role": "lead", "after": sara_after}),
        next,
    );
    support::append_raw(
        &support::events_file(t.path(), &t.ali.id),
        &format!("{grant}\n"),
    );
    let removal = support::signed_by(
        &t.ali,
        "member.removed",
        json!({"member": t.lena.id, "after": lena_after}),
        next + 1,
    );
    support::append_raw(
        &support::events_file(t.path(), &t.ali.id),
        &format!("{removal}\n"),
    );
    let nils = member("Nils", Role::Staff);
    join_and_admit(&nils, t.path(), &t.lena);
    for viewer in [&t.lena, &t.sara, &nils] {
        while read(viewer).more {}
        assert!(!is_lead(viewer, "Sara"), "Ali's grant counts for nothing");
        assert!(is_lead(viewer, "Lena (lead)"), "Lena stays, and leads");
        assert!(admitted_names(viewer).contains(&"Lena (lead)".to_string()));
    }
}

#[test]
fn a_leads_decision_dated_a_little_ahead_counts_once_its_date_comes() {
    let t = team();
    let ali_after = highest_seq(&t, &t.ali);
    let line = support::signed_by(
        &t.lena,
        "role.granted",
        json!({"member": t.ali.id, "role": "lead", "after": ali_after}),
        highest_seq(&t, &t.lena) + 1,
    );
    let mut grant =
        fanday_core::team_event::Event::parse(&line).unwrap_or_else(|err| panic!("{err:?}"));
    grant.at = (support::monday_morning() + chrono::Duration::days(3)).with_timezone(&chrono::Utc);
    let grant = grant.sign(&support::secret_key(&t.lena)).to_line();
    support::append_raw(
        &support::member_dir(t.path(), &t.lena.id).join("events-1 (1).jsonl"),
        &format!("{grant}\n"),
    );
    read(&t.sara);
    assert!(
        !is_lead(&t.sara, "Ali"),
        "not yet: it is dated three days ahead"
    );
    // Sara's PC four days later.
    let later = t
        .sara
        .opened_again_at(support::monday_morning() + chrono::Duration::days(4));
    read(&later);
    assert!(is_lead(&later, "Ali"), "its date has come");
}

#[test]
fn a_request_key_in_someones_folder_cannot_decide_or_withdraw_an_exception() {
    let t = team();
    let input = fanday_core::ExceptionInput {
        rule: "Inga returer efter 30 dagar".into(),
        allowed: "Ta emot en retur dag 31".into(),
        ..fanday_core::ExceptionInput::default()
    };
    let saras = t
        .sara
        .app
        .propose_exception(&input)
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.lena);
    // An approval "by Lena" and a withdrawal "by Sara", each signed with a
    // key that only asked to come in, written into their folders.
    let mut in_lenas = Stranger::continuing(t.path(), &t.lena.id);
    in_lenas.asks_to_join("Lena");
    in_lenas.writes(
        "exception.decided",
        json!({"proposer": t.sara.id, "exception_id": saras.id,
               "proposal_hash": fanday_core::team_event::content_hash(&input),
               "decision_id": uuid::Uuid::now_v7().to_string(), "action": "approve", "note": null}),
    );
    let mut in_saras = Stranger::continuing(t.path(), &t.sara.id);
    in_saras.asks_to_join("Sara");
    in_saras.writes(
        "exception.decided",
        json!({"proposer": t.sara.id, "exception_id": saras.id,
               "proposal_hash": fanday_core::team_event::content_hash(&input),
               "decision_id": uuid::Uuid::now_v7().to_string(), "action": "withdraw", "note": null}),
    );
    let nils = member("Nils", Role::Staff);
    join_and_admit(&nils, t.path(), &t.lena);
    for viewer in [&t.lena, &t.ali, &nils] {
        while read(viewer).more {}
        let statuses = support::exception_statuses(viewer);
        assert_eq!(statuses, vec!["proposed"], "neither counts");
    }
}

#[test]
fn a_line_with_the_highest_number_written_into_a_members_folder_silences_nobody() {
    let t = team();
    share(&t.sara, "Före", Situation::JustBecause);
    read(&t.lena);
    let mut squatter = Stranger::continuing(t.path(), &t.sara.id);
    squatter.seq = i64::MAX as u64 - 1;
    squatter.asks_to_join("Sara");
    read(&t.sara);
    share(&t.sara, "Efter", Situation::JustBecause);
    while read(&t.lena).more {}
    assert_eq!(
        feed_texts(&t.lena),
        vec!["Efter", "Före"],
        "Sara still counts"
    );
    let report = read(&t.lena);
    let missing: u32 = report
        .gaps
        .iter()
        .filter(|g| g.member_id == t.sara.id)
        .map(|g| g.missing)
        .sum();
    assert_eq!(missing, 0, "no numbers said missing for a line not hers");
    assert!(
        support::seqs_in_folder(t.path(), &t.sara.id)
            .iter()
            .filter(|&&seq| seq < i64::MAX as u64)
            .count()
            >= 3,
        "Sara's own numbers go on from her own"
    );
}

#[test]
fn a_thief_with_the_old_key_cannot_outrank_the_key_a_lead_let_back_in() {
    let t = team();
    share(&t.sara, "Före", Situation::JustBecause);
    read(&t.lena);
    // Sara's laptop is stolen; the thief moves her identity to a key of
    // his own, signed with her old key, before her new PC asks to come back.
    let mut thief = Stranger::continuing(t.path(), &t.sara.id);
    thief.key = support::secret_key(&t.sara);
    let thiefs = new_signing_key().unwrap_or_else(|| panic!("a key"));
    thief.writes(
        "key.rotated",
        json!({"key": public_key_text(&thiefs.verifying_key())}),
    );
    let sara = t.sara.on_a_pc_without_the_key();
    read(&sara);
    read(&t.lena);
    t.lena
        .app
        .admit(&sara.id, &support::my_fingerprint(&sara))
        .unwrap_or_else(|err| panic!("{err}"));
    read(&sara);
    share(&sara, "Efter", Situation::JustBecause);
    for viewer in [&t.lena, &t.ali] {
        while read(viewer).more {}
        assert_eq!(
            feed_texts(viewer),
            vec!["Efter", "Före"],
            "the key Lena let in counts"
        );
    }
}

#[test]
fn a_request_written_over_someone_waiting_is_declined_and_her_own_comes_back() {
    let t = team();
    let nora = member("Nora", Role::Staff);
    support::join(&nora, t.path());
    share(&nora, "Noras första", Situation::JustBecause);
    let mut other = Stranger::continuing(t.path(), &nora.id);
    other.seq += 5;
    other.asks_to_join("Nora");
    read(&t.lena);
    let noras_key = support::my_fingerprint(&nora);
    let err = t
        .lena
        .app
        .admit(&nora.id, &noras_key)
        .err()
        .unwrap_or_else(|| panic!("the key shown is not Nora's"));
    assert_eq!(err.code(), "request_key_changed");
    // Nora reads out another key than the one shown: Lena declines that.
    t.lena
        .app
        .decline(&nora.id, &other.fingerprint())
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.lena);
    t.lena
        .app
        .admit(&nora.id, &noras_key)
        .unwrap_or_else(|err| panic!("{err}"));
    read(&nora);
    while read(&t.ali).more {}
    assert_eq!(feed_texts(&t.ali), vec!["Noras första"]);
}

#[test]
fn a_line_nobody_let_in_at_a_gap_never_pushes_the_members_next_event_aside() {
    let t = team();
    share(&t.sara, "Första", Situation::JustBecause);
    read(&t.ali);
    let file = support::events_file(t.path(), &t.sara.id);
    let before = std::fs::read_to_string(&file).unwrap_or_default();
    let mut impostor = Stranger::continuing(t.path(), &t.sara.id);
    share(&t.sara, "Andra", Situation::JustBecause);
    share(&t.sara, "Tredje", Situation::JustBecause);
    let all = std::fs::read_to_string(&file).unwrap_or_default();
    let new_lines: Vec<&str> = all[before.len()..].lines().collect();
    let [second, third] = new_lines[..] else {
        panic!("two new lines: {new_lines:?}")
    };
    // Ali's sync engine brings the third first, then a line a key nobody
    // let in signed at the number between, and only then Sara's own.
    std::fs::write(&file, &before).unwrap_or_else(|err| panic!("{err}"));
    let dir = support::member_dir(t.path(), &t.sara.id);
    std::fs::write(dir.join("events-1 (3).jsonl"), format!("{third}\n"))
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.ali);
    impostor.file = "events-1 (2).jsonl".into();
    impostor.asks_to_join("Sara");
    read(&t.ali);
    std::fs::write(&file, format!("{before}{second}\n")).unwrap_or_else(|err| panic!("{err}"));
    while read(&t.ali).more {}
    let mut texts = feed_texts(&t.ali);
    texts.sort();
    assert_eq!(
        texts,
        vec!["Andra", "Första", "Tredje"],
        "nothing of Sara's aside"
    );
}

//! Same files, same state, in any order: a team's events, made by real
//! apps, are delivered to fresh readers in hundreds of random orders and
//! partial deliveries (split over files, conflict copies and torn lines),
//! and every reader ends in exactly the state of a reader that got them
//! in order, as do the writers themselves.

use crate::support::team as support;

use fanday_core::exception::Action;
use fanday_core::{ExceptionInput, Role, Situation};
use std::fs;
use std::path::Path;
use support::{event_lines, join, member, member_dir, read, share, story_key, unshare, Member};

const ORDERS: u64 = 200;

/// A small, seeded generator: every order can be told again from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

fn propose(member: &Member, rule: &str) -> String {
    member
        .app
        .propose_exception(&ExceptionInput {
            rule: rule.into(),
            allowed: format!("{rule}: ett undantag"),
            ..ExceptionInput::default()
        })
        .unwrap_or_else(|err| panic!("{err}"))
        .id
}

/// `member` decides `proposer`'s proposal, as their catalogue names it.
fn decide(member: &Member, proposer: &Member, id: &str, action: Action, note: &str) {
    let local = if member.id == proposer.id {
        id.to_string()
    } else {
        format!("{}/{id}", proposer.id)
    };
    member
        .app
        .act_on_exception(&local, action, Some(note))
        .unwrap_or_else(|err| panic!("{err}"));
}

/// What a team's history makes of a store: everything the folder decides,
/// nothing of the person's own (but the tallies, which everyone holds).
fn state(member: &Member) -> Vec<String> {
    let db = rusqlite::Connection::open(member.app.database_path())
        .unwrap_or_else(|err| panic!("{err}"));
    let queries = [
        "SELECT story_id, author_id, local_date, situation, customer, text,
                coalesce(reaction, ''), version, withdrawn FROM stories",
        "SELECT story_id, member_id, '', '', '', '', '', 0, 0 FROM story_reactions",
        "SELECT event_id, story_id, member_id, text, '', '', '', 0, 0 FROM story_comments",
        "SELECT story_id, mark, by_id, event_id, '', '', '', 0, 0 FROM story_reviews",
        // A proposal's id here is its proposer's and id together; only the
        // person's own keep a plain id: compared as proposer and id.
        "SELECT CASE WHEN id LIKE proposed_by || '/%' THEN id ELSE proposed_by || '/' || id END,
                rule, status, proposed_by, coalesce(decided_by, ''),
                coalesce(decision_note, ''), coalesce(decided_at, ''), 0, 0 FROM exceptions",
        "SELECT CASE WHEN v.id LIKE v.actor_id || '/%' THEN v.id ELSE v.actor_id || '/' || v.id END,
                CASE WHEN v.exception_id LIKE e.proposed_by || '/%' THEN v.exception_id
                     ELSE e.proposed_by || '/' || v.exception_id END,
                v.kind, v.actor_id, coalesce(v.note, ''), v.at, '', 0, 0
           FROM exception_events v JOIN exceptions e ON e.id = v.exception_id
          WHERE v.kind <> 'proposed'",
        "SELECT member_id, '', '', '', '', '', '', 0, 0 FROM team_leads",
        "SELECT id, member_id, kind, coalesce(reason, ''), '', '', '', seq, applied
           FROM team_events WHERE member_id NOT IN (SELECT id FROM profile)",
        "SELECT week, stories, by_id, event_id, at, '', '', 0, 0 FROM lineups",
        "SELECT member_id, '', '', '', '', '', '', anonymous, seq FROM lineup_names",
        // The tally each member's week counts with: the latest, here as
        // everywhere.
        "SELECT t.member_id, t.monday, t.fans || '/' || t.just_because || '/' || t.said_no || '/'
                || t.complaint || '/' || t.external || '/' || t.internal, '', '', '', '', t.seq, 0
           FROM team_tallies t
          WHERE t.seq = (SELECT max(u.seq) FROM team_tallies u
                          WHERE u.member_id = t.member_id AND u.monday = t.monday)",
    ];
    let mut rows = Vec::new();
    for (table, sql) in queries.iter().enumerate() {
        let mut stmt = db.prepare(sql).unwrap_or_else(|err| panic!("{err}"));
        let found = stmt
            .query_map([], |row| {
                let mut cells = vec![table.to_string()];
                for i in 0..7 {
                    cells.push(row.get::<_, String>(i)?);
                }
                cells.push(row.get::<_, i64>(7)?.to_string());
                cells.push(row.get::<_, i64>(8)?.to_string());
                Ok(cells.join("|"))
            })
            .unwrap_or_else(|err| panic!("{err}"));
        for row in found {
            rows.push(row.unwrap_or_else(|err| panic!("{err}")));
        }
    }
    rows.sort();
    rows
}

/// The writers' own events are in the state of their own stores too;
/// a reader's team_events has everyone's.
fn state_without_events(member: &Member) -> Vec<String> {
    state(member)
        .into_iter()
        .filter(|row| !row.starts_with("7|"))
        .collect()
}

/// A week of a team: stories, edits, withdrawals, applause, comments,
/// reviews, a new lead, and exceptions decided, one of them by two leads
/// at once who had not read each other.
fn a_week_of_a_team() -> support::Team {
    let t = support::team_with_tallies();
    let s1 = share(
        &t.sara,
        "Ringde upp en kund som väntat",
        Situation::Complaint,
    );
    let s2 = share(&t.sara, "Växlade mynt", Situation::SaidNo);
    let a1 = share(&t.ali, "Bar kartongen till bilen", Situation::JustBecause);
    let l1 = share(&t.lena, "Tog en extra runda", Situation::JustBecause);
    let e1 = propose(&t.sara, "Öppet köp i 30 dagar");
    let e2 = propose(&t.sara, "Ingen växel i receptionen");
    let e3 = propose(&t.sara, "Inga hundar i butiken");
    let e4 = propose(&t.sara, "Parkering bara för gäster");
    for m in [&t.lena, &t.ali, &t.sara] {
        read(m);
    }
    // Someone with folder access asks for Lena's place with a key of their
    // own and signs a grant and an approval with it, in her chain, at the
    // numbers her own next events take.
    let mut impostor = support::Stranger::continuing(t.path(), &t.lena.id);
    impostor.asks_to_join("Lena");
    impostor.writes(
        "role.granted",
        serde_json::json!({"member": t.sara.id, "role": "lead", "after": 0}),
    );
    impostor.writes(
        "exception.decided",
        serde_json::json!({"proposer": t.sara.id, "exception_id": e4,
               "proposal_hash": "", "decision_id": uuid::Uuid::now_v7().to_string(),
               "action": "approve", "note": null}),
    );
    // Sara edits one story and takes the other back.
    let mut edited = support::moment_input(
        "Ringde upp en kund som väntat länge",
        Situation::Complaint,
        true,
    );
    edited.date = t.sara.app.moment(&s1).ok().map(|m| m.date);
    t.sara
        .app
        .update_moment(&s1, &edited)
        .unwrap_or_else(|err| panic!("{err}"));
    unshare(&t.sara, &s2);
    t.ali
        .app
        .applaud(&story_key(&t.sara, &s1))
        .unwrap_or_else(|err| panic!("{err}"));
    t.lena
        .app
        .applaud(&story_key(&t.ali, &a1))
        .unwrap_or_else(|err| panic!("{err}"));
    t.sara
        .app
        .comment(&story_key(&t.ali, &a1), "Snyggt!")
        .unwrap_or_else(|err| panic!("{err}"));
    t.ali
        .app
        .comment(&story_key(&t.lena, &l1), "Bra gjort")
        .unwrap_or_else(|err| panic!("{err}"));
    t.lena
        .app
        .review(&story_key(&t.sara, &s1), true)
        .unwrap_or_else(|err| panic!("{err}"));
    t.lena
        .app
        .review(&story_key(&t.ali, &a1), false)
        .unwrap_or_else(|err| panic!("{err}"));
    decide(&t.lena, &t.sara, &e1, Action::Approve, "Ja");
    decide(&t.lena, &t.sara, &e3, Action::Approve, "Prova");
    decide(&t.sara, &t.sara, &e4, Action::Withdraw, "Behövs inte");
    t.lena
        .app
        .grant_lead(&t.ali.id)
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.ali);
    assert_eq!(
        t.ali.app.profile().ok().flatten().map(|p| p.role),
        Some(Role::Lead)
    );
    // Lena and Ali decide e2 at once, neither having read the other.
    decide(&t.ali, &t.sara, &e2, Action::Reject, "Nej");
    decide(&t.lena, &t.sara, &e2, Action::Approve, "Ja");
    t.ali
        .app
        .review(&story_key(&t.sara, &s1), false)
        .unwrap_or_else(|err| panic!("{err}"));
    // Both leads pick the week's line-up without having read each other's;
    // Sara asks to be shown as a colleague.
    t.lena
        .app
        .set_lineup(None, &[story_key(&t.sara, &s1), story_key(&t.ali, &a1)])
        .unwrap_or_else(|err| panic!("{err}"));
    t.ali
        .app
        .set_lineup(None, &[story_key(&t.lena, &l1)])
        .unwrap_or_else(|err| panic!("{err}"));
    t.sara
        .app
        .set_lineup_anonymous(true)
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.lena);
    decide(&t.lena, &t.sara, &e3, Action::Retire, "Slutat");
    for m in [&t.lena, &t.ali, &t.sara, &t.lena] {
        read(m);
    }
    t
}

/// A copy of the team folder with everything but the events.
fn empty_copy(t: &support::Team) -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    fs::copy(t.path().join("team.json"), copy.path().join("team.json"))
        .unwrap_or_else(|err| panic!("{err}"));
    for m in [&t.lena, &t.sara, &t.ali] {
        let dir = member_dir(copy.path(), &m.id);
        fs::create_dir_all(&dir).unwrap_or_else(|err| panic!("{err}"));
        fs::copy(
            member_dir(t.path(), &m.id).join("profile.json"),
            dir.join("profile.json"),
        )
        .unwrap_or_else(|err| panic!("{err}"));
        // The story texts arrive with the rest; the events come in random order.
        let stories = member_dir(t.path(), &m.id).join("stories");
        if let Ok(files) = fs::read_dir(&stories) {
            fs::create_dir_all(dir.join("stories")).unwrap_or_else(|err| panic!("{err}"));
            for file in files.flatten() {
                fs::copy(file.path(), dir.join("stories").join(file.file_name()))
                    .unwrap_or_else(|err| panic!("{err}"));
            }
        }
    }
    copy
}

fn append(path: &Path, text: &str) {
    support::append_raw(path, text);
}

/// Delivers every line in a random order, in a few deliveries with a read
/// after each, over several files per member, now and then with a torn
/// last line completed by the next delivery.
fn deliver_in_random_order(seed: u64, lines: &[(String, String)], copy: &Path, reader: &Member) {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut order: Vec<&(String, String)> = lines.iter().collect();
    rng.shuffle(&mut order);
    let deliveries = 1 + rng.below(5);
    let mut cuts: Vec<usize> = (0..deliveries - 1)
        .map(|_| rng.below(order.len()))
        .collect();
    cuts.push(order.len());
    cuts.sort_unstable();
    let names = [
        "events-1.jsonl",
        "events-2.jsonl",
        "events-1 (1).jsonl",
        "events-1.sync-conflict-20261123-101500-ABCDEFG.jsonl",
    ];
    let mut torn: Option<(std::path::PathBuf, String)> = None;
    let mut start = 0;
    for cut in cuts {
        if let Some((path, rest)) = torn.take() {
            append(&path, &rest);
        }
        for (i, (member, line)) in order[start..cut].iter().enumerate() {
            let path = member_dir(copy, member).join(names[rng.below(names.len())]);
            let last = start + i + 1 == cut;
            if last && cut < order.len() && rng.below(3) == 0 {
                let half = line.len() / 2;
                let half = (0..=half)
                    .rev()
                    .find(|i| line.is_char_boundary(*i))
                    .unwrap_or(0);
                append(&path, &line[..half]);
                torn = Some((path, format!("{}\n", &line[half..])));
            } else {
                append(&path, &format!("{line}\n"));
            }
        }
        start = cut;
        read(reader);
    }
    while read(reader).more {}
}

#[test]
fn every_order_of_arrival_ends_in_the_same_state() {
    let t = a_week_of_a_team();
    let lines: Vec<(String, String)> = [&t.lena, &t.sara, &t.ali]
        .iter()
        .flat_map(|m| {
            event_lines(t.path(), &m.id)
                .into_iter()
                .map(|line| (m.id.clone(), line))
        })
        .collect();
    assert!(lines.len() > 20, "a full week: {} events", lines.len());

    // A reader who gets the files as they are, in order.
    let reference = member("Referens", Role::Staff);
    join(&reference, t.path());
    while read(&reference).more {}
    let expected = state(&reference);
    let expected_without_events = state_without_events(&reference);
    assert!(expected
        .iter()
        .any(|row| row.contains("|rejected|") || row.contains("|approved|")));
    assert!(
        expected.iter().any(|row| row.starts_with("8|")),
        "the weekly tallies are part of the state"
    );
    // The writers agree with it.
    for writer in [&t.lena, &t.sara, &t.ali] {
        assert_eq!(
            state_without_events(writer),
            expected_without_events,
            "a writer's own store"
        );
    }

    for seed in 1..=ORDERS {
        let copy = empty_copy(&t);
        let reader = member("Olle", Role::Staff);
        join(&reader, copy.path());
        deliver_in_random_order(seed, &lines, copy.path(), &reader);
        let got = state(&reader);
        if got != expected {
            let missing: Vec<_> = expected.iter().filter(|r| !got.contains(r)).collect();
            let extra: Vec<_> = got.iter().filter(|r| !expected.contains(r)).collect();
            let report = read(&reader);
            panic!(
                "order {seed} ended elsewhere:\nmissing {missing:#?}\nextra {extra:#?}\n{:#?}",
                report.skipped
            );
        }
    }
}

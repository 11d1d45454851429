//! The team's numbers come from the team: each member's app publishes a
//! signed weekly tally (counts only, private moments included), unless the
//! person switched it off; a lead's insights sum the latest tally of each
//! member and week. Tallies are hostile input like any event.

use crate::support::team as support;

use fanday_core::stats::WeekInsight;
use fanday_core::team::tally_insights::SourceKind;
use fanday_core::{Customer, Insights, Role, Situation};
use serde_json::{json, Value};
use support::{
    append_raw, codes, events_file, file_holds, forged_as, join_and_admit, keep_private, member,
    moment_input, read, share, signed_by, team_with_tallies, Member, Stranger,
};

fn insights(lead: &Member) -> Insights {
    read(lead);
    lead.app
        .lead_insights(4)
        .unwrap_or_else(|err| panic!("{err}"))
}

fn this_week(lead: &Member) -> WeekInsight {
    insights(lead)
        .weeks
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("a week"))
}

fn log(member: &Member, situation: Situation) -> String {
    member
        .app
        .add_moment(&moment_input("Ett fan", situation, false))
        .unwrap_or_else(|err| panic!("{err}"))
        .id
}

#[test]
fn a_leads_insights_sum_the_teams_tallies_with_private_moments_and_without_a_switched_off_member() {
    let t = team_with_tallies();
    let maja = member("Maja", Role::Staff);
    join_and_admit(&maja, t.path(), &t.lena);
    // Sara keeps both her moments to herself; Ali shares his.
    keep_private(&t.sara, "Lånade ut mitt paraply till en kund");
    keep_private(&t.sara, "Hjälpte en kollega med kassan");
    share(&t.ali, "Bar kartongen till bilen", Situation::SaidNo);
    // Maja switches her tallies off, then makes a fan.
    maja.app
        .set_tally_sharing(false)
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(!maja.app.tally_sharing().unwrap_or(true));
    log(&maja, Situation::Complaint);
    for m in [&t.sara, &t.ali, &maja] {
        read(m);
    }

    let seen = insights(&t.lena);
    assert_eq!(seen.source.kind, SourceKind::Tallies);
    // Lena, Sara and Ali publish; Maja is a member who does not.
    assert_eq!((seen.source.publishing, seen.source.members), (3, 4));
    let week = &seen.weeks[0];
    assert_eq!(
        (week.members, week.active_members, week.fans),
        (3, 2, 3),
        "{week:?}"
    );
    assert_eq!(week.participation, 66.7);
    assert!(week.numbers_shown);
    assert_eq!(week.situations.get(&Situation::JustBecause), Some(&2));
    assert_eq!(week.situations.get(&Situation::SaidNo), Some(&1));
    assert_eq!(week.situations.get(&Situation::Complaint), Some(&0));
    assert_eq!(week.customers.get(&Customer::Internal), Some(&2));
    assert_eq!(week.customers.get(&Customer::External), Some(&1));
    // Only counts left Sara's PC, never her texts.
    assert!(!file_holds(&events_file(t.path(), &t.sara.id), "paraply"));
    assert!(file_holds(
        &events_file(t.path(), &t.sara.id),
        "\"kind\":\"tally.week\""
    ));
    // Maja's stop says so to the team; her fan is not in any tally.
    assert!(file_holds(
        &events_file(t.path(), &maja.id),
        "\"kind\":\"tally.stopped\""
    ));

    // Ali switches off too: two members' tallies would show their own
    // numbers, so the week shows who took part and nothing else.
    t.ali
        .app
        .set_tally_sharing(false)
        .unwrap_or_else(|err| panic!("{err}"));
    let seen = insights(&t.lena);
    assert_eq!((seen.source.publishing, seen.source.members), (2, 4));
    let week = &seen.weeks[0];
    assert_eq!((week.members, week.active_members), (2, 1));
    assert_eq!(week.participation, 50.0);
    assert!(!week.numbers_shown);
    assert_eq!((week.fans, week.exceptions_used), (0, 0));
    assert!(week.situations.is_empty() && week.customers.is_empty());

    // Sara too: a single tally shows not even who took part.
    t.sara
        .app
        .set_tally_sharing(false)
        .unwrap_or_else(|err| panic!("{err}"));
    let week = this_week(&t.lena);
    assert_eq!((week.members, week.active_members), (1, 0));
    assert_eq!(week.participation, 0.0);
    assert!(!week.numbers_shown);
    t.sara
        .app
        .set_tally_sharing(true)
        .unwrap_or_else(|err| panic!("{err}"));

    // Maja switches back on: her tallies count again.
    maja.app
        .set_tally_sharing(true)
        .unwrap_or_else(|err| panic!("{err}"));
    let week = this_week(&t.lena);
    assert_eq!((week.members, week.active_members, week.fans), (3, 2, 3));
    assert_eq!(week.situations.get(&Situation::Complaint), Some(&1));
}

#[test]
fn without_a_team_insights_come_from_this_computer_only() {
    let lena = member("Lena", Role::Lead);
    log(&lena, Situation::SaidNo);
    let seen = lena
        .app
        .lead_insights(2)
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(seen.source.kind, SourceKind::ThisComputer);
    assert_eq!(seen.weeks[0].fans, 1);
    assert!(seen.recognition.is_none());
    let sara = member("Sara", Role::Staff);
    assert!(sara.app.lead_insights(2).is_err(), "for leads only");
}

#[test]
fn the_latest_tally_of_a_week_is_the_one_counted() {
    let t = team_with_tallies();
    let id = log(&t.sara, Situation::JustBecause);
    log(&t.ali, Situation::JustBecause);
    for m in [&t.sara, &t.ali] {
        read(m);
    }
    assert_eq!(this_week(&t.lena).fans, 2);
    // Sara deletes her fan: her next tally says zero, and it wins.
    t.sara
        .app
        .delete_moment(&id)
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.sara);
    let week = this_week(&t.lena);
    assert_eq!((week.members, week.active_members, week.fans), (3, 1, 1));
    // A tally is sent only when it changed: reading again sends nothing.
    let lines = support::event_lines(t.path(), &t.sara.id).len();
    read(&t.sara);
    read(&t.sara);
    assert_eq!(support::event_lines(t.path(), &t.sara.id).len(), lines);
}

fn tally(week: &str, fans: i64) -> Value {
    json!({"week": week, "fans": fans, "just_because": fans, "said_no": 0, "complaint": 0,
           "external": fans, "internal": 0, "exceptions_used": 0, "plans_followed": 0})
}

#[test]
fn hostile_tallies_are_refused_and_change_nothing() {
    let t = team_with_tallies();
    log(&t.ali, Situation::SaidNo);
    log(&t.sara, Situation::SaidNo);
    read(&t.ali);
    read(&t.sara);
    let before = this_week(&t.lena);
    assert_eq!((before.members, before.fans), (3, 2));

    let mut nonsense = tally("2026-W48", 3);
    nonsense["just_because"] = json!(1);
    let mut naming_sara = tally("2026-W48", 5);
    naming_sara["member"] = json!(t.sara.id);
    let attacks: [(Value, &str); 7] = [
        (tally("2026-W48", -1), "body_mismatch"),
        (tally("2026-W48", 4_000_000_000), "tally_invalid"),
        (nonsense, "tally_invalid"),
        (tally("2027-W10", 1), "tally_invalid"),
        (tally("2026-W60", 1), "tally_invalid"),
        (tally("2026-W8", 1), "tally_invalid"),
        (naming_sara, "body_mismatch"),
    ];
    // Spaced numbers: no attack joins or breaks another's chain.
    for (i, (body, _)) in attacks.iter().enumerate() {
        let line = signed_by(&t.ali, "tally.week", body.clone(), 100 + 2 * i as u64);
        append_raw(&events_file(t.path(), &t.ali.id), &format!("{line}\n"));
    }
    // Ali signs a tally as Sara, in her folder and in his.
    let as_sara = forged_as(&t.ali, &t.sara, "tally.week", tally("2026-W48", 9), 200, 1);
    append_raw(&events_file(t.path(), &t.sara.id), &format!("{as_sara}\n"));
    append_raw(&events_file(t.path(), &t.ali.id), &format!("{as_sara}\n"));
    // Someone with folder access who is no member publishes a tally.
    let mut stranger = Stranger::new(t.path(), &uuid::Uuid::now_v7().to_string());
    stranger.asks_to_join("Olle");
    stranger.writes("tally.week", tally("2026-W48", 7));

    let report = read(&t.lena);
    let found = codes(&report);
    for (_, code) in &attacks {
        assert!(found.contains(code), "{code} in {:?}", report.skipped);
    }
    for code in ["bad_signature", "other_members_folder", "not_admitted"] {
        assert!(found.contains(&code), "{code} in {:?}", report.skipped);
    }
    let after = this_week(&t.lena);
    assert_eq!(after, before, "no attack changed the team's numbers");
    let seen = insights(&t.lena);
    assert_eq!((seen.source.publishing, seen.source.members), (3, 3));
}

#[test]
fn tallies_an_earlier_fanday_refused_as_unknown_count_after_the_update() {
    let t = team_with_tallies();
    log(&t.sara, Situation::SaidNo);
    read(&t.sara);
    assert_eq!(this_week(&t.lena).active_members, 1);
    // As a Fanday before schema 10 stored them: refused, an unknown kind
    // (and, before schema 13, no note of what its tables were written for).
    let db = rusqlite::Connection::open(t.lena.app.database_path())
        .unwrap_or_else(|err| panic!("{err}"));
    db.execute_batch(
        "UPDATE team_events SET applied = 2, reason = 'unknown_kind'
          WHERE kind IN ('tally.week', 'tally.stopped');
         DELETE FROM team_tallies;
         UPDATE team SET projected = NULL, projected_at = NULL;",
    )
    .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(this_week(&t.lena).members, 0, "none counts");
    // What schema 10 does to them (migrations/010_tallies.sql).
    let migration = include_str!("../../../migrations/010_tallies.sql");
    let update = migration
        .split(';')
        .find(|statement| statement.contains("UPDATE team_events"))
        .unwrap_or_else(|| panic!("the migration sets them aside"));
    db.execute_batch(update)
        .unwrap_or_else(|err| panic!("{err}"));
    // The updated Fanday opens and reads the team, as it does at start.
    let lena = t.lena.opened_again_at(support::monday_morning());
    read(&lena);
    let week = this_week(&lena);
    assert_eq!((week.members, week.active_members), (3, 1));
}

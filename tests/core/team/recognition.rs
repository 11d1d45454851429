//! Recognition reaches everyone: a lead sees who had no applause, comment
//! or feature from a colleague in the last seven days (names only,
//! alphabetical), and the share of members recognised per ISO week.

use crate::support::team as support;

use chrono::{DateTime, FixedOffset, Utc};
use fanday_core::team::recognition::{coverage, Given, Member as Person};
use support::{read, share, story_key, team_with_tallies, Member};

fn unrecognised(lead: &Member) -> Vec<String> {
    read(lead);
    lead.app
        .lead_insights(4)
        .unwrap_or_else(|err| panic!("{err}"))
        .recognition
        .unwrap_or_else(|| panic!("in a team"))
        .unrecognised
}

#[test]
fn a_lead_sees_who_no_colleague_has_recognised_until_someone_does() {
    let t = team_with_tallies();
    let story = share(
        &t.sara,
        "Ringde upp en kund som väntat",
        fanday_core::Situation::Complaint,
    );
    for m in [&t.sara, &t.ali] {
        read(m);
    }
    // Ali shared nothing: he is listed too. Lena, who looks, is not.
    assert_eq!(unrecognised(&t.lena), ["Ali", "Sara"]);
    // Sara's own applause is not recognition.
    t.sara
        .app
        .applaud(&story_key(&t.sara, &story))
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(unrecognised(&t.lena), ["Ali", "Sara"]);
    // Ali's comment is.
    read(&t.ali);
    t.ali
        .app
        .comment(&story_key(&t.sara, &story), "Snyggt!")
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(unrecognised(&t.lena), ["Ali"]);
    let weeks = t
        .lena
        .app
        .lead_insights(4)
        .unwrap_or_else(|err| panic!("{err}"))
        .recognition
        .unwrap_or_else(|| panic!("in a team"))
        .weeks;
    assert_eq!(
        (weeks[0].iso_week, weeks[0].members, weeks[0].recognised),
        (48, 3, 1)
    );
    assert_eq!(weeks[0].share, 33.3);
    assert_eq!(weeks.len(), 4);
    // A removed member is no longer listed.
    t.lena
        .app
        .remove_member(&t.ali.id)
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(unrecognised(&t.lena).is_empty());
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap_or_else(|err| panic!("{err}"))
}

#[test]
fn recognition_is_counted_per_iso_week_and_the_list_looks_back_seven_days() {
    let person = |id: &str, name: &str| Person {
        id: id.into(),
        name: name.into(),
    };
    let members = [
        person("l", "Lena"),
        person("s", "sara"),
        person("a", "Ali"),
        person("o", "Örjan"),
    ];
    let given = |author: &str, when: &str| Given {
        author: author.into(),
        at: at(when),
    };
    let recognitions = [
        // Sunday night in UTC, Monday in Stockholm: the local week 49.
        given("s", "2026-11-29T23:30:00Z"),
        given("a", "2026-11-24T09:00:00Z"),
        given("a", "2026-11-25T09:00:00Z"),
        // Eight days before now: week 48, but not in the last seven days.
        given("o", "2026-11-23T08:00:00Z"),
        // Someone no longer in the team counts nowhere.
        given("x", "2026-12-01T08:00:00Z"),
        given("l", "2026-11-17T08:00:00Z"),
    ];
    let now: DateTime<FixedOffset> = "2026-12-01T10:00:00+01:00"
        .parse()
        .unwrap_or_else(|err| panic!("{err}"));
    let seen = coverage(&members, "l", &recognitions, now, 3);
    // Lena looks: not listed. Örjan's was eight days ago.
    assert_eq!(seen.unrecognised, ["Örjan"]);
    let shares: Vec<(u32, u32, u32, f64)> = seen
        .weeks
        .iter()
        .map(|w| (w.iso_week, w.members, w.recognised, w.share))
        .collect();
    // Week 49 (now): Sara's, given just after midnight in Stockholm.
    assert_eq!(
        shares,
        [(49, 4, 1, 25.0), (48, 4, 2, 50.0), (47, 4, 1, 25.0)]
    );
}

//! The weekly digest's words: the person's fans of last week, and what was
//! shared: the team's stories in a team, their own shared moments alone.

use crate::support::team::{keep_private, read, share, team, Member};
use crate::support::{at, day, moment, open_at, with_profile};
use fanday_core::{Fanday, FixedClock, MomentInput, ReminderSettings, Role, Situation};
use std::sync::Arc;

/// The first working day after the week of 23 November, at the reminder time.
const NEXT_MONDAY_TEN: &str = "2026-11-30T10:00:00+01:00";

fn digest_on(app: &Fanday) {
    app.save_reminder_settings(ReminderSettings {
        weekly_digest: true,
        ..ReminderSettings::default()
    })
    .unwrap_or_else(|err| panic!("{err}"));
}

fn digest_body(app: &Fanday) -> String {
    let (monday, text) = app
        .digest_due()
        .unwrap_or_else(|err| panic!("{err}"))
        .unwrap_or_else(|| panic!("the digest is due on Monday at ten"));
    assert_eq!(monday, day("2026-11-23"));
    text.body
}

#[test]
fn alone_the_digest_counts_my_fans_and_what_i_shared() {
    let sara = open_at(at("2026-11-23T09:30:00+01:00"));
    with_profile(&sara.fanday, Role::Staff);
    digest_on(&sara.fanday);
    for (text, shared) in [("Ett", true), ("Två", true), ("Tre", false)] {
        sara.fanday
            .add_moment(&MomentInput {
                shared,
                ..moment(text, Situation::JustBecause)
            })
            .unwrap_or_else(|err| panic!("{err}"));
    }
    sara.clock.set(at(NEXT_MONDAY_TEN));
    assert_eq!(
        digest_body(&sara.fanday),
        "Förra veckan gjorde du 3 fans och delade 2."
    );
}

#[test]
fn in_a_team_the_digest_counts_the_stories_the_whole_team_shared() {
    let t = team();
    share(&t.lena, "Lena hjälpte till", Situation::JustBecause);
    share(&t.ali, "Ali sa nej, vänligt", Situation::SaidNo);
    share(&t.sara, "Sara vände ett klagomål", Situation::Complaint);
    keep_private(&t.sara, "Bara för mig");
    read(&t.lena);
    read(&t.ali);
    read(&t.sara);

    // Sara's Fanday on the Monday after, with the digest on.
    let Member { dir, app, .. } = t.sara;
    drop(app);
    let clock = Arc::new(FixedClock::new(at(NEXT_MONDAY_TEN)));
    let sara = Fanday::open(dir.path(), clock).unwrap_or_else(|err| panic!("{err}"));
    digest_on(&sara);
    assert_eq!(
        digest_body(&sara),
        "Förra veckan gjorde du 2 fans; teamet delade 3 berättelser."
    );
}

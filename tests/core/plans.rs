//! If-then plans: one per situation, written by the person (an example
//! left untouched is refused), followed by moments, counted in Progress,
//! and taking turns in the daily reminder.

use fanday_core::if_then::words;
use fanday_core::reminder;
use fanday_core::{CoreError, Language, PlanInput, Role, Situation, ValidationError};

use crate::support::{day, moment, open_at, stockholm, with_profile};

fn plan(situation: Situation, action: &str) -> PlanInput {
    PlanInput {
        situation,
        action: action.to_string(),
    }
}

fn refusal(result: Result<impl std::fmt::Debug, CoreError>) -> &'static str {
    match result {
        Err(CoreError::Invalid(err)) => err.code(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn there_is_at_most_one_plan_per_situation_and_writing_again_edits_it() {
    let setup = open_at(stockholm(2026, 11, 23, 9, 0));
    with_profile(&setup.fanday, Role::Staff);
    let app = &setup.fanday;
    let first = app
        .save_plan(&plan(Situation::SaidNo, "erbjuda en tid samma vecka"))
        .unwrap_or_else(|err| panic!("{err}"));
    app.save_plan(&plan(Situation::Complaint, "lyssna klart innan jag svarar"))
        .unwrap_or_else(|err| panic!("{err}"));
    let edited = app
        .save_plan(&plan(Situation::SaidNo, "  erbjuda en tid samma dag  "))
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(edited.id, first.id, "an edit keeps the plan");
    let plans = app.plans().unwrap_or_else(|err| panic!("{err}"));
    let listed: Vec<(Situation, String)> = plans
        .plans
        .iter()
        .map(|p| (p.situation, p.action.clone()))
        .collect();
    assert_eq!(
        listed,
        vec![
            (Situation::SaidNo, "erbjuda en tid samma dag".to_string()),
            (
                Situation::Complaint,
                "lyssna klart innan jag svarar".to_string()
            ),
        ]
    );
    // The words come in the person's language (Swedish here), three of them.
    assert_eq!(plans.words.len(), 3);
    assert_eq!(plans.words[1].when, "När jag måste säga nej");
    assert_eq!(plans.words[1].then, "så ska jag");
}

#[test]
fn an_example_saved_untouched_or_an_empty_plan_is_refused_and_nothing_is_saved() {
    let setup = open_at(stockholm(2026, 11, 23, 9, 0));
    with_profile(&setup.fanday, Role::Staff);
    let app = &setup.fanday;
    let example = words(Language::Sv, Situation::Complaint).example;
    assert_eq!(
        refusal(app.save_plan(&plan(Situation::Complaint, example))),
        "plan_untouched"
    );
    let english = words(Language::En, Situation::JustBecause).example;
    assert_eq!(
        refusal(app.save_plan(&plan(Situation::JustBecause, english))),
        "plan_untouched"
    );
    assert_eq!(
        refusal(app.save_plan(&plan(Situation::SaidNo, " \n "))),
        "plan_empty"
    );
    let plans = app.plans().unwrap_or_else(|err| panic!("{err}"));
    assert!(plans.plans.is_empty());
}

#[test]
fn a_moment_names_the_plan_it_followed_and_progress_counts_each_plan() {
    let setup = open_at(stockholm(2026, 11, 23, 9, 0));
    with_profile(&setup.fanday, Role::Staff);
    let app = &setup.fanday;
    let said_no = app
        .save_plan(&plan(Situation::SaidNo, "erbjuda något annat direkt"))
        .unwrap_or_else(|err| panic!("{err}"));
    let complaint = app
        .save_plan(&plan(Situation::Complaint, "tacka och lösa en sak"))
        .unwrap_or_else(|err| panic!("{err}"));
    let mut followed = moment("Kunde inte boka om, gav en ny tid", Situation::SaidNo);
    followed.plan_id = Some(said_no.id.clone());
    let logged = app
        .add_moment(&followed)
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(logged.plan_id, Some(said_no.id.clone()));
    app.add_moment(&followed)
        .unwrap_or_else(|err| panic!("{err}"));
    // Another situation's plan cannot be named, and nothing is saved.
    let mut wrong = moment("Fel plan", Situation::JustBecause);
    wrong.plan_id = Some(complaint.id.clone());
    assert_eq!(
        refusal(app.add_moment(&wrong)),
        ValidationError::PlanNotForSituation.code()
    );
    // A deleted moment no longer counts.
    let third = app
        .add_moment(&followed)
        .unwrap_or_else(|err| panic!("{err}"));
    app.delete_moment(&third.id)
        .unwrap_or_else(|err| panic!("{err}"));
    let used: Vec<(Situation, u32)> = app
        .plans()
        .unwrap_or_else(|err| panic!("{err}"))
        .plans
        .iter()
        .map(|p| (p.situation, p.used))
        .collect();
    assert_eq!(
        used,
        vec![(Situation::SaidNo, 2), (Situation::Complaint, 0)]
    );
    // Removing a plan keeps the moments, without a plan.
    app.delete_plan(Situation::SaidNo)
        .unwrap_or_else(|err| panic!("{err}"));
    let kept = app.moment(&logged.id).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(kept.text, "Kunde inte boka om, gav en ny tid");
    assert_eq!(kept.plan_id, None);
}

#[test]
fn the_reminder_takes_the_plans_in_turn_one_a_day() {
    let setup = open_at(stockholm(2026, 11, 23, 9, 0));
    with_profile(&setup.fanday, Role::Staff);
    let app = &setup.fanday;
    app.save_plan(&plan(Situation::Complaint, "lyssna klart först"))
        .unwrap_or_else(|err| panic!("{err}"));
    app.save_plan(&plan(Situation::SaidNo, "ge ett annat förslag"))
        .unwrap_or_else(|err| panic!("{err}"));
    let plans = app.plans().unwrap_or_else(|err| panic!("{err}")).plans;
    let bodies: Vec<String> = ["2026-11-23", "2026-11-24", "2026-11-25"]
        .iter()
        .map(|d| reminder::notification_text(Language::Sv, day(d), &plans, None).body)
        .collect();
    assert_ne!(bodies[0], bodies[1]);
    assert_eq!(bodies[0], bodies[2]);
    assert!(bodies.contains(&"Idag: när en kund klagar, så ska jag lyssna klart först".to_string()));
    assert!(bodies
        .contains(&"Idag: när jag måste säga nej, så ska jag ge ett annat förslag".to_string()));
    // The title follows the plan's situation.
    let monday = reminder::notification_text(Language::Sv, day("2026-11-23"), &plans, None);
    let expected_title = if monday.body.contains("klagar") {
        "Vänd ett klagomål idag"
    } else {
        "Ett nej kan också ge ett fan"
    };
    assert_eq!(monday.title, expected_title);
    // Through the app, today's reminder names one of the plans.
    let text = app
        .notification_text()
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(text.body.starts_with("Idag: när"), "{}", text.body);
    let english = reminder::notification_text(Language::En, day("2026-11-23"), &plans, None);
    assert!(english.body.starts_with("Today: when"), "{}", english.body);
}

#[test]
fn the_mirror_keeps_whether_a_plan_worked() {
    use fanday_core::reflection::{PlanWorked, ReflectionInput};
    let setup = open_at(stockholm(2026, 11, 30, 9, 0));
    with_profile(&setup.fanday, Role::Staff);
    let saved = setup
        .fanday
        .save_reflection(&ReflectionInput {
            iso_year: 2026,
            iso_week: 48,
            plan_worked: Some(PlanWorked::Partly),
            ..ReflectionInput::default()
        })
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(saved.plan_worked, Some(PlanWorked::Partly));
}

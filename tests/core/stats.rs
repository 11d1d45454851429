//! Keeping the habit: streak and habit strength over working days and
//! pauses, ISO weeks at the year's edges, and the fan club chart's data.

use chrono::{Duration, NaiveDate};
use fanday_core::reminder::Pause;
use fanday_core::stats::{
    fans_per_week, first_working_day, habit_strength, progress, streak, History, Streak,
    CHART_WEEKS,
};
use fanday_core::ReminderSettings;

use crate::support::day;

fn every_day() -> ReminderSettings {
    ReminderSettings {
        weekdays: vec![1, 2, 3, 4, 5, 6, 7],
        ..ReminderSettings::default()
    }
}

fn fans_on(days: impl IntoIterator<Item = NaiveDate>) -> History {
    let mut history = History::default();
    for d in days {
        *history.fans_by_day.entry(d).or_default() += 1;
    }
    history
}

fn run_of(first: &str, count: i64) -> Vec<NaiveDate> {
    (0..count).map(|i| day(first) + Duration::days(i)).collect()
}

fn percent(strength: f64) -> f64 {
    (strength * 1000.0).round() / 10.0
}

#[test]
fn thirteen_fans_in_a_row_from_zero_make_a_habit_of_fifty_percent() {
    let days = run_of("2026-01-01", 13);
    let today = days[12];
    assert_eq!(
        percent(habit_strength(&fans_on(days), &every_day(), today)),
        50.0
    );
}

#[test]
fn thirty_in_a_row_make_about_eighty_percent() {
    let days = run_of("2026-01-01", 30);
    let today = days[29];
    let strength = habit_strength(&fans_on(days), &every_day(), today);
    assert!((strength - 0.798).abs() < 0.001, "{strength}");
}

#[test]
fn one_miss_after_a_long_run_costs_about_five_percent_and_never_drops_to_zero() {
    let days = run_of("2025-01-01", 400);
    let last = days[399];
    let before = habit_strength(&fans_on(days.clone()), &every_day(), last);
    let after = habit_strength(&fans_on(days), &every_day(), last + Duration::days(2));
    let cost = (before - after) * 100.0;
    assert!((cost - 5.2).abs() < 0.1, "one miss cost {cost:.2} points");
    assert!(after > 0.9);
}

#[test]
fn today_without_a_fan_yet_neither_breaks_nor_lowers_anything() {
    let days = run_of("2026-11-16", 7);
    let history = fans_on(days);
    let settings = every_day();
    let sunday = day("2026-11-22");
    let monday = day("2026-11-23");
    assert_eq!(
        streak(&history, &settings, monday),
        streak(&history, &settings, sunday)
    );
    assert_eq!(
        habit_strength(&history, &settings, monday),
        habit_strength(&history, &settings, sunday)
    );
    // The day after, Monday was missed.
    assert_eq!(
        streak(&history, &settings, day("2026-11-24")),
        Streak {
            current: 0,
            best: 7
        }
    );
}

#[test]
fn weekends_and_pauses_neither_break_nor_extend_the_streak() {
    // Monday to Friday for two weeks, nothing at the weekend in between.
    let mut days = run_of("2026-11-02", 5);
    days.extend(run_of("2026-11-09", 5));
    let settings = ReminderSettings::default();
    assert_eq!(
        streak(&fans_on(days.clone()), &settings, day("2026-11-13")),
        Streak {
            current: 10,
            best: 10
        }
    );
    // A fan on a Saturday shift is a day done: it extends the streak.
    let mut with_saturday = days.clone();
    with_saturday.push(day("2026-11-07"));
    assert_eq!(
        streak(&fans_on(with_saturday), &settings, day("2026-11-13")).current,
        11
    );
    // A week of holiday in between: paused, so the streak carries on.
    let mut holiday_run = run_of("2026-11-02", 5);
    holiday_run.extend(run_of("2026-11-16", 5));
    let paused = ReminderSettings {
        pauses: vec![Pause {
            first_day: day("2026-11-09"),
            last_day: day("2026-11-13"),
        }],
        ..ReminderSettings::default()
    };
    let history = fans_on(holiday_run);
    assert_eq!(streak(&history, &paused, day("2026-11-20")).current, 10);
    assert_eq!(
        streak(&history, &settings, day("2026-11-20")),
        Streak {
            current: 5,
            best: 5
        },
        "without the pause the holiday breaks it"
    );
    // Strength over paused days is carried unchanged.
    let before_holiday = habit_strength(&history, &paused, day("2026-11-06"));
    let after_holiday = habit_strength(&history, &paused, day("2026-11-15"));
    assert_eq!(before_holiday, after_holiday);
}

#[test]
fn a_daylight_saving_week_counts_its_seven_days_like_any_other() {
    // 2026-10-25 is the autumn daylight-saving day in Stockholm.
    let days = run_of("2026-10-19", 7);
    let today = day("2026-10-25");
    let history = fans_on(days);
    assert_eq!(streak(&history, &every_day(), today).current, 7);
    let weeks = fans_per_week(&history, today, 1);
    assert_eq!(weeks[0].fans, 7);
    assert_eq!(weeks[0].iso_week, 43);
}

#[test]
fn iso_weeks_at_the_years_edge_week_53_and_week_1() {
    // 2026 has 53 ISO weeks: Monday 28 December 2026 to Sunday 3 January 2027.
    let history = fans_on([day("2026-12-28"), day("2027-01-03"), day("2027-01-04")]);
    let weeks = fans_per_week(&history, day("2027-01-05"), 2);
    assert_eq!(
        (weeks[0].iso_year, weeks[0].iso_week, weeks[0].fans),
        (2026, 53, 2)
    );
    assert_eq!(
        (weeks[1].iso_year, weeks[1].iso_week, weeks[1].fans),
        (2027, 1, 1)
    );
    assert_eq!(weeks[0].monday, day("2026-12-28"));
    // 2025-12-29 begins week 1 of 2026.
    let edge = fans_per_week(&fans_on([day("2025-12-31")]), day("2025-12-31"), 1);
    assert_eq!((edge[0].iso_year, edge[0].iso_week), (2026, 1));
}

#[test]
fn the_chart_covers_26_weeks_for_an_empty_a_one_day_and_a_two_year_history() {
    let today = day("2026-11-23");
    let empty = fans_per_week(&History::default(), today, CHART_WEEKS);
    assert_eq!(empty.len(), 26);
    assert!(empty.iter().all(|week| week.fans == 0));
    assert_eq!(empty[25].monday, day("2026-11-23"));
    assert_eq!(empty[0].monday, day("2026-06-01"));

    let one = fans_on([today]);
    let weeks = fans_per_week(&one, today, CHART_WEEKS);
    assert_eq!(weeks.iter().map(|w| w.fans).sum::<u32>(), 1);
    assert_eq!(weeks[25].fans, 1);

    let two_years = fans_on(run_of("2024-11-25", 729));
    let weeks = fans_per_week(&two_years, today, CHART_WEEKS);
    assert_eq!(weeks.len(), 26);
    assert!(weeks[..25].iter().all(|w| w.fans == 7));
    assert_eq!(weeks[25].fans, 1, "only Monday of this week so far");
    let all = progress(&two_years, &every_day(), today);
    assert_eq!(all.total, 729);
    assert_eq!(all.this_week, 1);
    assert_eq!(all.best_week, 7);
    assert_eq!(all.streak.current, 729);
    assert!(all.earlier_weeks_average.is_some_and(|avg| avg > 6.9));
}

#[test]
fn an_empty_history_is_all_zero() {
    let today = day("2026-11-23");
    let nothing = progress(&History::default(), &ReminderSettings::default(), today);
    assert_eq!(nothing.total, 0);
    assert_eq!(nothing.streak, Streak::default());
    assert_eq!(nothing.habit_strength, 0.0);
    assert_eq!(nothing.earlier_weeks_average, None);
}

#[test]
fn the_weekly_mirror_is_due_on_the_first_working_day_of_the_week() {
    let settings = ReminderSettings::default();
    assert_eq!(
        first_working_day(&settings, day("2026-11-26")),
        Some(day("2026-11-23"))
    );
    let paused_monday = ReminderSettings {
        pauses: vec![Pause {
            first_day: day("2026-11-23"),
            last_day: day("2026-11-23"),
        }],
        ..ReminderSettings::default()
    };
    assert_eq!(
        first_working_day(&paused_monday, day("2026-11-26")),
        Some(day("2026-11-24"))
    );
    let weekends = ReminderSettings {
        weekdays: vec![6, 7],
        ..ReminderSettings::default()
    };
    assert_eq!(
        first_working_day(&weekends, day("2026-11-23")),
        Some(day("2026-11-28"))
    );
}

// ---------- through the store: the weekly mirror and the progress ----------

mod through_the_store {
    use chrono::{DateTime, FixedOffset};
    use fanday_core::reflection::ReflectionInput;
    use fanday_core::{Fanday, FixedClock, Language, ProfileInput, Role};
    use std::sync::Arc;

    fn open_at(at: &str) -> (tempfile::TempDir, Fanday) {
        let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
        let now: DateTime<FixedOffset> =
            DateTime::parse_from_rfc3339(at).unwrap_or_else(|err| panic!("{err}"));
        let app = Fanday::open(dir.path(), Arc::new(FixedClock::new(now)))
            .unwrap_or_else(|err| panic!("{err}"));
        app.save_profile(&ProfileInput {
            display_name: "Sara".into(),
            role: Role::Staff,
            language: Language::Sv,
        })
        .unwrap_or_else(|err| panic!("{err}"));
        (dir, app)
    }

    fn week(iso_year: i32, iso_week: u32, went_well: &str) -> ReflectionInput {
        ReflectionInput {
            iso_year,
            iso_week,
            went_well: went_well.into(),
            held_back: "Stressiga morgnar".into(),
            intention: "Hälsa på alla i kön".into(),
            plan_worked: None,
        }
    }

    #[test]
    fn one_reflection_per_week_editable_and_listed_newest_first() {
        let (_dir, app) = open_at("2027-01-05T09:00:00+01:00");
        app.save_reflection(&week(2026, 53, "Tre fans på en dag"))
            .unwrap_or_else(|err| panic!("{err}"));
        app.save_reflection(&week(2026, 52, "Lugn vecka"))
            .unwrap_or_else(|err| panic!("{err}"));
        let edited = app
            .save_reflection(&week(2026, 53, "  Fyra fans på en dag  "))
            .unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(edited.went_well, "Fyra fans på en dag");
        assert_eq!(edited.monday.to_string(), "2026-12-28");
        app.save_reflection(&week(2027, 1, "Nytt år"))
            .unwrap_or_else(|err| panic!("{err}"));
        let listed: Vec<(i32, u32)> = app
            .reflections()
            .unwrap_or_else(|err| panic!("{err}"))
            .iter()
            .map(|r| (r.iso_year, r.iso_week))
            .collect();
        assert_eq!(listed, vec![(2027, 1), (2026, 53), (2026, 52)]);
    }

    #[test]
    fn the_mirror_is_offered_on_the_first_working_day_until_last_week_is_reflected_on() {
        let (_dir, app) = open_at("2026-11-23T09:00:00+01:00");
        let due = || {
            app.today_status()
                .unwrap_or_else(|err| panic!("{err}"))
                .mirror_due
        };
        assert!(due(), "Monday, nothing written for week 47");
        app.save_reflection(&week(2026, 47, "Bra vecka"))
            .unwrap_or_else(|err| panic!("{err}"));
        assert!(!due());
        let (_dir2, tuesday) = open_at("2026-11-24T09:00:00+01:00");
        assert!(
            !tuesday
                .today_status()
                .unwrap_or_else(|err| panic!("{err}"))
                .mirror_due
        );
    }

    #[test]
    fn a_reflection_needs_a_real_begun_week_and_some_words() {
        let (_dir, app) = open_at("2026-11-23T09:00:00+01:00");
        let refused = |input: ReflectionInput| {
            app.save_reflection(&input)
                .expect_err("refused")
                .code()
                .to_string()
        };
        assert_eq!(refused(week(2026, 49, "Framtiden")), "no_such_week");
        assert_eq!(refused(week(2025, 53, "Finns inte")), "no_such_week");
        assert_eq!(
            refused(ReflectionInput {
                iso_year: 2026,
                iso_week: 48,
                ..ReflectionInput::default()
            }),
            "reflection_empty"
        );
        assert_eq!(
            refused(week(2026, 48, &"x".repeat(2001))),
            "answer_too_long"
        );
        assert!(app
            .reflections()
            .unwrap_or_else(|err| panic!("{err}"))
            .is_empty());
    }

    #[test]
    fn the_progress_counts_the_demo_data_as_it_is_in_the_store() {
        let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
        let now = DateTime::parse_from_rfc3339("2026-11-23T15:00:00+01:00")
            .unwrap_or_else(|err| panic!("{err}"));
        let app = Fanday::open(dir.path(), Arc::new(FixedClock::new(now)))
            .unwrap_or_else(|err| panic!("{err}"));
        app.fill_demo().unwrap_or_else(|err| panic!("{err}"));
        let progress = app.progress().unwrap_or_else(|err| panic!("{err}"));
        let count = app.count_moments().unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(progress.total, count);
        assert_eq!(progress.weeks.iter().map(|w| w.fans).sum::<u32>(), count);
        assert_eq!(progress.situations.values().sum::<u32>(), count);
        assert_eq!(progress.customers.values().sum::<u32>(), count);
        assert!(progress.habit_strength > 0.0 && progress.habit_strength <= 100.0);
    }
}

#[test]
fn insights_show_participation_and_mix_week_by_week_without_ranking_anyone() {
    use chrono::DateTime;
    use fanday_core::{
        Customer, Fanday, FixedClock, Language, MomentInput, ProfileInput, Role, Situation,
    };
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let now = DateTime::parse_from_rfc3339("2026-11-25T12:00:00+01:00")
        .unwrap_or_else(|err| panic!("{err}"));
    let app = Fanday::open(dir.path(), Arc::new(FixedClock::new(now)))
        .unwrap_or_else(|err| panic!("{err}"));
    app.save_profile(&ProfileInput {
        display_name: "Lena".into(),
        role: Role::Lead,
        language: Language::En,
    })
    .unwrap_or_else(|err| panic!("{err}"));
    for (date, situation, customer) in [
        ("2026-11-23", Situation::SaidNo, Customer::External),
        ("2026-11-24", Situation::Complaint, Customer::Internal),
        ("2026-11-18", Situation::JustBecause, Customer::External),
    ] {
        app.add_moment(&MomentInput {
            date: Some(day(date)),
            customer,
            ..crate::support::moment("Hjälpte till", situation)
        })
        .unwrap_or_else(|err| panic!("{err}"));
    }
    let weeks = app.insights(3).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(weeks.len(), 3);
    let this = &weeks[0];
    assert_eq!((this.iso_week, this.fans, this.members), (48, 2, 1));
    assert_eq!(this.participation, 100.0);
    assert_eq!(this.fans_per_member, 2.0);
    assert_eq!(this.customers.get(&Customer::Internal), Some(&1));
    assert_eq!((weeks[1].iso_week, weeks[1].fans), (47, 1));
    assert_eq!((weeks[2].fans, weeks[2].participation), (0, 0.0));
}

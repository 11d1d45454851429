//! Never miss twice, and a fan never worth zero: one missed working day is
//! said kindly, two in a row start the count again, and a fan on a day off
//! is a day done. Across weekends, pauses and daylight-saving days.

use fanday_core::misses::{missed_before, never_missed_twice, Missed};
use fanday_core::reminder::Pause;
use fanday_core::stats::{habit_strength, progress, streak, History};
use fanday_core::{reminder, Language, ReminderSettings, Role, Situation};

use crate::support::{day, moment, open_at, stockholm, with_profile};

fn fans_on(days: &[&str]) -> History {
    let mut history = History::default();
    for d in days {
        *history.fans_by_day.entry(day(d)).or_default() += 1;
    }
    history
}

fn weekdays() -> ReminderSettings {
    ReminderSettings::default()
}

#[test]
fn one_missed_day_is_said_kindly_the_next_day_and_gone_once_the_fan_is_made() {
    // Monday and Tuesday made, Wednesday missed; it is Thursday.
    let history = fans_on(&["2026-11-23", "2026-11-24"]);
    assert_eq!(
        missed_before(&history, &weekdays(), day("2026-11-26")),
        Some(Missed {
            last_expected: day("2026-11-25"),
            yesterday: true,
            in_a_row: 1
        })
    );
    // Wednesday made: nothing was missed.
    let history = fans_on(&["2026-11-23", "2026-11-24", "2026-11-25"]);
    assert_eq!(
        missed_before(&history, &weekdays(), day("2026-11-26")),
        None
    );
}

#[test]
fn a_weekend_is_no_miss_and_a_missed_friday_is_named_on_monday_as_the_last_working_day() {
    // Friday made, the weekend off: Monday has nothing to say.
    let history = fans_on(&["2026-11-19", "2026-11-20"]);
    assert_eq!(
        missed_before(&history, &weekdays(), day("2026-11-23")),
        None
    );
    // Friday missed: on Monday, "your last working day", not "yesterday".
    let history = fans_on(&["2026-11-19"]);
    assert_eq!(
        missed_before(&history, &weekdays(), day("2026-11-23")),
        Some(Missed {
            last_expected: day("2026-11-20"),
            yesterday: false,
            in_a_row: 1
        })
    );
}

#[test]
fn a_pause_is_no_miss() {
    let holiday = ReminderSettings {
        pauses: vec![Pause {
            first_day: day("2026-11-16"),
            last_day: day("2026-11-20"),
        }],
        ..weekdays()
    };
    let history = fans_on(&["2026-11-13"]);
    assert_eq!(missed_before(&history, &holiday, day("2026-11-23")), None);
    assert_eq!(never_missed_twice(&history, &holiday, day("2026-11-23")), 1);
    // Without the pause, the week away is five misses in a row.
    assert_eq!(
        missed_before(&history, &weekdays(), day("2026-11-23")).map(|m| m.in_a_row),
        Some(5)
    );
}

#[test]
fn someone_who_never_made_a_fan_has_missed_nothing() {
    assert_eq!(
        missed_before(&History::default(), &weekdays(), day("2026-11-26")),
        None
    );
    assert_eq!(
        never_missed_twice(&History::default(), &weekdays(), day("2026-11-26")),
        0
    );
}

#[test]
fn never_missed_twice_counts_working_days_and_starts_again_only_after_two_misses_in_a_row() {
    // Mon-Fri 16-20 Nov: made, made, missed, made, made.
    let history = fans_on(&["2026-11-16", "2026-11-17", "2026-11-19", "2026-11-20"]);
    let friday = day("2026-11-20");
    assert_eq!(never_missed_twice(&history, &weekdays(), friday), 5);
    assert_eq!(streak(&history, &weekdays(), friday).current, 2);
    // Then Friday 20 and Monday 23 missed (a weekend between is still in a
    // row), Tuesday 24 made: the count starts again from the double miss.
    let history = fans_on(&[
        "2026-11-16",
        "2026-11-17",
        "2026-11-18",
        "2026-11-19",
        "2026-11-24",
    ]);
    assert_eq!(
        never_missed_twice(&history, &weekdays(), day("2026-11-24")),
        1
    );
    assert_eq!(
        missed_before(&history, &weekdays(), day("2026-11-25")),
        None,
        "the day after a made fan"
    );
    // On Tuesday before the fan: two in a row.
    let before = fans_on(&["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19"]);
    assert_eq!(
        missed_before(&before, &weekdays(), day("2026-11-24")).map(|m| m.in_a_row),
        Some(2)
    );
    assert_eq!(
        never_missed_twice(&before, &weekdays(), day("2026-11-24")),
        0
    );
}

#[test]
fn a_fan_on_a_day_off_is_a_day_done_and_never_worth_zero() {
    // Saturday 28 Nov with the default Monday to Friday, a first fan.
    let history = fans_on(&["2026-11-28"]);
    let saturday = day("2026-11-28");
    let shown = progress(&history, &weekdays(), saturday);
    assert_eq!(shown.streak.current, 1);
    assert!(shown.habit_strength > 0.0, "{}", shown.habit_strength);
    assert_eq!(shown.never_missed_twice, 1);
    // A day off without a fan neither breaks nor extends.
    let history = fans_on(&["2026-11-27", "2026-11-30"]);
    assert_eq!(streak(&history, &weekdays(), day("2026-11-30")).current, 2);
    let with_sunday = fans_on(&["2026-11-27", "2026-11-29", "2026-11-30"]);
    assert_eq!(
        streak(&with_sunday, &weekdays(), day("2026-11-30")).current,
        3
    );
    assert!(
        habit_strength(&with_sunday, &weekdays(), day("2026-11-30"))
            > habit_strength(&history, &weekdays(), day("2026-11-30"))
    );
}

#[test]
fn a_daylight_saving_night_does_not_make_a_miss_out_of_a_late_fan() {
    // Spring forward: Sunday 29 March 2026 in Stockholm. With every day a
    // working day, a fan logged at 03:30 on Monday 30 (before the day starts
    // at 04:00) counts for Sunday, so Monday's Today has nothing missed.
    let setup = open_at(stockholm(2026, 3, 28, 12, 0));
    with_profile(&setup.fanday, Role::Staff);
    let every_day = ReminderSettings {
        weekdays: vec![1, 2, 3, 4, 5, 6, 7],
        ..ReminderSettings::default()
    };
    setup
        .fanday
        .save_reminder_settings(every_day)
        .unwrap_or_else(|err| panic!("{err}"));
    let add = |text: &str| {
        setup
            .fanday
            .add_moment(&moment(text, Situation::JustBecause))
            .unwrap_or_else(|err| panic!("{err}"))
    };
    add("Lördag");
    setup.clock.set(stockholm(2026, 3, 30, 3, 30));
    let sunday = add("Sent på söndagen");
    assert_eq!(sunday.date, day("2026-03-29"));
    setup.clock.set(stockholm(2026, 3, 30, 9, 0));
    let today = setup
        .fanday
        .today_status()
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(today.missed, None);
    // Autumn back: Sunday 25 October 2026 missed; Monday says so once.
    setup.clock.set(stockholm(2026, 10, 24, 12, 0));
    add("Lördag i oktober");
    setup.clock.set(stockholm(2026, 10, 26, 9, 0));
    let monday = setup
        .fanday
        .today_status()
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        monday.missed,
        Some(Missed {
            last_expected: day("2026-10-25"),
            yesterday: true,
            in_a_row: 1
        })
    );
    let text = setup
        .fanday
        .notification_text()
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        text.title,
        "Igår blev det inget, det gör inget. Idag räknas."
    );
    assert!(!text.title.contains("streak") && !text.body.contains("svit"));
}

#[test]
fn the_reminder_after_a_miss_is_kind_in_both_languages_and_never_about_a_lost_streak() {
    let one = Missed {
        last_expected: day("2026-11-25"),
        yesterday: true,
        in_a_row: 1,
    };
    let friday = Missed {
        yesterday: false,
        ..one
    };
    let several = Missed { in_a_row: 3, ..one };
    let said = |language, missed: &Missed| {
        reminder::notification_text(language, day("2026-11-26"), &[], Some(missed)).title
    };
    assert_eq!(
        said(Language::Sv, &one),
        "Igår blev det inget, det gör inget. Idag räknas."
    );
    assert!(said(Language::Sv, &friday).starts_with("Förra arbetsdagen"));
    assert!(said(Language::En, &one).ends_with("Today counts."));
    assert!(said(Language::En, &several).ends_with("Today counts."));
    for missed in [&one, &friday, &several] {
        for language in [Language::Sv, Language::En] {
            let title = said(language, missed).to_lowercase();
            for word in ["streak", "svit", "lost", "förlor", "broke", "bröt"] {
                assert!(!title.contains(word), "{title}");
            }
        }
    }
}

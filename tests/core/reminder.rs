//! The daily reminder's rules, with the clock set by the test: working days,
//! pauses, snoozes, sleep, restarts, the day-start hour, and the
//! daylight-saving days in Europe/Stockholm.

use chrono::{DateTime, Duration, FixedOffset, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::{London, Stockholm};
use chrono_tz::Tz;
use fanday_core::reminder::{self, plan, Due, LogEntry, LogKind, Pause, Quiet};
use fanday_core::{
    Customer, FixedClock, Language, MomentInput, Plan, ReminderSettings, Role, Situation,
};
use std::sync::Arc;

use crate::support::{day, moment, open, with_profile};

fn local(tz: Tz, text: &str) -> DateTime<FixedOffset> {
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
        .unwrap_or_else(|err| panic!("{text}: {err}"));
    tz.from_local_datetime(&naive)
        .earliest()
        .unwrap_or_else(|| panic!("{text} does not exist in {tz}"))
        .fixed_offset()
}

fn sthlm(text: &str) -> DateTime<FixedOffset> {
    local(Stockholm, text)
}

fn shown(on: &str, at: DateTime<FixedOffset>) -> LogEntry {
    LogEntry {
        day: day(on),
        kind: LogKind::Shown,
        at: at.with_timezone(&Utc),
        until: None,
    }
}

fn every_day(time: &str, day_start_hour: u32) -> ReminderSettings {
    ReminderSettings {
        time: time.to_string(),
        weekdays: vec![1, 2, 3, 4, 5, 6, 7],
        day_start_hour,
        ..ReminderSettings::default()
    }
}

fn is_remind(plan: &Plan) -> bool {
    matches!(plan, Plan::Remind { .. })
}

fn quiet(plan: &Plan) -> Option<Quiet> {
    match plan {
        Plan::Wait { why, .. } => Some(*why),
        Plan::Remind { .. } => None,
    }
}

/// Runs the app's loop against a clock that moves from `from` to `to`: the
/// loop sleeps until the plan's next instant but never more than a minute.
/// Returns the local times a reminder was shown.
fn simulate(
    settings: &ReminderSettings,
    offset_at: impl Fn(DateTime<Utc>) -> DateTime<FixedOffset>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<NaiveDateTime> {
    let mut log: Vec<LogEntry> = Vec::new();
    let mut fired = Vec::new();
    let mut now = from;
    while now < to {
        let local_now = offset_at(now);
        let step = match plan(local_now, settings, 0, &log) {
            Plan::Remind { day, .. } => {
                log.push(LogEntry {
                    day,
                    kind: LogKind::Shown,
                    at: now,
                    until: None,
                });
                fired.push(local_now.naive_local());
                Duration::seconds(60)
            }
            Plan::Wait { next, .. } => next
                .map(|next| (next - now).clamp(Duration::seconds(1), Duration::seconds(60)))
                .unwrap_or(Duration::seconds(60)),
        };
        now += step;
    }
    fired
}

fn in_zone(tz: Tz) -> impl Fn(DateTime<Utc>) -> DateTime<FixedOffset> {
    move |now| now.with_timezone(&tz).fixed_offset()
}

fn utc(text: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
        .unwrap_or_else(|err| panic!("{err}"))
        .and_utc()
}

fn times(texts: &[&str]) -> Vec<NaiveDateTime> {
    texts
        .iter()
        .map(|text| {
            NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
                .unwrap_or_else(|err| panic!("{err}"))
        })
        .collect()
}

// 2026-11-23 is a Monday.

#[test]
fn on_a_working_day_the_reminder_comes_once_at_the_set_time() {
    let settings = ReminderSettings::default();
    let before = plan(sthlm("2026-11-23 09:59"), &settings, 0, &[]);
    assert_eq!(
        before,
        Plan::Wait {
            day: day("2026-11-23"),
            why: Quiet::BeforeTime,
            next: Some(sthlm("2026-11-23 10:00").with_timezone(&Utc)),
        }
    );
    assert_eq!(
        plan(sthlm("2026-11-23 10:00"), &settings, 0, &[]),
        Plan::Remind {
            day: day("2026-11-23"),
            due: Due::OnTime
        }
    );
    let log = [shown("2026-11-23", sthlm("2026-11-23 10:00"))];
    assert_eq!(
        quiet(&plan(sthlm("2026-11-23 10:01"), &settings, 0, &log)),
        Some(Quiet::AlreadyShown)
    );
    assert_eq!(
        quiet(&plan(sthlm("2026-11-23 16:00"), &settings, 0, &log)),
        Some(Quiet::AlreadyShown)
    );
}

#[test]
fn a_week_of_default_settings_reminds_on_the_five_weekdays_at_ten() {
    let fired = simulate(
        &ReminderSettings::default(),
        in_zone(Stockholm),
        utc("2026-11-22 23:00"),
        utc("2026-11-29 23:00"),
    );
    assert_eq!(
        fired,
        times(&[
            "2026-11-23 10:00",
            "2026-11-24 10:00",
            "2026-11-25 10:00",
            "2026-11-26 10:00",
            "2026-11-27 10:00",
        ])
    );
}

#[test]
fn no_reminder_once_todays_fan_is_made() {
    let settings = ReminderSettings::default();
    assert_eq!(
        quiet(&plan(sthlm("2026-11-23 10:00"), &settings, 1, &[])),
        Some(Quiet::FanMade)
    );
}

#[test]
fn no_reminder_on_days_off() {
    let settings = ReminderSettings::default();
    // Saturday and Sunday are not working days by default.
    assert_eq!(
        quiet(&plan(sthlm("2026-11-28 10:00"), &settings, 0, &[])),
        Some(Quiet::NotWorkingDay)
    );
    assert_eq!(
        quiet(&plan(sthlm("2026-11-29 12:00"), &settings, 0, &[])),
        Some(Quiet::NotWorkingDay)
    );
    let four_day_week = ReminderSettings {
        weekdays: vec![1, 2, 3, 4],
        ..ReminderSettings::default()
    };
    assert_eq!(
        quiet(&plan(sthlm("2026-11-27 10:00"), &four_day_week, 0, &[])),
        Some(Quiet::NotWorkingDay)
    );
}

#[test]
fn no_reminder_during_a_pause_from_its_first_to_its_last_day() {
    let settings = ReminderSettings {
        pauses: vec![Pause {
            first_day: day("2026-12-21"),
            last_day: day("2027-01-06"),
        }],
        ..ReminderSettings::default()
    };
    for paused in ["2026-12-21 10:00", "2026-12-30 10:00", "2027-01-06 10:00"] {
        assert_eq!(
            quiet(&plan(sthlm(paused), &settings, 0, &[])),
            Some(Quiet::Paused),
            "{paused}"
        );
    }
    assert!(is_remind(&plan(
        sthlm("2026-12-18 10:00"),
        &settings,
        0,
        &[]
    )));
    assert!(is_remind(&plan(
        sthlm("2027-01-07 10:00"),
        &settings,
        0,
        &[]
    )));
}

#[test]
fn no_reminder_when_reminders_are_off() {
    let settings = ReminderSettings {
        enabled: false,
        ..ReminderSettings::default()
    };
    assert_eq!(
        quiet(&plan(sthlm("2026-11-23 10:00"), &settings, 0, &[])),
        Some(Quiet::Off)
    );
}

#[test]
fn after_sleep_the_missed_reminder_comes_once_the_same_day_and_never_as_a_backlog() {
    let settings = ReminderSettings::default();
    // Asleep from 09:00 to 14:00: shown once at wake-up.
    assert_eq!(
        plan(sthlm("2026-11-23 14:00"), &settings, 0, &[]),
        Plan::Remind {
            day: day("2026-11-23"),
            due: Due::Late
        }
    );
    let log = [shown("2026-11-23", sthlm("2026-11-23 14:00"))];
    assert_eq!(
        quiet(&plan(sthlm("2026-11-23 14:01"), &settings, 0, &log)),
        Some(Quiet::AlreadyShown)
    );

    // Off from Monday morning until Wednesday 08:00: nothing for Monday or
    // Tuesday, and Wednesday's comes at ten.
    let fired = simulate(
        &settings,
        in_zone(Stockholm),
        utc("2026-11-25 07:00"),
        utc("2026-11-25 16:00"),
    );
    assert_eq!(fired, times(&["2026-11-25 10:00"]));
}

#[test]
fn a_missed_reminder_is_not_shown_after_the_day_has_ended() {
    let settings = ReminderSettings::default();
    // At 03:30 on Tuesday it is still Monday (the day starts at 04:00) ...
    assert_eq!(
        plan(sthlm("2026-11-24 03:30"), &settings, 0, &[]),
        Plan::Remind {
            day: day("2026-11-23"),
            due: Due::Late
        }
    );
    // ... from 04:00 it is Tuesday, and Monday's is gone.
    assert_eq!(
        quiet(&plan(sthlm("2026-11-24 04:00"), &settings, 0, &[])),
        Some(Quiet::BeforeTime)
    );
    // With the day starting at midnight, Monday ends at midnight.
    let midnight = every_day("10:00", 0);
    assert_eq!(
        quiet(&plan(sthlm("2026-11-24 00:30"), &midnight, 0, &[])),
        Some(Quiet::BeforeTime)
    );
}

#[test]
fn a_snooze_brings_the_reminder_back_after_its_length_and_only_then() {
    let settings = ReminderSettings::default();
    let log = vec![
        shown("2026-11-23", sthlm("2026-11-23 10:00")),
        LogEntry {
            day: day("2026-11-23"),
            kind: LogKind::Snoozed,
            at: sthlm("2026-11-23 10:02").with_timezone(&Utc),
            until: Some(sthlm("2026-11-23 11:02").with_timezone(&Utc)),
        },
    ];
    assert_eq!(
        plan(sthlm("2026-11-23 10:30"), &settings, 0, &log),
        Plan::Wait {
            day: day("2026-11-23"),
            why: Quiet::Snoozed,
            next: Some(sthlm("2026-11-23 11:02").with_timezone(&Utc)),
        }
    );
    assert_eq!(
        plan(sthlm("2026-11-23 11:02"), &settings, 0, &log),
        Plan::Remind {
            day: day("2026-11-23"),
            due: Due::Snoozed
        }
    );
    // Shown again: done for the day.
    let mut again = log.clone();
    again.push(shown("2026-11-23", sthlm("2026-11-23 11:02")));
    assert_eq!(
        quiet(&plan(sthlm("2026-11-23 11:03"), &settings, 0, &again)),
        Some(Quiet::AlreadyShown)
    );
    // A fan made while snoozed ends it.
    assert_eq!(
        quiet(&plan(sthlm("2026-11-23 11:02"), &settings, 1, &log)),
        Some(Quiet::FanMade)
    );
    // Following the reminder to the form does not count as a reminder.
    let mut opened = log.clone();
    opened.push(LogEntry {
        day: day("2026-11-23"),
        kind: LogKind::Opened,
        at: sthlm("2026-11-23 10:40").with_timezone(&Utc),
        until: None,
    });
    assert!(is_remind(&plan(
        sthlm("2026-11-23 11:05"),
        &settings,
        0,
        &opened
    )));
}

#[test]
fn spring_forward_a_reminder_time_that_does_not_exist_fires_once_at_three() {
    // 2026-03-29: clocks go from 02:00 straight to 03:00 in Stockholm.
    let settings = every_day("02:30", 0);
    let fired = simulate(
        &settings,
        in_zone(Stockholm),
        utc("2026-03-28 23:05"),
        utc("2026-03-29 21:00"),
    );
    assert_eq!(fired, times(&["2026-03-29 03:00"]));
}

#[test]
fn fall_back_the_repeated_hour_fires_once() {
    // 2026-10-25: clocks go from 03:00 back to 02:00; 02:30 happens twice.
    let settings = every_day("02:30", 0);
    let fired = simulate(
        &settings,
        in_zone(Stockholm),
        utc("2026-10-24 22:00"),
        utc("2026-10-25 22:00"),
    );
    assert_eq!(fired, times(&["2026-10-25 02:30"]));
}

#[test]
fn on_daylight_saving_days_a_ten_oclock_reminder_stays_at_ten_local() {
    let settings = every_day("10:00", 4);
    let spring = simulate(
        &settings,
        in_zone(Stockholm),
        utc("2026-03-29 02:30"),
        utc("2026-03-30 12:00"),
    );
    assert_eq!(
        spring,
        times(&["2026-03-29 10:00", "2026-03-30 10:00"]),
        "spring"
    );
    let autumn = simulate(
        &settings,
        in_zone(Stockholm),
        utc("2026-10-25 03:30"),
        utc("2026-10-26 12:00"),
    );
    assert_eq!(
        autumn,
        times(&["2026-10-25 10:00", "2026-10-26 10:00"]),
        "autumn"
    );
}

#[test]
fn a_time_zone_change_keeps_the_local_time_and_never_repeats_the_day() {
    let settings = ReminderSettings::default();
    // Flies from Stockholm to London at 08:30 UTC on Monday, before ten in
    // either place: reminded at ten London time.
    let flight = utc("2026-11-23 08:30");
    let fired = simulate(
        &settings,
        move |now| {
            if now < flight {
                now.with_timezone(&Stockholm).fixed_offset()
            } else {
                now.with_timezone(&London).fixed_offset()
            }
        },
        utc("2026-11-23 06:00"),
        utc("2026-11-23 15:00"),
    );
    assert_eq!(fired, times(&["2026-11-23 10:00"]));
    // Reminded in Stockholm at ten (09:00 UTC), then in London where it is
    // only 09:30: no second reminder.
    let log = [shown("2026-11-23", sthlm("2026-11-23 10:00"))];
    assert_eq!(
        quiet(&plan(local(London, "2026-11-23 09:30"), &settings, 0, &log)),
        Some(Quiet::AlreadyShown)
    );
    assert_eq!(
        quiet(&plan(local(London, "2026-11-23 10:00"), &settings, 0, &log)),
        Some(Quiet::AlreadyShown)
    );
}

#[test]
fn a_clock_set_back_to_yesterday_does_not_bring_yesterdays_reminder_back() {
    let settings = ReminderSettings::default();
    let log = [shown("2026-11-23", sthlm("2026-11-23 10:00"))];
    assert_eq!(
        quiet(&plan(sthlm("2026-11-23 10:00"), &settings, 0, &log)),
        Some(Quiet::AlreadyShown)
    );
}

#[test]
fn a_reminder_time_before_the_day_start_belongs_to_the_night_after() {
    // A late shift: the day starts at 06:00 and the reminder is at 01:00.
    let settings = every_day("01:00", 6);
    assert_eq!(
        quiet(&plan(sthlm("2026-11-23 22:00"), &settings, 0, &[])),
        Some(Quiet::BeforeTime)
    );
    assert_eq!(
        plan(sthlm("2026-11-24 01:00"), &settings, 0, &[]),
        Plan::Remind {
            day: day("2026-11-23"),
            due: Due::OnTime
        }
    );
}

#[test]
fn the_notification_turns_between_the_three_kinds_of_moment_in_both_languages() {
    let titles: Vec<String> = ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26"]
        .iter()
        .map(|d| reminder::notification_text(Language::En, day(d), &[], None).title)
        .collect();
    assert_eq!(titles[0], titles[3]);
    assert_ne!(titles[0], titles[1]);
    assert_ne!(titles[1], titles[2]);
    assert_ne!(titles[0], titles[2]);
    let all_sv: Vec<String> = ["2026-11-23", "2026-11-24", "2026-11-25"]
        .iter()
        .map(|d| reminder::notification_text(Language::Sv, day(d), &[], None).body)
        .collect();
    assert!(all_sv.iter().any(|body| body.contains("bara så där")));
    assert!(all_sv.iter().any(|body| body.contains("nej")));
    assert!(all_sv.iter().any(|body| body.contains("klagomål")));
    let sv = reminder::notification_text(Language::Sv, day("2026-11-23"), &[], None);
    assert_eq!(sv.log_action, "Logga ett fan");
}

// ---------- through the store: settings, restarts, the day-start hour ----------

#[test]
fn settings_default_to_ten_on_weekdays_and_are_kept_as_saved() {
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let clock = Arc::new(FixedClock::new(sthlm("2026-11-23 08:00")));
    let app = open(dir.path(), &clock);
    let defaults = app
        .reminder_settings()
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(defaults.enabled);
    assert_eq!(defaults.time, "10:00");
    assert_eq!(defaults.weekdays, vec![1, 2, 3, 4, 5]);
    assert_eq!(defaults.day_start_hour, 4);
    assert_eq!(defaults.snooze_minutes, 60);
    assert!(!defaults.open_at_login);

    let wanted = ReminderSettings {
        enabled: true,
        time: "8:05".into(),
        weekdays: vec![6, 2, 2, 4],
        day_start_hour: 5,
        snooze_minutes: 30,
        pauses: vec![
            Pause {
                first_day: day("2027-07-01"),
                last_day: day("2027-07-31"),
            },
            Pause {
                first_day: day("2026-12-24"),
                last_day: day("2026-12-26"),
            },
        ],
        open_at_login: true,
        weekly_digest: true,
    };
    let saved = app
        .save_reminder_settings(wanted)
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(saved.time, "08:05");
    assert_eq!(saved.weekdays, vec![2, 4, 6]);
    assert_eq!(saved.pauses[0].first_day, day("2026-12-24"));
    drop(app);
    let reopened = open(dir.path(), &clock);
    assert_eq!(
        reopened
            .reminder_settings()
            .unwrap_or_else(|err| panic!("{err}")),
        saved
    );
}

#[test]
fn settings_that_make_no_sense_are_refused_with_the_field_to_fix() {
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let clock = Arc::new(FixedClock::new(sthlm("2026-11-23 08:00")));
    let app = open(dir.path(), &clock);
    let cases = [
        (
            ReminderSettings {
                time: "25:61".into(),
                ..ReminderSettings::default()
            },
            "reminder_time",
        ),
        (
            ReminderSettings {
                time: "<b>ten</b>".into(),
                ..ReminderSettings::default()
            },
            "reminder_time",
        ),
        (
            ReminderSettings {
                weekdays: vec![],
                ..ReminderSettings::default()
            },
            "weekdays",
        ),
        (
            ReminderSettings {
                weekdays: vec![0, 8, 200],
                ..ReminderSettings::default()
            },
            "weekdays",
        ),
        (
            ReminderSettings {
                day_start_hour: 12,
                ..ReminderSettings::default()
            },
            "day_start_hour",
        ),
        (
            ReminderSettings {
                snooze_minutes: 0,
                ..ReminderSettings::default()
            },
            "snooze_minutes",
        ),
        (
            ReminderSettings {
                pauses: vec![Pause {
                    first_day: day("2026-12-24"),
                    last_day: day("2026-12-20"),
                }],
                ..ReminderSettings::default()
            },
            "pauses",
        ),
        (
            ReminderSettings {
                pauses: vec![Pause {
                    first_day: day("2026-01-01"),
                    last_day: day("2027-06-01"),
                }],
                ..ReminderSettings::default()
            },
            "pauses",
        ),
    ];
    for (settings, field) in cases {
        let err = app
            .save_reminder_settings(settings.clone())
            .expect_err("refused");
        assert_eq!(err.field(), Some(field), "{settings:?}");
    }
    assert_eq!(
        app.reminder_settings()
            .unwrap_or_else(|err| panic!("{err}")),
        ReminderSettings::default(),
        "nothing of the refused settings was kept"
    );
}

#[test]
fn a_restart_never_shows_the_days_reminder_again() {
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let clock = Arc::new(FixedClock::new(sthlm("2026-11-23 10:00")));
    let app = open(dir.path(), &clock);
    with_profile(&app, Role::Staff);
    let first = app.reminder_plan().unwrap_or_else(|err| panic!("{err}"));
    assert!(is_remind(&first));
    app.record_reminder_shown()
        .unwrap_or_else(|err| panic!("{err}"));
    drop(app);

    clock.set(sthlm("2026-11-23 10:05"));
    let restarted = open(dir.path(), &clock);
    assert_eq!(
        quiet(
            &restarted
                .reminder_plan()
                .unwrap_or_else(|err| panic!("{err}"))
        ),
        Some(Quiet::AlreadyShown)
    );
    // The next working day it comes again.
    clock.set(sthlm("2026-11-24 10:00"));
    assert!(is_remind(
        &restarted
            .reminder_plan()
            .unwrap_or_else(|err| panic!("{err}"))
    ));
}

#[test]
fn a_snooze_is_kept_across_a_restart_and_a_fan_ends_the_days_reminders() {
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let clock = Arc::new(FixedClock::new(sthlm("2026-11-23 10:00")));
    let app = open(dir.path(), &clock);
    with_profile(&app, Role::Staff);
    app.record_reminder_shown()
        .unwrap_or_else(|err| panic!("{err}"));
    let until = app.snooze_reminder().unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(until, sthlm("2026-11-23 11:00").with_timezone(&Utc));
    drop(app);

    clock.set(sthlm("2026-11-23 11:00"));
    let app = open(dir.path(), &clock);
    assert!(is_remind(
        &app.reminder_plan().unwrap_or_else(|err| panic!("{err}"))
    ));
    app.add_moment(&moment("Bjöd på kaffe", Situation::JustBecause))
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        quiet(&app.reminder_plan().unwrap_or_else(|err| panic!("{err}"))),
        Some(Quiet::FanMade)
    );
}

#[test]
fn a_moment_logged_at_half_past_one_at_night_counts_for_the_day_before() {
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let clock = Arc::new(FixedClock::new(sthlm("2026-11-24 01:30")));
    let app = open(dir.path(), &clock);
    with_profile(&app, Role::Staff);
    let moment = app
        .add_moment(&MomentInput::new(
            Situation::Complaint,
            Customer::Internal,
            "Hjälpte nattskiftet",
        ))
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(moment.date, day("2026-11-23"));
    let status = app.today_status().unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(status.date, day("2026-11-23"));
    assert!(status.made);

    // With the day starting at midnight, 01:30 is already Tuesday.
    let mut settings = app
        .reminder_settings()
        .unwrap_or_else(|err| panic!("{err}"));
    settings.day_start_hour = 0;
    app.save_reminder_settings(settings)
        .unwrap_or_else(|err| panic!("{err}"));
    let status = app.today_status().unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(status.date, day("2026-11-24"));
    assert!(!status.made);
}

#[test]
fn nobody_is_reminded_before_fanday_is_set_up() {
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let clock = Arc::new(FixedClock::new(sthlm("2026-11-23 10:00")));
    let app = open(dir.path(), &clock);
    assert_eq!(
        quiet(&app.reminder_plan().unwrap_or_else(|err| panic!("{err}"))),
        Some(Quiet::NotSetUp)
    );
    with_profile(&app, Role::Staff);
    assert!(is_remind(
        &app.reminder_plan().unwrap_or_else(|err| panic!("{err}"))
    ));
}

#[test]
fn remind_at_for_one_run_reminds_at_that_time_on_any_day_but_still_once() {
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    // A Sunday, which is not a working day by default.
    let clock = Arc::new(FixedClock::new(sthlm("2026-11-29 14:00")));
    let app = open(dir.path(), &clock);
    with_profile(&app, Role::Staff);
    let plan_now = || app.reminder_plan().unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(quiet(&plan_now()), Some(Quiet::NotWorkingDay));

    app.set_reminder_override(reminder::RunOverride::parse("14:01"));
    assert_eq!(quiet(&plan_now()), Some(Quiet::BeforeTime));
    clock.set(sthlm("2026-11-29 14:01"));
    assert!(is_remind(&plan_now()));
    app.record_reminder_shown()
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(quiet(&plan_now()), Some(Quiet::AlreadyShown));

    app.set_reminder_override(reminder::RunOverride::parse("off"));
    clock.set(sthlm("2026-11-30 10:00"));
    assert_eq!(quiet(&plan_now()), Some(Quiet::Off));
    assert_eq!(reminder::RunOverride::parse("soon"), None);
    // The saved settings are untouched by the run's override.
    assert_eq!(
        app.reminder_settings()
            .unwrap_or_else(|err| panic!("{err}")),
        ReminderSettings::default()
    );
}

#[test]
fn the_weekly_digest_comes_on_the_first_working_day_once_and_only_if_wanted() {
    let off = ReminderSettings::default();
    assert_eq!(
        fanday_core::digest::digest_due(sthlm("2026-11-23 10:00"), &off, None),
        None
    );
    let on = ReminderSettings {
        weekly_digest: true,
        ..ReminderSettings::default()
    };
    let last_monday = day("2026-11-16");
    assert_eq!(
        fanday_core::digest::digest_due(sthlm("2026-11-23 09:59"), &on, None),
        None
    );
    assert_eq!(
        fanday_core::digest::digest_due(sthlm("2026-11-23 10:00"), &on, None),
        Some(last_monday)
    );
    assert_eq!(
        fanday_core::digest::digest_due(sthlm("2026-11-23 15:00"), &on, Some(last_monday)),
        None,
        "once"
    );
    assert_eq!(
        fanday_core::digest::digest_due(sthlm("2026-11-24 10:00"), &on, None),
        None,
        "Tuesday is not the first working day"
    );
    let paused_monday = ReminderSettings {
        pauses: vec![Pause {
            first_day: day("2026-11-23"),
            last_day: day("2026-11-23"),
        }],
        ..on.clone()
    };
    assert_eq!(
        fanday_core::digest::digest_due(sthlm("2026-11-24 10:00"), &paused_monday, None),
        Some(last_monday)
    );
    let text = fanday_core::digest::digest_text(Language::En, 4, 1);
    assert_eq!(
        text.body,
        "Last week you made 4 fans; the team shared 1 story."
    );
    assert_eq!(
        fanday_core::digest::digest_text(Language::Sv, 1, 2).body,
        "Förra veckan gjorde du 1 fan; teamet delade 2 berättelser."
    );
}

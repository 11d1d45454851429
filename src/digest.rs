//! The weekly digest: on the first working day of a week, once, at the
//! reminder time, "Last week you made N fans" and what was shared.

use crate::calendar;
use crate::error::Result;
use crate::profile::Language;
use crate::reminder::{put_setting, setting, NotificationText, ReminderSettings, KEY_DIGEST_SENT};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use rusqlite::Connection;

/// The Monday of the week to sum up, when today is the first working day of
/// a week, the digest is on, the reminder time has come, and that week has
/// not been summed up yet.
pub fn digest_due(
    now: DateTime<FixedOffset>,
    settings: &ReminderSettings,
    sent_for: Option<NaiveDate>,
) -> Option<NaiveDate> {
    if !settings.weekly_digest {
        return None;
    }
    let local = now.naive_local();
    let today = settings.day_of(local);
    if calendar::first_working_day(settings, today) != Some(today) || local < settings.due_on(today)
    {
        return None;
    }
    let last_monday = calendar::week_start(today) - Duration::weeks(1);
    (sent_for != Some(last_monday)).then_some(last_monday)
}

pub fn digest_sent_for(conn: &Connection) -> Result<Option<NaiveDate>> {
    Ok(setting(conn, KEY_DIGEST_SENT)?.and_then(|v| v.parse().ok()))
}

pub fn record_digest_sent(conn: &mut Connection, monday: NaiveDate) -> Result<()> {
    let tx = conn.transaction()?;
    put_setting(&tx, KEY_DIGEST_SENT, &monday.to_string())?;
    tx.commit()?;
    Ok(())
}

/// The digest in a team: the person's fans and the team's stories.
pub fn digest_text(language: Language, fans: u32, team_shared: u32) -> NotificationText {
    let body = match language {
        Language::En => format!(
            "Last week you made {fans} {}; the team shared {team_shared} {}.",
            fans_word(fans),
            if team_shared == 1 { "story" } else { "stories" }
        ),
        Language::Sv => format!(
            "Förra veckan gjorde du {fans} {}; teamet delade {team_shared} {}.",
            fans_word(fans),
            if team_shared == 1 {
                "berättelse"
            } else {
                "berättelser"
            }
        ),
    };
    digest(language, body)
}

/// The digest outside a team: the person's fans and how many they shared.
pub fn digest_text_alone(language: Language, fans: u32, shared: u32) -> NotificationText {
    let body = match language {
        Language::En => format!(
            "Last week you made {fans} {} and shared {shared}.",
            fans_word(fans)
        ),
        Language::Sv => format!(
            "Förra veckan gjorde du {fans} {} och delade {shared}.",
            fans_word(fans)
        ),
    };
    digest(language, body)
}

/// "fan" is the word in both languages.
fn fans_word(fans: u32) -> &'static str {
    if fans == 1 {
        "fan"
    } else {
        "fans"
    }
}

fn digest(language: Language, body: String) -> NotificationText {
    let (title, log_action, snooze_action) = match language {
        Language::En => ("Your week with Fanday", "Log a moment", "Snooze"),
        Language::Sv => ("Din vecka med Fanday", "Logga ett fan", "Påminn senare"),
    };
    NotificationText {
        title: title.to_string(),
        body,
        log_action: log_action.to_string(),
        snooze_action: snooze_action.to_string(),
    }
}

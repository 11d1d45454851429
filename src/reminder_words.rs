//! What the daily reminder says: it turns between the three kinds of
//! moment, or through the person's if-then plans; after a missed day it
//! says kindly that today counts.

use crate::if_then::{self, IfThenPlan};
use crate::misses::Missed;
use crate::moment::Situation;
use crate::profile::Language;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// What the notification says: it turns between the three kinds of moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotificationText {
    pub title: String,
    pub body: String,
    pub log_action: String,
    pub snooze_action: String,
}

const TEXTS_EN: [(&str, &str); 3] = [
    (
        "Who will you make a fan today?",
        "Åh, bara så där! Do one small extra thing today, for no reason at all.",
    ),
    (
        "A no can still make a fan",
        "If you have to say no today, what can you offer instead?",
    ),
    (
        "Turn a complaint around today",
        "A complaint is a chance: a customer who is helped well often becomes a fan.",
    ),
];

const TEXTS_SV: [(&str, &str); 3] = [
    (
        "Vem gör du till ett fan idag?",
        "Åh, bara så där! Gör något litet extra idag, helt utan anledning.",
    ),
    (
        "Ett nej kan också ge ett fan",
        "Måste du säga nej idag? Vad kan du erbjuda i stället?",
    ),
    (
        "Vänd ett klagomål idag",
        "Ett klagomål är en chans: en kund som får bra hjälp blir ofta ett fan.",
    ),
];

fn turn_of(situation: Situation) -> usize {
    match situation {
        Situation::JustBecause => 0,
        Situation::SaidNo => 1,
        Situation::Complaint => 2,
    }
}

/// The words after a missed day: never a lost streak, always "today counts".
pub fn missed_words(language: Language, missed: &Missed) -> &'static str {
    match (language, missed.in_a_row, missed.yesterday) {
        (Language::Sv, 1, true) => "Igår blev det inget, det gör inget. Idag räknas.",
        (Language::Sv, 1, false) => "Förra arbetsdagen blev det inget, det gör inget. Idag räknas.",
        (Language::Sv, _, _) => "Välkommen tillbaka! Idag räknas.",
        (Language::En, 1, true) => "Yesterday there was none, and that is fine. Today counts.",
        (Language::En, 1, false) => {
            "Your last working day had none, and that is fine. Today counts."
        }
        (Language::En, _, _) => "Welcome back! Today counts.",
    }
}

/// The plan of the day as the reminder says it: "Idag: när en kund klagar,
/// så ska jag ...".
fn plan_words(language: Language, plan: &IfThenPlan) -> String {
    let sentence = if_then::sentence(language, plan);
    let mut chars = sentence.chars();
    let lowered: String = chars
        .next()
        .map(|first| first.to_lowercase().chain(chars).collect())
        .unwrap_or_default();
    match language {
        Language::Sv => format!("Idag: {lowered}"),
        Language::En => format!("Today: {lowered}"),
    }
}

/// The reminder for `day`: the kind of moment turns each day; with plans,
/// the plans take turns and the title follows the plan's situation.
pub fn notification_text(
    language: Language,
    day: NaiveDate,
    plans: &[IfThenPlan],
    missed: Option<&Missed>,
) -> NotificationText {
    let day_number = day.num_days_from_ce();
    let plan = if_then::of_the_day(plans, day_number);
    let turn = plan.map_or(day_number.rem_euclid(3) as usize, |plan| {
        turn_of(plan.situation)
    });
    let (texts, log_action, snooze_action) = match language {
        Language::En => (&TEXTS_EN, "Log a moment", "Snooze"),
        Language::Sv => (&TEXTS_SV, "Logga ett fan", "Påminn senare"),
    };
    let (title, body) = texts[turn];
    let body = plan.map_or(body.to_string(), |plan| plan_words(language, plan));
    let title = missed.map_or(title, |missed| missed_words(language, missed));
    NotificationText {
        title: title.to_string(),
        body,
        log_action: log_action.to_string(),
        snooze_action: snooze_action.to_string(),
    }
}

//! If-then plans: "when I have to say no, I will ...". At most one per
//! situation, written by the person; a moment may say which plan it
//! followed, and the reminder turns through them.

use crate::error::{CoreError, Result, ValidationError};
use crate::moment::Situation;
use crate::profile::Language;
use crate::sql::{enum_column, enum_text};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

pub const MAX_ACTION_CHARS: usize = 300;

pub const SITUATIONS: [Situation; 3] = [
    Situation::JustBecause,
    Situation::SaidNo,
    Situation::Complaint,
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanInput {
    pub situation: Situation,
    /// What the person will do: the "then" of the plan.
    pub action: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IfThenPlan {
    pub id: String,
    pub situation: Situation,
    pub action: String,
    pub updated_at: DateTime<Utc>,
    /// Moments that followed this plan (not deleted).
    pub used: u32,
}

/// The words around a plan in one language: "When I have to say no," and
/// an example a person makes their own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanWords {
    pub situation: Situation,
    pub when: &'static str,
    pub then: &'static str,
    pub example: &'static str,
}

/// The person's plans and the words to write new ones with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plans {
    pub plans: Vec<IfThenPlan>,
    pub words: Vec<PlanWords>,
}

fn words_sv(situation: Situation) -> PlanWords {
    let (when, example) = match situation {
        Situation::JustBecause => (
            "När det blir en lugn stund",
            "göra något litet extra för den jag hjälper, helt utan anledning",
        ),
        Situation::SaidNo => (
            "När jag måste säga nej",
            "berätta vad jag kan göra i stället, och göra det direkt",
        ),
        Situation::Complaint => (
            "När en kund klagar",
            "tacka för att hen säger till, och lösa en sak innan vi slutar prata",
        ),
    };
    PlanWords {
        situation,
        when,
        then: "så ska jag",
        example,
    }
}

fn words_en(situation: Situation) -> PlanWords {
    let (when, example) = match situation {
        Situation::JustBecause => (
            "When there is a quiet moment",
            "do one small extra thing for the person I help, for no reason at all",
        ),
        Situation::SaidNo => (
            "When I have to say no",
            "say what I can do instead, and do it at once",
        ),
        Situation::Complaint => (
            "When a customer complains",
            "thank them for telling me, and solve one thing before we are done",
        ),
    };
    PlanWords {
        situation,
        when,
        then: "I will",
        example,
    }
}

pub fn words(language: Language, situation: Situation) -> PlanWords {
    match language {
        Language::Sv => words_sv(situation),
        Language::En => words_en(situation),
    }
}

/// The whole plan as one sentence: "När en kund klagar, så ska jag ...".
pub fn sentence(language: Language, plan: &IfThenPlan) -> String {
    let words = words(language, plan.situation);
    format!("{}, {} {}", words.when, words.then, plan.action)
}

/// Checks a plan: some words of the person's own, not an example left as
/// it was (in either language).
fn valid_action(input: &PlanInput) -> std::result::Result<String, ValidationError> {
    let action = input.action.trim();
    let len = action.chars().count();
    if len == 0 {
        return Err(ValidationError::PlanEmpty);
    }
    if len > MAX_ACTION_CHARS {
        return Err(ValidationError::PlanTooLong {
            len,
            max: MAX_ACTION_CHARS,
        });
    }
    let untouched = SITUATIONS
        .iter()
        .flat_map(|s| [words_sv(*s).example, words_en(*s).example])
        .any(|example| example == action);
    if untouched {
        return Err(ValidationError::PlanUntouched);
    }
    Ok(action.to_string())
}

const COLUMNS: &str = "id, situation, action, updated_at, \
     (SELECT count(*) FROM moments m WHERE m.plan_id = plans.id AND m.deleted_at IS NULL)";

fn from_row(row: &Row<'_>) -> rusqlite::Result<IfThenPlan> {
    Ok(IfThenPlan {
        id: row.get(0)?,
        situation: enum_column(row, 1)?,
        action: row.get(2)?,
        updated_at: row.get(3)?,
        used: row.get(4)?,
    })
}

/// The plans in the method's order of situations.
pub fn list(conn: &Connection) -> Result<Vec<IfThenPlan>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM plans"))?;
    let mut plans = stmt
        .query_map([], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    plans.sort_by_key(|plan| plan.situation);
    Ok(plans)
}

pub fn for_situation(conn: &Connection, situation: Situation) -> Result<Option<IfThenPlan>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM plans WHERE situation = ?1"),
            [enum_text(&situation)],
            from_row,
        )
        .optional()?)
}

/// Writes the plan for a situation, replacing that situation's plan's words
/// (it keeps its id, so the moments that followed it stay counted).
pub fn save(conn: &Connection, input: &PlanInput, now: DateTime<Utc>) -> Result<IfThenPlan> {
    let action = valid_action(input)?;
    conn.execute(
        "INSERT INTO plans (id, situation, action, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?4)
         ON CONFLICT (situation) DO UPDATE SET action = excluded.action,
                                               updated_at = excluded.updated_at",
        params![
            uuid::Uuid::now_v7().to_string(),
            enum_text(&input.situation),
            action,
            now
        ],
    )?;
    for_situation(conn, input.situation)?.ok_or(CoreError::NotFound { what: "plan" })
}

/// Removes a situation's plan; the moments that followed it keep their
/// words but no longer name a plan.
pub fn delete(conn: &Connection, situation: Situation) -> Result<()> {
    let removed = conn.execute(
        "DELETE FROM plans WHERE situation = ?1",
        [enum_text(&situation)],
    )?;
    if removed == 0 {
        return Err(CoreError::NotFound { what: "plan" });
    }
    Ok(())
}

/// A moment may name only the plan for its own situation.
pub(crate) fn check_followed(
    conn: &Connection,
    plan_id: Option<&str>,
    situation: Situation,
) -> Result<()> {
    let Some(plan_id) = plan_id else {
        return Ok(());
    };
    match for_situation(conn, situation)? {
        Some(plan) if plan.id == plan_id => Ok(()),
        _ => Err(ValidationError::PlanNotForSituation.into()),
    }
}

/// The plan the reminder names on a day: they take turns, one a day.
pub fn of_the_day(plans: &[IfThenPlan], day_number: i32) -> Option<&IfThenPlan> {
    if plans.is_empty() {
        return None;
    }
    plans.get(day_number.rem_euclid(plans.len() as i32) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(situation: Situation, action: &str) -> PlanInput {
        PlanInput {
            situation,
            action: action.to_string(),
        }
    }

    #[test]
    fn an_example_left_as_it_was_is_not_a_plan() {
        for situation in SITUATIONS {
            for language in [Language::Sv, Language::En] {
                let example = words(language, situation).example;
                assert_eq!(
                    valid_action(&input(situation, &format!("  {example} "))),
                    Err(ValidationError::PlanUntouched)
                );
            }
        }
        let edited = format!("{} och le", words_sv(Situation::SaidNo).example);
        assert!(valid_action(&input(Situation::SaidNo, &edited)).is_ok());
    }

    #[test]
    fn a_plan_needs_words_but_not_too_many() {
        assert_eq!(
            valid_action(&input(Situation::Complaint, "  ")),
            Err(ValidationError::PlanEmpty)
        );
        let long = "å".repeat(MAX_ACTION_CHARS + 1);
        assert_eq!(
            valid_action(&input(Situation::Complaint, &long)),
            Err(ValidationError::PlanTooLong { len: 301, max: 300 })
        );
    }

    #[test]
    fn a_plan_reads_as_one_sentence() {
        let plan = IfThenPlan {
            id: "p".into(),
            situation: Situation::Complaint,
            action: "lyssna klart först".into(),
            updated_at: DateTime::<Utc>::default(),
            used: 0,
        };
        assert_eq!(
            sentence(Language::Sv, &plan),
            "När en kund klagar, så ska jag lyssna klart först"
        );
        assert_eq!(
            sentence(Language::En, &plan),
            "When a customer complains, I will lyssna klart först"
        );
    }
}

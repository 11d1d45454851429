//! The team's line-up: a lead's shortlist of stories for one ISO week, to
//! show at the team's meeting one story at a time. A `lineup.set` counts
//! only from a lead (at the lead's own number, as a review does); the
//! latest per week wins by time, then event, so every PC comes to the same
//! line-up in any order of arrival. Until a lead picks, a week's line-up is
//! its featured stories. A withdrawn story leaves the line-up. Each member
//! may ask, with their own signed `lineup.anonymous`, to be shown as "a
//! colleague"; their latest choice (by their own numbers) holds.

use crate::calendar;
use crate::error::Result;
use crate::sql::query_one;
use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// The most stories one line-up holds.
pub const MAX_LINEUP_STORIES: usize = 20;

/// The most characters a customer's voice in the line-up has.
pub const MAX_VOICE_CHARS: usize = 500;

/// A week as the line-up and the tallies name it: `2026-W48`.
pub fn week_name(day: NaiveDate) -> String {
    let week = day.iso_week();
    format!("{}-W{:02}", week.year(), week.week())
}

/// The Monday of a week named `2026-W48`, if there is such a week.
pub fn week_monday(week: &str) -> Option<NaiveDate> {
    let (year, number) = week.split_once("-W")?;
    if number.len() != 2 || year.len() != 4 {
        return None;
    }
    calendar::monday_of(year.parse().ok()?, number.parse().ok()?)
}

/// A story as the line-up shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineupStory {
    /// The story's author and id together, as the feed names it.
    pub story_id: String,
    /// None when the author asked to be shown as "a colleague".
    pub author_name: Option<String>,
    pub date: NaiveDate,
    pub situation: crate::Situation,
    pub customer: crate::Customer,
    pub text: String,
    pub reaction: Option<String>,
    /// The rule exception the moment used: the rule, and what was allowed.
    pub exception: Option<LineupException>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineupException {
    pub rule: String,
    pub allowed: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lineup {
    /// `2026-W48`
    pub week: String,
    pub monday: NaiveDate,
    /// A lead has picked this week's stories (else: the featured ones).
    pub picked: bool,
    pub stories: Vec<LineupStory>,
    /// A customer's words a lead picked for the week, if any.
    pub voice: Option<String>,
}

/// The key a story is stored under: its author and id (a format-1 story,
/// whose id was shared by all, under its id).
fn story_key(conn: &Connection, author: &str, story_id: &str) -> Result<String> {
    let qualified = format!("{author}/{story_id}");
    let found: Option<String> = query_one(
        conn,
        "SELECT story_key FROM stories WHERE story_key IN (?1, ?2) AND author_id = ?3
          ORDER BY story_key = ?1 DESC LIMIT 1",
        params![qualified, story_id, author],
        |row| row.get(0),
    )
    .optional()?;
    Ok(found.unwrap_or(qualified))
}

/// Whether a member asked to be shown as "a colleague".
pub fn is_anonymous(conn: &Connection, member: &str) -> Result<bool> {
    Ok(query_one(
        conn,
        "SELECT anonymous FROM lineup_names WHERE member_id = ?1",
        [member],
        |row| row.get(0),
    )
    .optional()?
    .unwrap_or(false))
}

const COLUMNS: &str = "s.story_key, s.author_id, coalesce(m.name, ''), s.local_date, s.situation,
    s.customer, s.text, s.reaction, e.rule, e.allowed,
    coalesce((SELECT anonymous FROM lineup_names n WHERE n.member_id = s.author_id), 0)";

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<LineupStory> {
    let name: String = row.get(2)?;
    let anonymous: bool = row.get(10)?;
    let rule: Option<String> = row.get(8)?;
    let allowed: Option<String> = row.get(9)?;
    Ok(LineupStory {
        story_id: row.get(0)?,
        author_name: (!anonymous).then_some(name),
        date: row.get(3)?,
        situation: crate::sql::enum_column(row, 4)?,
        customer: crate::sql::enum_column(row, 5)?,
        text: row.get(6)?,
        reaction: row.get(7)?,
        exception: rule.map(|rule| LineupException {
            rule,
            allowed: allowed.unwrap_or_default(),
        }),
    })
}

/// The line-up of the week starting on `monday`: the stories a lead
/// picked, in their order, or else the week's featured stories (dated in
/// the week, or featured during it), oldest first. Withdrawn stories and
/// those whose text has not arrived are left out.
pub fn lineup(conn: &Connection, monday: NaiveDate) -> Result<Lineup> {
    let week = week_name(monday);
    let picked: Option<String> = query_one(
        conn,
        "SELECT stories FROM lineups WHERE week = ?1",
        [&week],
        |row| row.get(0),
    )
    .optional()?;
    let one = format!(
        "SELECT {COLUMNS} FROM stories s
           LEFT JOIN team_members m ON m.member_id = s.author_id
           LEFT JOIN exceptions e ON e.id = s.exception_id
          WHERE s.story_key = ?1 AND s.withdrawn = 0 AND s.text <> ''"
    );
    let stories = match &picked {
        Some(list) => {
            let refs: Vec<[String; 2]> = serde_json::from_str(list).unwrap_or_default();
            let mut stories = Vec::with_capacity(refs.len());
            let mut query = conn.prepare_cached(&one)?;
            for [author, id] in refs {
                let key = story_key(conn, &author, &id)?;
                if let Some(story) = query.query_row([&key], from_row).optional()? {
                    if !stories
                        .iter()
                        .any(|s: &LineupStory| s.story_id == story.story_id)
                    {
                        stories.push(story);
                    }
                }
            }
            stories
        }
        None => {
            let sunday = monday + Duration::days(6);
            conn.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM story_reviews f
                   JOIN stories s ON s.story_key = f.story_id
                   LEFT JOIN team_members m ON m.member_id = s.author_id
                   LEFT JOIN exceptions e ON e.id = s.exception_id
                  WHERE f.mark = 'featured' AND s.withdrawn = 0 AND s.text <> ''
                    AND (s.local_date BETWEEN ?1 AND ?2 OR substr(f.at, 1, 10) BETWEEN ?1 AND ?2)
                  ORDER BY s.local_date, s.shared_at, s.story_key
                  LIMIT ?3"
            ))?
            .query_map(params![monday, sunday, MAX_LINEUP_STORIES as i64], from_row)?
            .collect::<rusqlite::Result<_>>()?
        }
    };
    let voice = query_one(
        conn,
        "SELECT text FROM lineup_voices WHERE week = ?1",
        [&week],
        |row| row.get(0),
    )
    .optional()?;
    Ok(Lineup {
        week,
        monday,
        picked: picked.is_some(),
        stories,
        voice,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_are_named_as_iso_weeks_and_read_back() {
        let day = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap_or_default();
        assert_eq!(week_name(day), "2026-W53");
        assert_eq!(
            week_monday("2026-W53"),
            NaiveDate::from_ymd_opt(2026, 12, 28)
        );
        for bad in ["2026-W54", "2026W48", "26-W48", "2026-W4", "x"] {
            assert_eq!(week_monday(bad), None, "{bad}");
        }
    }
}

//! A lead's insights from the team's weekly tallies: per ISO week the
//! latest tally of each member is summed. Participation is the members
//! with at least one fan among the members whose tally is in for that
//! week; a member who switched tallies off is not counted at all (neither
//! as taking part nor as not). A week with tallies from fewer than
//! [`MIN_MEMBERS_FOR_NUMBERS`] members shows only participation: its fans
//! and mix would be one or two people's own numbers; a week with a single
//! tally shows not even that.

use super::membership::{admitted_members, joined};
use super::outbox::team_format;
use crate::calendar::{first_of_weeks, week_start};
use crate::error::Result;
use crate::sql::query_one;
use crate::stats::{per_member, percent, WeekInsight};
use crate::team_event::EVENT_VERSION;
use crate::{Customer, Situation};
use chrono::{Duration, NaiveDate};
use rusqlite::{params, Connection};
use serde::Serialize;

/// Fewer members' tallies than this in a week, and only participation is
/// shown for it.
pub const MIN_MEMBERS_FOR_NUMBERS: u32 = 3;

/// A week with a single tally shows no participation either: it would be
/// that one member's.
pub const MIN_MEMBERS_FOR_PARTICIPATION: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// The moments on this computer (no team, or a team on format 1).
    ThisComputer,
    /// The team's weekly tallies.
    Tallies,
}

/// Where a lead's numbers come from, said on the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Source {
    pub kind: SourceKind,
    /// Members whose tally for this week is in.
    pub publishing: u32,
    /// Members of the team now.
    pub members: u32,
}

/// Whether this PC's team sends tallies (joined, format 2).
pub fn team_tallies(conn: &Connection) -> Result<bool> {
    Ok(joined(conn)?.is_some() && team_format(conn)? == EVENT_VERSION)
}

pub fn source(conn: &Connection, today: NaiveDate) -> Result<Source> {
    let publishing = query_one(
        conn,
        "SELECT count(DISTINCT member_id) FROM team_tallies t WHERE monday = ?1
            AND NOT EXISTS (SELECT 1 FROM team_tally_stops s
                             WHERE s.member_id = t.member_id AND s.seq > t.seq)",
        [week_start(today)],
        |row| row.get(0),
    )?;
    Ok(Source {
        kind: SourceKind::Tallies,
        publishing,
        members: admitted_members(conn)?,
    })
}

/// The team's weeks from the tallies, the `weeks` weeks ending with
/// today's, newest first.
pub fn weeks(conn: &Connection, today: NaiveDate, weeks: usize) -> Result<Vec<WeekInsight>> {
    let first_monday = first_of_weeks(today, weeks);
    let mut by_week: Vec<WeekInsight> = (0..weeks)
        .map(|i| WeekInsight::empty(first_monday + Duration::weeks(i as i64)))
        .collect();
    let mut stmt = conn.prepare_cached(
        "SELECT t.monday, t.fans, t.just_because, t.said_no, t.complaint, t.external, t.internal,
                t.exceptions_used, t.plans_followed
           FROM team_tallies t
          WHERE t.monday BETWEEN ?1 AND ?2
            AND t.seq = (SELECT max(u.seq) FROM team_tallies u
                          WHERE u.member_id = t.member_id AND u.monday = t.monday)
            AND NOT EXISTS (SELECT 1 FROM team_tally_stops s
                             WHERE s.member_id = t.member_id AND s.seq > t.seq)",
    )?;
    let mut rows = stmt.query(params![first_monday, week_start(today)])?;
    while let Some(row) = rows.next()? {
        let monday: NaiveDate = row.get(0)?;
        let index = (monday - first_monday).num_weeks() as usize;
        let Some(week) = by_week.get_mut(index) else {
            continue;
        };
        let fans: u32 = row.get(1)?;
        week.members += 1;
        week.active_members += u32::from(fans > 0);
        week.fans += fans;
        for (i, situation) in [
            Situation::JustBecause,
            Situation::SaidNo,
            Situation::Complaint,
        ]
        .into_iter()
        .enumerate()
        {
            *week.situations.entry(situation).or_default() += row.get::<_, u32>(2 + i)?;
        }
        *week.customers.entry(Customer::External).or_default() += row.get::<_, u32>(5)?;
        *week.customers.entry(Customer::Internal).or_default() += row.get::<_, u32>(6)?;
        week.exceptions_used += row.get::<_, u32>(7)?;
        week.plans_followed += row.get::<_, u32>(8)?;
    }
    let mut result: Vec<WeekInsight> = by_week
        .into_iter()
        .map(|week| {
            if week.members < MIN_MEMBERS_FOR_PARTICIPATION {
                return WeekInsight {
                    members: week.members,
                    ..WeekInsight::empty(week.monday)
                };
            }
            let participation = percent(week.active_members, week.members);
            if week.members < MIN_MEMBERS_FOR_NUMBERS {
                return WeekInsight {
                    members: week.members,
                    active_members: week.active_members,
                    participation,
                    ..WeekInsight::empty(week.monday)
                };
            }
            WeekInsight {
                participation,
                fans_per_member: per_member(week.fans, week.members),
                numbers_shown: true,
                ..week
            }
        })
        .collect();
    result.reverse();
    Ok(result)
}

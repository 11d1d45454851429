//! The region's numbers from each followed team's signed weekly tallies:
//! taking part, fans per member, exceptions used, and recognition
//! coverage, per team and together. A team's week with tallies from fewer
//! than three members shows only who took part (as on a lead's Insights),
//! and counts toward the region's other numbers not at all.

use super::{FollowedTeam, Region};
use crate::error::Result;
use crate::export::{csv_error, excel_csv, safe_cell};
use crate::stats::{per_member, percent, WeekInsight};
use crate::team::{recognition_week, tally_insights};
use chrono::NaiveDate;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::io::Write;

/// One team's week: what its tallies say (as on a lead's Insights), and
/// how many of its members a colleague recognised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionWeek {
    #[serde(flatten)]
    pub tallied: WeekInsight,
    pub recognised: u32,
    pub team_members: u32,
    /// 0 to 100.
    pub recognition: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionTeam {
    pub team: FollowedTeam,
    /// Newest first.
    pub weeks: Vec<RegionWeek>,
}

/// The region's week: the teams' numbers added up, each only where the
/// team's own week shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Together {
    /// Teams whose week shows at least who took part.
    pub teams: u32,
    #[serde(flatten)]
    pub week: RegionWeek,
}

/// A followed team's weeks, newest first.
pub fn team_weeks(
    conn: &Connection,
    team: FollowedTeam,
    today: NaiveDate,
    weeks: usize,
) -> Result<RegionTeam> {
    let recognition = recognition_week::region_weeks(conn, today, weeks)?;
    let weeks = tally_insights::weeks(conn, today, weeks)?
        .into_iter()
        .map(|tallied| {
            let recognised = recognition.iter().find(|r| r.monday == tallied.monday);
            RegionWeek {
                tallied,
                recognised: recognised.map_or(0, |r| r.recognised),
                team_members: recognised.map_or(0, |r| r.members),
                recognition: recognised.map_or(0.0, |r| r.share),
            }
        })
        .collect();
    Ok(RegionTeam { team, weeks })
}

/// The teams' weeks added up, newest first.
pub fn together(teams: &[RegionTeam], weeks: usize) -> Vec<Together> {
    (0..weeks)
        .filter_map(|index| {
            let of_week: Vec<&RegionWeek> =
                teams.iter().filter_map(|t| t.weeks.get(index)).collect();
            let monday = of_week.first()?.tallied.monday;
            let mut sum = WeekInsight::empty(monday);
            let mut teams = 0;
            let mut shown_members = 0;
            for week in of_week.iter().map(|w| &w.tallied) {
                if week.members < tally_insights::MIN_MEMBERS_FOR_PARTICIPATION {
                    continue;
                }
                teams += 1;
                sum.members += week.members;
                sum.active_members += week.active_members;
                if !week.numbers_shown {
                    continue;
                }
                shown_members += week.members;
                sum.fans += week.fans;
                sum.exceptions_used += week.exceptions_used;
                sum.plans_followed += week.plans_followed;
                for (situation, n) in &week.situations {
                    *sum.situations.entry(*situation).or_default() += n;
                }
                for (customer, n) in &week.customers {
                    *sum.customers.entry(*customer).or_default() += n;
                }
            }
            sum.participation = percent(sum.active_members, sum.members);
            sum.fans_per_member = per_member(sum.fans, shown_members);
            sum.numbers_shown = shown_members > 0;
            let recognised = of_week.iter().map(|w| w.recognised).sum();
            let team_members = of_week.iter().map(|w| w.team_members).sum();
            Some(Together {
                teams,
                week: RegionWeek {
                    tallied: sum,
                    recognised,
                    team_members,
                    recognition: percent(recognised, team_members),
                },
            })
        })
        .collect()
}

/// The region as a CSV, oldest week first: each team's rows (by name),
/// then the region's. A number a team's week does not show is empty.
pub fn csv(region: &Region, out: &mut dyn Write) -> Result<usize> {
    let mut writer = excel_csv(out)?;
    writer
        .write_record([
            "team",
            "week",
            "monday",
            "members_tallied",
            "taking_part_percent",
            "fans",
            "fans_per_member",
            "exceptions_used",
            "recognition_percent",
        ])
        .map_err(csv_error)?;
    let mut rows = 0;
    let teams = region
        .teams
        .iter()
        .map(|team| (safe_cell(&team.team.name), team.weeks.clone()));
    let together = region.together.iter().map(|t| t.week.clone()).collect();
    for (name, weeks) in teams.chain(std::iter::once(("region".to_string(), together))) {
        for week in weeks.iter().rev() {
            let tallied = &week.tallied;
            let shown = |n: String| {
                if tallied.numbers_shown {
                    n
                } else {
                    String::new()
                }
            };
            let taking_part = tallied.members >= tally_insights::MIN_MEMBERS_FOR_PARTICIPATION;
            writer
                .write_record([
                    name.clone(),
                    format!("{}-W{:02}", tallied.iso_year, tallied.iso_week),
                    tallied.monday.to_string(),
                    tallied.members.to_string(),
                    if taking_part {
                        tallied.participation.to_string()
                    } else {
                        String::new()
                    },
                    shown(tallied.fans.to_string()),
                    shown(tallied.fans_per_member.to_string()),
                    shown(tallied.exceptions_used.to_string()),
                    week.recognition.to_string(),
                ])
                .map_err(csv_error)?;
            rows += 1;
        }
    }
    writer.flush().map_err(|err| csv_error(err.into()))?;
    Ok(rows)
}

//! Your data in your hands: moments (one row per moment) and weekly
//! reflections (one row per week) as CSV, UTF-8 with a byte-order mark so
//! Excel opens it as UTF-8, CRLF line ends, and a header; or as JSON; for leads, the team's
//! shared stories.

use crate::error::{CoreError, Result};
use crate::moment::{self, MomentFilter};
use crate::reflection;
use crate::sql::enum_text;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::io::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    pub fn parse(text: &str) -> Option<Format> {
        match text.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum What {
    /// My moments (and, in JSON, my weekly reflections).
    Mine,
    /// The team's shared stories (for leads).
    TeamStories,
    /// My weekly reflections, one row per week.
    Reflections,
}

impl What {
    /// The file name a save dialog suggests.
    pub fn file_name(self, format: Format) -> String {
        let stem = match self {
            What::Mine => "fanday-moments",
            What::TeamStories => "fanday-team-stories",
            What::Reflections => "fanday-reflections",
        };
        let extension = match format {
            Format::Csv => "csv",
            Format::Json => "json",
        };
        format!("{stem}.{extension}")
    }
}

/// Spreadsheet programs run a cell that starts with these as a formula; a
/// leading apostrophe keeps such text as text.
pub(crate) fn safe_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

pub(crate) fn csv_error(err: csv::Error) -> CoreError {
    match err.into_kind() {
        csv::ErrorKind::Io(io) if crate::error::is_disk_full(&io) => CoreError::DiskFull,
        other => CoreError::Storage(format!("{other:?}")),
    }
}

fn io_error(err: std::io::Error) -> CoreError {
    if crate::error::is_disk_full(&err) {
        CoreError::DiskFull
    } else {
        CoreError::Storage(err.to_string())
    }
}

/// A CSV as Excel opens it: a byte-order mark first (or Excel reads the
/// letters as another code page) and records ending in CRLF, RFC 4180's
/// line end; a field with a comma, a quote or a line break is quoted.
pub(crate) fn excel_csv(out: &mut dyn Write) -> Result<csv::Writer<&mut dyn Write>> {
    out.write_all("\u{feff}".as_bytes()).map_err(io_error)?;
    Ok(csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out))
}

/// A lead's Insights as Excel opens them, oldest week first: the leading
/// numbers beside the customers' score (empty where a week shows none; from
/// tallies, taking part is empty with fewer than two, as it would be one
/// member's own).
pub fn insights_csv(
    weeks: &[crate::stats::WeekInsight],
    from_tallies: bool,
    lagging: &[crate::feedback::NpsWeek],
    out: &mut dyn Write,
) -> Result<usize> {
    let mut writer = excel_csv(out)?;
    writer
        .write_record([
            "week",
            "monday",
            "taking_part_percent",
            "members",
            "fans",
            "fans_per_member",
            "just_because",
            "said_no",
            "complaint",
            "external",
            "internal",
            "exceptions_used",
            "plans_followed",
            "nps_answers",
            "nps",
            "nps_low_90",
            "nps_high_90",
            "nps_4_weeks",
            "nps_4_weeks_answers",
        ])
        .map_err(csv_error)?;
    let number = |n: Option<i32>| n.map(|n| n.to_string()).unwrap_or_default();
    for (week, nps) in weeks.iter().zip(lagging).rev() {
        let shown = |n: u32| {
            if week.numbers_shown {
                n.to_string()
            } else {
                String::new()
            }
        };
        let count = |map: &std::collections::BTreeMap<_, u32>, key| {
            shown(map.get(&key).copied().unwrap_or(0))
        };
        writer
            .write_record([
                nps.week.clone(),
                week.monday.to_string(),
                if from_tallies && week.members < 2 {
                    String::new()
                } else {
                    format!("{:.0}", week.participation)
                },
                week.members.to_string(),
                shown(week.fans),
                if week.numbers_shown {
                    format!("{:.2}", week.fans_per_member)
                } else {
                    String::new()
                },
                count(&week.situations, moment::Situation::JustBecause),
                count(&week.situations, moment::Situation::SaidNo),
                count(&week.situations, moment::Situation::Complaint),
                shown(
                    week.customers
                        .get(&moment::Customer::External)
                        .copied()
                        .unwrap_or(0),
                ),
                shown(
                    week.customers
                        .get(&moment::Customer::Internal)
                        .copied()
                        .unwrap_or(0),
                ),
                shown(week.exceptions_used),
                shown(week.plans_followed),
                nps.answers.to_string(),
                number(nps.nps),
                number(nps.low),
                number(nps.high),
                number(nps.rolling),
                nps.rolling_answers.to_string(),
            ])
            .map_err(csv_error)?;
    }
    writer.flush().map_err(io_error)?;
    Ok(weeks.len().min(lagging.len()))
}

/// Writes the export to `out`; returns the number of rows (moments or stories).
pub fn write(conn: &Connection, what: What, format: Format, out: &mut dyn Write) -> Result<usize> {
    match (what, format) {
        (What::Mine, Format::Csv) => mine_csv(conn, out),
        (What::Mine, Format::Json) => mine_json(conn, out),
        (What::TeamStories, Format::Csv) => stories_csv(conn, out),
        (What::TeamStories, Format::Json) => stories_json(conn, out),
        (What::Reflections, Format::Csv) => reflections_csv(conn, out),
        (What::Reflections, Format::Json) => reflections_json(conn, out),
    }
}

fn all_moments(conn: &Connection) -> Result<Vec<moment::Moment>> {
    moment::list(conn, &MomentFilter::default())
}

fn mine_csv(conn: &Connection, out: &mut dyn Write) -> Result<usize> {
    let moments = all_moments(conn)?;
    let plans: std::collections::HashMap<String, String> = crate::if_then::list(conn)?
        .into_iter()
        .map(|plan| (plan.id, plan.action))
        .collect();
    let mut writer = excel_csv(out)?;
    writer
        .write_record([
            "date",
            "situation",
            "customer",
            "what_i_did",
            "customer_reaction",
            "what_it_took",
            "exception",
            "told_customer",
            "shared",
            "created_at",
            "updated_at",
            "id",
            "plan_followed",
        ])
        .map_err(csv_error)?;
    for m in &moments {
        writer
            .write_record([
                m.date.to_string(),
                enum_text(&m.situation),
                enum_text(&m.customer),
                safe_cell(&m.text),
                safe_cell(m.reaction.as_deref().unwrap_or_default()),
                m.took.as_ref().map(enum_text).unwrap_or_default(),
                safe_cell(m.exception_rule.as_deref().unwrap_or_default()),
                if m.told_customer { "yes" } else { "" }.to_string(),
                if m.shared { "yes" } else { "no" }.to_string(),
                m.created_at.to_rfc3339(),
                m.updated_at.to_rfc3339(),
                m.id.clone(),
                safe_cell(
                    m.plan_id
                        .as_ref()
                        .and_then(|id| plans.get(id))
                        .map_or("", String::as_str),
                ),
            ])
            .map_err(csv_error)?;
    }
    writer.flush().map_err(io_error)?;
    Ok(moments.len())
}

#[derive(Serialize)]
struct MineDocument {
    format: &'static str,
    version: u32,
    profile: Option<crate::Profile>,
    moments: Vec<moment::Moment>,
    reflections: Vec<reflection::Reflection>,
    plans: Vec<crate::if_then::IfThenPlan>,
}

fn mine_json(conn: &Connection, out: &mut dyn Write) -> Result<usize> {
    let moments = all_moments(conn)?;
    let count = moments.len();
    let document = MineDocument {
        format: "fanday-export",
        version: 1,
        profile: crate::profile::load(conn)?,
        moments,
        reflections: reflection::list(conn)?,
        plans: crate::if_then::list(conn)?,
    };
    serde_json::to_writer_pretty(&mut *out, &document)
        .map_err(|err| CoreError::Storage(err.to_string()))?;
    out.write_all(b"\n").map_err(io_error)?;
    Ok(count)
}

fn team_stories(conn: &Connection) -> Result<Vec<crate::team::Story>> {
    crate::team::feed(conn, "", None, u32::MAX)
}

fn stories_csv(conn: &Connection, out: &mut dyn Write) -> Result<usize> {
    let stories = team_stories(conn)?;
    let mut writer = excel_csv(out)?;
    writer
        .write_record([
            "date",
            "author",
            "situation",
            "customer",
            "what_they_did",
            "customer_reaction",
            "applause",
            "comments",
            "review",
            "id",
        ])
        .map_err(csv_error)?;
    for s in &stories {
        writer
            .write_record([
                s.date.to_string(),
                safe_cell(&s.author_name),
                enum_text(&s.situation),
                enum_text(&s.customer),
                safe_cell(&s.text),
                safe_cell(s.reaction.as_deref().unwrap_or_default()),
                s.applause.to_string(),
                s.comments.len().to_string(),
                s.review.clone().unwrap_or_default(),
                s.story_id.clone(),
            ])
            .map_err(csv_error)?;
    }
    writer.flush().map_err(io_error)?;
    Ok(stories.len())
}

fn stories_json(conn: &Connection, out: &mut dyn Write) -> Result<usize> {
    let stories = team_stories(conn)?;
    let count = stories.len();
    serde_json::to_writer_pretty(
        &mut *out,
        &serde_json::json!({ "format": "fanday-team-stories", "version": 1, "stories": stories }),
    )
    .map_err(|err| CoreError::Storage(err.to_string()))?;
    out.write_all(b"\n").map_err(io_error)?;
    Ok(count)
}

fn reflections_csv(conn: &Connection, out: &mut dyn Write) -> Result<usize> {
    let reflections = reflection::list(conn)?;
    let mut writer = excel_csv(out)?;
    writer
        .write_record([
            "week",
            "monday",
            "went_well",
            "held_back",
            "intention",
            "updated_at",
            "plan_worked",
        ])
        .map_err(csv_error)?;
    for r in &reflections {
        writer
            .write_record([
                format!("{}-W{:02}", r.iso_year, r.iso_week),
                r.monday.to_string(),
                safe_cell(&r.went_well),
                safe_cell(&r.held_back),
                safe_cell(&r.intention),
                r.updated_at.to_rfc3339(),
                r.plan_worked.as_ref().map(enum_text).unwrap_or_default(),
            ])
            .map_err(csv_error)?;
    }
    writer.flush().map_err(io_error)?;
    Ok(reflections.len())
}

fn reflections_json(conn: &Connection, out: &mut dyn Write) -> Result<usize> {
    let reflections = reflection::list(conn)?;
    let count = reflections.len();
    serde_json::to_writer_pretty(
        &mut *out,
        &serde_json::json!({ "format": "fanday-reflections", "version": 1, "reflections": reflections }),
    )
    .map_err(|err| CoreError::Storage(err.to_string()))?;
    out.write_all(b"\n").map_err(io_error)?;
    Ok(count)
}

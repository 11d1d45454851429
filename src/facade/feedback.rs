//! The customers' feedback as a lead imports it: a preview of what Fanday
//! understood and what saving would change, then the save. Importing the
//! same file again changes nothing; a newer file for the same weeks
//! replaces them. Kept on this PC only.

use crate::error::{CoreError, Result};
use crate::feedback::{redact, understand, Comment, Redacted, Understood, WeekCounts};
use crate::sql::exec;
use crate::team::body::{Body, VoiceBody};
use crate::team::lineup::MAX_VOICE_CHARS;
use crate::Fanday;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::path::Path;

/// What importing a file would do, or did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeedbackImport {
    /// The file's name, without its folder.
    pub source: String,
    pub understood: Understood,
    /// Weeks not imported before.
    pub new_weeks: Vec<String>,
    /// Weeks imported before with other numbers: this file replaces them.
    pub replaced_weeks: Vec<String>,
    /// Weeks imported before with the same numbers.
    pub unchanged_weeks: Vec<String>,
}

/// What a file says, without saving anything and without a profile: for
/// `fanday feedback import --dry-run` and the preview alike.
pub fn read_feedback_file(path: &Path) -> Result<Understood> {
    let bytes = std::fs::read(path).map_err(|err| {
        CoreError::FeedbackFile(format!("{} cannot be opened: {err}", path.display()))
    })?;
    understand(&bytes).map_err(CoreError::FeedbackFile)
}

impl Fanday {
    /// What importing the file at `path` would do; saves nothing.
    pub fn preview_feedback(&self, path: &Path) -> Result<FeedbackImport> {
        self.require_lead()?;
        let understood = read_feedback_file(path)?;
        compare(&self.store.conn(), path, understood)
    }

    /// Imports the file at `path`: new weeks are added, weeks with other
    /// numbers replaced (their comments with them), the same weeks left.
    pub fn import_feedback(&self, path: &Path) -> Result<FeedbackImport> {
        self.require_lead()?;
        let understood = read_feedback_file(path)?;
        let mut conn = self.store.conn();
        let import = compare(&conn, path, understood)?;
        let now = self.clock.now_utc().to_rfc3339();
        let tx = conn.transaction()?;
        let changed = import.new_weeks.iter().chain(&import.replaced_weeks);
        for week in changed {
            let Some(counts) = import.understood.weeks.iter().find(|w| &w.week == week) else {
                continue;
            };
            save_week(&tx, counts, &import.source, &now)?;
            let comments = import
                .understood
                .comments
                .iter()
                .filter(|c| &c.week == week);
            for comment in comments {
                save_comment(&tx, comment)?;
            }
        }
        tx.commit()?;
        Ok(import)
    }

    /// Every week imported, oldest first.
    pub fn feedback_weeks(&self) -> Result<Vec<WeekCounts>> {
        load_weeks(&self.store.conn())
    }

    /// The customers' comments of a week (`2026-W45`), oldest first.
    pub fn feedback_comments(&self, week: &str) -> Result<Vec<Comment>> {
        self.require_lead()?;
        let conn = self.store.conn();
        let mut statement = conn.prepare_cached(
            "SELECT id, week, answered_on, score, text FROM feedback_comments
              WHERE week = ?1 ORDER BY answered_on, id",
        )?;
        let rows = statement.query_map([week], comment_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A customer's comment as the team would see it in the week's
    /// line-up: what looks like their name, email or phone taken out, and
    /// listed. Nothing is shared.
    pub fn customer_voice(&self, comment_id: i64) -> Result<CustomerVoice> {
        self.require_lead()?;
        let comment = load_comment(&self.store.conn(), comment_id)?;
        let mut redacted = redact(&comment.text);
        redacted.text = redacted.text.chars().take(MAX_VOICE_CHARS).collect();
        Ok(CustomerVoice {
            week: comment.week,
            redacted,
        })
    }

    /// A lead shares a customer's comment, made fit as [`Fanday::customer_voice`]
    /// shows it, as the voice of its week's line-up: signed and sent to
    /// the team like a featured story.
    pub fn share_customer_voice(&self, comment_id: i64) -> Result<CustomerVoice> {
        let me = self.require_lead()?;
        if crate::team::membership::joined(&self.store.conn())?.is_none() {
            return Err(CoreError::NoTeam);
        }
        if !crate::team::membership::is_lead(&self.store.conn(), &me.id) {
            return Err(CoreError::LeadOnly);
        }
        let voice = self.customer_voice(comment_id)?;
        self.team_event(Body::LineupVoice(VoiceBody {
            week: voice.week.clone(),
            text: voice.redacted.text.clone(),
        }))?;
        Ok(voice)
    }
}

/// A customer's comment as it would be shared, and the week it is for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomerVoice {
    pub week: String,
    pub redacted: Redacted,
}

fn comment_row(row: &rusqlite::Row) -> rusqlite::Result<Comment> {
    Ok(Comment {
        id: row.get(0)?,
        week: row.get(1)?,
        answered_on: row.get(2)?,
        score: row.get(3)?,
        text: row.get(4)?,
    })
}

fn load_comment(conn: &Connection, id: i64) -> Result<Comment> {
    conn.prepare_cached(
        "SELECT id, week, answered_on, score, text FROM feedback_comments WHERE id = ?1",
    )?
    .query_row([id], comment_row)
    .optional()?
    .ok_or(CoreError::NotFound { what: "comment" })
}

fn compare(conn: &Connection, path: &Path, understood: Understood) -> Result<FeedbackImport> {
    let mut import = FeedbackImport {
        source: path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default(),
        understood,
        new_weeks: Vec::new(),
        replaced_weeks: Vec::new(),
        unchanged_weeks: Vec::new(),
    };
    for counts in &import.understood.weeks {
        let list = match load_week(conn, &counts.week)? {
            None => &mut import.new_weeks,
            Some(before) if &before == counts => &mut import.unchanged_weeks,
            Some(_) => &mut import.replaced_weeks,
        };
        list.push(counts.week.clone());
    }
    Ok(import)
}

fn save_week(conn: &Connection, counts: &WeekCounts, source: &str, now: &str) -> Result<()> {
    exec(
        conn,
        "DELETE FROM feedback_comments WHERE week = ?1",
        [&counts.week],
    )?;
    exec(
        conn,
        "INSERT OR REPLACE INTO feedback_weeks
            (week, answers, promoters, passives, detractors, nps, source, imported_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            counts.week,
            counts.answers,
            counts.promoters,
            counts.passives,
            counts.detractors,
            counts.nps,
            source,
            now
        ],
    )?;
    Ok(())
}

fn save_comment(conn: &Connection, comment: &Comment) -> Result<()> {
    exec(
        conn,
        "INSERT INTO feedback_comments (week, answered_on, score, text) VALUES (?1, ?2, ?3, ?4)",
        params![
            comment.week,
            comment.answered_on,
            comment.score,
            comment.text
        ],
    )?;
    Ok(())
}

const WEEK_COLUMNS: &str = "week, answers, promoters, passives, detractors, nps";

fn week_row(row: &rusqlite::Row) -> rusqlite::Result<WeekCounts> {
    Ok(WeekCounts {
        week: row.get(0)?,
        answers: row.get(1)?,
        promoters: row.get(2)?,
        passives: row.get(3)?,
        detractors: row.get(4)?,
        nps: row.get(5)?,
    })
}

fn load_week(conn: &Connection, week: &str) -> Result<Option<WeekCounts>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {WEEK_COLUMNS} FROM feedback_weeks WHERE week = ?1"
        ))?
        .query_row([week], week_row)
        .optional()?)
}

pub(crate) fn load_weeks(conn: &Connection) -> Result<Vec<WeekCounts>> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {WEEK_COLUMNS} FROM feedback_weeks ORDER BY week"
    ))?;
    let rows = statement.query_map([], week_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

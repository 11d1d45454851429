//! The team feed: shared stories, featured ones first, then newest first,
//! with applause, comments and a lead's review; withdrawn ones gone.

use crate::error::Result;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub author_name: String,
    pub text: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Story {
    /// The story's author and id together: what applause, comments and
    /// reviews name it by.
    pub story_id: String,
    pub author_id: String,
    pub author_name: String,
    pub date: NaiveDate,
    pub situation: crate::Situation,
    pub customer: crate::Customer,
    pub text: String,
    pub reaction: Option<String>,
    pub applause: u32,
    pub applauded_by_me: bool,
    pub comments: Vec<Comment>,
    /// `reviewed` or `featured`, by a lead.
    pub review: Option<String>,
}

/// Stories in the feed dated from `first` to `last` (both included).
pub fn count_between(conn: &Connection, first: NaiveDate, last: NaiveDate) -> Result<u32> {
    Ok(conn.query_row(
        "SELECT count(*) FROM stories
          WHERE withdrawn = 0 AND text <> '' AND local_date BETWEEN ?1 AND ?2",
        params![first, last],
        |row| row.get(0),
    )?)
}

/// The feed, featured stories first, then newest first; withdrawn ones gone.
pub fn feed(
    conn: &Connection,
    me: &str,
    situation: Option<crate::Situation>,
    limit: u32,
) -> Result<Vec<Story>> {
    // Featured stories first (there are few), then the newest, walking the
    // newest-first index so that only one page is ever read.
    const COLUMNS: &str = "s.story_key, s.author_id, coalesce(m.name, ''), s.local_date,
        s.situation, s.customer, s.text, s.reaction,
        (SELECT count(*) FROM story_reactions r WHERE r.story_id = s.story_key),
        EXISTS (SELECT 1 FROM story_reactions r WHERE r.story_id = s.story_key
                                                  AND r.member_id = ?1),
        (SELECT mark FROM story_reviews v WHERE v.story_id = s.story_key)";
    let situation = situation.as_ref().map(crate::sql::enum_text);
    let from_row = |row: &rusqlite::Row<'_>| {
        Ok(Story {
            story_id: row.get(0)?,
            author_id: row.get(1)?,
            author_name: row.get(2)?,
            date: row.get(3)?,
            situation: crate::sql::enum_column(row, 4)?,
            customer: crate::sql::enum_column(row, 5)?,
            text: row.get(6)?,
            reaction: row.get(7)?,
            applause: row.get(8)?,
            applauded_by_me: row.get(9)?,
            comments: Vec::new(),
            review: row.get(10)?,
        })
    };
    let mut stories: Vec<Story> = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM story_reviews f
               JOIN stories s ON s.story_key = f.story_id
               LEFT JOIN team_members m ON m.member_id = s.author_id
              WHERE f.mark = 'featured' AND s.withdrawn = 0 AND s.text <> ''
                AND (?2 IS NULL OR s.situation = ?2)
              ORDER BY s.local_date DESC, s.shared_at DESC LIMIT ?3"
        ))?
        .query_map(params![me, situation, limit], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    let rest: Vec<Story> = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM stories s
               LEFT JOIN team_members m ON m.member_id = s.author_id
              WHERE s.withdrawn = 0 AND s.text <> '' AND (?2 IS NULL OR s.situation = ?2)
                AND NOT EXISTS (SELECT 1 FROM story_reviews f
                                 WHERE f.story_id = s.story_key AND f.mark = 'featured')
              ORDER BY s.local_date DESC, s.shared_at DESC LIMIT ?3"
        ))?
        .query_map(
            params![me, situation, limit.saturating_sub(stories.len() as u32)],
            from_row,
        )?
        .collect::<rusqlite::Result<_>>()?;
    stories.extend(rest);
    let mut comments = conn.prepare_cached(
        "SELECT coalesce(m.name, ''), c.text, c.at FROM story_comments c
           LEFT JOIN team_members m ON m.member_id = c.member_id
          WHERE c.story_id = ?1 ORDER BY c.at, c.event_id",
    )?;
    for story in &mut stories {
        story.comments = comments
            .query_map([&story.story_id], |row| {
                Ok(Comment {
                    author_name: row.get(0)?,
                    text: row.get(1)?,
                    at: row.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
    }
    Ok(stories)
}

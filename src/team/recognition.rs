//! Recognition reaches everyone: which members had no applause, comment
//! or feature from a colleague on a shared story in the last seven days
//! (a short list of names for a lead to act on: no ranking, no counts),
//! and the share of members recognised in each ISO week, a leading
//! indicator. Counted from what this PC holds of the team folder; only
//! admitted members, not removed ones, and never a person's own applause.

use super::membership::COUNTED;
use crate::calendar::week_start;
use crate::error::Result;
use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, Utc};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::BTreeSet;

/// The days the list of members not recognised looks back.
pub const RECENT_DAYS: i64 = 7;

/// The most weeks a region's screen or report shows.
pub const REGION_MAX_WEEKS: usize = 53;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecognisedWeek {
    pub iso_year: i32,
    pub iso_week: u32,
    pub monday: NaiveDate,
    pub members: u32,
    pub recognised: u32,
    /// 0 to 100, one decimal.
    pub share: f64,
}

impl RecognisedWeek {
    pub fn of(monday: NaiveDate, recognised: u32, members: u32) -> RecognisedWeek {
        let iso = monday.iso_week();
        RecognisedWeek {
            iso_year: iso.year(),
            iso_week: iso.week(),
            monday,
            members,
            recognised,
            share: crate::stats::percent(recognised, members),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recognition {
    /// Names of members (the person looking aside) with no recognition in
    /// the last seven days, alphabetical; members who shared nothing are
    /// among them: recognition is to reach everyone.
    pub unrecognised: Vec<String>,
    /// Newest first.
    pub weeks: Vec<RecognisedWeek>,
}

/// A member of the team: id and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: String,
    pub name: String,
}

/// A recognition: whose story, and when a colleague gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Given {
    pub author: String,
    pub at: DateTime<Utc>,
}

/// The rule, from the members, the recognitions and now (whose offset
/// places each recognition in its local week).
pub fn coverage(
    members: &[Member],
    me: &str,
    given: &[Given],
    now: DateTime<FixedOffset>,
    weeks: usize,
) -> Recognition {
    let ids: BTreeSet<&str> = members.iter().map(|m| m.id.as_str()).collect();
    let recent_from = now.with_timezone(&Utc) - Duration::days(RECENT_DAYS);
    let recent: BTreeSet<&str> = given
        .iter()
        .filter(|g| g.at >= recent_from && g.at <= now.with_timezone(&Utc))
        .map(|g| g.author.as_str())
        .collect();
    let mut unrecognised: Vec<&Member> = members
        .iter()
        .filter(|m| m.id != me && !recent.contains(m.id.as_str()))
        .collect();
    unrecognised
        .sort_by(|a, b| (a.name.to_lowercase(), &a.id).cmp(&(b.name.to_lowercase(), &b.id)));
    let this_monday = week_start(now.date_naive());
    let total = ids.len() as u32;
    let weeks = (0..weeks)
        .map(|i| {
            let monday = this_monday - Duration::weeks(i as i64);
            let recognised = given
                .iter()
                .filter(|g| week_of(g.at, now) == monday)
                .filter_map(|g| ids.get(g.author.as_str()))
                .collect::<BTreeSet<_>>()
                .len() as u32;
            RecognisedWeek::of(monday, recognised, total)
        })
        .collect();
    Recognition {
        unrecognised: unrecognised.into_iter().map(|m| m.name.clone()).collect(),
        weeks,
    }
}

/// The team's members now, and every recognition given on a story that is
/// still shared: applause, comments and features, by someone other than
/// its author.
pub fn load(
    conn: &Connection,
    me: &str,
    now: DateTime<FixedOffset>,
    weeks: usize,
) -> Result<Recognition> {
    let members: Vec<Member> = conn
        .prepare_cached(&format!(
            "SELECT member_id, name FROM team_members WHERE {COUNTED}"
        ))?
        .query_map([], |row| {
            Ok(Member {
                id: row.get(0)?,
                name: row.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let since = now.with_timezone(&Utc)
        - Duration::weeks(weeks as i64 + 1).max(Duration::days(RECENT_DAYS));
    let given = given_since(conn, since)?;
    Ok(coverage(&members, me, &given, now, weeks))
}

/// The Monday of the week a recognition falls in, in the local time of
/// `now`.
pub fn week_of(at: DateTime<Utc>, now: DateTime<FixedOffset>) -> NaiveDate {
    week_start(at.with_timezone(now.offset()).date_naive())
}

/// Every recognition given from `since` on a story that is still shared:
/// applause, comments and features, by someone other than its author. The
/// one place that says what counts as recognition.
pub fn given_since(conn: &Connection, since: DateTime<Utc>) -> Result<Vec<Given>> {
    Ok(conn
        .prepare_cached(
            "SELECT s.author_id, r.at FROM story_reactions r JOIN stories s ON s.story_key = r.story_id
              WHERE s.withdrawn = 0 AND r.member_id <> s.author_id AND r.at >= ?1
             UNION ALL
             SELECT s.author_id, c.at FROM story_comments c JOIN stories s ON s.story_key = c.story_id
              WHERE s.withdrawn = 0 AND c.member_id <> s.author_id AND c.at >= ?1
             UNION ALL
             SELECT s.author_id, v.at FROM story_reviews v JOIN stories s ON s.story_key = v.story_id
              WHERE s.withdrawn = 0 AND v.mark = 'featured' AND v.by_id <> s.author_id
                AND v.at >= ?1",
        )?
        .query_map([since], |row| {
            Ok(Given {
                author: row.get(0)?,
                at: row.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

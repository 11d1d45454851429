//! Each member's app says, per ISO week beside its tally, whether a
//! colleague recognised the person that week (applause, a comment or a
//! feature on a story of theirs still shared): a region's recognition
//! coverage counts these, so a follower never needs a story's or
//! applause's line. Sent where it changed, with the tallies, and only
//! while tallies are shared.

use super::body::{kind, Body, RecognitionBody};
use super::lineup::week_name;
use super::outbox::append;
use super::tally::{last_published, weeks_to_publish};
use crate::calendar::week_start;
use crate::error::Result;
use crate::profile::Profile;
use crate::sql::query_one;
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, Utc};
use rusqlite::{params, Connection};

/// Whether a colleague recognised `me` in the local week that begins on
/// `monday` (the offset of `now` places it).
pub fn of_week(
    conn: &Connection,
    me: &str,
    monday: NaiveDate,
    now: DateTime<FixedOffset>,
) -> Result<RecognitionBody> {
    let start = |day: NaiveDate| -> DateTime<Utc> {
        day.and_time(NaiveTime::MIN)
            .and_local_timezone(*now.offset())
            .single()
            .map_or_else(|| day.and_time(NaiveTime::MIN).and_utc(), |at| at.to_utc())
    };
    let recognised: bool = query_one(
        conn,
        "SELECT EXISTS (
            SELECT 1 FROM story_reactions r JOIN stories s ON s.story_key = r.story_id
             WHERE s.author_id = ?1 AND s.withdrawn = 0 AND r.member_id <> ?1
               AND r.at >= ?2 AND r.at < ?3
            UNION ALL
            SELECT 1 FROM story_comments c JOIN stories s ON s.story_key = c.story_id
             WHERE s.author_id = ?1 AND s.withdrawn = 0 AND c.member_id <> ?1
               AND c.at >= ?2 AND c.at < ?3
            UNION ALL
            SELECT 1 FROM story_reviews v JOIN stories s ON s.story_key = v.story_id
             WHERE s.author_id = ?1 AND s.withdrawn = 0 AND v.mark = 'featured'
               AND v.by_id <> ?1 AND v.at >= ?2 AND v.at < ?3)",
        params![me, start(monday), start(monday + Duration::weeks(1))],
        |row| row.get(0),
    )?;
    Ok(RecognitionBody {
        week: week_name(monday),
        recognised,
    })
}

/// Says this week's and last week's word where it changed, in the weeks
/// the tallies are published for (`tally::weeks_to_publish`).
pub fn publish(
    conn: &Connection,
    me: &Profile,
    today: NaiveDate,
    now: DateTime<FixedOffset>,
) -> Result<u32> {
    let mut sent = 0;
    for monday in weeks_to_publish(conn, today)? {
        let word = of_week(conn, &me.id, monday, now)?;
        let said = last_published(conn, &me.id, kind::RECOGNITION_WEEK, |body| match body {
            Body::RecognitionWeek(said) if said.week == word.week => Some(said),
            _ => None,
        })?;
        // A week nobody recognised them in needs no word until one did.
        if said.as_ref() != Some(&word) && (word.recognised || said.is_some()) {
            append(conn, me, &Body::RecognitionWeek(word), None, now.to_utc())?;
            sent += 1;
        }
    }
    Ok(sent)
}

/// A followed team's recognition coverage, the `weeks` weeks ending with
/// today's, newest first: the members now who said a colleague recognised
/// them in a week (their latest word of it, their tallies not switched
/// off since), of the members now.
pub fn region_weeks(
    conn: &Connection,
    today: NaiveDate,
    weeks: usize,
) -> Result<Vec<super::recognition::RecognisedWeek>> {
    let this_monday = week_start(today);
    let members: u32 = query_one(
        conn,
        "SELECT count(*) FROM team_members WHERE status = 'admitted' AND public_key <> ''",
        [],
        |row| row.get(0),
    )?;
    let first_monday = this_monday - Duration::weeks(weeks.saturating_sub(1) as i64);
    let mut recognised: std::collections::BTreeMap<NaiveDate, u32> = conn
        .prepare_cached(
            "SELECT t.monday, count(DISTINCT t.member_id) FROM team_recognition t
               JOIN team_members m ON m.member_id = t.member_id
              WHERE m.status = 'admitted' AND m.public_key <> '' AND t.recognised = 1
                AND t.monday BETWEEN ?1 AND ?2
                AND NOT EXISTS (SELECT 1 FROM team_tally_stops s
                                 WHERE s.member_id = t.member_id AND s.seq > t.seq)
              GROUP BY t.monday",
        )?
        .query_map(params![first_monday, this_monday], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok((0..weeks)
        .map(|i| {
            let monday = this_monday - Duration::weeks(i as i64);
            let count = recognised.remove(&monday).unwrap_or(0).min(members);
            super::recognition::RecognisedWeek::of(monday, count, members)
        })
        .collect())
}

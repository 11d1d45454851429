//! Each member's app says, per ISO week beside its tally, whether a
//! colleague recognised the person that week (applause, a comment or a
//! feature on a story of theirs still shared): a region's recognition
//! coverage counts these, so a follower never needs a story's or
//! applause's line. Sent where it changed, with the tallies, and only
//! while tallies are shared.

use super::body::{kind, Body, RecognitionBody};
use super::lineup::week_name;
use super::membership::{admitted_members, COUNTED};
use super::outbox::append;
use super::recognition::{given_since, week_of, RecognisedWeek};
use super::tally::{last_published, weeks_to_publish};
use crate::calendar::{first_of_weeks, week_start};
use crate::error::Result;
use crate::profile::Profile;
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime};
use rusqlite::{params, Connection};

/// Whether a colleague recognised `me` in the local week that begins on
/// `monday` (the offset of `now` places it), by the rule a lead's
/// Insights count with.
pub fn of_week(
    conn: &Connection,
    me: &str,
    monday: NaiveDate,
    now: DateTime<FixedOffset>,
) -> Result<RecognitionBody> {
    // A day before the Monday in UTC covers every offset of a local week.
    let since = (monday - Duration::days(1))
        .and_time(NaiveTime::MIN)
        .and_utc();
    let recognised = given_since(conn, since)?
        .iter()
        .any(|given| given.author == me && week_of(given.at, now) == monday);
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
) -> Result<Vec<RecognisedWeek>> {
    let members = admitted_members(conn)?;
    let mut recognised: std::collections::BTreeMap<NaiveDate, u32> = conn
        .prepare_cached(&format!(
            "SELECT t.monday, count(DISTINCT t.member_id) FROM team_recognition t
              WHERE t.member_id IN (SELECT member_id FROM team_members WHERE {COUNTED})
                AND t.recognised = 1 AND t.monday BETWEEN ?1 AND ?2
                AND NOT EXISTS (SELECT 1 FROM team_tally_stops s
                                 WHERE s.member_id = t.member_id AND s.seq > t.seq)
              GROUP BY t.monday",
        ))?
        .query_map(
            params![first_of_weeks(today, weeks), week_start(today)],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?
        .collect::<rusqlite::Result<_>>()?;
    Ok((0..weeks)
        .map(|i| {
            let monday = week_start(today) - Duration::weeks(i as i64);
            let count = recognised.remove(&monday).unwrap_or(0).min(members);
            RecognisedWeek::of(monday, count, members)
        })
        .collect())
}

//! The weekly tally: each member's app publishes, per ISO week, the counts
//! of the person's moments (fans, the mix of situations and customers,
//! exceptions used, plans followed), never a text, so that a lead's
//! insights come from the whole team. Private moments count too: only the
//! numbers leave the PC. The person can switch it off in Settings.
//!
//! Read from the folder, a tally is hostile input like any event: its week
//! must exist and have begun by the time it was signed, its counts must be
//! within bounds and add up. The latest tally of a member and week (by the
//! member's own event number) is the one that counts, the same on every PC.

use super::body::{kind, Body, TallyBody, TallyStopBody};
use super::events;
use super::lineup::week_name;
use super::membership::{in_team, joined};
use super::outbox::{append, team_format};
use super::refusal::Refusal;
use crate::calendar::{monday_of, week_start};
use crate::error::Result;
use crate::profile::Profile;
use crate::reminder::setting;
use crate::sql::query_one;
use crate::team_event::EVENT_VERSION;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};

/// More moments in one week than anyone makes (a fan a day is the goal):
/// a tally above it is refused.
pub const MAX_TALLY_COUNT: u32 = 1000;

/// The setting that says whether this person's tallies are published.
pub const SETTING: &str = "team.tally";

/// The Monday of a week named as [`week_name`] writes it, and only so.
pub fn parse_week(text: &str) -> Option<NaiveDate> {
    let (year, week) = text.split_once("-W")?;
    let monday = monday_of(year.parse().ok()?, week.parse().ok()?)?;
    (week_name(monday) == text).then_some(monday)
}

/// Whether a week's numbers signed at `at` can be right: a week that had
/// not begun then (a day's leeway for time zones), or one before 2000,
/// cannot be counted.
pub fn week_has_begun(monday: NaiveDate, at: DateTime<Utc>) -> bool {
    let earliest = NaiveDate::from_ymd_opt(2000, 1, 3).unwrap_or_default();
    monday >= earliest && monday <= (at + Duration::days(1)).date_naive()
}

/// Whether a tally signed at `at` can be right; its week's Monday if so.
pub fn check(tally: &TallyBody, at: DateTime<Utc>) -> std::result::Result<NaiveDate, Refusal> {
    let monday = parse_week(&tally.week).ok_or(Refusal::TallyInvalid)?;
    if !week_has_begun(monday, at) {
        return Err(Refusal::TallyInvalid);
    }
    let counts = [
        tally.fans,
        tally.just_because,
        tally.said_no,
        tally.complaint,
        tally.external,
        tally.internal,
        tally.exceptions_used,
        tally.plans_followed,
    ];
    let adds_up = tally.just_because + tally.said_no + tally.complaint == tally.fans
        && tally.external + tally.internal == tally.fans
        && tally.exceptions_used <= tally.fans
        && tally.plans_followed <= tally.fans;
    if counts.iter().any(|&n| n > MAX_TALLY_COUNT) || !adds_up {
        return Err(Refusal::TallyInvalid);
    }
    Ok(monday)
}

/// Switched off: says so to the team, once, so that the tallies sent
/// before stop counting.
pub fn send_stop(conn: &Connection, me: &Profile, now: DateTime<Utc>) -> Result<()> {
    if joined(conn)?.is_none() || team_format(conn)? != EVENT_VERSION {
        return Ok(());
    }
    let sent = events::of_member(conn, &me.id, &[kind::TALLY_WEEK, kind::TALLY_STOPPED])?;
    if matches!(sent.last(), Some((_, Body::TallyWeek(_)))) {
        append(conn, me, &Body::TallyStopped(TallyStopBody {}), None, now)?;
    }
    Ok(())
}

/// This person's tally of the week that begins on `monday`, from their
/// moments that are not deleted, shared or not.
pub fn of_week(conn: &Connection, me: &str, monday: NaiveDate) -> Result<TallyBody> {
    let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    let tally = query_one(
        conn,
        "SELECT count(*),
                coalesce(sum(situation = 'just_because'), 0), coalesce(sum(situation = 'said_no'), 0),
                coalesce(sum(situation = 'complaint'), 0), coalesce(sum(customer = 'external'), 0),
                coalesce(sum(customer = 'internal'), 0), coalesce(sum(exception_id IS NOT NULL), 0),
                coalesce(sum(plan_id IS NOT NULL), 0)
           FROM moments
          WHERE author = ?1 AND deleted_at IS NULL AND local_date BETWEEN ?2 AND ?3",
        params![me, monday, monday + Duration::days(6)],
        |row| {
            Ok(TallyBody {
                week: week_name(monday),
                fans: count(row.get(0)?),
                just_because: count(row.get(1)?),
                said_no: count(row.get(2)?),
                complaint: count(row.get(3)?),
                external: count(row.get(4)?),
                internal: count(row.get(5)?),
                exceptions_used: count(row.get(6)?),
                plans_followed: count(row.get(7)?),
            })
        },
    )?;
    Ok(tally)
}

/// Whether this person's tallies are published (on unless switched off).
pub fn sharing(conn: &Connection) -> Result<bool> {
    Ok(setting(conn, SETTING)?.map_or(true, |value| value != "0"))
}

/// What this person last said of a week in a kind of their weekly
/// numbers (a tally, a word of recognition), refused or not, and not
/// switched off since: the one `pick` finds, newest first.
pub(super) fn last_published<T>(
    conn: &Connection,
    me: &str,
    of_kind: &str,
    pick: impl Fn(Body) -> Option<T>,
) -> Result<Option<T>> {
    let sent = events::of_member(conn, me, &[of_kind, kind::TALLY_STOPPED])?;
    Ok(sent
        .into_iter()
        .rev()
        .take_while(|(_, body)| !matches!(body, Body::TallyStopped(_)))
        .find_map(|(_, body)| pick(body)))
}

/// The weeks whose numbers are published now: this week's and last
/// week's (last week only where the person was in the team by its end);
/// none when switched off, outside a team, or in a team still on format 1.
pub(super) fn weeks_to_publish(conn: &Connection, today: NaiveDate) -> Result<Vec<NaiveDate>> {
    if !in_team(conn)? || team_format(conn)? != EVENT_VERSION || !sharing(conn)? {
        return Ok(Vec::new());
    }
    let joined_at: Option<DateTime<Utc>> =
        query_one(conn, "SELECT joined_at FROM team", [], |row| row.get(0)).optional()?;
    let this_monday = week_start(today);
    let mut weeks = vec![this_monday];
    if joined_at.is_some_and(|at| at.date_naive() < this_monday) {
        weeks.insert(0, this_monday - Duration::weeks(1));
    }
    Ok(weeks)
}

/// Publishes this week's and last week's tallies where they changed since
/// they were last published (a week with no fans is published too: it
/// says the person took part in the count), in the weeks
/// [`weeks_to_publish`] gives.
pub fn publish(
    conn: &Connection,
    me: &Profile,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<u32> {
    let mut sent = 0;
    for monday in weeks_to_publish(conn, today)? {
        let tally = of_week(conn, &me.id, monday)?;
        // Beyond the bound (no one makes a thousand fans a week) every PC
        // would refuse the tally: none is sent.
        if tally.fans > MAX_TALLY_COUNT {
            continue;
        }
        let last = last_published(conn, &me.id, kind::TALLY_WEEK, |body| match body {
            Body::TallyWeek(last) if last.week == tally.week => Some(last),
            _ => None,
        })?;
        if last.as_ref() != Some(&tally) {
            append(conn, me, &Body::TallyWeek(tally), None, now)?;
            sent += 1;
        }
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_weeks_numbers_count_only_once_the_week_has_begun_a_day_early_at_most() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        let at = |text: &str| {
            DateTime::parse_from_rfc3339(text)
                .map(|at| at.to_utc())
                .unwrap_or_default()
        };
        let monday = day(2026, 11, 23);
        assert!(week_has_begun(monday, at("2026-11-23T08:00:00Z")));
        // Sunday evening UTC is Monday in Stockholm and further east.
        assert!(week_has_begun(monday, at("2026-11-22T23:30:00Z")));
        assert!(!week_has_begun(monday, at("2026-11-21T12:00:00Z")));
        assert!(!week_has_begun(
            day(1999, 12, 27),
            at("2026-11-23T08:00:00Z")
        ));
    }

    #[test]
    fn a_week_is_named_one_way_only() {
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
        assert_eq!(week_name(monday), "2026-W48");
        assert_eq!(parse_week("2026-W48"), Some(monday));
        // ISO years: 2026-12-28 is in 2026-W53, 2021-01-04 begins 2021-W01.
        assert_eq!(
            parse_week("2026-W53"),
            NaiveDate::from_ymd_opt(2026, 12, 28)
        );
        for wrong in ["2026-W8", "2026-W048", "2025-W53", "2026W48", "2026-W00"] {
            assert_eq!(parse_week(wrong), None, "{wrong}");
        }
    }
}

//! What a week's answers say: the NPS with a 90 % band that shows how much
//! it can say (12 answers say far less than 1,200), and a four-week
//! rolling NPS that does not jump about from week to week.

use super::read::WeekCounts;
use super::values::Week;
use chrono::Duration;
use serde::Serialize;
use std::collections::BTreeMap;

/// Below this many answers a week (or four weeks) shows no number: its
/// band would span most of the scale.
pub const MIN_ANSWERS: u32 = 10;

/// The normal quantile of a two-sided 90 % interval.
const Z90: f64 = 1.644_853_626_951_472_2;

/// One week of Insights, the lagging side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NpsWeek {
    pub week: String,
    pub iso_year: i32,
    pub iso_week: u32,
    /// Answers that week (0 where none were imported).
    pub answers: u32,
    /// `None` with fewer than [`MIN_ANSWERS`].
    pub nps: Option<i32>,
    /// The 90 % band around it, whole points.
    pub low: Option<i32>,
    pub high: Option<i32>,
    /// The NPS of this week's and the three weeks before's answers
    /// together, `None` with fewer than [`MIN_ANSWERS`] in them.
    pub rolling: Option<i32>,
    pub rolling_answers: u32,
}

/// The 90 % band around a week's NPS, in whole points. With promoters and
/// detractors known: the adjusted Wald interval for a difference of
/// shares (z²/4 added to promoters and to detractors, z²/2 to passives).
/// With only the NPS and the number of answers: the Wald interval with the
/// widest spread that NPS allows (no passives), so never narrower than
/// the truth.
pub fn band(week: &WeekCounts) -> (i32, i32) {
    let n = f64::from(week.answers);
    let (centre, spread, n) = match (week.promoters, week.detractors) {
        (Some(p), Some(d)) => {
            let z2 = Z90 * Z90;
            let n = n + z2;
            let p = (f64::from(p) + z2 / 4.0) / n;
            let d = (f64::from(d) + z2 / 4.0) / n;
            (p - d, p + d - (p - d) * (p - d), n)
        }
        _ => {
            let share = f64::from(week.nps) / 100.0;
            (share, 1.0 - share * share, n)
        }
    };
    let half = Z90 * (spread.max(0.0) / n.max(1.0)).sqrt();
    let points = |x: f64| (100.0 * x.clamp(-1.0, 1.0)).round() as i32;
    (points(centre - half), points(centre + half))
}

/// The lagging side of each week shown (given by its Monday, newest
/// first as Insights show them), from the weeks imported.
pub fn lagging_weeks(imported: &[WeekCounts], shown: &[chrono::NaiveDate]) -> Vec<NpsWeek> {
    let by_week: BTreeMap<Week, &WeekCounts> = imported
        .iter()
        .filter_map(|counts| Week::parse_key(&counts.week).map(|week| (week, counts)))
        .collect();
    shown
        .iter()
        .map(|&monday| {
            let week = Week::of(monday);
            let this = by_week.get(&week).copied();
            let answers = this.map_or(0, |counts| counts.answers);
            let enough = answers >= MIN_ANSWERS;
            let band = this.filter(|_| enough).map(band);
            let four: Vec<&WeekCounts> = (0..4)
                .filter_map(|back| {
                    by_week
                        .get(&Week::of(monday - Duration::weeks(back)))
                        .copied()
                })
                .collect();
            let rolling_answers: u32 = four.iter().map(|counts| counts.answers).sum();
            NpsWeek {
                week: week.key(),
                iso_year: week.year,
                iso_week: week.week,
                answers,
                nps: this.filter(|_| enough).map(|counts| counts.nps),
                low: band.map(|(low, _)| low),
                high: band.map(|(_, high)| high),
                rolling: (rolling_answers >= MIN_ANSWERS).then(|| pooled(&four)),
                rolling_answers,
            }
        })
        .collect()
}

/// The NPS of several weeks' answers together: each week weighs as many
/// answers as it had (promoters minus detractors over all answers, where
/// they are known).
fn pooled(weeks: &[&WeekCounts]) -> i32 {
    let answers: f64 = weeks.iter().map(|w| f64::from(w.answers)).sum();
    if answers == 0.0 {
        return 0;
    }
    let net: f64 = weeks
        .iter()
        .map(|w| match (w.promoters, w.detractors) {
            (Some(p), Some(d)) => f64::from(p) - f64::from(d),
            _ => f64::from(w.nps) / 100.0 * f64::from(w.answers),
        })
        .sum();
    (100.0 * net / answers).round() as i32
}

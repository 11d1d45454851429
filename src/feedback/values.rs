//! One cell at a time: a date in the forms exports use, a score 0-10 with
//! a decimal comma or point, an ISO week in the ways people write one, a
//! count. Each says in words what is wrong with a cell it cannot read.

use super::problem::{Counted, Problem};
use chrono::{Datelike, NaiveDate};

/// An ISO week, `2026-W45`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Week {
    pub year: i32,
    pub week: u32,
}

impl Week {
    pub fn of(day: NaiveDate) -> Week {
        let iso = day.iso_week();
        Week {
            year: iso.year(),
            week: iso.week(),
        }
    }

    pub fn new(year: i32, week: u32) -> Option<Week> {
        NaiveDate::from_isoywd_opt(year, week, chrono::Weekday::Mon).map(|_| Week { year, week })
    }

    pub fn key(self) -> String {
        format!("{}-W{:02}", self.year, self.week)
    }

    pub fn parse_key(key: &str) -> Option<Week> {
        let (year, week) = key.split_once("-W")?;
        Week::new(year.parse().ok()?, week.parse().ok()?)
    }
}

/// `2026-11-03` (also with a time after it), `03.11.2026`, `3/11/2026`
/// (day first, as Excel writes it in Sweden and Britain) or `2026/11/03`.
pub fn date(cell: &str) -> Result<NaiveDate, Problem> {
    let cell = cell.trim();
    let day_part = cell
        .split(|c: char| c == 'T' || c.is_whitespace())
        .next()
        .unwrap_or("");
    ["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%Y/%m/%d", "%d-%m-%Y"]
        .iter()
        .find_map(|format| NaiveDate::parse_from_str(day_part, format).ok())
        .ok_or_else(|| Problem::Date { cell: cell.into() })
}

/// A whole score from 0 to 10; `9,0` and `9.0` are 9.
pub fn score(cell: &str) -> Result<u8, Problem> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Err(Problem::NoScore);
    }
    let number = decimal(cell).ok_or_else(|| Problem::ScoreNotNumber { cell: cell.into() })?;
    if !(0.0..=10.0).contains(&number) {
        return Err(Problem::ScoreRange { cell: cell.into() });
    }
    if number.fract() != 0.0 {
        return Err(Problem::ScoreNotWhole { cell: cell.into() });
    }
    Ok(number as u8)
}

/// A count of answers: a whole number, at least 0.
pub fn count(cell: &str, column: Counted) -> Result<u32, Problem> {
    let cell = cell.trim();
    let problem = || Problem::Count {
        column,
        cell: cell.into(),
    };
    let number = decimal(cell).ok_or_else(problem)?;
    if number < 0.0 || number.fract() != 0.0 || number > f64::from(u32::MAX) {
        return Err(problem());
    }
    Ok(number as u32)
}

/// An NPS as a survey tool gives it: -100 to 100, maybe with decimals.
pub fn nps(cell: &str) -> Result<f64, Problem> {
    let cell = cell.trim();
    let problem = || Problem::Nps { cell: cell.into() };
    let number = decimal(cell.trim_end_matches('%').trim()).ok_or_else(problem)?;
    if !(-100.0..=100.0).contains(&number) {
        return Err(problem());
    }
    Ok(number)
}

/// `12,5`, `12.5`, `−3` (a typographic minus) or `1 200` (spaces between
/// thousands) as a number.
fn decimal(cell: &str) -> Option<f64> {
    let cleaned: String = cell
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .map(|c| match c {
            ',' => '.',
            '\u{2212}' => '-',
            other => other,
        })
        .collect();
    cleaned.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// An ISO week as people write one: `2026-W45`, `2026W45`, `v45 2026`,
/// `vecka 45 2026`, `2026 v. 45`, `2026-45`, or a date in the week.
pub fn week(cell: &str) -> Result<Week, Problem> {
    let cell = cell.trim();
    if let Ok(day) = date(cell) {
        return Ok(Week::of(day));
    }
    let runs: Vec<&str> = cell
        .split(|c: char| !c.is_ascii_digit())
        .filter(|run| !run.is_empty())
        .collect();
    let year = runs.iter().find(|run| run.len() == 4);
    let number = runs.iter().find(|run| (1..=2).contains(&run.len()));
    match (runs.len(), year, number) {
        (2, Some(year), Some(number)) => {
            let (year, number) = (year.parse().unwrap_or(0), number.parse().unwrap_or(0));
            Week::new(year, number).ok_or(Problem::NoSuchWeek { year, week: number })
        }
        _ => Err(Problem::Week { cell: cell.into() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn dates_in_the_forms_exports_use() {
        assert_eq!(date("2026-11-03"), Ok(day(2026, 11, 3)));
        assert_eq!(date("2026-11-03 14:22:05"), Ok(day(2026, 11, 3)));
        assert_eq!(date("2026-11-03T14:22:05Z"), Ok(day(2026, 11, 3)));
        assert_eq!(date("03.11.2026"), Ok(day(2026, 11, 3)));
        assert_eq!(date("3/11/2026"), Ok(day(2026, 11, 3)));
        assert_eq!(date("2026/11/03"), Ok(day(2026, 11, 3)));
        assert!(date("yesterday").is_err());
        assert!(date("2026-02-30").is_err());
    }

    #[test]
    fn scores_with_a_comma_or_a_point_and_out_of_range() {
        assert_eq!(score("9"), Ok(9));
        assert_eq!(score(" 9,0 "), Ok(9));
        assert_eq!(score("10.0"), Ok(10));
        assert_eq!(score("0"), Ok(0));
        assert_eq!(score("11"), Err(Problem::ScoreRange { cell: "11".into() }));
        assert_eq!(score("-1"), Err(Problem::ScoreRange { cell: "-1".into() }));
        assert_eq!(
            score("8,5"),
            Err(Problem::ScoreNotWhole { cell: "8,5".into() })
        );
        assert!(score("").is_err());
        assert!(score("bra").is_err());
    }

    #[test]
    fn weeks_as_people_write_them() {
        let w45 = Week::new(2026, 45);
        for cell in [
            "2026-W45",
            "2026W45",
            "v45 2026",
            "Vecka 45 2026",
            "2026 v. 45",
            "2026-45",
            "2026-11-02",
        ] {
            assert_eq!(week(cell).ok(), w45, "{cell}");
        }
        assert_eq!(
            week("2025-W53").map_err(|p| p.to_string()),
            Err("2025 has no week 53".into())
        );
        assert!(week("2026-W53").is_ok(), "2026 has 53 weeks");
        assert!(week("45").is_err(), "a week without its year");
        assert_eq!(
            Week::new(2026, 5).map(Week::key),
            Some("2026-W05".to_string())
        );
        assert_eq!(Week::parse_key("2026-W05"), Week::new(2026, 5));
    }

    #[test]
    fn numbers_with_spaces_and_typographic_minus() {
        assert_eq!(count("1 200", Counted::Answers), Ok(1200));
        assert!(count("12,5", Counted::Answers).is_err());
        assert_eq!(nps("\u{2212}12,5"), Ok(-12.5));
        assert_eq!(nps("32 %"), Ok(32.0));
        assert!(nps("140").is_err());
    }
}

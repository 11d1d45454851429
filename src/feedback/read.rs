//! A survey export read into weeks: what Fanday understood, and each row
//! it could not read with the reason, so the lead can judge before saving.

use super::columns::{position, recognise, Column};
use super::problem::{Counted, Problem};
use super::text::{decode, separator};
use super::values::{self, Week};
use super::Layout;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// Larger than any survey export a team has; read in one go below it.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;

/// One week's answers. From a file of answers, or of weeks with
/// promoters, passives and detractors, all four counts are known; from
/// one with the NPS and the number of answers, only those.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeekCounts {
    /// The ISO week, `2026-W45`.
    pub week: String,
    pub answers: u32,
    pub promoters: Option<u32>,
    pub passives: Option<u32>,
    pub detractors: Option<u32>,
    /// Promoters minus detractors, in whole percentage points.
    pub nps: i32,
}

impl WeekCounts {
    fn from_counts(week: Week, promoters: u32, passives: u32, detractors: u32) -> WeekCounts {
        let answers = promoters + passives + detractors;
        WeekCounts {
            week: week.key(),
            answers,
            promoters: Some(promoters),
            passives: Some(passives),
            detractors: Some(detractors),
            nps: whole_points(promoters, detractors, answers),
        }
    }
}

/// `100 (p - d) / n`, rounded half away from zero.
pub fn whole_points(promoters: u32, detractors: u32, answers: u32) -> i32 {
    if answers == 0 {
        return 0;
    }
    let net = f64::from(promoters) - f64::from(detractors);
    (100.0 * net / f64::from(answers)).round() as i32
}

/// A row not taken, as the spreadsheet numbers it (the header is row 1),
/// and why: in English (`reason`) and as a value the window words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub row: u64,
    pub reason: String,
    pub problem: Problem,
}

impl Skipped {
    fn new(row: u64, problem: Problem) -> Skipped {
        Skipped {
            row,
            reason: problem.to_string(),
            problem,
        }
    }
}

/// A customer's comment, kept with the lead only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    /// Its number in the lead's store (0 before it is saved).
    pub id: i64,
    pub week: String,
    pub answered_on: NaiveDate,
    pub score: u8,
    pub text: String,
}

/// What Fanday understood of a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Understood {
    pub layout: Layout,
    /// Oldest first.
    pub weeks: Vec<WeekCounts>,
    pub skipped: Vec<Skipped>,
    pub comments: Vec<Comment>,
}

/// Reads a survey export. An error says why nothing at all could be read
/// (no columns Fanday knows, a file far too large).
pub fn understand(bytes: &[u8]) -> Result<Understood, String> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(format!(
            "the file is {} MB; Fanday reads survey exports up to {} MB",
            bytes.len() / (1024 * 1024),
            MAX_FILE_BYTES / (1024 * 1024)
        ));
    }
    let text = decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator(&text))
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header: Vec<String> = loop {
        match records.next() {
            None => return Err("the file has no rows".to_string()),
            Some(Err(err)) => return Err(format!("the file is not a CSV Fanday reads: {err}")),
            Some(Ok(record)) if record.iter().all(|cell| cell.trim().is_empty()) => continue,
            Some(Ok(record)) => break record.iter().map(str::to_string).collect(),
        }
    };
    let columns = recognise(&header);
    let find = |wanted| position(&columns, wanted);
    let mut lines = LineCounter::new(&text);
    let rows = records
        .map(move |record| {
            let at = match &record {
                Ok(record) => record.position(),
                Err(err) => err.position(),
            };
            let row =
                lines.row_at(at.map_or(0, |at| usize::try_from(at.byte()).unwrap_or(usize::MAX)));
            let not_csv = |err: csv::Error| Problem::NotCsv {
                detail: err.to_string(),
            };
            record
                .map(|record| (row, record))
                .map_err(|err| Skipped::new(row, not_csv(err)))
        })
        .filter(|row| !matches!(row, Ok((_, record)) if blank(record)));
    if let Some(week) = find(Column::Week) {
        let counts = (
            find(Column::Promoters),
            find(Column::Passives),
            find(Column::Detractors),
        );
        if let (Some(promoters), passives, Some(detractors)) = counts {
            let at = WeekColumns::Counts {
                week,
                promoters,
                passives,
                detractors,
                answers: find(Column::Answers),
            };
            return Ok(weeks(rows, at));
        }
        if let (Some(nps), Some(answers)) = (find(Column::Nps), find(Column::Answers)) {
            return Ok(weeks(rows, WeekColumns::Nps { week, nps, answers }));
        }
    }
    let score = find(Column::Score).or(find(Column::Nps));
    if let (Some(date), Some(score)) = (find(Column::Date), score) {
        return Ok(answers(rows, date, score, find(Column::Comment)));
    }
    Err(format!(
        "no columns Fanday knows in the header ({}): it reads a date and a score 0-10 per \
         answer, or per week the week with promoters, passives and detractors, or with \
         the NPS and the number of answers",
        header.join(", ")
    ))
}

/// A row with something in it and its number, or why it is left out.
type Row = Result<(u64, csv::StringRecord), Skipped>;

/// The row a spreadsheet shows a record on (the csv reader's own line
/// numbers are off after a CRLF or a blank line): counted from the text,
/// moving forward only, so a file is counted once.
struct LineCounter<'a> {
    text: &'a [u8],
    at: usize,
    row: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> LineCounter<'a> {
        LineCounter {
            text: text.as_bytes(),
            at: 0,
            row: 1,
        }
    }

    /// The row of a record the reader says starts at `byte` (where it may
    /// still point at the line break before it).
    fn row_at(&mut self, byte: usize) -> u64 {
        let mut start = byte.min(self.text.len());
        while matches!(self.text.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        if start > self.at {
            let newlines = self.text[self.at..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.row += newlines as u64;
            self.at = start;
        }
        self.row
    }
}

/// Gives `take` each row in turn; what it cannot take, and rows that are
/// not CSV, are the rows left out, in the file's order.
fn each_row(
    rows: impl Iterator<Item = Row>,
    mut take: impl FnMut(u64, &csv::StringRecord) -> Result<(), Problem>,
) -> Vec<Skipped> {
    rows.filter_map(|row| {
        row.and_then(|(row, record)| {
            take(row, &record).map_err(|problem| Skipped::new(row, problem))
        })
        .err()
    })
    .collect()
}

fn blank(record: &csv::StringRecord) -> bool {
    record.iter().all(|cell| cell.trim().is_empty())
}

fn answers(
    rows: impl Iterator<Item = Row>,
    date_at: usize,
    score_at: usize,
    comment_at: Option<usize>,
) -> Understood {
    let mut tallies: BTreeMap<Week, [u32; 3]> = BTreeMap::new();
    let mut comments = Vec::new();
    let skipped = each_row(rows, |_, record| {
        let cell = |at: usize| record.get(at).unwrap_or("");
        let day = values::date(cell(date_at))?;
        let score = values::score(cell(score_at))?;
        let week = Week::of(day);
        tallies.entry(week).or_default()[class(score)] += 1;
        let text = comment_at.map(cell).unwrap_or("").trim();
        if !text.is_empty() {
            comments.push(Comment {
                id: 0,
                week: week.key(),
                answered_on: day,
                score,
                text: text.chars().take(2_000).collect(),
            });
        }
        Ok(())
    });
    Understood {
        layout: Layout::Answers,
        weeks: tallies
            .into_iter()
            .map(|(week, [p, pa, d])| WeekCounts::from_counts(week, p, pa, d))
            .collect(),
        skipped,
        comments,
    }
}

/// 0 promoter (9-10), 1 passive (7-8), 2 detractor (0-6).
fn class(score: u8) -> usize {
    match score {
        9.. => 0,
        7 | 8 => 1,
        _ => 2,
    }
}

enum WeekColumns {
    Counts {
        week: usize,
        promoters: usize,
        passives: Option<usize>,
        detractors: usize,
        answers: Option<usize>,
    },
    Nps {
        week: usize,
        nps: usize,
        answers: usize,
    },
}

fn weeks(rows: impl Iterator<Item = Row>, at: WeekColumns) -> Understood {
    let mut found: BTreeMap<Week, (u64, WeekCounts)> = BTreeMap::new();
    let skipped = each_row(rows, |row, record| {
        let (week, counts) = week_row(record, &at)?;
        if let Some((first, _)) = found.get(&week) {
            return Err(Problem::WeekAgain {
                week: week.key(),
                first: *first,
            });
        }
        found.insert(week, (row, counts));
        Ok(())
    });
    Understood {
        layout: Layout::Weeks,
        weeks: found.into_values().map(|(_, counts)| counts).collect(),
        skipped,
        comments: Vec::new(),
    }
}

fn week_row(record: &csv::StringRecord, at: &WeekColumns) -> Result<(Week, WeekCounts), Problem> {
    let cell = |at: usize| record.get(at).unwrap_or("");
    match *at {
        WeekColumns::Counts {
            week,
            promoters,
            passives,
            detractors,
            answers,
        } => {
            let week = values::week(cell(week))?;
            let p = values::count(cell(promoters), Counted::Promoters)?;
            let d = values::count(cell(detractors), Counted::Detractors)?;
            let answers = answers
                .map(|at| values::count(cell(at), Counted::Answers))
                .transpose()?;
            let pa = match (passives, answers) {
                (Some(at), _) => values::count(cell(at), Counted::Passives)?,
                (None, Some(answers)) => {
                    answers.checked_sub(p + d).ok_or(Problem::MoreThanAnswers {
                        promoters: p,
                        detractors: d,
                        answers,
                    })?
                }
                (None, None) => 0,
            };
            let counts = WeekCounts::from_counts(week, p, pa, d);
            if let Some(answers) = answers.filter(|&n| n != counts.answers) {
                return Err(Problem::NotTheAnswers {
                    sum: counts.answers,
                    answers,
                });
            }
            if counts.answers == 0 {
                return Err(Problem::NoAnswers { week: week.key() });
            }
            Ok((week, counts))
        }
        WeekColumns::Nps { week, nps, answers } => {
            let week = values::week(cell(week))?;
            let nps = values::nps(cell(nps))?;
            let answers = values::count(cell(answers), Counted::Answers)?;
            if answers == 0 {
                return Err(Problem::NoAnswers { week: week.key() });
            }
            let counts = WeekCounts {
                week: week.key(),
                answers,
                promoters: None,
                passives: None,
                detractors: None,
                nps: nps.round() as i32,
            };
            Ok((week, counts))
        }
    }
}

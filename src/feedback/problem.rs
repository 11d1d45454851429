//! Why a row of a survey export was left out: one value per kind of
//! problem, worded in English here (for the command line) and by its
//! `code` in the window, in the person's language.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Problem {
    #[error("the row is not CSV: {detail}")]
    NotCsv { detail: String },
    #[error("the date {cell:?} is not a date Fanday reads (2026-11-03 or 3.11.2026)")]
    Date { cell: String },
    #[error("no score")]
    NoScore,
    #[error("the score {cell:?} is not a number")]
    ScoreNotNumber { cell: String },
    #[error("the score {cell} is not from 0 to 10")]
    ScoreRange { cell: String },
    #[error("the score {cell} is not a whole number")]
    ScoreNotWhole { cell: String },
    #[error("the {column} {cell:?} is not a whole number of answers")]
    Count { column: Counted, cell: String },
    #[error("the NPS {cell:?} is not a number from -100 to 100")]
    Nps { cell: String },
    #[error("the week {cell:?} is not a week Fanday reads (2026-W45 or v45 2026)")]
    Week { cell: String },
    #[error("{year} has no week {week}")]
    NoSuchWeek { year: i32, week: u32 },
    #[error(
        "{promoters} promoters and {detractors} detractors are more than the {answers} answers"
    )]
    MoreThanAnswers {
        promoters: u32,
        detractors: u32,
        answers: u32,
    },
    #[error("promoters, passives and detractors add up to {sum}, not the {answers} answers")]
    NotTheAnswers { sum: u32, answers: u32 },
    #[error("no answers in the week {week}")]
    NoAnswers { week: String },
    #[error("the week {week} is on row {first} already")]
    WeekAgain { week: String, first: u64 },
}

/// Which count a cell was to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Counted {
    Promoters,
    Passives,
    Detractors,
    Answers,
}

impl std::fmt::Display for Counted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Counted::Promoters => "promoters",
            Counted::Passives => "passives",
            Counted::Detractors => "detractors",
            Counted::Answers => "answers",
        })
    }
}

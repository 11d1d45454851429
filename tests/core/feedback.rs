//! The customers' own score, as a lead imports it from real-looking survey
//! exports: what Fanday understands of them, what it keeps, and the NPS
//! with its band beside the team's leading numbers.

use crate::support::team::{share, team};
use crate::support::{at, be, open_at};
use fanday_core::feedback::{understand, Layout, WeekCounts};
use fanday_core::{read_feedback_file, CoreError, Role, Situation};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/feedback")
        .join(name)
}

fn counts(week: &str, p: u32, pa: u32, d: u32, nps: i32) -> WeekCounts {
    WeekCounts {
        week: week.into(),
        answers: p + pa + d,
        promoters: Some(p),
        passives: Some(pa),
        detractors: Some(d),
        nps,
    }
}

fn skipped_rows(path: &Path) -> Vec<(u64, String)> {
    let read = read_feedback_file(path).unwrap_or_else(|err| panic!("{err}"));
    read.skipped
        .into_iter()
        .map(|s| (s.row, s.reason))
        .collect()
}

#[test]
fn a_swedish_excel_export_with_semicolons_decimal_commas_and_windows_1252() {
    let read =
        read_feedback_file(&fixture("enkat-excel-sv.csv")).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(read.layout, Layout::Answers);
    // Week 45: 10 9 9 10 9 | 8 7 7 | 6 3 0 5; week 46: 9 9 | 2.
    assert_eq!(
        read.weeks,
        vec![
            counts("2026-W45", 5, 3, 4, 8),
            counts("2026-W46", 2, 0, 1, 33)
        ]
    );
    let texts: Vec<&str> = read.comments.iter().map(|c| c.text.as_str()).collect();
    assert!(
        texts.contains(&"Bemötandet var över förväntan"),
        "{texts:?}"
    );
    assert!(texts.contains(&"Åsa på kundtjänst löste allt"), "{texts:?}");
    assert_eq!(read.comments.len(), 7);
}

#[test]
fn rows_it_cannot_read_are_listed_by_row_with_the_reason_and_blank_ones_passed_over() {
    let skipped = skipped_rows(&fixture("enkat-excel-sv.csv"));
    let rows: Vec<u64> = skipped.iter().map(|(row, _)| *row).collect();
    assert_eq!(rows, vec![15, 16, 17, 18], "{skipped:?}");
    assert!(skipped[0].1.contains("not from 0 to 10"), "{skipped:?}");
    assert!(skipped[1].1.contains("\"igår\""), "{skipped:?}");
    assert!(skipped[2].1.contains("whole"), "{skipped:?}");
    assert!(skipped[3].1.contains("no score"), "{skipped:?}");
}

#[test]
fn a_utf8_export_with_a_bom_times_and_a_comment_over_two_lines() {
    let read =
        read_feedback_file(&fixture("survey-utf8-bom.csv")).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(read.weeks, vec![counts("2026-W47", 2, 0, 1, 33)]);
    assert!(read.skipped.is_empty(), "{:?}", read.skipped);
    assert!(read
        .comments
        .iter()
        .any(|c| c.text == "Two lines:\nslow reply"));
}

#[test]
fn a_file_of_weeks_with_promoters_passives_and_detractors() {
    let read = read_feedback_file(&fixture("veckor-sv.csv")).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(read.layout, Layout::Weeks);
    assert_eq!(
        read.weeks,
        vec![
            counts("2026-W44", 20, 10, 8, 32),
            counts("2026-W45", 15, 5, 10, 17)
        ]
    );
    let skipped: Vec<(u64, String)> = read
        .skipped
        .into_iter()
        .map(|s| (s.row, s.reason))
        .collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(skipped[0].1.contains("no answers"), "{skipped:?}");
    assert!(skipped[1].1.contains("on row 2 already"), "{skipped:?}");
}

#[test]
fn a_file_of_weeks_with_the_nps_and_the_number_of_answers() {
    let read = read_feedback_file(&fixture("weeks-nps.csv")).unwrap_or_else(|err| panic!("{err}"));
    let first = &read.weeks[0];
    assert_eq!(
        (first.week.as_str(), first.answers, first.nps),
        ("2026-W45", 38, 33)
    );
    assert_eq!(first.promoters, None, "not in the file, so not made up");
    assert_eq!(read.weeks[1].nps, -12);
}

#[test]
fn a_file_without_columns_fanday_knows_is_refused_in_words() {
    let err = understand(b"Name;Email\nAnna;a@example.se\n")
        .err()
        .unwrap_or_default();
    assert!(err.contains("no columns Fanday knows"), "{err}");
    assert!(understand(b"").is_err());
    let missing = read_feedback_file(Path::new("/nowhere/x.csv"));
    assert!(
        matches!(missing, Err(CoreError::FeedbackFile(_))),
        "{missing:?}"
    );
}

#[test]
fn the_nps_and_its_90_percent_band_match_the_hand_computed_values() {
    use fanday_core::feedback::lagging_weeks;
    let monday = |text| crate::support::day(text);
    let weeks = vec![
        counts("2026-W44", 20, 10, 8, 32),
        counts("2026-W45", 5, 3, 4, 8),
        counts("2026-W46", 2, 0, 1, 33),
    ];
    let shown = lagging_weeks(
        &weeks,
        &[
            monday("2026-11-09"),
            monday("2026-11-02"),
            monday("2026-10-26"),
        ],
    );
    // 38 answers: 100 (20 - 8) / 38 = 31.6; adjusted Wald, z = 1.645:
    // n' = 40.71, p' = .5080, d' = .2131, centre .2948 ± .2053.
    assert_eq!(
        (shown[2].nps, shown[2].low, shown[2].high),
        (Some(32), Some(9), Some(50))
    );
    // 12 answers: 8 ± a band 72 points wide.
    assert_eq!(
        (shown[1].nps, shown[1].low, shown[1].high),
        (Some(8), Some(-29), Some(43))
    );
    // 3 answers are too few to show a number...
    assert_eq!(
        (shown[0].answers, shown[0].nps, shown[0].low),
        (3, None, None)
    );
    // ...but the four weeks together are 53 answers: 100 (27 - 13) / 53.
    assert_eq!((shown[0].rolling, shown[0].rolling_answers), (Some(26), 53));
    assert_eq!(shown[2].rolling, Some(32));
}

#[test]
fn importing_shows_what_would_change_and_the_same_file_again_changes_nothing() {
    let setup = open_at(at("2026-11-20T10:00:00+01:00"));
    be(&setup.fanday, Role::Lead, "Lena");
    let file = fixture("enkat-excel-sv.csv");
    let preview = setup
        .fanday
        .preview_feedback(&file)
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(preview.new_weeks, vec!["2026-W45", "2026-W46"]);
    assert!(
        setup.fanday.feedback_weeks().unwrap_or_default().is_empty(),
        "a preview saves nothing"
    );

    let saved = setup
        .fanday
        .import_feedback(&file)
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(saved.new_weeks.len(), 2);
    let again = setup
        .fanday
        .import_feedback(&file)
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(again.new_weeks.is_empty() && again.replaced_weeks.is_empty());
    assert_eq!(again.unchanged_weeks, vec!["2026-W45", "2026-W46"]);
    let comments = setup
        .fanday
        .feedback_comments("2026-W45")
        .unwrap_or_default();
    assert_eq!(comments.len(), 6, "kept once, not twice");

    // A newer export for week 45 replaces it, saying so.
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let newer = dir.path().join("newer.csv");
    std::fs::write(
        &newer,
        "Week,Promoters,Passives,Detractors\n2026-W45,30,5,5\n",
    )
    .unwrap_or_else(|err| panic!("{err}"));
    let replaced = setup
        .fanday
        .import_feedback(&newer)
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(replaced.replaced_weeks, vec!["2026-W45"]);
    let weeks = setup.fanday.feedback_weeks().unwrap_or_default();
    assert_eq!(weeks[0], counts("2026-W45", 30, 5, 5, 63));
    assert!(setup
        .fanday
        .feedback_comments("2026-W45")
        .unwrap_or_default()
        .is_empty());
}

#[test]
fn only_a_lead_imports_the_customers_score() {
    let setup = open_at(at("2026-11-20T10:00:00+01:00"));
    be(&setup.fanday, Role::Staff, "Sara");
    let refused = setup.fanday.preview_feedback(&fixture("veckor-sv.csv"));
    assert!(matches!(refused, Err(CoreError::LeadOnly)), "{refused:?}");
    let refused = setup.fanday.import_feedback(&fixture("veckor-sv.csv"));
    assert!(matches!(refused, Err(CoreError::LeadOnly)), "{refused:?}");
}

#[test]
fn insights_show_the_nps_beside_the_weeks_of_fans() {
    let setup = open_at(at("2026-11-13T10:00:00+01:00"));
    be(&setup.fanday, Role::Lead, "Lena");
    let none = setup
        .fanday
        .lead_insights(4)
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(!none.feedback_imported);
    assert_eq!(none.lagging.len(), none.weeks.len());
    setup
        .fanday
        .import_feedback(&fixture("enkat-excel-sv.csv"))
        .unwrap_or_else(|err| panic!("{err}"));
    let insights = setup
        .fanday
        .lead_insights(4)
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(insights.feedback_imported);
    for (leading, lagging) in insights.weeks.iter().zip(&insights.lagging) {
        assert_eq!(
            (leading.iso_year, leading.iso_week),
            (lagging.iso_year, lagging.iso_week)
        );
    }
    let w45 = insights.lagging.iter().find(|w| w.week == "2026-W45");
    assert_eq!(w45.map(|w| (w.answers, w.nps)), Some((12, Some(8))));
    let w46 = insights.lagging.iter().find(|w| w.week == "2026-W46");
    assert_eq!(
        w46.map(|w| (w.answers, w.nps)),
        Some((3, None)),
        "too few to say"
    );
}

#[test]
fn the_customers_comments_never_reach_the_team_folder() {
    let team = team();
    share(
        &team.sara,
        "Bytte en trasig laddare utan kvitto",
        Situation::JustBecause,
    );
    team.lena
        .app
        .import_feedback(&fixture("enkat-excel-sv.csv"))
        .unwrap_or_else(|err| panic!("{err}"));
    both_read(&team);
    for words in [
        "anna.svensson@example.se",
        "Bemötandet var över förväntan",
        "W45",
    ] {
        let found = files_holding(team.path(), words);
        assert!(found.is_empty(), "{words} in {found:?}");
    }
}

/// Lena and Sara read the folder.
fn both_read(team: &crate::support::team::Team) {
    for member in [&team.lena, &team.sara] {
        member.app.read_team().unwrap_or_else(|err| panic!("{err}"));
    }
}

/// The files under `dir` whose bytes hold `words`.
fn files_holding(dir: &Path, words: &str) -> Vec<PathBuf> {
    walk(dir)
        .into_iter()
        .filter(|path| {
            String::from_utf8_lossy(&std::fs::read(path).unwrap_or_default()).contains(words)
        })
        .collect()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn a_hundred_thousand_answers_are_read_into_weeks() {
    let mut text = String::from("Datum;Betyg;Kommentar\r\n");
    for i in 0..100_000u32 {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
            .map(|d| d + chrono::Duration::days(i64::from(i % 300)))
            .unwrap_or_default();
        text.push_str(&format!(
            "{};{};{}\r\n",
            day.format("%d.%m.%Y"),
            i % 11,
            if i % 7 == 0 { "Bra" } else { "" }
        ));
    }
    let read = understand(text.as_bytes()).unwrap_or_else(|err| panic!("{err}"));
    let answers: u32 = read.weeks.iter().map(|w| w.answers).sum();
    assert_eq!(answers, 100_000);
    assert!(read.skipped.is_empty());
}

#[test]
fn the_insights_export_has_the_customers_score_beside_the_fans() {
    let setup = open_at(at("2026-11-13T10:00:00+01:00"));
    be(&setup.fanday, Role::Lead, "Lena");
    setup
        .fanday
        .import_feedback(&fixture("enkat-excel-sv.csv"))
        .unwrap_or_else(|err| panic!("{err}"));
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let file = dir.path().join("insikter.csv");
    let weeks = setup
        .fanday
        .export_insights(&file)
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(weeks, 53);
    let text = std::fs::read_to_string(&file).unwrap_or_default();
    let mut rows = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header = rows.headers().cloned().unwrap_or_default();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap_or(usize::MAX);
    let records: Vec<csv::StringRecord> = rows.records().flatten().collect();
    assert_eq!(records.len(), 53);
    assert!(records[0][0] < records[52][0], "oldest week first");
    let w45 = records
        .iter()
        .find(|r| &r[0] == "2026-W45")
        .cloned()
        .unwrap_or_default();
    assert_eq!(w45.get(column("nps")), Some("8"));
    assert_eq!(w45.get(column("nps_answers")), Some("12"));
    assert_eq!(w45.get(column("nps_low_90")), Some("-29"));
    assert!(w45.get(column("taking_part_percent")).is_some());
    let w46 = records
        .iter()
        .find(|r| &r[0] == "2026-W46")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        w46.get(column("nps")),
        Some(""),
        "too few answers: no number"
    );
}

#[test]
fn a_customers_voice_reaches_the_line_up_without_their_email_phone_or_name() {
    let team = team();
    team.lena
        .app
        .import_feedback(&fixture("enkat-excel-sv.csv"))
        .unwrap_or_else(|err| panic!("{err}"));
    let comments = team
        .lena
        .app
        .feedback_comments("2026-W45")
        .unwrap_or_default();
    let with_contact = comments
        .iter()
        .find(|c| c.text.contains("example.se"))
        .unwrap_or_else(|| panic!("{comments:?}"));

    let draft = team
        .lena
        .app
        .customer_voice(with_contact.id)
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(draft.week, "2026-W45");
    assert_eq!(draft.redacted.text, "Ring mig på […] eller […]");
    let removed: Vec<&str> = draft
        .redacted
        .removed
        .iter()
        .map(|r| r.text.as_str())
        .collect();
    assert_eq!(removed, vec!["anna.svensson@example.se", "070-123 45 67"]);

    let refused = team.sara.app.share_customer_voice(with_contact.id);
    assert!(matches!(refused, Err(CoreError::LeadOnly)), "{refused:?}");
    team.lena
        .app
        .share_customer_voice(with_contact.id)
        .unwrap_or_else(|err| panic!("{err}"));
    both_read(&team);
    let lineup = team
        .sara
        .app
        .lineup(Some("2026-W45"))
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(lineup.voice.as_deref(), Some("Ring mig på […] eller […]"));
    for words in ["anna.svensson", "070-123"] {
        let found = files_holding(team.path(), words);
        assert!(found.is_empty(), "{words} in {found:?}");
    }
}

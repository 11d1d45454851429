//! How fast a lead's survey export of 100,000 answers is read and saved:
//! a Swedish Excel CSV (semicolons, Windows-1252, a comment on every
//! seventh answer), through the same calls as the window. Goal: under 2 s.
//! Prints figures; asserts nothing. Run with
//! `cargo bench --bench feedback_import`.

use fanday_core::{Fanday, Language, ProfileInput, Role, SystemClock};
use std::sync::Arc;
use std::time::Instant;

fn main() {
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let mut text = String::from("Datum;Betyg;Kommentar\r\n");
    let start = chrono::NaiveDate::from_ymd_opt(2025, 1, 6).unwrap_or_default();
    for i in 0..100_000u32 {
        let day = start + chrono::Duration::days(i64::from(i % 700));
        let comment = if i % 7 == 0 {
            "Bemötandet var över förväntan, tack"
        } else {
            ""
        };
        text.push_str(&format!(
            "{};{},0;{comment}\r\n",
            day.format("%d.%m.%Y"),
            i % 11
        ));
    }
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    let file = dir.path().join("enkät.csv");
    std::fs::write(&file, &bytes).unwrap_or_else(|err| panic!("{err}"));
    println!(
        "a file of 100,000 answers, {:.1} MB",
        bytes.len() as f64 / 1e6
    );

    let app = Fanday::open(&dir.path().join("data"), Arc::new(SystemClock))
        .unwrap_or_else(|err| panic!("{err}"));
    app.save_profile(&ProfileInput {
        display_name: "Lena".into(),
        role: Role::Lead,
        language: Language::Sv,
    })
    .unwrap_or_else(|err| panic!("{err}"));

    let started = Instant::now();
    let preview = app
        .preview_feedback(&file)
        .unwrap_or_else(|err| panic!("{err}"));
    let previewed = started.elapsed();
    let started = Instant::now();
    let saved = app
        .import_feedback(&file)
        .unwrap_or_else(|err| panic!("{err}"));
    let imported = started.elapsed();
    let started = Instant::now();
    let again = app
        .import_feedback(&file)
        .unwrap_or_else(|err| panic!("{err}"));
    let reimported = started.elapsed();
    let started = Instant::now();
    let insights = app.lead_insights(8).unwrap_or_else(|err| panic!("{err}"));
    let shown = started.elapsed();
    println!(
        "preview (read, {} weeks, {} comments)   {:>7.0} ms",
        preview.understood.weeks.len(),
        preview.understood.comments.len(),
        previewed.as_secs_f64() * 1000.0
    );
    println!(
        "import (read and save, {} new weeks)      {:>7.0} ms   goal < 2000 ms",
        saved.new_weeks.len(),
        imported.as_secs_f64() * 1000.0
    );
    println!(
        "the same file again ({} unchanged)        {:>7.0} ms",
        again.unchanged_weeks.len(),
        reimported.as_secs_f64() * 1000.0
    );
    println!(
        "insights with the NPS ({} weeks)            {:>7.1} ms",
        insights.lagging.len(),
        shown.as_secs_f64() * 1000.0
    );
}

//! `fanday export` from the command line, on the real binary, no window.

#[path = "support/desktop.rs"]
mod desktop;

use chrono::Datelike;
use fanday_core::{
    Customer, Fanday, Language, MomentInput, ProfileInput, Role, Situation, SystemClock,
};
use std::process::{Command, Output};
use std::sync::Arc;

#[test]
fn fanday_export_writes_csv_and_json_and_explains_mistakes() {
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let data = dir.path().join("data");
    let core = Fanday::open(&data, Arc::new(SystemClock)).unwrap_or_else(|err| panic!("{err}"));
    core.save_profile(&ProfileInput {
        display_name: "Sara".into(),
        role: Role::Staff,
        language: Language::Sv,
    })
    .unwrap_or_else(|err| panic!("{err}"));
    for text in ["Första fanet", "Andra, med \"citat\""] {
        core.add_moment(&MomentInput::new(
            Situation::SaidNo,
            Customer::Internal,
            text,
        ))
        .unwrap_or_else(|err| panic!("{err}"));
    }
    // The app's day (before 04:00 it is still yesterday), not the calendar's.
    let week = core.today().iso_week();
    core.save_reflection(&fanday_core::reflection::ReflectionInput {
        iso_year: week.year(),
        iso_week: week.week(),
        went_well: "Lärde mig mycket".into(),
        held_back: String::new(),
        intention: String::new(),
        plan_worked: None,
    })
    .unwrap_or_else(|err| panic!("{err}"));
    drop(core);
    let fanday = desktop::app_binary();
    let csv = dir.path().join("fans.csv");
    let out = succeeds(
        Command::new(&fanday)
            .args(["export", "--format", "csv", "--out"])
            .arg(&csv)
            .arg("--data-dir")
            .arg(&data)
            .env_remove("DISPLAY"),
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("wrote 2 rows"));
    let text = std::fs::read_to_string(&csv).unwrap_or_else(|err| panic!("{err}"));
    assert!(text.contains("\"Andra, med \"\"citat\"\"\""), "{text}");

    let json = dir.path().join("fans.json");
    succeeds(
        Command::new(&fanday)
            .args(["export", "--format", "json", "--out"])
            .arg(&json)
            .env("FANDAY_DATA_DIR", &data),
    );
    let document: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).unwrap_or_default()).unwrap_or_default();
    assert_eq!(document["moments"].as_array().map(Vec::len), Some(2));

    let reflections = dir.path().join("reflektioner.csv");
    succeeds(
        Command::new(&fanday)
            .args(["export", "--format", "csv", "--reflections", "--out"])
            .arg(&reflections)
            .env("FANDAY_DATA_DIR", &data),
    );
    let text = std::fs::read_to_string(&reflections).unwrap_or_default();
    assert!(
        text.starts_with("\u{feff}week,monday,went_well,held_back,intention"),
        "{text}"
    );
    assert!(text.contains("Lärde mig mycket"), "{text}");

    let out = Command::new(&fanday)
        .args(["export", "--format", "csv", "--team", "--out"])
        .arg(dir.path().join("team.csv"))
        .env("FANDAY_DATA_DIR", &data)
        .output()
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        out.status.code(),
        Some(1),
        "refused, not a mistake in the usage"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("team lead"),
        "staff are told the team's stories are for leads: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!dir.path().join("team.csv").exists());

    let out = Command::new(&fanday)
        .args(["export", "--format", "xlsx", "--out", "x"])
        .output()
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("possible values: csv, json"));
    let out = Command::new(&fanday)
        .args(["export", "--format", "csv", "--out", "x", "--data-dir"])
        .arg(dir.path().join("nothing-here"))
        .output()
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no Fanday data"));
}

/// Runs a command that should succeed; on failure, says what it printed.
fn succeeds(command: &mut Command) -> Output {
    let out = command.output().unwrap_or_else(|err| panic!("{err}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

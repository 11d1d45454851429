//! `fanday feedback import` on the real binary, with no display: what it
//! understood as JSON, saving as the window does, and its mistakes.

#[path = "support/desktop.rs"]
mod desktop;

use fanday_core::{Fanday, Language, ProfileInput, Role, SystemClock};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

const SWEDISH_EXCEL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/feedback/enkat-excel-sv.csv"
);

fn fanday(args: &[&str], data: Option<&Path>) -> Output {
    let mut command = Command::new(desktop::app_binary());
    command
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env(
            "FANDAY_DATA_DIR",
            data.unwrap_or(Path::new("/nonexistent/fanday")),
        );
    let out = command.output().unwrap_or_else(|err| panic!("{err}"));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    out
}

fn printed(out: &Output) -> Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|err| panic!("{err}"))
}

fn person(data: &Path, role: Role) {
    let core = Fanday::open(data, Arc::new(SystemClock)).unwrap_or_else(|err| panic!("{err}"));
    core.save_profile(&ProfileInput {
        display_name: "Lena".into(),
        role,
        language: Language::Sv,
    })
    .unwrap_or_else(|err| panic!("{err}"));
}

#[test]
fn a_dry_run_prints_the_weeks_and_the_rows_it_skipped_and_needs_no_data() {
    let out = fanday(&["feedback", "import", SWEDISH_EXCEL, "--dry-run"], None);
    let understood = printed(&out);
    assert_eq!(
        understood["weeks"],
        json!([
            {"week": "2026-W45", "answers": 12, "promoters": 5, "passives": 3, "detractors": 4, "nps": 8},
            {"week": "2026-W46", "answers": 3, "promoters": 2, "passives": 0, "detractors": 1, "nps": 33},
        ])
    );
    let rows: Vec<u64> = understood["skipped"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|skipped| skipped["row"].as_u64())
        .collect();
    assert_eq!(rows, vec![15, 16, 17, 18]);
    assert!(understood["skipped"][0]["reason"]
        .as_str()
        .unwrap_or("")
        .contains("0 to 10"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.find("\"weeks\"") < text.find("\"skipped\""),
        "weeks first, as documented: {text}"
    );
}

#[test]
fn without_dry_run_a_lead_saves_and_the_same_file_again_changes_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    person(dir.path(), Role::Lead);
    let first = printed(&fanday(
        &["feedback", "import", SWEDISH_EXCEL],
        Some(dir.path()),
    ));
    assert_eq!(first["saved"]["new"], json!(["2026-W45", "2026-W46"]));
    let again = printed(&fanday(
        &["feedback", "import", SWEDISH_EXCEL],
        Some(dir.path()),
    ));
    assert_eq!(again["saved"]["new"], json!([]));
    assert_eq!(again["saved"]["unchanged"], json!(["2026-W45", "2026-W46"]));
    let core =
        Fanday::open(dir.path(), Arc::new(SystemClock)).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(core.feedback_weeks().unwrap_or_default().len(), 2);
}

#[test]
fn staff_a_missing_file_and_no_data_are_refused_in_one_line() {
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    person(dir.path(), Role::Staff);
    let out = fanday(&["feedback", "import", SWEDISH_EXCEL], Some(dir.path()));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("team lead"));

    let out = fanday(
        &["feedback", "import", "/no/such/file.csv", "--dry-run"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("/no/such/file.csv cannot be opened"),
        "{said}"
    );
    assert_eq!(said.trim_end().lines().count(), 1, "{said}");

    let out = fanday(&["feedback", "import", SWEDISH_EXCEL], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no Fanday data"));

    let out = fanday(&["feedback", "import"], None);
    assert_eq!(out.status.code(), Some(2), "the file is needed");
}

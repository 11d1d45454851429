//! Every error the window can be shown has words in Swedish and English:
//! each code the core returns (the `code()` functions in src/error.rs) and
//! each the app adds (`UiError::new` in src-tauri/src), as an `err.<code>`
//! text in ui/i18n/en.js and in ui/i18n/sv.js.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn app_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// The first string literal after each `marker` in `text`.
fn literals_after<'a>(text: &'a str, marker: &str) -> Vec<&'a str> {
    text.split(marker)
        .skip(1)
        .filter_map(|rest| rest.split('"').nth(1))
        .collect()
}

fn core_codes() -> BTreeSet<String> {
    let error_rs = read(&app_dir().join("../src/error.rs"));
    let mut codes = BTreeSet::new();
    for body in error_rs
        .split("pub fn code(&self) -> &'static str {")
        .skip(1)
    {
        let body = body.split("\n    }\n").next().unwrap_or_default();
        for line in body.lines() {
            if let Some(code) = line.split("=> \"").nth(1).and_then(|c| c.split('"').next()) {
                codes.insert(code.to_string());
            }
        }
    }
    codes
}

/// Every `.rs` file under `dir`, in its folders too.
fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|err| panic!("{err}"));
    for path in entries.flatten().map(|entry| entry.path()) {
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().and_then(|e| e.to_str()) == Some("rs") {
            found.push(path);
        }
    }
}

fn app_codes() -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    let mut files = Vec::new();
    rust_files(&app_dir().join("src"), &mut files);
    for path in files {
        let text = read(&path);
        for code in literals_after(&text, "UiError::new(") {
            codes.insert(code.to_string());
        }
    }
    codes
}

fn error_keys(table: &str) -> BTreeSet<String> {
    let text = read(&app_dir().join("../ui/i18n").join(table));
    text.split("'err.")
        .skip(1)
        .filter_map(|rest| rest.split('\'').next())
        .map(str::to_string)
        .collect()
}

#[test]
fn every_error_code_has_words_in_swedish_and_english() {
    let core = core_codes();
    let app = app_codes();
    assert!(core.len() > 40, "read the core's codes: {core:?}");
    assert!(app.contains("no_data_dir"), "read the app's codes: {app:?}");
    for table in ["en.js", "sv.js"] {
        let keys = error_keys(table);
        let missing: Vec<_> = core
            .union(&app)
            .filter(|code| !keys.contains(*code))
            .collect();
        assert!(
            missing.is_empty(),
            "ui/i18n/{table} has no err.* text for {missing:?}"
        );
    }
}

/// The keys `<prefix><code>` of a table.
fn keys_with(table: &str, prefix: &str) -> BTreeSet<String> {
    let text = read(&app_dir().join("../ui/i18n").join(table));
    text.split(&format!("'{prefix}"))
        .skip(1)
        .filter_map(|rest| rest.split('\'').next())
        .map(str::to_string)
        .collect()
}

#[test]
fn every_reason_a_file_waits_has_words_in_swedish_and_english() {
    let codes: BTreeSet<String> = fanday_core::team::WaitReason::ALL
        .iter()
        .map(|reason| reason.code().to_string())
        .collect();
    assert_eq!(codes.len(), 5);
    for table in ["en.js", "sv.js"] {
        let keys = keys_with(table, "wait.");
        let missing: Vec<_> = codes.difference(&keys).collect();
        assert!(
            missing.is_empty(),
            "ui/i18n/{table} has no wait.* text for {missing:?}"
        );
    }
}

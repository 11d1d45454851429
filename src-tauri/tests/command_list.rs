//! The command list in src/command_list.rs is the one place a command is
//! named: these checks fail when a `#[tauri::command]` is missing from it,
//! when it names a command that does not exist, when the window's
//! permission or capability falls out of step, or when ui/api.js does not
//! call every command exactly once (and nothing else calls one).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

include!("../src/command_list.rs");

fn app_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn listed() -> BTreeSet<String> {
    COMMANDS
        .iter()
        .map(|(module, name)| format!("{module}::{name}"))
        .collect()
}

/// `module::name` for every `#[tauri::command]` in src/.
fn commands_in_source() -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let entries = std::fs::read_dir(app_dir().join("src")).unwrap_or_else(|err| panic!("{err}"));
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(module) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if path.extension().and_then(|e| e.to_str()) != Some("rs") {
            continue;
        }
        let text = read(&path);
        for after in text.split("\n#[tauri::command]\n").skip(1) {
            let name = after
                .split("fn ")
                .nth(1)
                .and_then(|rest| rest.split(['(', '<']).next())
                .unwrap_or_default()
                .trim();
            found.insert(format!("{module}::{name}"));
        }
    }
    found
}

#[test]
fn every_tauri_command_is_in_the_list_and_every_listed_one_exists() {
    let in_source = commands_in_source();
    let listed = listed();
    let unlisted: Vec<_> = in_source.difference(&listed).collect();
    let missing: Vec<_> = listed.difference(&in_source).collect();
    assert!(
        unlisted.is_empty(),
        "commands not in src/command_list.rs: {unlisted:?}"
    );
    assert!(
        missing.is_empty(),
        "listed commands that do not exist: {missing:?}"
    );
    assert_eq!(listed.len(), COMMANDS.len(), "a command is listed twice");
}

#[test]
fn the_window_may_call_exactly_the_listed_commands() {
    let permission = read(&app_dir().join("permissions/commands.toml"));
    for (_, name) in COMMANDS {
        assert!(
            permission.contains(&format!("\"{name}\"")),
            "{name} is not in permissions/commands.toml (build again to write it)"
        );
    }
    let allowed = permission.matches("\",\n").count();
    assert_eq!(
        allowed,
        COMMANDS.len(),
        "permissions/commands.toml allows more"
    );
    let capability = read(&app_dir().join("capabilities/main.json"));
    assert!(capability.contains("\"fanday-commands\""));
    assert!(
        !capability.contains("\"allow-"),
        "the capability grants a command outside the list"
    );
}
/// Every `.js` file under ui/.
fn ui_scripts(dir: &Path, found: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|err| panic!("{err}"));
    for path in entries.flatten().map(|entry| entry.path()) {
        if path.is_dir() {
            ui_scripts(&path, found);
        } else if path.extension().and_then(|e| e.to_str()) == Some("js") {
            found.push(path);
        }
    }
}

#[test]
fn ui_api_calls_every_command_once_and_is_the_only_caller() {
    let ui = app_dir().join("../ui");
    let api = read(&ui.join("api.js"));
    let called: Vec<&str> = api
        .split("call('")
        .skip(1)
        .filter_map(|rest| rest.split('\'').next())
        .collect();
    let called_set: BTreeSet<&str> = called.iter().copied().collect();
    assert_eq!(
        called.len(),
        called_set.len(),
        "ui/api.js calls a command twice"
    );
    let names: BTreeSet<&str> = COMMANDS.iter().map(|(_, name)| *name).collect();
    let not_called: Vec<_> = names.difference(&called_set).collect();
    let unknown: Vec<_> = called_set.difference(&names).collect();
    assert!(
        not_called.is_empty(),
        "ui/api.js has no function for {not_called:?}"
    );
    assert!(
        unknown.is_empty(),
        "ui/api.js calls unknown commands {unknown:?}"
    );

    let mut scripts = Vec::new();
    ui_scripts(&ui, &mut scripts);
    for script in scripts.iter().filter(|path| !path.ends_with("api.js")) {
        let text = read(script);
        assert!(
            !text.contains("core.invoke") && !text.contains("invoke("),
            "{} calls a command directly; go through ui/api.js",
            script.display()
        );
    }
}

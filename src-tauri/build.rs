//! Embeds the UI, writes the command handler list and the window's
//! permission from the one command list, and takes the app's identifier
//! from tauri.conf.json.

use std::path::Path;

include!("src/command_list.rs");

fn main() {
    if let Err(err) = generate() {
        println!("cargo:warning={err}");
        std::process::exit(1);
    }
}

fn generate() -> Result<(), String> {
    // The frontend is embedded at compile time: rebuild when any of it changes.
    println!("cargo:rerun-if-changed=../ui");
    println!("cargo:rerun-if-changed=src/command_list.rs");
    println!("cargo:rerun-if-changed=tauri.conf.json");

    let out_dir = std::env::var("OUT_DIR").map_err(|err| format!("OUT_DIR: {err}"))?;
    write_if_changed(&Path::new(&out_dir).join("handlers.rs"), &handler_list())?;
    write_if_changed(Path::new("permissions/commands.toml"), &permission())?;
    println!("cargo:rustc-env=FANDAY_IDENTIFIER={}", identifier()?);

    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new()),
    )
    .map_err(|err| format!("tauri build step failed: {err:#}"))
}

/// `tauri::generate_handler![...]` over every listed command.
fn handler_list() -> String {
    let paths: Vec<String> = COMMANDS
        .iter()
        .map(|(module, name)| format!("    {module}::{name},\n"))
        .collect();
    format!("tauri::generate_handler![\n{}]\n", paths.concat())
}

/// One permission that lets the main window call every listed command, and
/// nothing else.
fn permission() -> String {
    let names: Vec<String> = COMMANDS
        .iter()
        .map(|(_, name)| format!("  \"{name}\",\n"))
        .collect();
    format!(
        "# Written by build.rs from src/command_list.rs; edit the list there.\n\
         [[permission]]\n\
         identifier = \"fanday-commands\"\n\
         description = \"Every Fanday command the main window calls.\"\n\
         commands.allow = [\n{}]\n",
        names.concat()
    )
}

fn identifier() -> Result<String, String> {
    let text = std::fs::read_to_string("tauri.conf.json")
        .map_err(|err| format!("tauri.conf.json: {err}"))?;
    let config: serde_json::Value =
        serde_json::from_str(&text).map_err(|err| format!("tauri.conf.json: {err}"))?;
    config["identifier"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| "tauri.conf.json has no identifier".to_string())
}

/// Writing only what changed keeps cargo from building again for nothing.
fn write_if_changed(path: &Path, text: &str) -> Result<(), String> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|err| format!("{}: {err}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|err| format!("{}: {err}", path.display()))
}

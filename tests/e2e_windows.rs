//! Fanday for Windows under Wine: the command line of the real fanday.exe,
//! and the installer installed silently, per user, and uninstalled. Run by
//! scripts/test-windows once it has built both (FANDAY_WINDOWS_DIST names
//! the folder); `cargo test` alone leaves them out.

use fanday_core::{
    Customer, Fanday, Language, MomentInput, ProfileInput, Role, Situation, SystemClock,
};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

const WHY: &str = "needs fanday.exe and the installer: run scripts/test-windows";

fn dist() -> PathBuf {
    PathBuf::from(
        std::env::var_os("FANDAY_WINDOWS_DIST")
            .unwrap_or_else(|| panic!("FANDAY_WINDOWS_DIST is not set; {WHY}")),
    )
}

fn wine() -> String {
    std::env::var("WINE").unwrap_or_else(|_| "/usr/lib/wine/wine64".into())
}

/// The prefix scripts/test-windows prepared (it can run Rust programs).
fn base_prefix() -> PathBuf {
    PathBuf::from(
        std::env::var_os("WINEPREFIX").unwrap_or_else(|| panic!("WINEPREFIX is not set; {WHY}")),
    )
}

/// A Linux path as Wine's programs see it (drive Z: is the root).
fn windows_path(path: &Path) -> String {
    format!("Z:{}", path.display()).replace('/', "\\")
}

fn run_in(prefix: &Path, program: &Path, args: &[&str]) -> Output {
    let output = Command::new(wine())
        .arg(program)
        .args(args)
        .env("WINEPREFIX", prefix)
        .env("WINEDEBUG", "-all")
        .env_remove("DISPLAY")
        .output()
        .unwrap_or_else(|err| panic!("cannot run wine: {err}"));
    // Programs a Windows program started (the uninstaller's copy) end too.
    let _ = Command::new("/usr/lib/wine/wineserver")
        .arg("-w")
        .env("WINEPREFIX", prefix)
        .status();
    output
}

fn said(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Sara's data, made by the core on Linux: the same SQLite file a Windows
/// PC keeps.
fn data_with_moments(data: &Path) {
    let core = Fanday::open(data, Arc::new(SystemClock)).unwrap_or_else(|err| panic!("{err}"));
    core.save_profile(&ProfileInput {
        display_name: "Åsa Öberg".into(),
        role: Role::Staff,
        language: Language::Sv,
    })
    .unwrap_or_else(|err| panic!("{err}"));
    for text in [
        "Växlade mynt åt en kund",
        "Sa nej, men bokade en ny tid; \"tack\"",
    ] {
        core.add_moment(&MomentInput::new(
            Situation::SaidNo,
            Customer::External,
            text,
        ))
        .unwrap_or_else(|err| panic!("{err}"));
    }
}

#[test]
#[ignore = "run by scripts/test-windows"]
fn fanday_exe_exports_csv_and_json_under_wine_without_a_window() {
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let data = dir.path().join("Kundtjänst data");
    data_with_moments(&data);
    let exe = dist().join("fanday.exe");

    let csv = dir.path().join("mina fans.csv");
    let out = run_in(
        &base_prefix(),
        &exe,
        &[
            "export",
            "--format",
            "csv",
            "--out",
            &windows_path(&csv),
            "--data-dir",
            &windows_path(&data),
        ],
    );
    assert!(out.status.success(), "{}", said(&out));
    assert!(said(&out).contains("wrote 2 rows"), "{}", said(&out));
    let bytes = std::fs::read(&csv).unwrap_or_else(|err| panic!("{err}"));
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "a BOM for Excel");
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("Växlade mynt åt en kund"), "{text}");
    assert!(
        text.contains("\"Sa nej, men bokade en ny tid; \"\"tack\"\"\""),
        "{text}"
    );

    let json = dir.path().join("mina fans.json");
    let out = run_in(
        &base_prefix(),
        &exe,
        &[
            "export",
            "--format",
            "json",
            "--out",
            &windows_path(&json),
            "--data-dir",
            &windows_path(&data),
        ],
    );
    assert!(out.status.success(), "{}", said(&out));
    let document: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).unwrap_or_default()).unwrap_or_default();
    assert_eq!(document["moments"].as_array().map(Vec::len), Some(2));
    assert_eq!(document["profile"]["display_name"], "Åsa Öberg");

    // A mistake is explained, and nothing is written.
    let out = run_in(
        &base_prefix(),
        &exe,
        &["export", "--format", "xlsx", "--out", &windows_path(&csv)],
    );
    assert!(!out.status.success());
    assert!(
        said(&out).contains("Usage: fanday export"),
        "{}",
        said(&out)
    );
}

#[test]
#[ignore = "run by scripts/test-windows"]
fn fanday_exe_answers_help_version_and_mistakes_under_wine_without_a_window() {
    let exe = dist().join("fanday.exe");
    let out = run_in(&base_prefix(), &exe, &["--help"]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    for words in ["Usage: fanday", "--data-dir <DIR>", "--remind-at", "export"] {
        assert!(said(&out).contains(words), "{words}: {}", said(&out));
    }
    let out = run_in(&base_prefix(), &exe, &["--version"]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    assert!(said(&out).contains("fanday 0."), "{}", said(&out));
    let out = run_in(&base_prefix(), &exe, &["export", "--help"]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    assert!(said(&out).contains("--format"), "{}", said(&out));
    let out = run_in(&base_prefix(), &exe, &["--bogus"]);
    assert_eq!(out.status.code(), Some(2), "{}", said(&out));
    assert!(said(&out).contains("'--bogus'"), "{}", said(&out));
    assert!(said(&out).contains("Usage: fanday"), "{}", said(&out));
    assert!(!said(&out).contains("panicked"), "{}", said(&out));
}

/// The one user folder a fresh prefix has.
fn user_folder(prefix: &Path) -> PathBuf {
    let users = prefix.join("drive_c/users");
    std::fs::read_dir(&users)
        .unwrap_or_else(|err| panic!("{}: {err}", users.display()))
        .flatten()
        .map(|entry| entry.path())
        .find(|path| path.file_name().is_some_and(|name| name != "Public"))
        .unwrap_or_else(|| panic!("no user folder in {}", users.display()))
}

fn registry_has(prefix: &Path, key: &str) -> bool {
    let reg = run_in(prefix, Path::new("reg"), &["query", key]);
    reg.status.success()
}

#[test]
#[ignore = "run by scripts/test-windows"]
fn the_installer_installs_silently_per_user_and_uninstalls_cleanly_keeping_the_data() {
    let setup = std::fs::read_dir(dist())
        .unwrap_or_else(|err| panic!("{err}"))
        .flatten()
        .map(|entry| entry.path())
        .find(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("Fanday-Setup-") && name.ends_with(".exe"))
        })
        .unwrap_or_else(|| panic!("no Fanday-Setup-*.exe in {}", dist().display()));
    // A PC of its own: a copy of the prepared prefix.
    let pc = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let prefix = pc.path().join("wine");
    let copied = Command::new("cp")
        .arg("-a")
        .arg(base_prefix())
        .arg(&prefix)
        .status()
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(copied.success());

    let out = run_in(&prefix, &setup, &["/S"]);
    assert!(out.status.success(), "{}", said(&out));
    let user = user_folder(&prefix);
    let installed = user.join("AppData/Local/Programs/Fanday");
    for file in [
        "fanday.exe",
        "WebView2Loader.dll",
        "fanday.ico",
        "uninstall.exe",
    ] {
        assert!(
            installed.join(file).is_file(),
            "{file} in {}",
            installed.display()
        );
    }
    let shortcut = user.join("AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Fanday.lnk");
    assert!(
        shortcut.is_file(),
        "the Start menu entry {}",
        shortcut.display()
    );
    let uninstall_key = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\se.fanday.app";
    assert!(registry_has(&prefix, uninstall_key), "listed in Apps");
    let app_id_key = r"HKCU\Software\Classes\AppUserModelId\se.fanday.app";
    assert!(registry_has(&prefix, app_id_key), "toasts name Fanday");

    // The installed program finds the person's data in %APPDATA%.
    let data = user.join("AppData/Roaming/se.fanday.app");
    data_with_moments(&data);
    let csv = pc.path().join("export.csv");
    let out = run_in(
        &prefix,
        &installed.join("fanday.exe"),
        &["export", "--format", "csv", "--out", &windows_path(&csv)],
    );
    assert!(out.status.success(), "{}", said(&out));
    assert!(said(&out).contains("wrote 2 rows"), "{}", said(&out));

    let out = run_in(&prefix, &installed.join("uninstall.exe"), &["/S"]);
    assert!(out.status.success(), "{}", said(&out));
    assert!(
        !installed.join("fanday.exe").exists(),
        "the program is gone"
    );
    assert!(!installed.exists(), "its folder is gone");
    assert!(!shortcut.exists(), "the Start menu entry is gone");
    assert!(
        !registry_has(&prefix, uninstall_key),
        "no longer listed in Apps"
    );
    assert!(!registry_has(&prefix, app_id_key), "no app id left behind");
    assert!(
        data.join(fanday_core::store::DB_FILE_NAME).is_file(),
        "the person's data stays"
    );
}

//! Starting the real `fanday` binary from a terminal with no display, as
//! an IT admin or a script would: help, the version, mistakes and a
//! missing desktop each answer in words with the right exit code, and
//! nothing panics.

#[path = "support/desktop.rs"]
mod desktop;

use std::process::{Command, Output};

/// Runs `fanday args` with no display and no session bus.
fn fanday(args: &[&str]) -> Output {
    let out = Command::new(desktop::app_binary())
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap_or_else(|err| panic!("cannot run fanday: {err}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "fanday {args:?} panicked: {stderr}"
    );
    out
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn help_lists_the_options_and_commands_and_opens_no_window() {
    let out = fanday(&["--help"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let help = stdout(&out);
    for words in [
        "--data-dir <DIR>",
        "--hidden",
        "--remind-at <HH:MM|off>",
        "--demo",
        "export",
    ] {
        assert!(help.contains(words), "--help names {words}: {help}");
    }
    assert_eq!(stderr(&out), "", "nothing about a display");
}

#[test]
fn the_readme_lists_the_options_as_help_prints_them() {
    let help = stdout(&fanday(&["--help"]));
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .unwrap_or_else(|err| panic!("{err}"));
    let indented: String = help
        .lines()
        .map(|line| {
            if line.is_empty() {
                "\n".to_string()
            } else {
                format!("    {line}\n")
            }
        })
        .collect();
    assert!(
        readme.contains(&indented),
        "README.md shows `fanday --help` as it prints now; put this in it:\n{indented}"
    );
}

#[test]
fn version_prints_the_version() {
    let out = fanday(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out).trim(),
        format!("fanday {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn export_help_says_what_it_takes() {
    let out = fanday(&["export", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out);
    for words in [
        "Usage: fanday export",
        "--format",
        "csv",
        "json",
        "--out <FILE>",
        "--team",
    ] {
        assert!(help.contains(words), "export --help names {words}: {help}");
    }
}

#[test]
fn an_unknown_argument_is_named_with_the_usage_and_exits_2() {
    for args in [&["--bogus"][..], &["feedbak", "import", "x.csv"]] {
        let out = fanday(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let said = stderr(&out);
        assert!(said.contains(args[0]), "names {}: {said}", args[0]);
        assert!(said.contains("Usage: fanday"), "{said}");
        assert!(!said.contains("desktop session"), "never tries the window");
    }
}

#[test]
fn a_bad_reminder_time_is_named_with_the_usage_and_exits_2() {
    let out = fanday(&["--remind-at", "25:99"]);
    assert_eq!(out.status.code(), Some(2));
    let said = stderr(&out);
    assert!(
        said.contains("25:99") && said.contains("--remind-at"),
        "{said}"
    );
    assert!(said.contains("HH:MM"), "{said}");
    assert!(said.contains("Usage: fanday"), "{said}");
}

#[test]
fn without_a_display_the_window_says_so_in_one_line_and_exits_1() {
    let out = fanday(&[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out).trim_end(),
        "Fanday needs a desktop session: no display found (DISPLAY is not set)"
    );
    let out = fanday(&["--hidden", "--remind-at", "off"]);
    assert_eq!(out.status.code(), Some(1), "the same with valid options");
}

#[test]
fn a_display_that_does_not_answer_is_said_in_one_line_and_exits_1() {
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let out = Command::new(desktop::app_binary())
        .env("DISPLAY", ":938")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("RUST_BACKTRACE")
        .env("FANDAY_DATA_DIR", dir.path())
        .output()
        .unwrap_or_else(|err| panic!("cannot run fanday: {err}"));
    assert_eq!(out.status.code(), Some(1));
    let said = stderr(&out);
    assert_eq!(
        said.trim_end(),
        "Fanday needs a desktop session: the display :938 cannot be opened",
        "one line, no panic"
    );
}

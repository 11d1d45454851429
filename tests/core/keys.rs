//! Where this PC's team key is kept: in the desktop's keyring, through a
//! real Secret Service (GNOME Keyring on its own session bus), and never in
//! the database; a database copied to another PC does not carry it.

use fanday_core::{Fanday, Language, ProfileInput, Role, SystemClock};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

const CHILD_DIR: &str = "FANDAY_TEST_KEYRING_DIR";

fn open_with_profile(dir: &Path) -> Fanday {
    let app = Fanday::open(dir, Arc::new(SystemClock)).unwrap_or_else(|err| panic!("{err}"));
    if app.profile().ok().flatten().is_none() {
        app.save_profile(&ProfileInput {
            display_name: "Sara".into(),
            role: Role::Lead,
            language: Language::Sv,
        })
        .unwrap_or_else(|err| panic!("{err}"));
    }
    app
}

/// Run by `the_key_lives_in_the_desktop_keyring`, inside a session bus with
/// an unlocked GNOME Keyring: makes a team (and with it the key), and
/// prints where the key went and its fingerprint, opened twice.
#[test]
#[ignore = "a child process of the_key_lives_in_the_desktop_keyring"]
fn child_makes_a_team_with_the_desktop_keyring() {
    let Some(dir) = std::env::var_os(CHILD_DIR) else {
        return;
    };
    let dir = Path::new(&dir);
    fanday_core::keys::use_system_keyring(true);
    let first = {
        let app = open_with_profile(&dir.join("data"));
        app.create_team("Kundtjänst", &dir.join("folder"))
            .unwrap_or_else(|err| panic!("{err}"))
    };
    let again = open_with_profile(&dir.join("data"))
        .team_info()
        .unwrap_or_else(|err| panic!("{err}"))
        .unwrap_or_else(|| panic!("a team"));
    println!(
        "KEY {} {} {}",
        first.key_kept_in, first.my_fingerprint, again.my_fingerprint
    );
}

fn program_exists(name: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .is_ok_and(|out| out.status.success())
}

#[test]
fn the_key_lives_in_the_desktop_keyring_and_a_copied_database_does_not_carry_it() {
    assert!(
        program_exists("gnome-keyring-daemon") && program_exists("dbus-run-session"),
        "gnome-keyring and dbus are not installed; run ./scripts/test, which installs everything the tests need"
    );
    let home = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let exe = std::env::current_exe().unwrap_or_else(|err| panic!("{err}"));
    let script = format!(
        "printf fanday | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; \
         exec '{}' --exact keys::child_makes_a_team_with_the_desktop_keyring --ignored --nocapture \
         --test-threads=1",
        exe.display()
    );
    let runtime = home.path().join("run");
    std::fs::create_dir_all(&runtime).unwrap_or_else(|err| panic!("{err}"));
    let output = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", &script])
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data-home"))
        .env("XDG_RUNTIME_DIR", &runtime)
        .env(CHILD_DIR, home.path())
        .output()
        .unwrap_or_else(|err| panic!("{err}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find_map(|line| line.split("KEY ").nth(1))
        .unwrap_or_else(|| {
            panic!(
                "the child said nothing: {stdout}\n{}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(words.first(), Some(&"keyring"), "{line}");
    assert_eq!(
        words.get(1),
        words.get(2),
        "the same key, found again: {line}"
    );
    let data = home.path().join("data");
    assert!(
        !data.join("device-key").exists(),
        "no key file beside the database"
    );

    // The database copied to another PC (no such keyring there): it holds
    // no secret, so that PC gets a key of its own.
    let elsewhere = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    std::fs::copy(
        data.join("fanday.sqlite3"),
        elsewhere.path().join("fanday.sqlite3"),
    )
    .unwrap_or_else(|err| panic!("{err}"));
    let copy =
        Fanday::open(elsewhere.path(), Arc::new(SystemClock)).unwrap_or_else(|err| panic!("{err}"));
    let info = copy
        .team_info()
        .unwrap_or_else(|err| panic!("{err}"))
        .unwrap_or_else(|| panic!("the team"));
    // The key is made the first time it is needed, here to read the team.
    copy.read_team().unwrap_or_else(|err| panic!("{err}"));
    let after = copy
        .team_info()
        .unwrap_or_else(|err| panic!("{err}"))
        .unwrap_or_else(|| panic!("the team"));
    assert_eq!(
        info.my_fingerprint,
        words.get(1).copied().unwrap_or_default()
    );
    assert_ne!(
        after.my_fingerprint, info.my_fingerprint,
        "a copied database does not carry the key"
    );
}

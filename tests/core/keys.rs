//! Where this PC's team key is kept: in the desktop's keyring, through a
//! real Secret Service (GNOME Keyring on its own session bus) on Linux and
//! the Credential Manager on Windows, and never in the database; a database
//! copied to another PC does not carry it.

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
    let (before, after) = a_further_team_joined_and_left(dir);
    println!("FURTHER {before} {after}");
    let (before, after) = a_team_followed_and_no_longer(dir);
    println!("FOLLOWED {before} {after}");
    let (old_before, old_after, new_after) = a_key_rotated(dir);
    println!("ROTATED {old_before} {old_after} {new_after}");
}

/// Makes a team and rotates its key: whether the keyring holds the old
/// key before and after, and the new one after.
fn a_key_rotated(dir: &Path) -> (bool, bool, bool) {
    let data = dir.join("rotating");
    let app = open_with_profile(&data);
    app.create_team("Butik Väst", &dir.join("west"))
        .unwrap_or_else(|err| panic!("{err}"));
    let old_in_keyring = key_checker(&data);
    let before = old_in_keyring();
    app.rotate_key().unwrap_or_else(|err| panic!("{err}"));
    let new_in_keyring = key_checker(&data);
    (before, old_in_keyring(), new_in_keyring())
}

/// Whether the keyring holds the key of the store in `store`, by the
/// public half its database keeps.
fn key_checker(store: &Path) -> impl Fn() -> bool + '_ {
    let public: String = rusqlite::Connection::open(store.join(fanday_core::store::DB_FILE_NAME))
        .and_then(|conn| conn.query_row("SELECT public_key FROM device_key", [], |row| row.get(0)))
        .unwrap_or_else(|err| panic!("{err}"));
    let public = fanday_core::team_event::parse_public_key(&public)
        .unwrap_or_else(|| panic!("a public key"));
    move || {
        fanday_core::keys::load(store, fanday_core::keys::Place::Keyring, &public)
            .is_ok_and(|found| found.is_some())
    }
}

/// Follows a team read-only (a store and a key of its own) and stops:
/// whether the keyring holds that store's key before, and after.
fn a_team_followed_and_no_longer(dir: &Path) -> (bool, bool) {
    let app = open_with_profile(&dir.join("data"));
    let east = dir.join("east");
    open_with_profile(&dir.join("east-lead"))
        .create_team("Butik Öst", &east)
        .unwrap_or_else(|err| panic!("{err}"));
    let preview = app
        .preview_team(&east)
        .unwrap_or_else(|err| panic!("{err}"));
    app.follow_team(&east, &preview.founder_fingerprint)
        .unwrap_or_else(|err| panic!("{err}"));
    let store = dir.join("data").join("region").join(&preview.team_id);
    let in_keyring = key_checker(&store);
    let before = in_keyring();
    app.stop_following(&preview.team_id)
        .unwrap_or_else(|err| panic!("{err}"));
    (before, in_keyring())
}

/// Joins a second team (a store and a key of its own) and leaves it:
/// whether the keyring holds that team's key before, and after.
fn a_further_team_joined_and_left(dir: &Path) -> (bool, bool) {
    let app = open_with_profile(&dir.join("data"));
    let south = dir.join("south");
    open_with_profile(&dir.join("south-lead"))
        .create_team("Butik Syd", &south)
        .unwrap_or_else(|err| panic!("{err}"));
    let preview = app
        .preview_team(&south)
        .unwrap_or_else(|err| panic!("{err}"));
    app.enter_team(&south, &preview.founder_fingerprint)
        .unwrap_or_else(|err| panic!("{err}"));
    let team_id = preview.team_id;
    let store = dir.join("data").join("teams").join(&team_id);
    let in_keyring = key_checker(&store);
    let before = in_keyring();
    app.show_team(&team_id)
        .unwrap_or_else(|err| panic!("{err}"));
    app.leave_team_in_view()
        .unwrap_or_else(|err| panic!("{err}"));
    (before, in_keyring())
}

#[cfg(target_os = "linux")]
fn program_exists(name: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .is_ok_and(|out| out.status.success())
}

/// Runs the child in a session bus of its own, with GNOME Keyring unlocked.
#[cfg(target_os = "linux")]
fn run_child_with_keyring(home: &Path) -> std::process::Output {
    assert!(
        program_exists("gnome-keyring-daemon") && program_exists("dbus-run-session"),
        "gnome-keyring and dbus are not installed; run ./scripts/test, which installs everything the tests need"
    );
    let exe = std::env::current_exe().unwrap_or_else(|err| panic!("{err}"));
    let script = format!(
        "printf fanday | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; \
         exec '{}' --exact keys::child_makes_a_team_with_the_desktop_keyring --ignored --nocapture \
         --test-threads=1",
        exe.display()
    );
    let runtime = home.join("run");
    std::fs::create_dir_all(&runtime).unwrap_or_else(|err| panic!("{err}"));
    Command::new("dbus-run-session")
        .args(["--", "sh", "-c", &script])
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data-home"))
        .env("XDG_RUNTIME_DIR", &runtime)
        .env(CHILD_DIR, home)
        .output()
        .unwrap_or_else(|err| panic!("{err}"))
}

/// Runs the child with the Windows Credential Manager, the person's own.
#[cfg(windows)]
fn run_child_with_keyring(home: &Path) -> std::process::Output {
    let exe = std::env::current_exe().unwrap_or_else(|err| panic!("{err}"));
    Command::new(exe)
        .args([
            "--exact",
            "keys::child_makes_a_team_with_the_desktop_keyring",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DIR, home)
        .output()
        .unwrap_or_else(|err| panic!("{err}"))
}

#[test]
fn the_key_lives_in_the_desktop_keyring_and_a_copied_database_does_not_carry_it() {
    let home = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let output = run_child_with_keyring(home.path());
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
    // A team joined beside the first has a key of its own in the keyring;
    // once left, the keyring no longer holds it.
    let further = stdout
        .lines()
        .find_map(|line| line.split("FURTHER ").nth(1))
        .unwrap_or_default();
    assert_eq!(further, "true false", "{stdout}");
    let followed = stdout
        .lines()
        .find_map(|line| line.split("FOLLOWED ").nth(1))
        .unwrap_or_default();
    assert_eq!(followed, "true false", "{stdout}");
    // A key rotated out leaves the keyring; its successor is there.
    let rotated = stdout
        .lines()
        .find_map(|line| line.split("ROTATED ").nth(1))
        .unwrap_or_default();
    assert_eq!(rotated, "true false true", "{stdout}");
    let data = home.path().join("data");
    assert!(
        !data.join("device-key").exists(),
        "no key file beside the database"
    );

    // The database copied to another PC (no such keyring there). On Windows
    // this process shares the person's Credential Manager with the child, so
    // it cannot stand in for another PC.
    #[cfg(target_os = "linux")]
    a_copied_database_gets_a_key_of_its_own(&data, words.get(1).copied().unwrap_or_default());
}

/// The database alone holds no secret, so another PC gets a key of its own.
#[cfg(target_os = "linux")]
fn a_copied_database_gets_a_key_of_its_own(data: &Path, fingerprint: &str) {
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
    // A story shared on the copy waits to be signed.
    copy.add_moment(&crate::support::team::moment_input(
        "Delad på den kopierade datorn",
        fanday_core::Situation::JustBecause,
        true,
    ))
    .unwrap_or_else(|err| panic!("{err}"));
    // Reading the team needs no key. Where this PC's keyring answers that
    // it has no such key, a new one is made at once; where no keyring
    // answers at all (none running here, or locked), nothing is made in its
    // place until the person asks for a new key in Settings.
    let report = copy.read_team().unwrap_or_else(|err| panic!("{err}"));
    let after_read = copy
        .team_info()
        .unwrap_or_else(|err| panic!("{err}"))
        .unwrap_or_else(|| panic!("the team"))
        .my_fingerprint;
    let mine = if after_read == info.my_fingerprint {
        assert!(
            report
                .send_error
                .as_ref()
                .is_some_and(|e| e.code == "keyring_unavailable"),
            "the person is told why nothing is sent: {report:?}"
        );
        copy.rotate_key().unwrap_or_else(|err| panic!("{err}"))
    } else {
        after_read
    };
    assert_eq!(info.my_fingerprint, fingerprint);
    assert_ne!(
        mine, info.my_fingerprint,
        "a copied database does not carry the key"
    );
}

/// A credential an earlier Fanday kept through the keyring crate, which
/// writes enterprise persistence: it roams with a roaming profile.
#[cfg(windows)]
fn keep_the_roaming_way(target: &str, secret: &str) {
    use windows_sys::Win32::Foundation::FILETIME;
    use windows_sys::Win32::Security::Credentials::{
        CredWriteW, CREDENTIALW, CRED_PERSIST_ENTERPRISE, CRED_TYPE_GENERIC,
    };
    let mut name: Vec<u16> = target.encode_utf16().chain(Some(0)).collect();
    let mut blob: Vec<u8> = secret.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let credential = CREDENTIALW {
        Flags: 0,
        Type: CRED_TYPE_GENERIC,
        TargetName: name.as_mut_ptr(),
        Comment: std::ptr::null_mut(),
        LastWritten: FILETIME {
            dwLowDateTime: 0,
            dwHighDateTime: 0,
        },
        CredentialBlobSize: blob.len() as u32,
        CredentialBlob: blob.as_mut_ptr(),
        Persist: CRED_PERSIST_ENTERPRISE,
        AttributeCount: 0,
        Attributes: std::ptr::null_mut(),
        TargetAlias: std::ptr::null_mut(),
        UserName: std::ptr::null_mut(),
    };
    // SAFETY: every pointer points into a buffer that outlives the call.
    let written = unsafe { CredWriteW(&credential, 0) };
    assert_ne!(written, 0, "the Credential Manager took no entry");
}

#[cfg(windows)]
#[test]
fn the_key_stays_on_this_pc_and_never_roams_with_a_windows_profile() {
    use fanday_core::keys::{self, Place};
    use fanday_core::team_event::{new_signing_key, secret_key_text};
    use fanday_core::windows_credential::read;
    // A key kept now is kept on this PC only.
    let key = new_signing_key().unwrap_or_else(|| panic!("a key"));
    assert!(keys::keep_in_keyring(&key));
    let target = keys::credential_target(&key.verifying_key());
    let kept = read(&target)
        .unwrap_or_else(|code| panic!("error {code}"))
        .unwrap_or_else(|| panic!("no entry"));
    assert!(kept.stays_on_this_pc, "not written to roam");
    // One an earlier Fanday kept the roaming way is found, and moved to
    // this PC's own.
    let earlier = new_signing_key().unwrap_or_else(|| panic!("a key"));
    let target = keys::credential_target(&earlier.verifying_key());
    keep_the_roaming_way(&target, &secret_key_text(&earlier));
    let before = read(&target)
        .unwrap_or_else(|code| panic!("error {code}"))
        .unwrap_or_else(|| panic!("no entry"));
    assert!(!before.stays_on_this_pc, "written the roaming way");
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let found = keys::load(dir.path(), Place::Keyring, &earlier.verifying_key())
        .unwrap_or_else(|_| panic!("the Credential Manager did not answer"))
        .unwrap_or_else(|| panic!("the earlier key was not found"));
    assert_eq!(found.to_bytes(), earlier.to_bytes());
    let after = read(&target)
        .unwrap_or_else(|code| panic!("error {code}"))
        .unwrap_or_else(|| panic!("no entry"));
    assert!(after.stays_on_this_pc, "moved to this PC");
    assert_eq!(after.secret, secret_key_text(&earlier));
}

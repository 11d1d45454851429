//! Real Syncthing instances (Debian's 1.19) keeping copies of a team folder
//! in step, as between PCs, but on one machine and over loopback only. Each
//! is configured before its first start to speak to its peer on 127.0.0.1
//! and to nothing else: no discovery, relays, NAT traversal, usage or crash
//! reports, upgrade checks. Everything is stopped when dropped.
//!
//! Used beside support/desktop.rs, declared at the test's root as
//! `mod desktop`, for its program lookup, free ports and process groups.

// Shared by test binaries that may use only part of it.
#![allow(dead_code)]

use crate::desktop::{find_program, free_port, Group};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The id of the one shared folder, the same on every side.
pub const FOLDER_ID: &str = "fanday-team";

/// One Syncthing with its own home (keys, config, database, log).
pub struct Syncthing {
    // Declared first so it is dropped first: stop Syncthing, then remove
    // its home.
    process: Option<Group>,
    name: String,
    folder: PathBuf,
    device_id: String,
    listen_port: u16,
    gui_port: u16,
    api_key: String,
    home: tempfile::TempDir,
}

/// Starts two Syncthings, one per copy, each knowing the other as its only
/// peer and sharing one folder with it. They connect in the background:
/// see [`wait_connected`].
pub fn start_pair(
    (a_name, a_folder): (&str, &Path),
    (b_name, b_folder): (&str, &Path),
) -> (Syncthing, Syncthing) {
    // Fails with "run ./scripts/test" when Syncthing is not installed: a
    // test that cannot sync must not pass by doing nothing.
    let program = find_program("syncthing");
    let mut a = Syncthing::generate(&program, a_name, a_folder);
    let mut b = Syncthing::generate(&program, b_name, b_folder);
    a.write_config(&b);
    b.write_config(&a);
    a.serve(&program);
    b.serve(&program);
    (a, b)
}

/// Waits until each side reports a connection to the other; returns how
/// long that took.
pub fn wait_connected(a: &Syncthing, b: &Syncthing, within: Duration) -> Duration {
    let started = Instant::now();
    while !(a.connected_to(b) && b.connected_to(a)) {
        assert!(
            started.elapsed() < within,
            "the two Syncthings did not connect within {within:?}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    started.elapsed()
}

impl Syncthing {
    /// Makes keys and a first config with `syncthing generate`; the config
    /// is then written whole by [`Syncthing::write_config`].
    fn generate(program: &Path, name: &str, folder: &Path) -> Syncthing {
        let home = tempfile::tempdir().unwrap_or_else(|err| panic!("temp dir: {err}"));
        let home_arg = format!("--home={}", home.path().display());
        let generated = command(program, home.path())
            .args(["generate", &home_arg, "--no-default-folder"])
            .output()
            .unwrap_or_else(|err| panic!("cannot run syncthing generate: {err}"));
        assert!(
            generated.status.success(),
            "syncthing generate failed: {}",
            String::from_utf8_lossy(&generated.stderr)
        );
        // The device id is derived from the certificate just made.
        let shown = command(program, home.path())
            .args(["--device-id", &home_arg])
            .output()
            .unwrap_or_else(|err| panic!("cannot run syncthing --device-id: {err}"));
        let device_id = String::from_utf8_lossy(&shown.stdout).trim().to_string();
        assert!(
            shown.status.success() && device_id.len() == 63,
            "syncthing --device-id gave {device_id:?}: {}",
            String::from_utf8_lossy(&shown.stderr)
        );
        Syncthing {
            process: None,
            name: name.to_string(),
            folder: folder.to_path_buf(),
            device_id,
            listen_port: free_port(),
            gui_port: free_port(),
            // Only this test and this loopback GUI ever see it.
            api_key: uuid::Uuid::now_v7().simple().to_string(),
            home,
        }
    }

    /// Replaces the generated config.xml before the first start; the keys
    /// beside it are kept. Settings left out take Syncthing's defaults.
    fn write_config(&self, peer: &Syncthing) {
        let xml = format!(
            r#"<configuration version="36">
    <folder id="{folder_id}" label="Fanday team" path="{path}" type="sendreceive" rescanIntervalS="2" fsWatcherEnabled="true" fsWatcherDelayS="1" ignorePerms="false" autoNormalize="true">
        <filesystemType>basic</filesystemType>
        <device id="{me}" introducedBy=""></device>
        <device id="{peer}" introducedBy=""></device>
        <markerName>.stfolder</markerName>
    </folder>
    <device id="{me}" name="{my_name}" compression="metadata" introducer="false">
        <address>dynamic</address>
    </device>
    <device id="{peer}" name="{peer_name}" compression="metadata" introducer="false">
        <address>tcp://127.0.0.1:{peer_port}</address>
    </device>
    <gui enabled="true" tls="false" debugging="false">
        <address>127.0.0.1:{gui_port}</address>
        <apikey>{api_key}</apikey>
    </gui>
    <options>
        <listenAddress>tcp://127.0.0.1:{listen_port}</listenAddress>
        <globalAnnounceServer></globalAnnounceServer>
        <globalAnnounceEnabled>false</globalAnnounceEnabled>
        <localAnnounceEnabled>false</localAnnounceEnabled>
        <relaysEnabled>false</relaysEnabled>
        <natEnabled>false</natEnabled>
        <stunServer></stunServer>
        <startBrowser>false</startBrowser>
        <urAccepted>-1</urAccepted>
        <urURL></urURL>
        <autoUpgradeIntervalH>0</autoUpgradeIntervalH>
        <releasesURL></releasesURL>
        <crashReportingEnabled>false</crashReportingEnabled>
        <crashReportingURL></crashReportingURL>
        <reconnectionIntervalS>2</reconnectionIntervalS>
    </options>
</configuration>
"#,
            folder_id = FOLDER_ID,
            path = xml_escape(&self.folder.display().to_string()),
            me = self.device_id,
            my_name = xml_escape(&self.name),
            peer = peer.device_id,
            peer_name = xml_escape(&peer.name),
            peer_port = peer.listen_port,
            gui_port = self.gui_port,
            api_key = self.api_key,
            listen_port = self.listen_port,
        );
        let path = self.home.path().join("config.xml");
        std::fs::write(&path, xml)
            .unwrap_or_else(|err| panic!("cannot write {}: {err}", path.display()));
    }

    fn serve(&mut self, program: &Path) {
        let log_path = self.log_path();
        let log = std::fs::File::create(&log_path)
            .unwrap_or_else(|err| panic!("cannot create {}: {err}", log_path.display()));
        let log_err = log
            .try_clone()
            .unwrap_or_else(|err| panic!("cannot share {}: {err}", log_path.display()));
        let mut serve = command(program, self.home.path());
        serve
            .args([
                "serve",
                &format!("--home={}", self.home.path().display()),
                "--no-browser",
                "--no-restart",
                "--no-upgrade",
            ])
            .stdout(log)
            .stderr(log_err);
        self.process = Some(Group::spawn(&mut serve));
    }

    fn log_path(&self) -> PathBuf {
        self.home.path().join("syncthing.log")
    }

    /// Asks the REST API (`/rest/...`) and returns its JSON answer.
    pub fn get(&self, path: &str) -> Result<Value, String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.gui_port))
            .map_err(|err| format!("{}: cannot reach the API: {err}", self.name))?;
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .map_err(|err| err.to_string())?;
        // HTTP/1.0: the answer is not chunked and ends when the server
        // closes the connection.
        write!(
            stream,
            "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{}\r\nX-API-Key: {}\r\n\r\n",
            self.gui_port, self.api_key
        )
        .map_err(|err| format!("{}: {path}: {err}", self.name))?;
        let mut answer = String::new();
        stream
            .read_to_string(&mut answer)
            .map_err(|err| format!("{}: {path}: {err}", self.name))?;
        let (head, body) = answer
            .split_once("\r\n\r\n")
            .ok_or_else(|| format!("{}: {path}: no HTTP answer: {answer:?}", self.name))?;
        if !head.lines().next().unwrap_or_default().contains(" 200 ") {
            return Err(format!("{}: {path}: {head}", self.name));
        }
        serde_json::from_str(body).map_err(|err| format!("{}: {path}: {err}", self.name))
    }

    fn connected_to(&self, peer: &Syncthing) -> bool {
        self.get("/rest/system/connections")
            .map(|answer| answer["connections"][&peer.device_id]["connected"] == Value::Bool(true))
            .unwrap_or(false)
    }

    /// What Syncthing says about the shared folder and its peer, and the end
    /// of its log: printed when a test fails, to tell a slow sync from a
    /// broken one.
    pub fn report(&self) -> String {
        let status = self
            .get(&format!("/rest/db/status?folder={FOLDER_ID}"))
            .map(|s| format!("state {}, need {} files", s["state"], s["needFiles"]))
            .unwrap_or_else(|err| err);
        let connections = self
            .get("/rest/system/connections")
            .map(|c| c["connections"].to_string())
            .unwrap_or_else(|err| err);
        let log = std::fs::read_to_string(self.log_path()).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(30).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        format!(
            "Syncthing {} ({}):\n  folder: {status}\n  connections: {connections}\n  log:\n    {}",
            self.name,
            self.device_id,
            tail.join("\n    ")
        )
    }
}

impl Drop for Syncthing {
    fn drop(&mut self) {
        if std::thread::panicking() && self.process.is_some() {
            eprintln!("{}", self.report());
        }
        self.process.take();
    }
}

/// A Syncthing command with nothing of the caller's profile: its own home,
/// no default folder, no upgrades.
fn command(program: &Path, home: &Path) -> Command {
    let mut command = Command::new(program);
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("STNOUPGRADE", "1")
        .env("STNODEFAULTFOLDER", "1")
        .stdin(Stdio::null());
    command
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

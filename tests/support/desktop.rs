//! A private desktop for end-to-end tests: its own Xvfb display, its own
//! session D-Bus, and tauri-driver (with WebKitWebDriver) driving the real
//! Fanday binary. Everything is stopped when the `Desktop` is dropped.

// Shared by several test binaries; each uses only part of it.
#![allow(dead_code)]

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub const WAIT: Duration = Duration::from_secs(20);

/// Builds the app once per test binary, with the frontend embedded.
pub fn app_binary() -> PathBuf {
    static BINARY: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let built = BINARY.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut args = vec![
            "build",
            "-p",
            "fanday",
            "--message-format=json-render-diagnostics",
        ];
        // Speed figures are taken on the release build, as users run it.
        if std::env::var_os("FANDAY_E2E_RELEASE").is_some() {
            args.push("--release");
        }
        let output = Command::new(cargo)
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stderr(Stdio::inherit())
            .output()
            .map_err(|err| format!("cannot run cargo: {err}"))?;
        if !output.status.success() {
            return Err("building the app failed (see above)".into());
        }
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .filter(|msg| msg["reason"] == "compiler-artifact" && msg["target"]["name"] == "fanday")
            .find_map(|msg| msg["executable"].as_str().map(PathBuf::from))
            .ok_or_else(|| "cargo built no fanday executable".to_string())
    });
    match built {
        Ok(path) => path.clone(),
        Err(err) => panic!("{err}"),
    }
}

/// Finds an installed program, or fails saying how to install it.
pub fn find_program(name: &str) -> PathBuf {
    let mut candidates: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|path| {
            std::env::split_paths(&path)
                .map(|dir| dir.join(name))
                .collect()
        })
        .unwrap_or_default();
    if let Some(cargo_home) = std::env::var_os("CARGO_HOME") {
        candidates.push(Path::new(&cargo_home).join("bin").join(name));
    }
    if let Some(home) = std::env::var_os("HOME") {
        candidates.push(Path::new(&home).join(".cargo/bin").join(name));
    }
    candidates.into_iter().find(|path| path.is_file()).unwrap_or_else(|| {
        panic!("{name} is not installed; run ./scripts/test, which installs everything the tests need")
    })
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .unwrap_or_else(|err| panic!("no free port: {err}"))
}

/// A child in its own process group, so that stopping it stops what it started.
pub struct Group(Child);

impl Group {
    pub fn spawn(command: &mut Command) -> Group {
        let child = command
            .process_group(0)
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {command:?}: {err}"));
        Group(child)
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill")
            .args(["-TERM", "--", &group])
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if matches!(self.0.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.0.wait();
    }
}

fn first_line(child: &mut Child, what: &str) -> String {
    let stdout = child
        .stdout
        .take()
        .unwrap_or_else(|| panic!("{what}: no stdout"));
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .unwrap_or_else(|err| panic!("{what}: {err}"));
    let line = line.trim().to_string();
    assert!(!line.is_empty(), "{what} did not start");
    line
}

pub struct Desktop {
    // dropped in reverse order of start: driver, bus, display
    driver: Option<Group>,
    _bus: Group,
    _display: Group,
    pub dir: tempfile::TempDir,
    env: Vec<(String, String)>,
    driver_url: String,
}

impl Desktop {
    pub fn start() -> Desktop {
        let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("temp dir: {err}"));

        let mut xvfb = Command::new(find_program("Xvfb"));
        xvfb.args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1280x800x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
        let mut display = Group::spawn(&mut xvfb);
        let display_number = first_line(&mut display.0, "Xvfb");

        let bus_path = dir.path().join("bus");
        let mut dbus = Command::new(find_program("dbus-daemon"));
        dbus.arg("--session")
            .arg("--nofork")
            .arg("--print-address=1")
            .arg(format!("--address=unix:path={}", bus_path.display()))
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut bus = Group::spawn(&mut dbus);
        let bus_address = first_line(&mut bus.0, "dbus-daemon");

        let runtime = dir.path().join("runtime");
        for sub in ["runtime", "config", "data", "cache", "home"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap_or_else(|err| panic!("{err}"));
        }
        std::fs::set_permissions(
            &runtime,
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )
        .unwrap_or_else(|err| panic!("{err}"));
        let env = vec![
            ("DISPLAY".to_string(), format!(":{display_number}")),
            ("DBUS_SESSION_BUS_ADDRESS".to_string(), bus_address),
            (
                "WEBKIT_DISABLE_COMPOSITING_MODE".to_string(),
                "1".to_string(),
            ),
            ("XDG_RUNTIME_DIR".to_string(), runtime.display().to_string()),
            // A keyring the bus would start on demand waits for a password
            // no one types here: the key is kept in the data folder
            // (tests/device_key.rs tries the keyring on its own).
            ("FANDAY_KEY_STORE".to_string(), "file".to_string()),
            (
                "XDG_CONFIG_HOME".to_string(),
                dir.path().join("config").display().to_string(),
            ),
            (
                "XDG_DATA_HOME".to_string(),
                dir.path().join("data").display().to_string(),
            ),
            (
                "XDG_CACHE_HOME".to_string(),
                dir.path().join("cache").display().to_string(),
            ),
            (
                "HOME".to_string(),
                dir.path().join("home").display().to_string(),
            ),
            ("LANG".to_string(), "C.UTF-8".to_string()),
            ("LC_ALL".to_string(), "C.UTF-8".to_string()),
            ("NO_AT_BRIDGE".to_string(), "1".to_string()),
        ];

        let port = free_port();
        let native_port = free_port();
        let mut tauri_driver = Command::new(find_program("tauri-driver"));
        tauri_driver
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env_remove("FANDAY_DATA_DIR")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut driver = Group::spawn(&mut tauri_driver);
        let deadline = Instant::now() + WAIT;
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = driver.0.try_wait() {
                panic!("tauri-driver exited at start: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "tauri-driver did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }

        Desktop {
            driver: Some(driver),
            _bus: bus,
            _display: display,
            dir,
            env,
            driver_url: format!("http://127.0.0.1:{port}"),
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("fanday-data")
    }

    pub fn env(&self, name: &str) -> Option<&str> {
        self.env
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Starts the real app on this PC's data folder, with no reminder.
    pub async fn launch_quiet(&self) -> Client {
        let data_dir = self.data_dir().display().to_string();
        self.launch(&["--data-dir", &data_dir, "--remind-at=off"])
            .await
    }

    /// Starts the real app with `args` and returns a WebDriver session on it.
    pub async fn launch(&self, args: &[&str]) -> Client {
        let capabilities = json!({
            "browserName": "wry",
            "tauri:options": {
                "application": app_binary().display().to_string(),
                "args": args,
            }
        });
        let capabilities = match capabilities {
            Value::Object(map) => map,
            _ => unreachable!("a JSON object literal"),
        };
        let client = ClientBuilder::native()
            .capabilities(capabilities)
            .connect(&self.driver_url)
            .await
            .unwrap_or_else(|err| panic!("cannot start a session on the app: {err}"));
        client
    }
}

/// A program running beside the app on its display and session bus,
/// stopped (with all it started) when dropped.
pub struct Service(Group);

impl Desktop {
    /// A command that runs on this desktop's display and session bus.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut command = Command::new(program);
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        command
    }

    pub fn start_service(&self, program: &str, args: &[&str]) -> Service {
        let mut command = self.command(program);
        command.args(args);
        Service(Group::spawn(&mut command))
    }

    /// Acts on the display as a person's keyboard would (xdotool), for the
    /// system's own dialogs that WebDriver cannot reach; returns what it printed.
    pub fn xdotool(&self, args: &[&str]) -> Result<String, String> {
        let output = self
            .command("xdotool")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .map_err(|err| format!("cannot run xdotool: {err}"))?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        } else {
            Err(format!(
                "xdotool {args:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            ))
        }
    }

    /// Runs a short Python program (Debian's, with python3-dbus) on the
    /// session bus and returns what it printed.
    pub fn python_on_bus(&self, program: &str) -> Result<String, String> {
        let output = Command::new("/usr/bin/python3")
            .args(["-c", program])
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .output()
            .map_err(|err| format!("cannot run python3: {err}"))?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        } else {
            Err(String::from_utf8_lossy(&output.stderr).into_owned())
        }
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        self.driver.take();
    }
}

/// The CSS selector of a test id.
pub fn testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

/// Waits until the element with test id `id` is in the page.
pub async fn wait_for(client: &Client, id: &str) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(&testid(id)))
        .await
        .unwrap_or_else(|err| panic!("{id} never appeared: {err}"))
}

/// Clicks the element with test id `id` as a person would. It is scrolled
/// into view first: WebKitWebDriver aims its click before its own scroll has
/// settled, so a click that needs scrolling would land beside the target.
/// A list that re-renders under the pointer (a feed that was just read) is
/// looked up again, as a person would look again; WebKitWebDriver answers a
/// click on a page that is changing with an error that has no message, so
/// every failed click is tried again, up to five times.
pub async fn click(client: &Client, id: &str) {
    let mut last_error = String::new();
    for _ in 0..5 {
        let element = wait_for(client, id).await;
        let arg = serde_json::to_value(&element).unwrap_or_default();
        let scrolled = client
            .execute_async(
                "const [el, done] = arguments; el.scrollIntoView({block: 'center'}); \
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![arg],
            )
            .await;
        let clicked = match scrolled {
            Ok(_) => element.click().await.map(|_| ()),
            Err(err) => Err(err),
        };
        match clicked {
            Ok(()) => return,
            Err(err) => {
                last_error = err.to_string();
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    panic!("cannot click {id}: {last_error}");
}

/// Puts `text` into a field as a paste would: WebKitWebDriver cannot type
/// characters outside the Basic Multilingual Plane, such as emoji. Finding
/// the field and pasting are one step, so a screen redrawn in between (the
/// team feed is, when the folder changes) cannot lose the paste.
pub async fn paste_into(client: &Client, id: &str, text: &str) {
    let deadline = Instant::now() + WAIT;
    loop {
        let pasted = client
            .execute(
                "const [selector, text] = arguments; \
                 const el = document.querySelector(selector); \
                 if (!el) return false; \
                 el.focus(); el.value = text; \
                 el.dispatchEvent(new InputEvent('input', {bubbles: true, inputType: 'insertFromPaste'})); \
                 return true;",
                vec![Value::String(testid(id)), Value::String(text.to_string())],
            )
            .await
            .unwrap_or_else(|err| panic!("cannot paste into {id}: {err}"));
        if pasted == Value::Bool(true) {
            return;
        }
        assert!(Instant::now() < deadline, "{id} never appeared");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the text of `id` contains `expected`; returns the text.
pub async fn wait_for_text(client: &Client, id: &str, expected: &str) -> String {
    let deadline = Instant::now() + WAIT;
    let mut last = String::new();
    while Instant::now() < deadline {
        if let Ok(element) = client.find(Locator::Css(&testid(id))).await {
            if let Ok(text) = element.text().await {
                if text.contains(expected) {
                    return text;
                }
                last = text;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let page = client.source().await.unwrap_or_default();
    panic!("{id} never said {expected:?}; last it said {last:?}; the page was:\n{page}");
}

/// Waits until exactly `count` elements carry test id `id`.
pub async fn wait_for_count(client: &Client, id: &str, count: usize) {
    let deadline = Instant::now() + WAIT;
    let mut last = usize::MAX;
    while Instant::now() < deadline {
        if let Ok(found) = client.find_all(Locator::Css(&testid(id))).await {
            last = found.len();
            if last == count {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("expected {count} of {id}, saw {last}");
}

/// Saves a PNG of the app's page into `FANDAY_SCREENSHOTS`, when it is set.
// Taken from the X display, as a person would see the window; WebKit's own
// WebDriver screenshot sometimes never answers and wedges the session.
pub fn screenshot(desktop: &Desktop, name: &str) {
    let Some(dir) = std::env::var_os("FANDAY_SCREENSHOTS") else {
        return;
    };
    let _ = std::fs::create_dir_all(&dir);
    let display = desktop.env("DISPLAY").unwrap_or(":0");
    let out = Path::new(&dir).join(format!("{name}.png"));
    let taken = Command::new("import")
        .args(["-display", display, "-window", "root", "-trim", "+repage"])
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !matches!(taken, Ok(status) if status.success()) {
        eprintln!("no screenshot {name}: is imagemagick installed?");
    }
}

/// The X window titled `title` (a system dialog WebDriver cannot reach),
/// once it shows; its id for xdotool.
pub async fn wait_for_window(desktop: &Desktop, title: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(found) = desktop.xdotool(&["search", "--onlyvisible", "--name", title]) {
            if let Some(id) = found.lines().next() {
                return id.trim().to_string();
            }
        }
        assert!(Instant::now() < deadline, "no window \"{title}\"");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Answers the system's save dialog titled `title` (once it shows, in
/// the screenshot `shot`) as a person does: types where to, then Enter.
pub async fn save_as(desktop: &Desktop, title: &str, path: &Path, shot: &str) {
    let chooser = wait_for_window(desktop, title).await;
    screenshot(desktop, shot);
    let target = path.display().to_string();
    for keys in [
        vec!["windowfocus", "--sync", chooser.as_str()],
        vec!["key", "--clearmodifiers", "ctrl+a"],
        vec!["type", "--delay", "20", target.as_str()],
        vec!["key", "Return"],
    ] {
        desktop.xdotool(&keys).unwrap_or_else(|err| panic!("{err}"));
    }
}

/// The texts of every element with test id `id`, in page order.
pub async fn texts_of(client: &Client, id: &str) -> Vec<String> {
    texts_at(client, &testid(id)).await
}

/// The texts of every element `css` selects, in page order.
pub async fn texts_at(client: &Client, css: &str) -> Vec<String> {
    read_each(client, css, "el.innerText.trim()").await
}

/// The words of every element with test id `id`, shown or folded away in a
/// closed `<details>`, with spaces run together.
pub async fn words_of(client: &Client, id: &str) -> Vec<String> {
    read_each(
        client,
        &testid(id),
        "el.textContent.replace(/\\s+/g, ' ').trim()",
    )
    .await
}

/// `expression` (of `el`) for every element `css` selects, read in one step
/// inside the page: a screen redrawn between finding an element and reading
/// it would otherwise give an empty text.
async fn read_each(client: &Client, css: &str, expression: &str) -> Vec<String> {
    let read = client
        .execute(
            &format!(
                "return Array.from(document.querySelectorAll(arguments[0]), (el) => {expression});"
            ),
            vec![Value::String(css.to_string())],
        )
        .await
        .unwrap_or_else(|err| panic!("cannot read {css}: {err}"));
    match read {
        Value::Array(items) => items
            .into_iter()
            .map(|item| item.as_str().unwrap_or_default().to_string())
            .collect(),
        other => panic!("reading {css} gave {other}"),
    }
}

/// Ends the WebDriver session, and with it the app.
pub async fn quit(client: Client) {
    client
        .close()
        .await
        .unwrap_or_else(|err| panic!("cannot end the app: {err}"));
}

/// A lead lets a joiner in through the windows, as people do: the joiner's
/// window shows their own key; the lead's Team screen shows the request
/// with a key, which must be the same, and the lead admits it. Returns the
/// key compared.
pub async fn admit_in_window(lead: &Client, joiner: &Client, within: Duration) -> String {
    let key = wait_for(joiner, "team-my-fingerprint")
        .await
        .text()
        .await
        .unwrap_or_default();
    assert!(!key.is_empty(), "the joiner sees their own key to read out");
    let deadline = Instant::now() + within;
    loop {
        let requests = texts_of(lead, "team-request").await;
        if requests.iter().any(|r| r.contains(&key)) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the lead never saw the request with key {key}: {requests:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // The request is redrawn at every read of the folder: a click lost in a
    // redraw is given again, as a person would.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        click(lead, "team-admit").await;
        let confirm = lead
            .wait()
            .at_most(Duration::from_secs(3))
            .for_element(Locator::Css(&testid("confirm-ok")))
            .await;
        if let Ok(confirm) = confirm {
            let text = lead.find(Locator::Css(".confirm-text")).await.ok();
            if let Some(text) = text {
                let said = text.text().await.unwrap_or_default();
                assert!(
                    said.contains(&key),
                    "the lead confirms the same key: {said}"
                );
            }
            let _ = confirm.click().await;
            break;
        }
        assert!(Instant::now() < deadline, "the confirm dialog never opened");
    }
    let deadline = Instant::now() + within;
    while joiner
        .find(Locator::Css(&testid("team-my-fingerprint")))
        .await
        .is_ok()
    {
        assert!(
            Instant::now() < deadline,
            "the joiner's window still waits to be let in"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    key
}

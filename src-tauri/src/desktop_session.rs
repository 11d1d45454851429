//! The window needs a desktop session. Checked before anything of the
//! window starts, so a missing one is said in one line (exit 1), never a
//! toolkit's panic with a backtrace.

/// Why the window cannot start here, if it cannot.
#[cfg(target_os = "linux")]
pub fn check() -> Result<(), String> {
    let set = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    let (display, wayland) = (set("DISPLAY"), set("WAYLAND_DISPLAY"));
    if display.is_none() && wayland.is_none() {
        return Err(missing("no display found (DISPLAY is not set)"));
    }
    gtk::init().map_err(|_| {
        let name = wayland.or(display).unwrap_or_default();
        missing(&format!("the display {name} cannot be opened"))
    })
}

#[cfg(not(target_os = "linux"))]
pub fn check() -> Result<(), String> {
    Ok(())
}

#[cfg(target_os = "linux")]
fn missing(reason: &str) -> String {
    format!("Fanday needs a desktop session: {reason}")
}

/// A failure inside the toolkit or the webview ends Fanday with one line
/// on stderr instead of a panic's report; `RUST_BACKTRACE=1` keeps the
/// full report for whoever debugs it.
pub fn one_line_failures() {
    if std::env::var_os("RUST_BACKTRACE").is_some() {
        return;
    }
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let what = payload
            .downcast_ref::<&str>()
            .map(|text| text.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "an unexpected error".to_string());
        let place = info
            .location()
            .map(|at| format!(" ({}:{})", at.file(), at.line()))
            .unwrap_or_default();
        eprintln!("Fanday stopped: {what}{place}");
    }));
}

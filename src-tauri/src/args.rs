//! The app's command line: `--data-dir DIR` (or `FANDAY_DATA_DIR`), `--demo`,
//! `--hidden` (start in the tray, as when opened at login), and
//! `--remind-at HH:MM|off` (this run only: the reminder at that time on any
//! day, or none; to try the reminder and for tests).

use fanday_core::reminder::RunOverride;
use std::ffi::OsString;
use std::path::PathBuf;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Options {
    pub data_dir: Option<PathBuf>,
    pub demo: bool,
    pub hidden: bool,
    pub remind_at: Option<RunOverride>,
    pub unknown: Vec<String>,
}

pub fn parse(args: impl IntoIterator<Item = OsString>) -> Options {
    let mut options = Options::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let text = arg.to_string_lossy();
        if text == "--demo" {
            options.demo = true;
        } else if text == "--hidden" {
            options.hidden = true;
        } else if text == "--remind-at" || text.starts_with("--remind-at=") {
            let value = match text.strip_prefix("--remind-at=") {
                Some(value) => Some(value.to_string()),
                None => args.next().map(|v| v.to_string_lossy().into_owned()),
            };
            match value.as_deref().and_then(RunOverride::parse) {
                Some(run_override) => options.remind_at = Some(run_override),
                None => options
                    .unknown
                    .push(format!("--remind-at {}", value.unwrap_or_default())),
            }
        } else if text == "--data-dir" {
            options.data_dir = args.next().map(PathBuf::from);
        } else if let Some(dir) = text.strip_prefix("--data-dir=") {
            options.data_dir = Some(PathBuf::from(dir));
        } else {
            options.unknown.push(text.into_owned());
        }
    }
    options
}

/// Where this Fanday's data lives, for the window and `fanday export` alike:
/// `--data-dir`, else `FANDAY_DATA_DIR`, else the platform's data folder
/// named after the app (`~/.local/share/se.fanday.app`, or under
/// `%APPDATA%`). When none can be found that is an error to show, never a
/// folder guessed from wherever Fanday was started.
pub fn data_dir(from_args: Option<PathBuf>) -> Result<PathBuf, String> {
    choose_data_dir(from_args, std::env::var_os("FANDAY_DATA_DIR"), || {
        dirs::data_dir().map(|dir| dir.join(crate::IDENTIFIER))
    })
    .ok_or_else(|| {
        "this user has no data folder (is HOME set?); start Fanday with --data-dir DIR".to_string()
    })
}

/// The command line wins, then `FANDAY_DATA_DIR`, then the platform's dir.
fn choose_data_dir(
    from_args: Option<PathBuf>,
    from_env: Option<OsString>,
    platform_default: impl FnOnce() -> Option<PathBuf>,
) -> Option<PathBuf> {
    from_args
        .or_else(|| from_env.filter(|dir| !dir.is_empty()).map(PathBuf::from))
        .or_else(platform_default)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn data_dir_and_demo_are_read_in_either_form() {
        let options = parse(args(&["--data-dir", "/tmp/a b", "--demo"]));
        assert_eq!(options.data_dir, Some(PathBuf::from("/tmp/a b")));
        assert!(options.demo);
        let options = parse(args(&["--data-dir=/tmp/c"]));
        assert_eq!(options.data_dir, Some(PathBuf::from("/tmp/c")));
        assert!(!options.demo);
    }

    #[test]
    fn remind_at_takes_a_time_or_off() {
        use chrono::NaiveTime;
        let at = parse(args(&["--remind-at", "09:30"])).remind_at;
        assert_eq!(at, NaiveTime::from_hms_opt(9, 30, 0).map(RunOverride::At));
        assert_eq!(
            parse(args(&["--remind-at=off"])).remind_at,
            Some(RunOverride::Off)
        );
        let bad = parse(args(&["--remind-at", "soon"]));
        assert_eq!(bad.remind_at, None);
        assert_eq!(bad.unknown, vec!["--remind-at soon".to_string()]);
    }

    #[test]
    fn hidden_starts_in_the_tray() {
        assert!(parse(args(&["--hidden"])).hidden);
        assert!(!parse(args(&["--demo"])).hidden);
    }

    #[test]
    fn unknown_arguments_are_kept_to_be_reported() {
        assert_eq!(parse(args(&["--what"])).unknown, vec!["--what".to_string()]);
    }

    #[test]
    fn the_command_line_wins_over_the_environment_over_the_platform() {
        let platform = || Some(PathBuf::from("/platform"));
        assert_eq!(
            choose_data_dir(Some("/arg".into()), Some("/env".into()), platform),
            Some(PathBuf::from("/arg"))
        );
        assert_eq!(
            choose_data_dir(None, Some("/env".into()), platform),
            Some(PathBuf::from("/env"))
        );
        assert_eq!(
            choose_data_dir(None, Some("".into()), platform),
            Some(PathBuf::from("/platform"))
        );
    }
}

//! Every way Fanday is started, parsed in one place: the window's options
//! and the subcommands that run without a window. `--help`, `--version`,
//! an unknown argument or a bad value end here, before any window, bus or
//! keyring is touched.

use clap::builder::StyledStr;
use clap::error::{ContextKind, ContextValue};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use fanday_core::export::{Format, What};
use fanday_core::reminder::RunOverride;
use std::ffi::OsString;
use std::path::PathBuf;

/// Fanday: one fan per day. Without a command, opens the window
#[derive(Debug, Parser)]
#[command(name = "fanday", version)]
pub struct Cli {
    #[command(flatten)]
    pub window: Options,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The window's options.
#[derive(Debug, Default, Clone, PartialEq, Eq, Args)]
pub struct Options {
    /// Keep the data in DIR, not the platform's data folder [or FANDAY_DATA_DIR]
    #[arg(long, value_name = "DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Start in the tray, without the window (as at login)
    #[arg(long)]
    pub hidden: bool,
    /// For this run only: the reminder at HH:MM whatever the day, or none
    #[arg(long, value_name = "HH:MM|off", value_parser = remind_at)]
    pub remind_at: Option<RunOverride>,
    /// Fill an empty data folder with a sample: a staff member's 4 weeks
    #[arg(long)]
    pub demo: bool,
}

#[derive(Debug, PartialEq, Eq, Subcommand)]
pub enum Command {
    /// Write your moments, reflections or the team's stories to a file
    Export(ExportArgs),
    /// The customers' feedback from a survey tool's export (team leads)
    #[command(subcommand)]
    Feedback(FeedbackCommand),
}

#[derive(Debug, PartialEq, Eq, Subcommand)]
pub enum FeedbackCommand {
    /// Read a survey export (CSV) and save its weeks, printing what was
    /// understood as JSON
    Import(FeedbackImportArgs),
}

#[derive(Debug, PartialEq, Eq, Args)]
pub struct FeedbackImportArgs {
    /// The CSV the survey tool exported: one row per answer (date, score
    /// 0-10, comment) or per week
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Print what would be imported and save nothing (needs no Fanday data)
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, PartialEq, Eq, Args)]
pub struct ExportArgs {
    /// The file's format
    #[arg(long, value_enum)]
    pub format: FormatArg,
    /// Where to write it
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Your weekly reflections, one row per week, instead of your moments
    #[arg(long, conflicts_with = "team")]
    pub reflections: bool,
    /// The team's shared stories (team leads)
    #[arg(long)]
    pub team: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// One row per moment; opens in LibreOffice Calc and Excel
    Csv,
    /// Everything, for other programs
    Json,
}

impl ExportArgs {
    pub fn format(&self) -> Format {
        match self.format {
            FormatArg::Csv => Format::Csv,
            FormatArg::Json => Format::Json,
        }
    }

    pub fn what(&self) -> What {
        if self.team {
            What::TeamStories
        } else if self.reflections {
            What::Reflections
        } else {
            What::Mine
        }
    }
}

fn remind_at(text: &str) -> Result<RunOverride, String> {
    RunOverride::parse(text)
        .ok_or_else(|| "expected a time of day as HH:MM (00:00 to 23:59), or off".to_string())
}

/// Parses the command line (without the program's name in front). A
/// mistake carries the usage of the command it was made in.
pub fn parse(args: Vec<OsString>) -> Result<Cli, clap::Error> {
    Cli::try_parse_from(std::iter::once(OsString::from("fanday")).chain(args.iter().cloned()))
        .and_then(only_the_window_takes_its_options)
        .map_err(|mut err| {
            if err.use_stderr() && err.get(ContextKind::Usage).is_none() {
                err.insert(ContextKind::Usage, ContextValue::StyledStr(usage(&args)));
            }
            err
        })
}

/// `--hidden`, `--remind-at` and `--demo` are about the window; with a
/// command they would be ignored, so they are a mistake there.
fn only_the_window_takes_its_options(cli: Cli) -> Result<Cli, clap::Error> {
    let Some(command) = &cli.command else {
        return Ok(cli);
    };
    let window = &cli.window;
    let given = [
        (window.hidden, "--hidden"),
        (window.remind_at.is_some(), "--remind-at"),
        (window.demo, "--demo"),
    ];
    match given.iter().find(|(set, _)| *set) {
        None => Ok(cli),
        Some((_, name)) => {
            let command = match command {
                Command::Export(_) => "export",
                Command::Feedback(_) => "feedback import",
            };
            Err(Cli::command().error(
                clap::error::ErrorKind::ArgumentConflict,
                format!("{name} is for the window; 'fanday {command}' does not take it"),
            ))
        }
    }
}

/// The usage of the command `raw` names (a subcommand's own, or Fanday's).
fn usage(raw: &[OsString]) -> StyledStr {
    let mut fanday = Cli::command();
    let named = raw
        .iter()
        .find_map(|arg| fanday.find_subcommand(arg).cloned());
    match named {
        Some(sub) => {
            let name = sub.get_name().to_string();
            sub.bin_name(format!("fanday {name}")).render_usage()
        }
        None => fanday.render_usage(),
    }
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
    use clap::error::ErrorKind;

    fn parsed(list: &[&str]) -> Cli {
        parse(list.iter().map(OsString::from).collect()).unwrap_or_else(|err| panic!("{err}"))
    }

    fn refused(list: &[&str]) -> clap::Error {
        match parse(list.iter().map(OsString::from).collect()) {
            Ok(cli) => panic!("{list:?} was taken as {cli:?}"),
            Err(err) => err,
        }
    }

    #[test]
    fn data_dir_and_demo_are_read_in_either_form() {
        let cli = parsed(&["--data-dir", "/tmp/a b", "--demo"]);
        assert_eq!(cli.window.data_dir, Some(PathBuf::from("/tmp/a b")));
        assert!(cli.window.demo);
        let cli = parsed(&["--data-dir=/tmp/c"]);
        assert_eq!(cli.window.data_dir, Some(PathBuf::from("/tmp/c")));
        assert!(!cli.window.demo);
        assert_eq!(cli.command, None);
    }

    #[test]
    fn remind_at_takes_a_time_or_off_and_refuses_anything_else() {
        use chrono::NaiveTime;
        let at = parsed(&["--remind-at", "09:30"]).window.remind_at;
        assert_eq!(at, NaiveTime::from_hms_opt(9, 30, 0).map(RunOverride::At));
        assert_eq!(
            parsed(&["--remind-at=off"]).window.remind_at,
            Some(RunOverride::Off)
        );
        for bad in ["25:99", "soon", ""] {
            let err = refused(&["--remind-at", bad]);
            assert_eq!(err.kind(), ErrorKind::ValueValidation, "{bad}");
            assert!(err.to_string().contains("HH:MM"), "{err}");
        }
    }

    #[test]
    fn hidden_starts_in_the_tray() {
        assert!(parsed(&["--hidden"]).window.hidden);
        assert!(!parsed(&["--demo"]).window.hidden);
    }

    #[test]
    fn an_unknown_argument_is_refused_naming_it() {
        let err = refused(&["--what"]);
        assert_eq!(err.kind(), ErrorKind::UnknownArgument);
        assert!(err.to_string().contains("--what"), "{err}");
        assert_eq!(err.exit_code(), 2);
        assert_eq!(refused(&["stray"]).exit_code(), 2);
    }

    #[test]
    fn export_takes_its_options_and_the_data_dir_on_either_side() {
        let cli = parsed(&[
            "--data-dir",
            "/d",
            "export",
            "--format",
            "csv",
            "--out",
            "x.csv",
        ]);
        assert_eq!(cli.window.data_dir, Some(PathBuf::from("/d")));
        let Some(Command::Export(export)) = cli.command else {
            panic!("not an export");
        };
        assert_eq!((export.format(), export.what()), (Format::Csv, What::Mine));

        let cli = parsed(&[
            "export",
            "--reflections",
            "--format",
            "json",
            "--out",
            "x",
            "--data-dir=/e",
        ]);
        assert_eq!(cli.window.data_dir, Some(PathBuf::from("/e")));
        let Some(Command::Export(export)) = cli.command else {
            panic!("not an export");
        };
        assert_eq!(
            (export.format(), export.what()),
            (Format::Json, What::Reflections)
        );
    }

    #[test]
    fn export_refuses_a_format_it_does_not_write_and_window_options() {
        let err = refused(&["export", "--format", "xlsx", "--out", "x"]);
        assert_eq!(err.kind(), ErrorKind::InvalidValue);
        assert!(err.to_string().contains("csv"), "{err}");
        refused(&["export", "--format", "csv"]);
        refused(&[
            "export",
            "--format",
            "csv",
            "--out",
            "x",
            "--team",
            "--reflections",
        ]);
        refused(&["--demo", "export", "--format", "csv", "--out", "x"]);
    }

    #[test]
    fn help_and_version_are_answers_not_errors() {
        assert_eq!(refused(&["--help"]).kind(), ErrorKind::DisplayHelp);
        assert_eq!(refused(&["--help"]).exit_code(), 0);
        assert_eq!(refused(&["--version"]).kind(), ErrorKind::DisplayVersion);
        assert_eq!(refused(&["export", "--help"]).exit_code(), 0);
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

    #[test]
    fn the_parser_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn a_mistake_comes_with_the_usage_of_the_command_it_was_made_in() {
        let err = refused(&["--remind-at", "x"]).to_string();
        assert!(err.contains("Usage: fanday [OPTIONS]"), "{err}");
        let err = refused(&["export", "--format", "xlsx", "--out", "x"]).to_string();
        assert!(err.contains("Usage: fanday export [OPTIONS]"), "{err}");
    }
}

//! What the command line asks for, before any window: help, the version,
//! a mistake (exit 2, with the usage), or a subcommand run without a
//! window, bus or keyring (exit 0, or 1 with one line saying why).

use crate::args::{self, Cli, Command, ExportArgs, FeedbackCommand, FeedbackImportArgs, Options};
use fanday_core::feedback::{Skipped, WeekCounts};
use fanday_core::{read_feedback_file, Fanday, SystemClock};
use std::ffi::OsString;
use std::sync::Arc;

/// What to do after reading the command line.
pub enum Start {
    /// Open the window with these options.
    Window(Options),
    /// Done without a window: exit with this code.
    Exit(i32),
}

pub fn start(raw: Vec<OsString>) -> Start {
    if !raw.is_empty() {
        attach_to_terminal();
    }
    match args::parse(raw) {
        // Help and the version are printed on stdout, mistakes on stderr
        // with the usage; clap gives each its exit code (0 or 2).
        Err(err) => {
            let _ = err.print();
            Start::Exit(err.exit_code())
        }
        Ok(Cli {
            window,
            command: None,
        }) => Start::Window(window),
        Ok(Cli {
            window,
            command: Some(Command::Export(export_args)),
        }) => Start::Exit(answer("export", export(&window, &export_args))),
        Ok(Cli {
            window,
            command: Some(Command::Feedback(FeedbackCommand::Import(import))),
        }) => Start::Exit(answer("feedback import", feedback_import(&window, &import))),
    }
}

/// What a subcommand printed: its answer on stdout (exit 0), or one line
/// on stderr saying why it could not (exit 1).
fn answer(command: &str, outcome: Result<String, String>) -> i32 {
    match outcome {
        Ok(message) => {
            println!("{message}");
            0
        }
        Err(message) => {
            eprintln!("fanday {command}: {message}");
            1
        }
    }
}

fn open_existing(options: &Options) -> Result<Fanday, String> {
    let data_dir = args::data_dir(options.data_dir.clone())?;
    if !data_dir.join(fanday_core::store::DB_FILE_NAME).exists() {
        return Err(format!("there is no Fanday data in {}", data_dir.display()));
    }
    Fanday::open(&data_dir, Arc::new(SystemClock)).map_err(|err| err.to_string())
}

fn export(options: &Options, export: &ExportArgs) -> Result<String, String> {
    let fanday = open_existing(options)?;
    let rows = fanday
        .export(export.what(), export.format(), &export.out)
        .map_err(|err| err.to_string())?;
    Ok(format!("wrote {rows} rows to {}", export.out.display()))
}

/// What the file says as JSON (`weeks`, `skipped`); without `--dry-run`
/// saved as the window saves it, and what that changed (`saved`).
fn feedback_import(options: &Options, import: &FeedbackImportArgs) -> Result<String, String> {
    #[derive(serde::Serialize)]
    struct Printed<'a> {
        weeks: &'a [WeekCounts],
        skipped: Vec<Row<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        saved: Option<Saved<'a>>,
    }
    #[derive(serde::Serialize)]
    struct Row<'a> {
        row: u64,
        reason: &'a str,
    }
    #[derive(serde::Serialize)]
    struct Saved<'a> {
        new: &'a [String],
        replaced: &'a [String],
        unchanged: &'a [String],
    }
    let (understood, saved) = if import.dry_run {
        let understood = read_feedback_file(&import.file).map_err(|err| err.to_string())?;
        (understood, None)
    } else {
        let import = open_existing(options)?
            .import_feedback(&import.file)
            .map_err(|err| err.to_string())?;
        (import.understood.clone(), Some(import))
    };
    let printed = Printed {
        weeks: &understood.weeks,
        skipped: understood
            .skipped
            .iter()
            .map(|skipped: &Skipped| Row {
                row: skipped.row,
                reason: &skipped.reason,
            })
            .collect(),
        saved: saved.as_ref().map(|import| Saved {
            new: &import.new_weeks,
            replaced: &import.replaced_weeks,
            unchanged: &import.unchanged_weeks,
        }),
    };
    serde_json::to_string_pretty(&printed).map_err(|err| err.to_string())
}

/// Fanday for Windows is a windowed program, which Windows starts without
/// the terminal it was typed in: what the command line prints goes to that
/// terminal again, unless it is already sent somewhere (a pipe, a file).
#[cfg(windows)]
fn attach_to_terminal() {
    use windows_sys::Win32::System::Console::{
        AttachConsole, GetStdHandle, ATTACH_PARENT_PROCESS, STD_OUTPUT_HANDLE,
    };
    // SAFETY: both calls take plain values; a failure only leaves the
    // program without a terminal, as before.
    unsafe {
        if GetStdHandle(STD_OUTPUT_HANDLE).is_null() {
            AttachConsole(ATTACH_PARENT_PROCESS);
        }
    }
}

#[cfg(not(windows))]
fn attach_to_terminal() {}

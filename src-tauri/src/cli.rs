//! What the command line asks for, before any window: help, the version,
//! a mistake (exit 2, with the usage), or a subcommand run without a
//! window, bus or keyring (exit 0, or 1 with one line saying why).

use crate::args::{self, Cli, Command, ExportArgs, Options};
use fanday_core::{Fanday, SystemClock};
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
        }) => Start::Exit(match export(&window, &export_args) {
            Ok(message) => {
                println!("{message}");
                0
            }
            Err(message) => {
                eprintln!("fanday export: {message}");
                1
            }
        }),
    }
}

fn export(options: &Options, export: &ExportArgs) -> Result<String, String> {
    let data_dir = args::data_dir(options.data_dir.clone())?;
    if !data_dir.join(fanday_core::store::DB_FILE_NAME).exists() {
        return Err(format!("there is no Fanday data in {}", data_dir.display()));
    }
    let fanday = Fanday::open(&data_dir, Arc::new(SystemClock)).map_err(|err| err.to_string())?;
    let rows = fanday
        .export(export.what(), export.format(), &export.out)
        .map_err(|err| err.to_string())?;
    Ok(format!("wrote {rows} rows to {}", export.out.display()))
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

//! The command line without a window: `fanday export --format csv --out FILE`.

use crate::args;
use fanday_core::export::{Format, What};
use fanday_core::{Fanday, SystemClock};
use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Arc;

const USAGE: &str =
    "usage: fanday export --format csv|json --out FILE [--reflections | --team] [--data-dir DIR]";

/// Runs a command-line action when the arguments ask for one; `None` means
/// "start the app".
pub fn run(raw: &[OsString]) -> Option<i32> {
    if raw.first().map(|a| a.to_string_lossy()) != Some("export".into()) {
        return None;
    }
    Some(match export(&raw[1..]) {
        Ok(message) => {
            println!("{message}");
            0
        }
        Err(message) => {
            eprintln!("fanday: {message}\n{USAGE}");
            2
        }
    })
}

fn export(raw: &[OsString]) -> Result<String, String> {
    let mut format = None;
    let mut out = None;
    let mut what = What::Mine;
    let mut rest = Vec::new();
    let mut iter = raw.iter();
    while let Some(arg) = iter.next() {
        match arg.to_string_lossy().as_ref() {
            "--format" => {
                let value = iter.next().map(|v| v.to_string_lossy().into_owned());
                format = Some(
                    value
                        .as_deref()
                        .and_then(Format::parse)
                        .ok_or("--format takes csv or json")?,
                );
            }
            "--out" => out = iter.next().map(PathBuf::from),
            "--team" => what = What::TeamStories,
            "--reflections" => what = What::Reflections,
            _ => rest.push(arg.clone()),
        }
    }
    let format = format.ok_or("say which --format: csv or json")?;
    let out = out.ok_or("say where to write with --out FILE")?;
    let options = args::parse(rest);
    if let Some(unknown) = options.unknown.first() {
        return Err(format!("unknown argument {unknown:?}"));
    }
    let data_dir = args::data_dir(options.data_dir)?;
    if !data_dir.join(fanday_core::store::DB_FILE_NAME).exists() {
        return Err(format!("there is no Fanday data in {}", data_dir.display()));
    }
    let fanday = Fanday::open(&data_dir, Arc::new(SystemClock)).map_err(|err| err.to_string())?;
    let rows = fanday
        .export(what, format, &out)
        .map_err(|err| err.to_string())?;
    Ok(format!("wrote {rows} rows to {}", out.display()))
}

//! How long the progress screen takes from the click to being painted in
//! the real app (the window reports it), with five years of daily moments.
//! Goal: under 100 ms. Prints figures; asserts nothing.
//! Run with `cargo bench --bench progress_screen` (set FANDAY_E2E_RELEASE=1
//! to measure the release build, as users run it).

#[path = "../tests/support/desktop.rs"]
mod desktop;
mod support;

use chrono::Local;
use desktop::{click, wait_for, Desktop};
use std::time::Duration;

const RUNS: usize = 15;

#[tokio::main]
async fn main() {
    let desktop = Desktop::start();
    let data_dir = desktop.data_dir();
    let core = support::five_years_of_moments(&data_dir, Local::now().fixed_offset());
    let count = core.count_moments().unwrap_or_else(|err| panic!("{err}"));
    drop(core);
    let app = desktop
        .launch(&[
            "--data-dir",
            &data_dir.display().to_string(),
            "--remind-at=off",
        ])
        .await;
    wait_for(&app, "moment-text").await;

    let mut times = Vec::new();
    for _ in 0..RUNS {
        click(&app, "nav-today").await;
        wait_for(&app, "moment-text").await;
        let _ = app
            .execute("delete window.fandayTimings.progress", vec![])
            .await;
        click(&app, "nav-progress").await;
        let mut painted = None;
        for _ in 0..100 {
            let value = app
                .execute("return window.fandayTimings.progress ?? null", vec![])
                .await
                .unwrap_or_default();
            if let Some(ms) = value.as_f64() {
                painted = Some(ms);
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        if let Some(ms) = painted {
            times.push(ms);
        }
    }
    let _ = app.close().await;
    times.sort_by(f64::total_cmp);
    if times.is_empty() {
        println!("the progress screen never reported being painted");
        return;
    }
    println!(
        "progress screen with {count} moments, click to painted: median {:.1} ms, best {:.1} ms, worst {:.1} ms ({} runs, {} build)",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1],
        times.len(),
        if std::env::var_os("FANDAY_E2E_RELEASE").is_some() { "release" } else { "debug" },
    );
}

//! How fast the progress numbers are computed from the store, with five
//! years of daily moments. Goal: under 5 ms. Prints figures; asserts nothing.
//! Run with `cargo bench --bench stats`.

mod support;

use chrono::{DateTime, Local};
use std::time::{Duration, Instant};

fn figures(name: &str, runs: usize, mut work: impl FnMut()) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            work();
            started.elapsed()
        })
        .collect();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<34} median {:>7.3} ms   p95 {:>7.3} ms   max {:>7.3} ms   ({runs} runs)",
        ms(times[runs / 2]),
        ms(times[runs * 95 / 100]),
        ms(times[runs - 1])
    );
}

fn main() {
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let now: DateTime<_> = Local::now().fixed_offset();
    let started = Instant::now();
    let app = support::five_years_of_moments(dir.path(), now);
    let count = app.count_moments().unwrap_or_else(|err| panic!("{err}"));
    println!(
        "filled {count} moments in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    figures("progress (streak, strength, chart)", 200, || {
        let progress = app.progress().unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(progress.total, count);
    });
    figures("insights, 8 weeks", 200, || {
        let weeks = app.insights(8).unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(weeks.len(), 8);
    });
    figures("reflections list", 200, || {
        app.reflections().unwrap_or_else(|err| panic!("{err}"));
    });
}

//! Reading a big team folder: 100 members, one shared story each working
//! day for five years (about 125,000 signed events). Goals: first full
//! import under 5 s, reading one new event under 50 ms, the feed's first
//! page under 10 ms. Prints figures; asserts nothing.
//! Run with `cargo bench --bench team_import`.

use chrono::{Duration, Utc};
use fanday_core::team_event::{new_signing_key, public_key_text, Event};
use fanday_core::{Fanday, FixedClock, Language, ProfileInput, Role};
use serde_json::json;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

const MEMBERS: usize = 100;
const STORIES_EACH: usize = 1250;

fn write_member(folder: &Path, index: usize) -> (String, ed25519_dalek::SigningKey) {
    let key = new_signing_key().unwrap_or_else(|| panic!("no randomness"));
    let id = uuid::Uuid::now_v7().to_string();
    let dir = folder.join("members").join(&id);
    std::fs::create_dir_all(&dir).unwrap_or_else(|err| panic!("{err}"));
    std::fs::write(
        dir.join("profile.json"),
        json!({"v": 1, "member": id, "name": format!("Kollega {index}"),
               "key": public_key_text(&key.verifying_key())})
        .to_string(),
    )
    .unwrap_or_else(|err| panic!("{err}"));
    (id, key)
}

fn story(id: &str, key: &ed25519_dalek::SigningKey, seq: u64, day: chrono::NaiveDate) -> String {
    Event {
        v: 1,
        id: uuid::Uuid::now_v7().to_string(),
        member: id.to_string(),
        seq,
        at: Utc::now(),
        kind: "story.shared".into(),
        body: json!({
            "story_id": uuid::Uuid::now_v7().to_string(), "date": day,
            "situation": "just_because", "customer": "external",
            "text": "Hjälpte en kund att hitta rätt och följde med hela vägen till hyllan",
            "reaction": "Tack så mycket!",
        }),
        sig: String::new(),
    }
    .sign(key)
    .to_line()
}

fn main() {
    let folder = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let data = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let now = chrono::Local::now().fixed_offset();
    let app = Fanday::open(data.path(), Arc::new(FixedClock::new(now)))
        .unwrap_or_else(|err| panic!("{err}"));
    app.save_profile(&ProfileInput {
        display_name: "Lena".into(),
        role: Role::Lead,
        language: Language::Sv,
    })
    .unwrap_or_else(|err| panic!("{err}"));
    app.create_team("Stort team", folder.path())
        .unwrap_or_else(|err| panic!("{err}"));

    let started = Instant::now();
    let mut members = Vec::new();
    let today = now.date_naive();
    for index in 0..MEMBERS {
        let (id, key) = write_member(folder.path(), index);
        let path = folder
            .path()
            .join("members")
            .join(&id)
            .join("events-1.jsonl");
        let mut file = std::io::BufWriter::new(
            std::fs::File::create(&path).unwrap_or_else(|err| panic!("{err}")),
        );
        for seq in 1..=STORIES_EACH {
            let day = today - Duration::days((STORIES_EACH - seq) as i64);
            writeln!(file, "{}", story(&id, &key, seq as u64, day))
                .unwrap_or_else(|err| panic!("{err}"));
        }
        members.push((id, key, path));
    }
    let bytes: u64 = members
        .iter()
        .map(|(_, _, path)| std::fs::metadata(path).map(|m| m.len()).unwrap_or(0))
        .sum();
    println!(
        "wrote {} events ({:.1} MB) in {:.1} s",
        MEMBERS * STORIES_EACH,
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    // As the app's loop does it: pass after pass, each within its budget.
    let started = Instant::now();
    let (mut events, mut passes) = (0, 0);
    loop {
        let report = app.read_team().unwrap_or_else(|err| panic!("{err}"));
        events += report.new_events;
        passes += 1;
        if !report.more {
            println!(
                "first full import: {events} events in {:.2} s, {passes} passes ({} skipped)",
                started.elapsed().as_secs_f64(),
                report.skipped.len()
            );
            break;
        }
    }

    let (id, key, path) = &members[0];
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .unwrap_or_else(|err| panic!("{err}"));
    writeln!(file, "{}", story(id, key, STORIES_EACH as u64 + 1, today))
        .unwrap_or_else(|err| panic!("{err}"));
    let started = Instant::now();
    let report = app.read_team().unwrap_or_else(|err| panic!("{err}"));
    println!(
        "incremental read of {} new event: {:.1} ms",
        report.new_events,
        started.elapsed().as_secs_f64() * 1000.0
    );

    let mut times = Vec::new();
    for _ in 0..50 {
        let started = Instant::now();
        let page = app.feed(None, 50).unwrap_or_else(|err| panic!("{err}"));
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(page.len(), 50);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "feed's first page (50 stories): median {:.2} ms, worst {:.2} ms",
        times[times.len() / 2],
        times[times.len() - 1]
    );
}

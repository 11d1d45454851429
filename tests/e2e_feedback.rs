//! The customers' score end to end: a lead in a team picks the survey
//! tool's export in the real file chooser, sees what Fanday understood,
//! saves, and Insights show the NPS beside the team's fans; a comment
//! picked as the week's customer voice reaches the line-up without the
//! customer's email, which never reaches the team folder.

#[path = "support/desktop.rs"]
mod desktop;

use chrono::{Datelike, Duration as Days};
use desktop::{click, quit, screenshot, texts_of, wait_for_count, wait_for_text, Desktop};
use fanday_core::{
    Customer, Fanday, Language, MomentInput, ProfileInput, Role, Situation, SystemClock,
};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

const EMAIL: &str = "kund.karlsson@example.se";

/// A Swedish Excel export (semicolons, Windows-1252): 20 answers in the
/// week of `today` (12 promoters, 4 passives, 4 detractors: NPS 40), one
/// comment with the customer's email, and one row with a score out of
/// range. `today` is the app's day: before 04:00 it is still yesterday.
fn survey_export(path: &Path, today: chrono::NaiveDate) {
    let monday = today - Days::days(i64::from(today.weekday().num_days_from_monday()));
    let mut text = String::from("Datum;Betyg;Kommentar\r\n");
    let scores = [
        10, 9, 9, 10, 9, 9, 10, 9, 9, 10, 9, 9, 8, 7, 8, 7, 3, 6, 0, 5,
    ];
    for (i, score) in scores.iter().enumerate() {
        let comment = match i {
            0 => format!("Toppen! Skriv till mig på {EMAIL}"),
            1 => "Bemötandet i kassan var över förväntan".to_string(),
            _ => String::new(),
        };
        text.push_str(&format!(
            "{};{score};{comment}\r\n",
            monday.format("%d.%m.%Y")
        ));
    }
    text.push_str(&format!("{};11;\r\n", monday.format("%Y-%m-%d")));
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    std::fs::write(path, &bytes).unwrap_or_else(|err| panic!("{err}"));
}

fn files_holding(dir: &Path, words: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_holding(&path, words));
        } else if String::from_utf8_lossy(&std::fs::read(&path).unwrap_or_default()).contains(words)
        {
            found.push(path.display().to_string());
        }
    }
    found
}

/// A screenshot of Insights from the customers' score down.
async fn screenshot_of_the_score(app: &fantoccini::Client, desktop: &Desktop, name: &str) {
    app.execute(
        "document.getElementById('nps-title').scrollIntoView({block: 'start'});",
        vec![],
    )
    .await
    .unwrap_or_else(|err| panic!("{err}"));
    // Let the scroll settle before the picture.
    tokio::time::sleep(Duration::from_millis(500)).await;
    screenshot(desktop, name);
}

/// The person types where the file is into the real file chooser titled
/// `title`, as one does with the keyboard.
async fn choose_file(desktop: &Desktop, title: &str, file: &Path) {
    let chooser = desktop::wait_for_window(desktop, title).await;
    screenshot(desktop, "feedback-file-chooser");
    let target = file.display().to_string();
    for keys in [
        vec!["windowfocus", "--sync", chooser.as_str()],
        vec!["key", "--clearmodifiers", "ctrl+l"],
        vec!["type", "--delay", "20", target.as_str()],
        // The location bar completes as it is typed: let it settle.
        vec!["sleep", "1"],
        vec!["key", "Return"],
    ] {
        desktop.xdotool(&keys).unwrap_or_else(|err| panic!("{err}"));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lead_imports_the_customers_score_and_sees_it_beside_the_fans() {
    let desktop = Desktop::start();
    let data_dir = desktop.data_dir();
    let folder = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let today = {
        let lena =
            Fanday::open(&data_dir, Arc::new(SystemClock)).unwrap_or_else(|err| panic!("{err}"));
        lena.save_profile(&ProfileInput {
            display_name: "Lena".into(),
            role: Role::Lead,
            language: Language::En,
        })
        .unwrap_or_else(|err| panic!("{err}"));
        lena.create_team("Kundtjänst", folder.path())
            .unwrap_or_else(|err| panic!("{err}"));
        let mut moment = MomentInput::new(
            Situation::JustBecause,
            Customer::External,
            "Lånade ut ett paraply",
        );
        moment.shared = true;
        lena.add_moment(&moment)
            .unwrap_or_else(|err| panic!("{err}"));
        lena.today()
    };
    let export = desktop.data_dir().with_file_name("survey export.csv");
    survey_export(&export, today);

    let app = desktop.launch_quiet().await;
    click(&app, "nav-insights").await;
    wait_for_text(&app, "nps-empty", "No customer feedback imported yet").await;

    // The real file chooser: the lead types where the export is.
    click(&app, "feedback-import").await;
    choose_file(&desktop, "Import customer feedback", &export).await;
    let preview = wait_for_text(&app, "feedback-preview", "answers: 20").await;
    assert!(preview.contains("survey export.csv"), "{preview}");
    assert!(preview.contains("1 row could not be read"), "{preview}");
    assert!(
        preview.contains("Row 22: the score 11 is not from 0 to 10"),
        "{preview}"
    );
    screenshot(&desktop, "feedback-preview-en");

    click(&app, "feedback-save").await;
    wait_for_text(&app, "toast", "Saved 1 week of customer feedback").await;
    wait_for_count(&app, "insights-nps", 8).await;
    let nps = texts_of(&app, "insights-nps").await;
    assert!(
        nps[0].contains("+40") && nps[0].contains("20 answers"),
        "{nps:?}"
    );
    assert!(nps[1..].iter().all(|week| week == "–"), "{nps:?}");
    let band = texts_of(&app, "insights-nps-band").await;
    assert!(band[0].contains(" to "), "{band:?}");
    screenshot_of_the_score(&app, &desktop, "insights-nps-en").await;

    // In Swedish, the same file again: nothing new, and the row left out
    // is said in Swedish.
    click(&app, "nav-settings").await;
    click(&app, "lang-sv").await;
    click(&app, "profile-save").await;
    wait_for_text(&app, "toast", "Profilen").await;
    click(&app, "nav-insights").await;
    wait_for_count(&app, "insights-nps", 8).await;
    click(&app, "feedback-import").await;
    choose_file(&desktop, "Importera kundfeedback", &export).await;
    let preview = wait_for_text(&app, "feedback-preview", "Redan importerad").await;
    assert!(
        preview.contains("Rad 22: betyget 11 är inte från 0 till 10"),
        "{preview}"
    );
    assert!(preview.contains("Inget nytt"), "{preview}");
    screenshot(&desktop, "feedback-preview-sv");
    screenshot_of_the_score(&app, &desktop, "insights-nps-sv").await;

    // The comment with the customer's email, picked as the week's voice
    // in the line-up: shown first as the team will see it.
    click(&app, "feedback-comments-open").await;
    wait_for_count(&app, "feedback-comment", 2).await;
    click(&app, "voice-pick").await;
    let shown = wait_for_text(&app, "voice-text", "Toppen!").await;
    assert_eq!(shown, "Toppen! Skriv till mig på […]");
    wait_for_text(&app, "voice-removed", EMAIL).await;
    screenshot(&desktop, "feedback-voice-sv");
    click(&app, "voice-share").await;
    wait_for_text(&app, "toast", "Delad som kundens röst").await;
    click(&app, "nav-team").await;
    wait_for_text(&app, "lineup-voice", "Toppen! Skriv till mig på […]").await;
    screenshot(&desktop, "lineup-voice-sv");
    click(&app, "lineup-start").await;
    wait_for_text(&app, "lineup-text", "Toppen!").await;
    screenshot(&desktop, "lineup-voice-slide-sv");
    click(&app, "lineup-close").await;

    // The team's reading loop runs every few seconds: the customer's
    // words stay on the lead's PC.
    tokio::time::sleep(Duration::from_secs(6)).await;
    for shared in ["Lånade ut ett paraply", "Toppen! Skriv till mig"] {
        assert!(
            !files_holding(folder.path(), shared).is_empty(),
            "{shared} did reach the folder"
        );
    }
    for words in [EMAIL, "Bemötandet i kassan", "kund.karlsson"] {
        assert_eq!(
            files_holding(folder.path(), words),
            Vec::<String>::new(),
            "{words}"
        );
    }
    quit(app).await;
}

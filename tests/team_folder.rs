//! The team folder with three simulated members (three data dirs, one temp
//! folder): sharing converges in every store whatever the read order, and a
//! hostile or broken folder is skipped and reported, never fatal.

use chrono::{DateTime, FixedOffset};
use fanday_core::export::{Format, What};
use fanday_core::team::Story;
use fanday_core::{
    Customer, Fanday, FixedClock, Language, MomentInput, ProfileInput, Role, Situation,
};
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

struct Member {
    _dir: tempfile::TempDir,
    app: Fanday,
    id: String,
}

fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-23T10:00:00+01:00").unwrap_or_else(|err| panic!("{err}"))
}

fn member(name: &str, role: Role) -> Member {
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let app = Fanday::open(dir.path(), Arc::new(FixedClock::new(now())))
        .unwrap_or_else(|err| panic!("{err}"));
    let profile = app
        .save_profile(&ProfileInput {
            display_name: name.into(),
            role,
            language: Language::Sv,
        })
        .unwrap_or_else(|err| panic!("{err}"));
    Member {
        _dir: dir,
        app,
        id: profile.id,
    }
}

struct Team {
    folder: tempfile::TempDir,
    lena: Member,
    sara: Member,
    ali: Member,
}

fn team() -> Team {
    let folder = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let lena = member("Lena (lead)", Role::Lead);
    let sara = member("Sara", Role::Staff);
    let ali = member("Ali", Role::Staff);
    let created = lena
        .app
        .create_team("Kundtjänst", folder.path())
        .unwrap_or_else(|err| panic!("{err}"));
    for joiner in [&sara, &ali] {
        let preview = joiner
            .app
            .preview_team(folder.path())
            .unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(preview.founder_fingerprint, created.founder_fingerprint);
        joiner
            .app
            .join_team(folder.path())
            .unwrap_or_else(|err| panic!("{err}"));
    }
    Team {
        folder,
        lena,
        sara,
        ali,
    }
}

fn share(member: &Member, text: &str, situation: Situation) -> String {
    member
        .app
        .add_moment(&MomentInput {
            date: None,
            situation,
            customer: Customer::External,
            text: text.into(),
            reaction: Some("Tack!".into()),
            took: None,
            shared: true,
            exception_id: None,
            told_customer: false,
        })
        .unwrap_or_else(|err| panic!("{err}"))
        .id
}

/// A moment kept off the team folder: it must never leave its PC.
fn keep_private(member: &Member, text: &str) -> String {
    member
        .app
        .add_moment(&MomentInput {
            date: None,
            situation: Situation::JustBecause,
            customer: Customer::Internal,
            text: text.into(),
            reaction: None,
            took: None,
            shared: false,
            exception_id: None,
            told_customer: false,
        })
        .unwrap_or_else(|err| panic!("{err}"))
        .id
}

fn read(member: &Member) -> fanday_core::team::ReadReport {
    member.app.read_team().unwrap_or_else(|err| panic!("{err}"))
}

fn feed(member: &Member) -> Vec<Story> {
    member
        .app
        .feed(None, 100)
        .unwrap_or_else(|err| panic!("{err}"))
}

/// Story id, text, applause, comments and review: what everyone must agree
/// on (without the reader's own applause flag).
type Shape = (String, String, u32, Vec<String>, Option<String>);

fn shape(stories: &[Story]) -> Vec<Shape> {
    stories
        .iter()
        .map(|s| {
            (
                s.story_id.clone(),
                s.text.clone(),
                s.applause,
                s.comments.iter().map(|c| c.text.clone()).collect(),
                s.review.clone(),
            )
        })
        .collect()
}

fn events_file(folder: &Path, member: &str) -> PathBuf {
    folder.join("members").join(member).join("events-1.jsonl")
}

fn append_raw(path: &Path, text: &str) {
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap_or_else(|err| panic!("{err}"));
    file.write_all(text.as_bytes())
        .unwrap_or_else(|err| panic!("{err}"));
}

fn reasons(report: &fanday_core::team::ReadReport) -> Vec<String> {
    report.skipped.iter().map(|s| s.reason.clone()).collect()
}

#[test]
fn shared_stories_edits_withdrawals_applause_comments_and_reviews_converge() {
    let t = team();
    let lenas = share(
        &t.lena,
        "Ringde upp en kund som väntat",
        Situation::Complaint,
    );
    let saras = share(&t.sara, "Växlade pengar till automaten", Situation::SaidNo);
    let private = keep_private(&t.ali, "Bara mitt eget");

    // Different read orders.
    read(&t.ali);
    read(&t.sara);
    read(&t.lena);
    assert_eq!(feed(&t.ali).len(), 2, "only what is shared leaves a PC");
    assert!(feed(&t.lena).iter().all(|s| s.story_id != private));

    // Sara edits hers; Ali applauds and comments; Lena features Sara's.
    let mut edited = t
        .sara
        .app
        .moment(&saras)
        .unwrap_or_else(|err| panic!("{err}"));
    edited.text = "Växlade mynt till parkeringsautomaten".into();
    t.sara
        .app
        .update_moment(
            &saras,
            &MomentInput {
                date: Some(edited.date),
                situation: edited.situation,
                customer: edited.customer,
                text: edited.text.clone(),
                reaction: edited.reaction.clone(),
                took: None,
                shared: true,
                exception_id: None,
                told_customer: false,
            },
        )
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.ali);
    t.ali
        .app
        .applaud(&saras)
        .unwrap_or_else(|err| panic!("{err}"));
    t.ali
        .app
        .comment(&saras, "Snyggt! <script>alert(1)</script>")
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.lena);
    t.lena
        .app
        .review(&saras, true)
        .unwrap_or_else(|err| panic!("{err}"));
    let err = t
        .ali
        .app
        .review(&lenas, false)
        .expect_err("staff do not review");
    assert_eq!(err.code(), "lead_only");

    // Lena withdraws hers by unsharing it (deleting would do the same).
    let mut mine = t
        .lena
        .app
        .moment(&lenas)
        .unwrap_or_else(|err| panic!("{err}"));
    mine.shared = false;
    t.lena
        .app
        .update_moment(
            &lenas,
            &MomentInput {
                date: Some(mine.date),
                situation: mine.situation,
                customer: mine.customer,
                text: mine.text.clone(),
                reaction: mine.reaction.clone(),
                took: None,
                shared: false,
                exception_id: None,
                told_customer: false,
            },
        )
        .unwrap_or_else(|err| panic!("{err}"));

    for _ in 0..2 {
        read(&t.sara);
        read(&t.ali);
        read(&t.lena);
    }
    let lena_sees = shape(&feed(&t.lena));
    assert_eq!(lena_sees, shape(&feed(&t.sara)));
    assert_eq!(lena_sees, shape(&feed(&t.ali)));
    assert_eq!(
        lena_sees,
        vec![(
            saras.clone(),
            "Växlade mynt till parkeringsautomaten".to_string(),
            1,
            vec!["Snyggt! <script>alert(1)</script>".to_string()],
            Some("featured".to_string()),
        )]
    );
    let story = &feed(&t.sara)[0];
    assert_eq!(story.author_name, "Sara");
    assert!(feed(&t.ali)[0].applauded_by_me);
}

#[test]
fn a_lead_exports_the_teams_shared_stories_as_csv_and_json() {
    let t = team();
    let saras = share(
        &t.sara,
        "=SUM(A1) växlade mynt; \"gärna\"",
        Situation::SaidNo,
    );
    let alis = share(&t.ali, "Bar kassen till bilen", Situation::JustBecause);
    keep_private(&t.ali, "Bara mitt eget");
    read(&t.lena);
    t.lena
        .app
        .review(&saras, true)
        .unwrap_or_else(|err| panic!("{err}"));

    let out = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let csv_path = out.path().join("teamets berättelser.csv");
    let rows = t
        .lena
        .app
        .export(What::TeamStories, Format::Csv, &csv_path)
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(rows, 2, "the two shared stories, not Ali's private moment");
    let bytes = fs::read(&csv_path).unwrap_or_else(|err| panic!("{err}"));
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "a BOM for Excel");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let records: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|err| panic!("{err}"));
    let sara_row = records
        .iter()
        .find(|r| r[9] == saras)
        .unwrap_or_else(|| panic!("Sara's story is exported: {records:?}"));
    assert_eq!(&sara_row[1], "Sara");
    assert_eq!(
        &sara_row[4], "'=SUM(A1) växlade mynt; \"gärna\"",
        "a formula stays text"
    );
    assert_eq!(&sara_row[8], "featured");
    let ali_row = records
        .iter()
        .find(|r| r[9] == alis)
        .unwrap_or_else(|| panic!("Ali's story is exported: {records:?}"));
    assert_eq!(&ali_row[4], "Bar kassen till bilen");
    assert!(records.iter().all(|r| &r[4] != "Bara mitt eget"));

    let json_path = out.path().join("teamets berättelser.json");
    t.lena
        .app
        .export(What::TeamStories, Format::Json, &json_path)
        .unwrap_or_else(|err| panic!("{err}"));
    let document: serde_json::Value =
        serde_json::from_slice(&fs::read(&json_path).unwrap_or_else(|err| panic!("{err}")))
            .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(document["format"], "fanday-team-stories");
    let stories = document["stories"].as_array().cloned().unwrap_or_default();
    assert_eq!(stories.len(), 2);
    assert!(stories
        .iter()
        .any(|s| s["text"] == "Bar kassen till bilen" && s["author_name"] == "Ali"));
}

#[test]
fn a_broken_or_hostile_folder_is_skipped_and_reported_never_fatal() {
    let t = team();
    let folder = t.folder.path();
    share(&t.sara, "Första", Situation::JustBecause);
    let saras_file = events_file(folder, &t.sara.id);
    let good_line = fs::read_to_string(&saras_file)
        .unwrap_or_else(|err| panic!("{err}"))
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();

    // A torn last line is left until it is complete.
    let second = share(&t.sara, "Andra", Situation::SaidNo);
    let full = fs::read_to_string(&saras_file).unwrap_or_else(|err| panic!("{err}"));
    let (head, last) = full
        .trim_end()
        .rsplit_once('\n')
        .unwrap_or_else(|| panic!("two lines"));
    fs::write(&saras_file, format!("{head}\n{}", &last[..last.len() / 2]))
        .unwrap_or_else(|err| panic!("{err}"));
    let report = read(&t.ali);
    assert_eq!(report.new_events, 1);
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    fs::write(&saras_file, &full).unwrap_or_else(|err| panic!("{err}"));
    let again = read(&t.ali);
    assert_eq!(again.new_events, 1, "{:?}", again.skipped);
    assert!(feed(&t.ali).iter().any(|s| s.story_id == second));

    // Garbage, an unknown format, a forged signature, a replay.
    let forged = good_line.replace("Första", "Förfalskad");
    let future = good_line
        .replace("{\"at\"", "{\"x\":1,\"at\"")
        .replace("\"v\":1", "\"v\":99");
    append_raw(&saras_file, "this is not json\n");
    append_raw(&saras_file, &format!("{future}\n"));
    append_raw(&saras_file, &format!("{forged}\n"));
    append_raw(&saras_file, &format!("{good_line}\n"));
    let report = read(&t.ali);
    let why = reasons(&report);
    assert_eq!(report.new_events, 0, "{why:?}");
    assert!(why.contains(&"not a valid event".to_string()), "{why:?}");
    assert!(why.iter().any(|r| r.contains("format 99")), "{why:?}");
    assert!(
        why.contains(&"the signature does not match the member's key".to_string()),
        "{why:?}"
    );
    assert_eq!(feed(&t.ali).len(), 2, "the replay changed nothing");

    // Conflict copies, temp files, and a file over the size cap.
    let dir = folder.join("members").join(&t.sara.id);
    for name in [
        "events-1.sync-conflict-20261123-100000-ABC.jsonl",
        "events-1 (1).jsonl",
        "~$events-1.jsonl",
        "events-2.jsonl.tmp",
    ] {
        fs::write(dir.join(name), format!("{good_line}\n")).unwrap_or_else(|err| panic!("{err}"));
    }
    let huge = fs::File::create(dir.join("events-9.jsonl")).unwrap_or_else(|err| panic!("{err}"));
    huge.set_len(65 * 1024 * 1024)
        .unwrap_or_else(|err| panic!("{err}"));
    let why = reasons(&read(&t.ali));
    assert_eq!(
        why.iter()
            .filter(|r| r.as_str() == "a sync engine's conflict copy")
            .count(),
        2,
        "{why:?}"
    );
    assert!(why.contains(&"a temporary file".to_string()), "{why:?}");
    assert!(why.iter().any(|r| r.starts_with("larger than")), "{why:?}");

    // A forged lead decision: Ali, staff, marks a story featured.
    let alis_file = events_file(folder, &t.ali.id);
    read(&t.lena);
    t.ali
        .app
        .applaud(&second)
        .unwrap_or_else(|err| panic!("{err}"));
    let applause = fs::read_to_string(&alis_file).unwrap_or_else(|err| panic!("{err}"));
    let review = applause
        .lines()
        .last()
        .unwrap_or_default()
        .replace("reaction.added", "review.marked");
    append_raw(&alis_file, &format!("{review}\n"));
    let why = reasons(&read(&t.lena));
    assert!(
        why.contains(&"the signature does not match the member's key".to_string()),
        "a changed line does not verify: {why:?}"
    );
    assert!(
        feed(&t.lena).iter().all(|s| s.review.is_none()),
        "no story got featured by a forged decision"
    );

    // A member rewriting another's file: Ali's lines copied into Sara's.
    append_raw(&saras_file, &applause);
    let why = reasons(&read(&t.lena));
    assert!(
        why.contains(&"written in another member's folder".to_string()),
        "{why:?}"
    );

    // A stray folder and a profile that swaps in another key.
    fs::create_dir_all(folder.join("members").join("not-a-member"))
        .unwrap_or_else(|err| panic!("{err}"));
    let saras_profile = dir.join("profile.json");
    let alis_profile =
        fs::read_to_string(folder.join("members").join(&t.ali.id).join("profile.json"))
            .unwrap_or_else(|err| panic!("{err}"));
    let ali_key = alis_profile
        .split("\"key\": \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_string();
    let swapped = fs::read_to_string(&saras_profile)
        .unwrap_or_else(|err| panic!("{err}"))
        .lines()
        .map(|line| {
            if line.contains("\"key\"") {
                format!("  \"key\": \"{ali_key}\"")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    fs::write(&saras_profile, swapped).unwrap_or_else(|err| panic!("{err}"));
    let why = reasons(&read(&t.lena));
    assert!(why.contains(&"not a member folder".to_string()), "{why:?}");
    assert!(
        why.contains(&"profile.json shows another key than the one pinned".to_string()),
        "{why:?}"
    );

    // The folder vanishes (an unplugged drive) and comes back.
    let away = folder.with_extension("away");
    fs::rename(folder, &away).unwrap_or_else(|err| panic!("{err}"));
    let report = read(&t.ali);
    assert!(report.folder_missing);
    let third = share(&t.sara, "Medan mappen var borta", Situation::Complaint);
    fs::rename(&away, folder).unwrap_or_else(|err| panic!("{err}"));
    read(&t.sara);
    read(&t.ali);
    assert!(
        feed(&t.ali).iter().any(|s| s.story_id == third),
        "shared while the folder was away, sent when it came back"
    );
}

fn exception_status(member: &Member, id: &str) -> Option<String> {
    member
        .app
        .exception(id)
        .ok()
        .map(|e| format!("{:?}", e.status).to_lowercase())
}

/// Signs a line with a member's own key, as their app would: a forgery that
/// only the authority rules can catch.
fn signed_by(
    member: &Member,
    data_dir_db: &Path,
    kind: &str,
    body: serde_json::Value,
    seq: u64,
) -> String {
    let db = rusqlite::Connection::open(data_dir_db).unwrap_or_else(|err| panic!("{err}"));
    let secret: String = db
        .query_row("SELECT secret_key FROM device_key", [], |row| row.get(0))
        .unwrap_or_else(|err| panic!("{err}"));
    let key = fanday_core::team_event::parse_secret_key(&secret).unwrap_or_else(|| panic!("key"));
    fanday_core::team_event::Event {
        v: 1,
        id: uuid::Uuid::now_v7().to_string(),
        member: member.id.clone(),
        seq,
        at: chrono::Utc::now(),
        kind: kind.into(),
        body,
        sig: String::new(),
    }
    .sign(&key)
    .to_line()
}

#[test]
fn exceptions_travel_as_events_and_only_a_leads_decision_counts() {
    let t = team();
    let proposal = t
        .sara
        .app
        .propose_exception(&fanday_core::ExceptionInput {
            rule: "Receptionen växlar inte pengar".into(),
            allowed: "Växla mynt till parkeringsautomaten".into(),
            ..fanday_core::ExceptionInput::default()
        })
        .unwrap_or_else(|err| panic!("{err}"));
    let second = t
        .sara
        .app
        .propose_exception(&fanday_core::ExceptionInput {
            rule: "Öppet köp i 30 dagar".into(),
            allowed: "Förläng med 14 dagar".into(),
            ..fanday_core::ExceptionInput::default()
        })
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.lena);
    assert_eq!(
        exception_status(&t.lena, &proposal.id).as_deref(),
        Some("proposed")
    );
    t.lena
        .app
        .act_on_exception(
            &proposal.id,
            fanday_core::exception::Action::Approve,
            Some("Ja"),
        )
        .unwrap_or_else(|err| panic!("{err}"));

    // Ali, staff, forges an approval of the second proposal, signed with
    // his own (valid) key.
    read(&t.ali);
    let ali_db = t.ali.app.database_path().to_path_buf();
    let forged = signed_by(
        &t.ali,
        &ali_db,
        "exception.decided",
        serde_json::json!({
            "exception_id": second.id, "decision_id": uuid::Uuid::now_v7().to_string(),
            "action": "approve", "note": "godkänt av mig"
        }),
        1000,
    );
    append_raw(
        &events_file(t.folder.path(), &t.ali.id),
        &format!("{forged}\n"),
    );

    let report = read(&t.sara);
    assert!(
        reasons(&report)
            .iter()
            .any(|r| r.contains("exception decision from someone who is not a lead")),
        "{:?}",
        report.skipped
    );
    read(&t.ali);
    read(&t.lena);
    for member in [&t.lena, &t.sara, &t.ali] {
        assert_eq!(
            exception_status(member, &proposal.id).as_deref(),
            Some("approved")
        );
        assert_eq!(
            exception_status(member, &second.id).as_deref(),
            Some("proposed")
        );
    }
    let history = t
        .sara
        .app
        .exception(&proposal.id)
        .unwrap_or_else(|err| panic!("{err}"))
        .history;
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].note.as_deref(), Some("Ja"));

    // Someone joining late reads it all at once, in whatever order the
    // folders come, and ends up in the same place.
    let olle = member("Olle", Role::Staff);
    olle.app
        .join_team(t.folder.path())
        .unwrap_or_else(|err| panic!("{err}"));
    read(&olle);
    assert_eq!(
        exception_status(&olle, &proposal.id).as_deref(),
        Some("approved")
    );
    assert_eq!(
        exception_status(&olle, &second.id).as_deref(),
        Some("proposed")
    );
}

#[test]
fn a_lead_can_make_a_colleague_lead_and_then_their_reviews_count() {
    let t = team();
    let story = share(
        &t.sara,
        "Hjälpte en kollega med kassan",
        Situation::JustBecause,
    );
    read(&t.ali);
    // Ali, staff in the team, cannot make himself a lead.
    let err = t
        .ali
        .app
        .grant_lead(&t.ali.id)
        .expect_err("not a team lead");
    assert_eq!(err.code(), "lead_only");

    read(&t.lena);
    let members = t
        .lena
        .app
        .team_members()
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(members.len(), 3);
    assert!(members[0].is_lead && members[0].is_me);
    t.lena
        .app
        .grant_lead(&t.ali.id)
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.ali);
    read(&t.sara);
    assert!(t
        .sara
        .app
        .team_members()
        .unwrap_or_else(|err| panic!("{err}"))
        .iter()
        .any(|m| m.member_id == t.ali.id && m.is_lead));

    // Ali's own app takes the signed grant as his new role.
    let ali_profile = t
        .ali
        .app
        .profile()
        .unwrap_or_else(|err| panic!("{err}"))
        .unwrap_or_else(|| panic!("a profile"));
    assert_eq!(ali_profile.role, Role::Lead);
    assert_eq!(ali_profile.display_name, "Ali");
    // Sara, not granted, stays staff.
    let sara_profile = t.sara.app.profile().unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(sara_profile.map(|p| p.role), Some(Role::Staff));

    // Now Ali, a lead in the team, features Sara's story.
    t.ali
        .app
        .review(&story, true)
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.sara);
    read(&t.lena);
    assert_eq!(feed(&t.sara)[0].review.as_deref(), Some("featured"));
    assert_eq!(feed(&t.lena)[0].review.as_deref(), Some("featured"));
}

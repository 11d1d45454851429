//! A team on format 1, as the Fanday before team trust left it, moves to
//! format 2 when its founder opens this Fanday: she admits the members she
//! knows, each member's app follows on its next read, and nothing that was
//! shared, applauded, granted or approved is lost.

use crate::support::team as support;

use fanday_core::{Fanday, Role, Situation};
use std::fs;
use std::path::Path;
use std::sync::Arc;
use support::{
    codes, copy_tree, feed, feed_texts, join_and_admit, member, read, share, Member, TickingClock,
};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/format1");

struct OldTeam {
    root: tempfile::TempDir,
}

impl OldTeam {
    fn new() -> OldTeam {
        let root = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
        copy_tree(Path::new(FIXTURE), root.path());
        // The data folders name the team folder where it was made.
        for name in ["lena", "sara", "ali"] {
            let db = rusqlite::Connection::open(root.path().join(name).join("fanday.sqlite3"))
                .unwrap_or_else(|err| panic!("{err}"));
            db.execute(
                "UPDATE team SET folder = ?1",
                [root.path().join("folder").display().to_string()],
            )
            .unwrap_or_else(|err| panic!("{err}"));
        }
        OldTeam { root }
    }

    fn folder(&self) -> std::path::PathBuf {
        self.root.path().join("folder")
    }

    fn open(&self, name: &str) -> Member {
        let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
        let data = self.root.path().join(name);
        let app = Fanday::open(
            &data,
            Arc::new(TickingClock::new(support::monday_morning())),
        )
        .unwrap_or_else(|err| panic!("{err}"));
        let id = app
            .profile()
            .unwrap_or_else(|err| panic!("{err}"))
            .unwrap_or_else(|| panic!("a profile"))
            .id;
        Member { dir, app, id }
    }
}

fn team_format(member: &Member) -> u32 {
    member
        .app
        .team_info()
        .unwrap_or_else(|err| panic!("{err}"))
        .unwrap_or_else(|| panic!("a team"))
        .format
}

#[test]
fn a_format_1_team_moves_to_format_2_when_its_founder_opens_this_fanday() {
    let old = OldTeam::new();
    let before = ["Lenas berättelse från förr", "Saras berättelse från förr"];

    // A member who updates first reads the team as it was: still format 1.
    let sara = old.open("sara");
    read(&sara);
    assert_eq!(team_format(&sara), 1);
    assert_eq!(feed_texts(&sara), before);

    // The founder opens this Fanday: the team moves to format 2.
    let lena = old.open("lena");
    read(&lena);
    assert_eq!(team_format(&lena), 2);
    let team_json: serde_json::Value =
        serde_json::from_slice(&fs::read(old.folder().join("team.json")).unwrap_or_default())
            .unwrap_or_default();
    assert_eq!(team_json["v"], 2);
    assert!(team_json["sig"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(feed_texts(&lena), before);
    let applause: u32 = feed(&lena).iter().map(|s| s.applause).sum();
    assert_eq!(applause, 1, "Ali's applause counts still");

    // Members' apps follow on their next read, and keep everything.
    let ali = old.open("ali");
    for m in [&sara, &ali] {
        read(m);
        assert_eq!(team_format(m), 2);
        assert_eq!(feed_texts(m), before);
        let members = m.app.team_members().unwrap_or_default();
        assert!(
            members.iter().all(|x| x.status == "admitted" || x.is_me),
            "{members:?}"
        );
        assert!(
            members.iter().any(|x| x.name == "Ali" && x.is_lead),
            "{members:?}"
        );
    }
    let approved = sara
        .app
        .list_exceptions(&fanday_core::ExceptionFilter::default())
        .unwrap_or_default();
    assert_eq!(
        approved
            .iter()
            .map(|e| format!("{:?}", e.status))
            .collect::<Vec<_>>(),
        vec!["Approved"]
    );

    // New stories are format 2, chained to the member's format-1 ones.
    share(&sara, "Ny berättelse", Situation::SaidNo);
    read(&ali);
    assert!(feed_texts(&ali).contains(&"Ny berättelse".to_string()));
    let saras_last = support::event_lines(&old.folder(), &sara.id)
        .into_iter()
        .last()
        .unwrap_or_default();
    assert!(saras_last.contains("\"v\":2") && saras_last.contains("\"prev\":\""));

    // Ali, made lead under format 1, still leads: his review counts.
    let saras_new = feed(&ali)
        .into_iter()
        .find(|s| s.text == "Ny berättelse")
        .unwrap_or_else(|| panic!("the new story"))
        .story_id;
    ali.app
        .review(&saras_new, true)
        .unwrap_or_else(|err| panic!("{err}"));
    read(&lena);
    assert!(feed(&lena)
        .iter()
        .any(|s| s.text == "Ny berättelse" && s.review.as_deref() == Some("featured")));

    // A format-1 line written after the move does not count.
    let saras_key = fs::read_to_string(old.root.path().join("sara").join("device-key"))
        .unwrap_or_else(|err| panic!("{err}"));
    let saras_key = fanday_core::team_event::parse_secret_key(&saras_key)
        .unwrap_or_else(|| panic!("Sara's key, moved out of her database"));
    let line = fanday_core::team_event::Event {
        v: 1,
        id: uuid::Uuid::now_v7().to_string(),
        team: String::new(),
        member: sara.id.clone(),
        seq: 999,
        prev: None,
        at: support::monday_morning().with_timezone(&chrono::Utc),
        kind: "comment.added".into(),
        body: serde_json::json!({"story_id": "x", "text": "i gamla formatet"}),
        sig: String::new(),
    }
    .sign(&saras_key)
    .to_line();
    support::append_raw(
        &support::events_file(&old.folder(), &sara.id),
        &format!("{line}\n"),
    );
    let report = read(&lena);
    assert!(
        codes(&report).contains(&"legacy_after_upgrade"),
        "{:?}",
        report.skipped
    );

    // Someone new joins the upgraded team and sees it all.
    let olle = member("Olle", Role::Staff);
    join_and_admit(&olle, &old.folder(), &lena);
    while read(&olle).more {}
    assert_eq!(
        feed_texts(&olle),
        vec![
            "Lenas berättelse från förr",
            "Ny berättelse",
            "Saras berättelse från förr"
        ]
    );
}

#[test]
fn a_key_an_earlier_fanday_kept_in_its_database_leaves_every_backup_too() {
    let old = OldTeam::new();
    let data = old.root.path().join("sara");
    let sara = old.open("sara");
    // Her first story with this Fanday signs with the key.
    share(&sara, "Första med nya Fanday", Situation::JustBecause);
    read(&sara);
    let secret = fs::read_to_string(data.join("device-key")).unwrap_or_default();
    assert!(!secret.trim().is_empty(), "the key moved out to its file");
    let backups: Vec<_> = fs::read_dir(data.join("backups"))
        .unwrap_or_else(|err| panic!("{err}"))
        .flatten()
        .map(|entry| entry.path())
        .collect();
    assert!(
        backups
            .iter()
            .any(|p| p.to_string_lossy().contains("before-upgrade")),
        "the upgrade backed up first: {backups:?}"
    );
    let db = data.join("fanday.sqlite3");
    for file in backups
        .iter()
        .chain([&db, &db.with_extension("sqlite3-wal")])
    {
        assert!(
            !support::file_holds(file, secret.trim()),
            "{} still holds the key",
            file.display()
        );
    }
}

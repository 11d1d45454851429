//! A region's view: a manager follows teams' folders read-only. A lead
//! lets a follower in the way a member is let in; the follower sees each
//! team's weekly numbers from its signed tallies, never a story's or a
//! comment's words, and counts in no team; nothing a follower signs
//! counts.

use crate::support::team as support;

use fanday_core::exception::Action;
use fanday_core::region::{Following, Region};
use fanday_core::{ExceptionInput, Fanday, Role, Situation};
use std::fs;
use std::path::{Path, PathBuf};
use support::{append_raw, colleagues_in, file_holds, member, read, share, Member};

pub(super) fn follow(region: &Member, folder: &Path) {
    let preview = region
        .app
        .preview_team(folder)
        .unwrap_or_else(|err| panic!("{err}"));
    let followed = region
        .app
        .follow_team(folder, &preview.founder_fingerprint)
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(followed.following, Following::Asking);
}

pub(super) fn region_now(region: &Member) -> Region {
    region
        .app
        .read_region(|_, _| {})
        .unwrap_or_else(|err| panic!("{err}"));
    region.app.region(4).unwrap_or_else(|err| panic!("{err}"))
}

/// The store of the one team a region follows, opened beside its app.
pub(super) fn followed_store(rut: &Member) -> rusqlite::Connection {
    let region = rut.data_dir().join("region");
    let dir = fs::read_dir(&region)
        .unwrap_or_else(|err| panic!("{err}"))
        .flatten()
        .map(|entry| entry.path())
        .next()
        .unwrap_or_else(|| panic!("no followed store"));
    rusqlite::Connection::open(dir.join(fanday_core::store::DB_FILE_NAME))
        .unwrap_or_else(|err| panic!("{err}"))
}

/// The follower's own store for a team, as its lead sees them.
pub(super) fn follower_id(lead: &Member, name: &str) -> (String, String, String) {
    read(lead);
    let people = lead
        .app
        .team_members()
        .unwrap_or_else(|err| panic!("{err}"));
    let asking = people
        .iter()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("{name} is not among {people:?}"));
    (
        asking.member_id.clone(),
        asking.fingerprint.clone(),
        asking.status.clone(),
    )
}

/// Every file under `dir`, however deep.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(next) = todo.pop() {
        for entry in fs::read_dir(&next).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

#[test]
fn a_region_follows_two_teams_sees_their_weekly_numbers_and_never_a_word_of_their_stories() {
    let north = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let south = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let (lena, sara, ali) = colleagues_in(north.path(), true);
    let (karin, bo, eva) = support::colleagues_in_team(south.path(), "Butik Syd", true);
    share(
        &sara,
        "Lånade ut mitt paraply till en kund",
        Situation::JustBecause,
    );
    share(
        &bo,
        "Bytte en trasig kaffekopp utan kvitto",
        Situation::Complaint,
    );
    read(&ali);
    let story = support::feed(&ali)
        .into_iter()
        .find(|s| s.text.contains("paraply"))
        .unwrap_or_else(|| panic!("Sara's story in Ali's feed"));
    ali.app
        .comment(&story.story_id, "Vilken räddning, hemligt ord kanelbulle")
        .unwrap_or_else(|err| panic!("{err}"));
    ali.app
        .applaud(&story.story_id)
        .unwrap_or_else(|err| panic!("{err}"));
    // In the south team a colleague only comments: recognition all the same.
    read(&eva);
    let bos = support::feed(&eva)
        .into_iter()
        .find(|s| s.text.contains("kaffekopp"))
        .unwrap_or_else(|| panic!("Bo's story in Eva's feed"));
    eva.app
        .comment(&bos.story_id, "Snyggt, hemligt ord mandelkubb")
        .unwrap_or_else(|err| panic!("{err}"));
    // A rule exception, in words of its own, approved with a note.
    let proposed = sara
        .app
        .propose_exception(&ExceptionInput {
            rule: "Kvitto krävs, hemligt ord pepparkaka".into(),
            allowed: "Byt utan kvitto, hemligt ord saffransbulle".into(),
            limits: "Högst en gång, hemligt ord lussekatt".into(),
            applies_when: "I kassan, hemligt ord glögg".into(),
            ..ExceptionInput::default()
        })
        .unwrap_or_else(|err| panic!("{err}"));
    read(&lena);
    lena.app
        .act_on_exception(
            &format!("{}/{}", sara.id, proposed.id),
            Action::Approve,
            Some("Bra, hemligt ord lingonsylt"),
        )
        .unwrap_or_else(|err| panic!("{err}"));
    for m in [&lena, &sara, &ali, &karin, &bo, &eva] {
        read(m);
    }

    let rut = member("Rut (region)", Role::Lead);
    follow(&rut, north.path());
    follow(&rut, south.path());
    // Until a lead lets her in, she sees the teams' names and no numbers.
    let region = region_now(&rut);
    assert_eq!(region.teams.len(), 2);
    assert!(region
        .teams
        .iter()
        .all(|t| t.team.following == Following::Asking && t.weeks.is_empty()));

    // Each team's lead sees her ask to follow, compares her key, lets her in.
    for lead in [&lena, &karin] {
        let (id, fingerprint, status) = follower_id(lead, "Rut (region)");
        assert_eq!(status, "asks_to_follow");
        let shown: Vec<String> = rut
            .app
            .followed_teams()
            .unwrap_or_else(|err| panic!("{err}"))
            .into_iter()
            .map(|t| t.my_fingerprint)
            .collect();
        assert!(shown.contains(&fingerprint), "{shown:?} / {fingerprint}");
        lead.app
            .let_follow(&id, &fingerprint)
            .unwrap_or_else(|err| panic!("{err}"));
        read(lead);
        assert_eq!(follower_id(lead, "Rut (region)").2, "follower");
        // A follower is no member: the team still counts three.
        let info = lead
            .app
            .team_info()
            .ok()
            .flatten()
            .unwrap_or_else(|| panic!("team"));
        assert_eq!(info.members, 3);
    }

    let region = region_now(&rut);
    assert_eq!(region.teams.len(), 2);
    for team in &region.teams {
        assert_eq!(team.team.following, Following::Following, "{team:?}");
        let week = &team.weeks[0].tallied;
        // Three members' tallies are in: the week shows its numbers.
        assert_eq!((week.members, week.numbers_shown), (3, true), "{week:?}");
        assert_eq!(week.fans, 1, "{week:?}");
        assert_eq!(week.active_members, 1);
    }
    let together = &region.together[0];
    let summed = &together.week.tallied;
    assert_eq!((together.teams, summed.members, summed.fans), (2, 6, 2));
    assert_eq!(summed.participation, 33.3);
    // Sara's story had applause and a comment from a colleague.
    let north_week = &region
        .teams
        .iter()
        .find(|t| t.team.folder == north.path().display().to_string())
        .unwrap_or_else(|| panic!("north"))
        .weeks[0];
    assert_eq!(north_week.recognised, 1, "{north_week:?}");
    let south_week = &region
        .teams
        .iter()
        .find(|t| t.team.name == "Butik Syd")
        .unwrap_or_else(|| panic!("south"))
        .weeks[0];
    assert_eq!(south_week.recognised, 1, "{south_week:?}");

    // The region reads only the lines a region needs: no story, applause,
    // comment or exception reaches its store, not even as an event.
    let north_id = lena
        .app
        .team_info()
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("team"))
        .team_id;
    let followed = rusqlite::Connection::open(
        rut.data_dir()
            .join("region")
            .join(north_id)
            .join(fanday_core::store::DB_FILE_NAME),
    )
    .unwrap_or_else(|err| panic!("{err}"));
    let kinds: Vec<String> = followed
        .prepare("SELECT DISTINCT kind FROM team_events ORDER BY kind")
        .and_then(|mut rows| rows.query_map([], |row| row.get(0))?.collect())
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        kinds,
        [
            "follow.admitted",
            "follow.requested",
            "member.admitted",
            "member.requested",
            "recognition.week",
            "tally.week"
        ],
        "the region's log"
    );
    let exceptions: i64 = followed
        .query_row("SELECT count(*) FROM exceptions", [], |row| row.get(0))
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(exceptions, 0);
    drop(followed);

    // Nothing of what people wrote is on the region's computer.
    for file in files_under(rut.data_dir()) {
        for word in [
            "paraply",
            "kaffekopp",
            "kanelbulle",
            "mandelkubb",
            "pepparkaka",
            "saffransbulle",
            "lussekatt",
            "glögg",
            "lingonsylt",
        ] {
            assert!(!file_holds(&file, word), "{} holds {word}", file.display());
        }
    }

    // The region's report.
    let csv = rut.data_dir().join("region.csv");
    let rows = rut
        .app
        .export_region(&csv, 4)
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(rows, 4 * 3);
    let text = fs::read_to_string(&csv).unwrap_or_else(|err| panic!("{err}"));
    assert!(
        text.contains("Kundtjänst") && text.contains("region,"),
        "{text}"
    );
    assert!(!text.contains("paraply"));
}

/// Lena's team (Sara and Ali, tallies on), and Rut of the region, whom
/// Lena let follow; with Rut's id in the team.
pub(super) fn a_team_rut_follows(folder: &Path) -> (Member, Member, Member, Member, String) {
    let (lena, sara, ali) = colleagues_in(folder, true);
    let rut = member("Rut (region)", Role::Lead);
    follow(&rut, folder);
    let (id, fingerprint, _) = follower_id(&lena, "Rut (region)");
    lena.app
        .let_follow(&id, &fingerprint)
        .unwrap_or_else(|err| panic!("{err}"));
    (lena, sara, ali, rut, id)
}

/// A follower's key signs nothing that counts: a tally she writes into
/// her own folder is refused on every PC.
#[test]
fn nothing_a_follower_signs_counts_in_the_team() {
    let north = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let (lena, sara, ali, rut, id) = a_team_rut_follows(north.path());
    region_now(&rut);

    // Her own store for the team signs a tally of fifty fans.
    let (as_member, key) = her_store(&rut, &id);
    let line = support::signed_with(
        &as_member,
        &key,
        "tally.week",
        serde_json::json!({"week": "2026-W48", "fans": 50, "just_because": 50, "said_no": 0,
            "complaint": 0, "external": 50, "internal": 0, "exceptions_used": 0,
            "plans_followed": 0}),
        2,
    );
    append_raw(
        &support::events_file(north.path(), &id),
        &format!("{line}\n"),
    );
    for m in [&lena, &sara, &ali] {
        read(m);
    }
    // Her line was read, and counts for nothing.
    assert_eq!(outcomes_of(&lena, &id, "tally.week"), vec![0]);
    let insights = lena
        .app
        .lead_insights(1)
        .unwrap_or_else(|err| panic!("{err}"));
    let week = &insights.weeks[0];
    assert_eq!((week.members, week.fans), (3, 0), "{week:?}");
    assert_eq!(insights.source.members, 3);
}

/// After a start of the app the region's numbers show at once, as last
/// worked out; they never outlive a tally read since.
#[test]
fn the_regions_numbers_show_at_once_after_a_start_and_never_outlive_a_new_tally() {
    let north = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let (lena, sara, ali, rut, _) = a_team_rut_follows(north.path());
    for m in [&lena, &sara, &ali] {
        read(m);
    }
    let before = region_now(&rut);
    assert_eq!(before.teams[0].weeks[0].tallied.fans, 0);

    let rut = rut.reopen();
    let at_start = rut.app.region(4).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(at_start, before);

    share(&sara, "Hämtade en stol åt en kund", Situation::SaidNo);
    read(&sara);
    let after = region_now(&rut);
    assert_eq!(after.teams[0].weeks[0].tallied.fans, 1, "{after:?}");
    let rut = rut.reopen();
    assert_eq!(
        rut.app.region(4).unwrap_or_else(|err| panic!("{err}")),
        after
    );
}

/// Following is for teams one is not in, through a folder whose team.json
/// names its team plainly; stopping forgets the team on this computer
/// only.
#[test]
fn a_region_cannot_follow_its_own_team_or_an_oddly_named_one_and_can_stop_following() {
    let north = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let (lena, _sara, _ali) = colleagues_in(north.path(), true);
    let preview = lena
        .app
        .preview_team(north.path())
        .unwrap_or_else(|err| panic!("{err}"));
    let own = lena
        .app
        .follow_team(north.path(), &preview.founder_fingerprint)
        .err()
        .map(|err| err.code());
    assert_eq!(own, Some("follow_own_team"));
    assert!(lena.app.followed_teams().unwrap_or_default().is_empty());

    // A team.json, signed by its founder, whose id would climb out of the
    // region's folder.
    let odd = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let team_file: fanday_core::team::TeamFile = serde_json::from_slice(
        &fs::read(north.path().join("team.json")).unwrap_or_else(|err| panic!("{err}")),
    )
    .unwrap_or_else(|err| panic!("{err}"));
    let climbing = fanday_core::team::TeamFile {
        team_id: "../../elsewhere".into(),
        sig: String::new(),
        ..team_file
    }
    .sign(&support::secret_key(&lena));
    fs::write(
        odd.path().join("team.json"),
        serde_json::to_vec(&climbing).unwrap_or_default(),
    )
    .unwrap_or_else(|err| panic!("{err}"));
    let rut = member("Rut (region)", Role::Lead);
    let refused = rut
        .app
        .follow_team(odd.path(), &preview.founder_fingerprint)
        .err()
        .map(|err| err.code());
    assert_eq!(refused, Some("team_folder"));
    assert!(!rut.data_dir().join("elsewhere").exists());
    assert!(rut.app.followed_teams().unwrap_or_default().is_empty());

    // Following, then stopping: the team is forgotten here; its folder
    // keeps what was written there.
    follow(&rut, north.path());
    let followed = rut.app.followed_teams().unwrap_or_default();
    assert_eq!(followed.len(), 1);
    rut.app
        .stop_following(&followed[0].team_id)
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(rut.app.followed_teams().unwrap_or_default().is_empty());
    assert_eq!(follower_id(&lena, "Rut (region)").2, "asks_to_follow");
    let odd_id = rut.app.stop_following("../..").err().map(|err| err.code());
    assert_eq!(odd_id, Some("not_found"));
}

/// The region's own store for the one team it follows, as a member of the
/// tests' helpers (to sign lines with its key), and that key.
fn her_store(rut: &Member, id: &str) -> (Member, ed25519_dalek::SigningKey) {
    let team_id = rut
        .app
        .followed_teams()
        .unwrap_or_else(|err| panic!("{err}"))[0]
        .team_id
        .clone();
    let store = rut.data_dir().join("region").join(&team_id);
    let hers = Fanday::open(
        &store,
        std::sync::Arc::new(support::TickingClock::new(support::monday_morning())),
    )
    .unwrap_or_else(|err| panic!("{err}"));
    let key = fanday_core::team_event::parse_secret_key(
        &fs::read_to_string(store.join("device-key")).unwrap_or_else(|err| panic!("{err}")),
    )
    .unwrap_or_else(|| panic!("key"));
    let member = Member {
        dir: tempfile::tempdir().unwrap_or_else(|err| panic!("{err}")),
        app: hers,
        id: id.to_string(),
    };
    (member, key)
}

/// A request to follow that becomes a request to join (the same key
/// asking again, to join) is not let in by "let follow": the lead answers
/// only what they saw.
#[test]
fn letting_follow_answers_only_a_request_to_follow() {
    let north = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let (lena, _sara, _ali) = colleagues_in(north.path(), true);
    let rut = member("Rut (region)", Role::Lead);
    follow(&rut, north.path());
    let (id, fingerprint, status) = follower_id(&lena, "Rut (region)");
    assert_eq!(status, "asks_to_follow");
    let (as_member, key) = her_store(&rut, &id);
    let line = support::signed_with(
        &as_member,
        &key,
        "member.requested",
        serde_json::json!({"name": "Rut (region)",
            "key": fanday_core::team_event::public_key_text(&key.verifying_key())}),
        2,
    );
    append_raw(
        &support::events_file(north.path(), &id),
        &format!("{line}\n"),
    );
    let (_, same_fingerprint, status) = follower_id(&lena, "Rut (region)");
    assert_eq!(
        (status.as_str(), same_fingerprint == fingerprint),
        ("pending", true)
    );
    let answered = lena
        .app
        .let_follow(&id, &fingerprint)
        .err()
        .map(|err| err.code());
    assert_eq!(answered, Some("request_changed"));
    let (_, _, status) = follower_id(&lena, "Rut (region)");
    assert_eq!(status, "pending", "nobody was let in");
}

/// What became of a member's events of one kind in the lead's log: 1
/// counted, 0 kept aside, 2 refused.
fn outcomes_of(lead: &Member, member: &str, kind: &str) -> Vec<i64> {
    let db =
        rusqlite::Connection::open(lead.app.database_path()).unwrap_or_else(|err| panic!("{err}"));
    let mut query = db
        .prepare("SELECT applied FROM team_events WHERE member_id = ?1 AND kind = ?2 ORDER BY seq")
        .unwrap_or_else(|err| panic!("{err}"));
    query
        .query_map([member, kind], |row| row.get(0))
        .unwrap_or_else(|err| panic!("{err}"))
        .filter_map(|row| row.ok())
        .collect()
}

#[test]
fn a_followed_teams_store_from_an_earlier_fanday_keeps_no_words_of_its_exceptions_after_the_update()
{
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let words = ["pepparkaka", "saffransbulle", "glögg", "lingonsylt"];
    {
        // A store that follows a team, as schema 14 kept it: the words of
        // an approved exception in its log and in its tables.
        let mut conn =
            rusqlite::Connection::open(dir.path().join(fanday_core::store::DB_FILE_NAME))
                .unwrap_or_else(|err| panic!("{err}"));
        fanday_core::store::migrations()
            .to_version(&mut conn, 14)
            .unwrap_or_else(|err| panic!("{err}"));
        conn.execute_batch(
            "INSERT INTO profile VALUES (1, 'r1', 'Rut', 'lead', 'sv',
                 '2026-01-01 08:00:00+00:00', '2026-01-01 08:00:00+00:00');
             INSERT INTO team (singleton, team_id, name, folder, founder_id, founder_key,
                               joined_at, format, created_at, founder_name, follows)
             VALUES (1, 't1', 'Kundtjänst', '/team', 'p2', 'k', '2026-01-01 08:00:00+00:00',
                     2, '2026-01-01 08:00:00+00:00', 'Lena', 1);
             INSERT INTO team_events (id, member_id, seq, at, kind, body, v)
             VALUES ('p1/3', 'p1', 3, '2026-01-02 08:00:00+00:00', 'exception.proposed',
                     '{\"exception_id\":\"e1\",\"rule\":\"Kvitto, pepparkaka\",\"allowed\":\"Byt, saffransbulle\",\"limits\":\"\",\"amount_sek\":200,\"minutes\":null,\"applies_when\":\"glögg\"}', 2),
                    ('p2/4', 'p2', 4, '2026-01-02 09:00:00+00:00', 'exception.decided',
                     '{\"proposer\":\"p1\",\"exception_id\":\"e1\",\"proposal_hash\":\"h\",\"decision_id\":\"d1\",\"action\":\"approve\",\"note\":\"Bra, lingonsylt\"}', 2);
             INSERT INTO exceptions (id, rule, allowed, limits, applies_when, status, proposed_by,
                                     proposed_by_name, proposed_at, decision_note, updated_at,
                                     search_text)
             VALUES ('p1/e1', 'Kvitto, pepparkaka', 'Byt, saffransbulle', '', 'glögg', 'approved',
                     'p1', 'Sara', '2026-01-02 08:00:00+00:00', 'Bra, lingonsylt',
                     '2026-01-02 09:00:00+00:00',
                     'kvitto, pepparkaka\nbyt, saffransbulle\n\nglögg');
             INSERT INTO exception_events VALUES ('x1', 'p1/e1', 'approved', 'p2', 'Lena',
                     'Bra, lingonsylt', '2026-01-02 09:00:00+00:00');",
        )
        .unwrap_or_else(|err| panic!("{err}"));
    }
    let updated = Fanday::open(dir.path(), std::sync::Arc::new(fanday_core::SystemClock))
        .unwrap_or_else(|err| panic!("{err}"));
    drop(updated);

    // Nothing of the words is left, not even in a copy from before the
    // update (a follower's store is made again from the folder).
    for file in files_under(dir.path()) {
        for word in words {
            assert!(!file_holds(&file, word), "{} holds {word}", file.display());
        }
    }
    let conn = rusqlite::Connection::open(dir.path().join(fanday_core::store::DB_FILE_NAME))
        .unwrap_or_else(|err| panic!("{err}"));
    let kept: (String, String, String, String, i64) = conn
        .query_row(
            "SELECT json_extract(body, '$.rule'), json_extract(body, '$.limits'),
                    json_extract(body, '$.applies_when'), e.decision_note,
                    json_extract(body, '$.amount_sek')
               FROM team_events, exceptions e WHERE kind = 'exception.proposed'",
            [],
            |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                ))
            },
        )
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        kept,
        ("…".into(), String::new(), "…".into(), "…".into(), 200)
    );
}

//! The lines a follower reads: each member's app keeps a copy of their
//! membership, authority and weekly lines in `open/<YYYY>-Q<n>.jsonl`, and
//! a region reads those files only, never a story's or applause's line;
//! a member's events files only where they keep no such folder (an
//! earlier Fanday). A folder that loses, mangles or copies those files
//! gets them back whole at the member's next write.

use super::region::{a_team_rut_follows, followed_store, region_now};
use crate::support::team as support;

use fanday_core::team::OPEN_DIR;
use fanday_core::Situation;
use std::fs;
use std::path::{Path, PathBuf};
use support::{file_holds, forged_as, member_dir, names_in, read, share, Member};

fn open_dir(folder: &Path, member: &Member) -> PathBuf {
    member_dir(folder, &member.id).join(OPEN_DIR)
}

/// The one quarter's file of open lines a member keeps in these tests.
fn open_file(folder: &Path, member: &Member) -> PathBuf {
    let names = names_in(&open_dir(folder, member));
    assert_eq!(names.len(), 1, "{names:?}");
    open_dir(folder, member).join(&names[0])
}

/// The files of the team folder the region's store has read from.
fn files_read(rut: &Member) -> Vec<String> {
    let conn = followed_store(rut);
    let mut statement = conn
        .prepare("SELECT path FROM team_files ORDER BY path")
        .unwrap_or_else(|err| panic!("{err}"));
    let paths = statement
        .query_map([], |row| row.get(0))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<String>>>())
        .unwrap_or_else(|err| panic!("{err}"));
    paths
}

fn fans_this_week(rut: &Member) -> u32 {
    region_now(rut).teams[0].weeks[0].tallied.fans
}

#[test]
fn a_region_reads_only_the_lines_for_followers_and_an_earlier_fandays_events_files() {
    let north = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let (lena, sara, ali, rut, _) = a_team_rut_follows(north.path());
    share(&sara, "Hämtade en stol åt en kund", Situation::JustBecause);
    for m in [&lena, &sara, &ali] {
        read(m);
    }
    // Sara's open lines: her request to join and her tally, no story.
    let sara_open = open_file(north.path(), &sara);
    let text = fs::read_to_string(&sara_open).unwrap_or_else(|err| panic!("{err}"));
    assert!(text.contains("member.requested") && text.contains("tally.week"));
    assert!(!text.contains("story.shared") && !file_holds(&sara_open, "stol"));

    assert_eq!(fans_this_week(&rut), 1);
    let read_from = files_read(&rut);
    assert!(
        read_from.iter().all(|path| path.contains("/open/")),
        "{read_from:?}"
    );
    assert!(read_from.len() >= 3, "{read_from:?}");

    // Ali's PC as an earlier Fanday left it: no open files. The region
    // reads his events files instead, and counts his new fan.
    share(&ali, "Ringde tillbaka till en kund", Situation::Complaint);
    read(&ali);
    fs::remove_dir_all(open_dir(north.path(), &ali)).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(fans_this_week(&rut), 2);
    let ali_events = format!("members/{}/events-", ali.id);
    assert!(
        files_read(&rut)
            .iter()
            .any(|path| path.starts_with(&ali_events)),
        "{:?}",
        files_read(&rut)
    );
}

#[test]
fn open_files_a_folder_loses_mangles_or_copies_are_whole_again_at_the_next_write() {
    let north = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let (lena, sara, ali, rut, _) = a_team_rut_follows(north.path());
    share(&sara, "Bar en kasse till bilen", Situation::JustBecause);
    for m in [&lena, &sara, &ali] {
        read(m);
    }
    let sara_open = open_file(north.path(), &sara);
    let right = fs::read(&sara_open).unwrap_or_else(|err| panic!("{err}"));

    // A sync engine puts junk of the same length in its place, and a
    // conflict copy beside it: her next write puts it right, the copy goes.
    fs::write(&sara_open, vec![b'x'; right.len()]).unwrap_or_else(|err| panic!("{err}"));
    let quarter = sara_open
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    let copy = sara_open.with_file_name(format!("{quarter} (1).jsonl"));
    fs::write(&copy, &right).unwrap_or_else(|err| panic!("{err}"));
    share(&sara, "Lagade en trasig dragkedja", Situation::JustBecause);
    let now_right = fs::read(&sara_open).unwrap_or_else(|err| panic!("{err}"));
    assert!(now_right.starts_with(&right) && now_right.len() > right.len());
    assert!(!copy.exists());
    assert_eq!(fans_this_week(&rut), 2);

    // Deleted whole: written again.
    fs::remove_dir_all(open_dir(north.path(), &sara)).unwrap_or_else(|err| panic!("{err}"));
    share(
        &sara,
        "Följde en kund till rätt hylla",
        Situation::JustBecause,
    );
    assert_eq!(fans_this_week(&rut), 3);

    // A mark an editor put before the first line would hide that line
    // from every reader: written again without it.
    let mut marked = b"\xEF\xBB\xBF".to_vec();
    marked.extend(fs::read(&sara_open).unwrap_or_else(|err| panic!("{err}")));
    fs::write(&sara_open, &marked).unwrap_or_else(|err| panic!("{err}"));
    share(
        &sara,
        "Tog emot ett paket åt en granne",
        Situation::JustBecause,
    );
    let now_right = fs::read(&sara_open).unwrap_or_else(|err| panic!("{err}"));
    assert!(now_right.starts_with(b"{"), "{:?}", &now_right[..8]);
    assert_eq!(fans_this_week(&rut), 4);

    // A line Ali signs in Sara's open file is no line of hers: her week
    // stays as she said it.
    let forged = forged_as(
        &ali,
        &sara,
        "tally.week",
        serde_json::json!({"week": "2026-W48", "fans": 9, "just_because": 9, "said_no": 0,
            "complaint": 0, "external": 9, "internal": 0, "exceptions_used": 0,
            "plans_followed": 0}),
        50,
        2,
    );
    support::append_raw(&open_file(north.path(), &sara), &format!("{forged}\n"));
    assert_eq!(fans_this_week(&rut), 4);
}

/// Sara's store as a Fanday before the lines for followers kept it
/// (schema 15): no kind column, no kept looks, no recognition words.
fn as_schema_15_kept_it(database: &Path) {
    let conn = rusqlite::Connection::open(database).unwrap_or_else(|err| panic!("{err}"));
    conn.execute_batch(
        "DROP INDEX own_events_by_kind;
         ALTER TABLE own_events DROP COLUMN kind;
         ALTER TABLE team_files DROP COLUMN seen_len;
         ALTER TABLE team_files DROP COLUMN seen_modified;
         DROP TABLE team_recognition;
         PRAGMA user_version = 15;",
    )
    .unwrap_or_else(|err| panic!("{err}"));
}

#[test]
fn after_an_update_from_before_the_lines_for_followers_the_region_gets_the_lines_signed_before_it()
{
    let north = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let (lena, sara, ali, rut, _) = a_team_rut_follows(north.path());
    share(
        &sara,
        "Höll dörren för en kund med barnvagn",
        Situation::JustBecause,
    );
    for m in [&lena, &sara, &ali] {
        read(m);
    }
    let database = sara.app.database_path().to_path_buf();
    let signed_before: Vec<String> = support::event_lines(north.path(), &sara.id)
        .into_iter()
        .filter(|line| line.contains("\"member.requested\"") || line.contains("\"tally.week\""))
        .collect();
    assert!(signed_before.len() >= 2, "{signed_before:?}");

    // Her PC ran the earlier Fanday: its store as that one kept it, and
    // no open folder of hers in the team's.
    let Member { dir, app, id } = sara;
    drop(app);
    as_schema_15_kept_it(&database);
    let sara_open = member_dir(north.path(), &id).join(OPEN_DIR);
    fs::remove_dir_all(&sara_open).unwrap_or_else(|err| panic!("{err}"));

    // The update: her app's next write puts every line signed before it
    // that a region needs in her open files, and the region counts her.
    let app = fanday_core::Fanday::open(
        dir.path(),
        std::sync::Arc::new(support::TickingClock::new(support::monday_morning())),
    )
    .unwrap_or_else(|err| panic!("{err}"));
    let sara = Member { dir, app, id };
    share(
        &sara,
        "Letade fram en borttappad mössa",
        Situation::JustBecause,
    );
    let kept: String = names_in(&sara_open)
        .iter()
        .map(|name| fs::read_to_string(sara_open.join(name)).unwrap_or_else(|err| panic!("{err}")))
        .collect();
    for line in &signed_before {
        assert!(kept.contains(line.as_str()), "{line} is not in {kept}");
    }
    assert_eq!(fans_this_week(&rut), 2);
}

/// The time a folder's entries last changed, put back as it was: a sync
/// engine that rewrites a file in place leaves its folder's time alone.
fn keep_folder_time(dir: &Path, change: impl FnOnce()) {
    let before = fs::metadata(dir)
        .and_then(|meta| meta.modified())
        .unwrap_or_else(|err| panic!("{err}"));
    change();
    folder_handle(dir)
        .and_then(|folder| folder.set_modified(before))
        .unwrap_or_else(|err| panic!("{err}"));
}

/// A handle on a folder that may set its times.
fn folder_handle(dir: &Path) -> std::io::Result<fs::File> {
    #[cfg(windows)]
    {
        use std::os::windows::fs::OpenOptionsExt;
        // FILE_WRITE_ATTRIBUTES; a folder opens only with backup semantics.
        fs::OpenOptions::new()
            .access_mode(0x0100)
            .custom_flags(0x0200_0000)
            .open(dir)
    }
    #[cfg(not(windows))]
    fs::File::open(dir)
}

#[test]
fn an_open_file_a_sync_engine_rewrites_in_place_is_read_by_the_region() {
    let north = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let (lena, sara, ali, rut, _) = a_team_rut_follows(north.path());
    for m in [&lena, &sara, &ali] {
        read(m);
    }
    let sara_open = open_file(north.path(), &sara);
    let before = fs::read(&sara_open).unwrap_or_else(|err| panic!("{err}"));

    // Her new tally: her events file arrives at the region's PC first, her
    // open file later, rewritten in place.
    share(&sara, "Lånade ut ett paraply", Situation::JustBecause);
    let after = fs::read(&sara_open).unwrap_or_else(|err| panic!("{err}"));
    let dir = open_dir(north.path(), &sara);
    keep_folder_time(&dir, || {
        fs::write(&sara_open, &before).unwrap_or_else(|err| panic!("{err}"))
    });
    assert_eq!(fans_this_week(&rut), 0);
    keep_folder_time(&dir, || {
        fs::write(&sara_open, &after).unwrap_or_else(|err| panic!("{err}"))
    });
    assert_eq!(fans_this_week(&rut), 1);
}

#[test]
fn a_request_anyone_writes_in_a_members_open_file_does_not_take_her_out_of_the_regions_count() {
    let north = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let (lena, sara, ali, rut, _) = a_team_rut_follows(north.path());
    for m in [&lena, &sara, &ali] {
        read(m);
    }
    let members = |rut: &Member| region_now(rut).teams[0].weeks[0].team_members;
    assert_eq!(members(&rut), 3);

    // Ali asks to come back as Sara, with his own key, in her open file:
    // no lead ever sees it there to decline it.
    let ali_key =
        fanday_core::team_event::public_key_text(&support::secret_key(&ali).verifying_key());
    let request = forged_as(
        &ali,
        &sara,
        "member.requested",
        serde_json::json!({"name": "Sara", "key": ali_key}),
        50,
        2,
    );
    support::append_raw(&open_file(north.path(), &sara), &format!("{request}\n"));
    assert_eq!(members(&rut), 3);
}

//! Colleagues in a team, for tests of the team folder: each member is a
//! real Fanday on its own data folder; the team folder is a temp folder.

// Shared by several test binaries; each uses only part of it.
#![allow(dead_code)]

use chrono::{DateTime, Duration, FixedOffset};
use fanday_core::team::{ReadReport, Story};
use fanday_core::{Clock, Customer, Fanday, Language, MomentInput, ProfileInput, Role, Situation};
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// A clock a second later at every look, so that what happens in a test
/// happens in order, as on a real PC.
#[derive(Debug)]
pub struct TickingClock {
    start: DateTime<FixedOffset>,
    ticks: AtomicI64,
}

impl TickingClock {
    pub fn new(start: DateTime<FixedOffset>) -> TickingClock {
        TickingClock {
            start,
            ticks: AtomicI64::new(0),
        }
    }
}

impl Clock for TickingClock {
    fn now(&self) -> DateTime<FixedOffset> {
        self.start + Duration::seconds(self.ticks.fetch_add(1, Ordering::SeqCst))
    }
}

pub fn monday_morning() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-23T10:00:00+01:00").unwrap_or_else(|err| panic!("{err}"))
}

pub struct Member {
    pub dir: tempfile::TempDir,
    pub app: Fanday,
    pub id: String,
}

impl Member {
    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    /// This member's data opened by a second Fanday whose clock starts at
    /// `start` (this one stays open): the same person on the same data,
    /// later. Its `dir` is an empty stand-in; the data stays this member's.
    pub fn opened_again_at(&self, start: DateTime<FixedOffset>) -> Member {
        Member {
            app: Fanday::open(self.data_dir(), Arc::new(TickingClock::new(start)))
                .unwrap_or_else(|err| panic!("{err}")),
            dir: tempfile::tempdir().unwrap_or_else(|err| panic!("{err}")),
            id: self.id.clone(),
        }
    }

    /// This member's data on a PC without their key (a backup restored
    /// elsewhere): the key file gone, the data opened again.
    pub fn on_a_pc_without_the_key(&self) -> Member {
        fs::remove_file(self.data_dir().join("device-key")).unwrap_or_else(|err| panic!("{err}"));
        self.opened_again_at(monday_morning())
    }

    /// Opens this member's data again (as after a restart of the app).
    pub fn reopen(self) -> Member {
        let Member { dir, app, id } = self;
        drop(app);
        let app = Fanday::open(dir.path(), Arc::new(TickingClock::new(monday_morning())))
            .unwrap_or_else(|err| panic!("{err}"));
        Member { dir, app, id }
    }
}

pub fn member(name: &str, role: Role) -> Member {
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    member_with(dir, name, role)
}

/// A member whose data folder is a new folder inside `parent`, named
/// after them (as `C:\Users\Åsa\AppData\Roaming\Fanday` would be).
pub fn member_in(parent: &Path, name: &str, role: Role) -> Member {
    fs::create_dir_all(parent).unwrap_or_else(|err| panic!("{err}"));
    let dir = tempfile::Builder::new()
        .prefix(&format!("Fanday {name} "))
        .tempdir_in(parent)
        .unwrap_or_else(|err| panic!("{err}"));
    member_with(dir, name, role)
}

fn member_with(dir: tempfile::TempDir, name: &str, role: Role) -> Member {
    let app = Fanday::open(dir.path(), Arc::new(TickingClock::new(monday_morning())))
        .unwrap_or_else(|err| panic!("{err}"));
    let profile = app
        .save_profile(&ProfileInput {
            display_name: name.into(),
            role,
            language: Language::Sv,
        })
        .unwrap_or_else(|err| panic!("{err}"));
    Member {
        dir,
        app,
        id: profile.id,
    }
}

pub struct Team {
    pub folder: tempfile::TempDir,
    pub lena: Member,
    pub sara: Member,
    pub ali: Member,
}

impl Team {
    pub fn path(&self) -> &Path {
        self.folder.path()
    }
}

/// Joins after comparing the founder's fingerprint (as read from the
/// folder), and asks to be let in.
pub fn join(joiner: &Member, folder: &Path) {
    let preview = joiner
        .app
        .preview_team(folder)
        .unwrap_or_else(|err| panic!("{err}"));
    joiner
        .app
        .join_team(folder, &preview.founder_fingerprint)
        .unwrap_or_else(|err| panic!("{err}"));
}

/// The fingerprint `member`'s app shows them, to read out to a lead.
pub fn my_fingerprint(member: &Member) -> String {
    member
        .app
        .team_info()
        .ok()
        .flatten()
        .map(|info| info.my_fingerprint)
        .unwrap_or_else(|| panic!("{} is in no team", member.id))
}

/// A lead reads the folder and lets `joiner` in, after comparing their key.
pub fn admit(lead: &Member, joiner: &Member) {
    read(lead);
    lead.app
        .admit(&joiner.id, &my_fingerprint(joiner))
        .unwrap_or_else(|err| panic!("{err}"));
    read(joiner);
}

/// Joins and is let in by the lead.
pub fn join_and_admit(joiner: &Member, folder: &Path, lead: &Member) {
    join(joiner, folder);
    admit(lead, joiner);
}

/// Lena (lead) founds Kundtjänst; Sara and Ali (staff) join. Their weekly
/// tallies are switched off, so that a test of the folder's mechanics
/// counts only the events it makes ([`team_with_tallies`] has them on, as
/// the app has by default).
pub fn team() -> Team {
    team_of(false)
}

/// As [`team`], with everyone's weekly tallies on.
pub fn team_with_tallies() -> Team {
    team_of(true)
}

fn team_of(tallies: bool) -> Team {
    let folder = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let (lena, sara, ali) = colleagues_in(folder.path(), tallies);
    Team {
        folder,
        lena,
        sara,
        ali,
    }
}

/// Lena (lead) founds Kundtjänst in `folder`; Sara and Ali (staff) join
/// and are let in. Their weekly tallies are off unless `tallies`.
pub fn colleagues_in(folder: &Path, tallies: bool) -> (Member, Member, Member) {
    colleagues_in_team(folder, "Kundtjänst", tallies)
}

/// As [`colleagues_in`], the team named `team`.
pub fn colleagues_in_team(folder: &Path, team: &str, tallies: bool) -> (Member, Member, Member) {
    let lena = member("Lena (lead)", Role::Lead);
    let sara = member("Sara", Role::Staff);
    let ali = member("Ali", Role::Staff);
    for m in [&lena, &sara, &ali] {
        m.app
            .set_tally_sharing(tallies)
            .unwrap_or_else(|err| panic!("{err}"));
    }
    let created = lena
        .app
        .create_team(team, folder)
        .unwrap_or_else(|err| panic!("{err}"));
    for joiner in [&sara, &ali] {
        let preview = joiner
            .app
            .preview_team(folder)
            .unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(preview.founder_fingerprint, created.founder_fingerprint);
        join_and_admit(joiner, folder, &lena);
    }
    (lena, sara, ali)
}

pub fn moment_input(text: &str, situation: Situation, shared: bool) -> MomentInput {
    MomentInput {
        reaction: Some("Tack!".into()),
        shared,
        ..MomentInput::new(situation, Customer::External, text)
    }
}

pub fn share(member: &Member, text: &str, situation: Situation) -> String {
    member
        .app
        .add_moment(&moment_input(text, situation, true))
        .unwrap_or_else(|err| panic!("{err}"))
        .id
}

/// How the feed names a member's shared moment: its author and id.
pub fn story_key(member: &Member, moment_id: &str) -> String {
    format!("{}/{}", member.id, moment_id)
}

/// A moment kept off the team folder: it must never leave its PC.
pub fn keep_private(member: &Member, text: &str) -> String {
    let mut input = moment_input(text, Situation::JustBecause, false);
    input.customer = Customer::Internal;
    input.reaction = None;
    member
        .app
        .add_moment(&input)
        .unwrap_or_else(|err| panic!("{err}"))
        .id
}

/// Unshares a moment: its story is withdrawn from the team.
pub fn unshare(member: &Member, id: &str) {
    let moment = member.app.moment(id).unwrap_or_else(|err| panic!("{err}"));
    let mut input = moment_input(&moment.text, moment.situation, false);
    input.date = Some(moment.date);
    input.reaction = moment.reaction.clone();
    input.customer = moment.customer;
    member
        .app
        .update_moment(id, &input)
        .unwrap_or_else(|err| panic!("{err}"));
}

/// One pass of reading, as the app's loop does it.
pub fn read(member: &Member) -> ReadReport {
    member.app.read_team().unwrap_or_else(|err| panic!("{err}"))
}

pub fn feed(member: &Member) -> Vec<Story> {
    member
        .app
        .feed(None, 1000)
        .unwrap_or_else(|err| panic!("{err}"))
}

pub fn feed_texts(member: &Member) -> Vec<String> {
    let mut texts: Vec<String> = feed(member).into_iter().map(|s| s.text).collect();
    texts.sort();
    texts
}

pub fn member_dir(folder: &Path, member: &str) -> PathBuf {
    folder.join("members").join(member)
}

/// The names in a folder, sorted.
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("{err}"))
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The file holding a member's story texts of one month, `YYYY-MM.json`:
/// the one such file in their stories folder.
pub fn month_file(folder: &Path, member: &str) -> PathBuf {
    let stories = member_dir(folder, member).join("stories");
    let months: Vec<PathBuf> = fs::read_dir(&stories)
        .unwrap_or_else(|err| panic!("{err}"))
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            name.len() == 12 && name.ends_with(".json") && name.as_bytes()[4] == b'-'
        })
        .collect();
    assert_eq!(months.len(), 1, "one month's file in {stories:?}");
    months[0].clone()
}

pub fn events_file(folder: &Path, member: &str) -> PathBuf {
    member_dir(folder, member).join("events-1.jsonl")
}

/// Every line of every event file of a member, in file order.
pub fn event_lines(folder: &Path, member: &str) -> Vec<String> {
    let mut files: Vec<PathBuf> = fs::read_dir(member_dir(folder, member))
        .unwrap_or_else(|err| panic!("{err}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl") && p.is_file())
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|p| {
            fs::read_to_string(p)
                .unwrap_or_default()
                .lines()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The numbers of a member's events found in their folder.
pub fn seqs_in_folder(folder: &Path, member: &str) -> Vec<u64> {
    let mut seqs: Vec<u64> = event_lines(folder, member)
        .iter()
        .filter_map(|line| fanday_core::team_event::Event::parse(line).ok())
        .map(|event| event.seq)
        .collect();
    seqs.sort_unstable();
    seqs
}

pub fn append_raw(path: &Path, text: &str) {
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap_or_else(|err| panic!("{err}"));
    file.write_all(text.as_bytes())
        .unwrap_or_else(|err| panic!("{err}"));
}

/// The status of every exception in `member`'s catalogue, in words.
pub fn exception_statuses(member: &Member) -> Vec<String> {
    member
        .app
        .list_exceptions(&Default::default())
        .unwrap_or_default()
        .iter()
        .map(|e| format!("{:?}", e.status).to_lowercase())
        .collect()
}

/// The codes of what a read did not take.
pub fn codes(report: &ReadReport) -> Vec<&'static str> {
    report.skipped.iter().map(|s| s.code).collect()
}

/// What was skipped for `code` in files whose path ends with `path_end`.
pub fn skip_count(report: &ReadReport, path_end: &str, code: &str) -> u64 {
    report
        .skipped
        .iter()
        .filter(|s| s.code == code && s.path.ends_with(path_end))
        .map(|s| s.count)
        .sum()
}

/// The secret key a member's app signs with.
/// (Kept in a file beside the database: the tests never use the desktop's
/// keyring.)
pub fn secret_key(member: &Member) -> ed25519_dalek::SigningKey {
    let secret = fs::read_to_string(member.data_dir().join("device-key"))
        .unwrap_or_else(|err| panic!("{err}"));
    fanday_core::team_event::parse_secret_key(&secret).unwrap_or_else(|| panic!("key"))
}

/// Signs a line with a member's own key, as their app would, chained to
/// their event before it where their app has it: a forgery that only the
/// authority rules can catch.
pub fn signed_by(member: &Member, kind: &str, body: serde_json::Value, seq: u64) -> String {
    signed_with(member, &secret_key(member), kind, body, seq)
}

/// As [`signed_by`], with `key` (a key kept elsewhere than the member's
/// data folder).
pub fn signed_with(
    member: &Member,
    key: &ed25519_dalek::SigningKey,
    kind: &str,
    body: serde_json::Value,
    seq: u64,
) -> String {
    let db = rusqlite::Connection::open(member.app.database_path())
        .unwrap_or_else(|err| panic!("{err}"));
    let team: String = db
        .query_row("SELECT team_id FROM team", [], |row| row.get(0))
        .unwrap_or_else(|err| panic!("{err}"));
    let prev: String = db
        .query_row(
            "SELECT hash FROM team_events WHERE member_id = ?1 AND seq = ?2",
            rusqlite::params![member.id, seq as i64 - 1],
            |row| row.get(0),
        )
        .unwrap_or_default();
    fanday_core::team_event::Event {
        v: 2,
        id: String::new(),
        team,
        member: member.id.clone(),
        seq,
        prev: Some(prev),
        at: (monday_morning() + Duration::hours(1)).with_timezone(&chrono::Utc),
        kind: kind.into(),
        body,
        sig: String::new(),
    }
    .sign(key)
    .to_line()
}

/// A line that says it is `victim`'s, signed with `forger`'s key instead,
/// `hours` after Monday morning, outside anyone's chain.
pub fn forged_as(
    forger: &Member,
    victim: &Member,
    kind: &str,
    body: serde_json::Value,
    seq: u64,
    hours: i64,
) -> String {
    let team = forger
        .app
        .team_info()
        .ok()
        .flatten()
        .map(|info| info.team_id)
        .unwrap_or_default();
    fanday_core::team_event::Event {
        v: 2,
        id: String::new(),
        team,
        member: victim.id.clone(),
        seq,
        prev: Some(String::new()),
        at: (monday_morning() + Duration::hours(hours)).with_timezone(&chrono::Utc),
        kind: kind.into(),
        body,
        sig: String::new(),
    }
    .sign(&secret_key(forger))
    .to_line()
}

/// A copy of the team folder as another PC's sync engine has it: team.json,
/// every member's files and story texts; the test then takes some away.
pub fn copy_of_folder(t: &Team) -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    copy_tree(t.path(), copy.path());
    copy
}

pub fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap_or_else(|err| panic!("{err}"));
    for entry in fs::read_dir(from)
        .unwrap_or_else(|err| panic!("{err}"))
        .flatten()
    {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap_or_else(|err| panic!("{err}"));
        }
    }
}

/// Someone with write access to the folder, with a key of their own.
pub struct Stranger {
    pub id: String,
    pub key: ed25519_dalek::SigningKey,
    pub team: String,
    pub seq: u64,
    pub prev: String,
    pub dir: PathBuf,
    /// The file in `dir` the stranger appends to.
    pub file: String,
}

impl Stranger {
    pub fn new(folder: &Path, id: &str) -> Stranger {
        let team: serde_json::Value =
            serde_json::from_slice(&fs::read(folder.join("team.json")).unwrap_or_default())
                .unwrap_or_default();
        let dir = member_dir(folder, id);
        fs::create_dir_all(&dir).unwrap_or_else(|err| panic!("{err}"));
        Stranger {
            id: id.to_string(),
            key: fanday_core::team_event::new_signing_key().unwrap_or_else(|| panic!("a key")),
            team: team["team_id"].as_str().unwrap_or_default().to_string(),
            seq: 0,
            prev: String::new(),
            dir,
            file: "events-1.jsonl".into(),
        }
    }

    /// A stranger who writes into `member`'s folder, in a file of its own
    /// (a sync engine's conflict copy), going on from the member's last
    /// event: the next number, and the hash of that event before it.
    pub fn continuing(folder: &Path, member: &str) -> Stranger {
        let last = event_lines(folder, member)
            .iter()
            .filter_map(|line| fanday_core::team_event::Event::parse(line).ok())
            .max_by_key(|event| event.seq)
            .unwrap_or_else(|| panic!("{member} has written nothing"));
        let mut stranger = Stranger::new(folder, member);
        stranger.seq = last.seq;
        stranger.prev = last.hash();
        stranger.file = "events-1 (1).jsonl".into();
        stranger
    }

    pub fn writes(&mut self, kind: &str, body: serde_json::Value) {
        self.seq += 1;
        let event = fanday_core::team_event::Event {
            v: 2,
            id: String::new(),
            team: self.team.clone(),
            member: self.id.clone(),
            seq: self.seq,
            prev: Some(self.prev.clone()),
            at: (monday_morning() + Duration::minutes(30)).with_timezone(&chrono::Utc),
            kind: kind.into(),
            body,
            sig: String::new(),
        }
        .sign(&self.key);
        self.prev = event.hash();
        append_raw(
            &self.dir.join(&self.file),
            &format!("{}\n", event.to_line()),
        );
    }

    /// The fingerprint of the stranger's key, as they would read it out.
    pub fn fingerprint(&self) -> String {
        fanday_core::team_event::fingerprint(&self.key.verifying_key())
    }

    pub fn asks_to_join(&mut self, name: &str) {
        let key = fanday_core::team_event::public_key_text(&self.key.verifying_key());
        self.writes(
            "member.requested",
            serde_json::json!({"name": name, "key": key}),
        );
    }
}

pub fn file_holds(path: &Path, text: &str) -> bool {
    let bytes = fs::read(path).unwrap_or_default();
    bytes
        .windows(text.len())
        .any(|window| window == text.as_bytes())
}

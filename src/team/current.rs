//! The team's state as this PC holds it: folded from the log at first use,
//! kept up to date as events are accepted, and written where the screens
//! read it. An event that only adds to what a member shares is applied
//! where it falls (the merges do not depend on order); one that says who
//! counts, is off a member's chain, names a rule exception or waited for
//! its date folds the state again from the log. Either way the state is
//! the fold of the log, as `fold` defines it.

use super::accepted::{Accepted, Genesis, Outcome};
use super::authority::{self, Authority};
use super::body::Body;
use super::content;
use super::events;
use super::fold::{fold, within_dates};
use super::project;
use super::state::TeamState;
use super::touched::{changes, everything, Touched};
use crate::error::Result;
use crate::sql::{exec, query_one};
use crate::team_event::{parse_public_key, EVENT_VERSION, LEGACY_VERSION};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

/// Per member, per number, their own lines: the first 64 bits of each
/// line's hash and of the hash it names before it. What tells, as an event
/// arrives, whether it keeps to its member's chain.
type Lines = BTreeMap<String, BTreeMap<u64, Vec<(u64, u64)>>>;

fn short(hash: Option<&str>) -> u64 {
    hash.and_then(|h| h.get(..16))
        .and_then(|h| u64::from_str_radix(h, 16).ok())
        .unwrap_or(0)
}

/// Stands for "no chain" (a format-1 line) where a line's previous hash is
/// kept.
const NO_CHAIN: u64 = u64::MAX;

fn note_line(lines: &mut Lines, event: &Accepted) {
    let prev = if event.v == EVENT_VERSION {
        short(event.prev.as_deref())
    } else {
        NO_CHAIN
    };
    let line = (short(Some(&event.hash)), prev);
    let at = lines
        .entry(event.member.clone())
        .or_default()
        .entry(event.seq)
        .or_default();
    if !at.contains(&line) {
        at.push(line);
    }
}

struct Held {
    log: (i64, i64),
    genesis: Genesis,
    state: TeamState,
    lines: Lines,
    /// The time the state was folded as of: which events were within the
    /// team's dates.
    folded_at: DateTime<Utc>,
    /// The store only follows its team: no row of its stories or
    /// recognition is written (`project::write`).
    follows: bool,
}

/// The state, held while the app runs.
#[derive(Default)]
pub struct Current(Mutex<Option<Held>>);

/// Stories withdrawn, by author and id: their texts are erased from the
/// backups too.
pub type Withdrawn = Vec<(String, String)>;

/// The team as this PC pinned it; `None` outside a team.
pub fn genesis(conn: &Connection) -> Result<Option<Genesis>> {
    let team = conn
        .query_row(
            "SELECT team_id, format, founder_id, founder_key, founder_name, created_at FROM team",
            [],
            |row| {
                Ok(Genesis {
                    team_id: row.get(0)?,
                    format: row.get(1)?,
                    founder: row.get(2)?,
                    founder_key: parse_public_key(&row.get::<_, String>(3)?),
                    founder_name: row.get(4)?,
                    created_at: row.get(5)?,
                    pins: BTreeMap::new(),
                })
            },
        )
        .optional()?;
    let Some(mut genesis) = team else {
        return Ok(None);
    };
    if genesis.format == LEGACY_VERSION {
        let rows: Vec<(String, String, String)> = conn
            .prepare_cached(
                "SELECT member_id, public_key, name FROM team_members WHERE public_key <> ''",
            )?
            .query_map([], |row| row.try_into())?
            .collect::<rusqlite::Result<_>>()?;
        for (member, key, name) in rows {
            if let Some(key) = parse_public_key(&key) {
                genesis.pins.insert(member, (key, name));
            }
        }
    }
    Ok(Some(genesis))
}

/// What the tables the screens read were last written for: the log's
/// version, the team as this PC pinned it, the person, and the build that
/// wrote them (another build may fold or write differently).
fn written_for(genesis: &Genesis, log: (i64, i64), me: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut team = std::collections::hash_map::DefaultHasher::new();
    format!("{genesis:?}").hash(&mut team);
    format!(
        "{}:{}:{me}:{}:{}:{:x}",
        crate::store::schema_version(),
        env!("CARGO_PKG_VERSION"),
        log.0,
        log.1,
        team.finish()
    )
}

fn note_written(
    conn: &Connection,
    genesis: &Genesis,
    log: (i64, i64),
    me: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    exec(
        conn,
        "UPDATE team SET projected = ?1, projected_at = ?2",
        rusqlite::params![written_for(genesis, log, me), now],
    )?;
    Ok(())
}

/// Do the tables hold the state folded now: written for this log and team
/// (format 2, whose start does not itself come from those tables), and no
/// event of the log crossed the edge of the dates that count (a day after
/// `now`) between then and now, whichever way the clock went?
fn written_before(
    conn: &Connection,
    genesis: &Genesis,
    log: (i64, i64),
    me: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    if genesis.format != EVENT_VERSION {
        return Ok(false);
    }
    let written: Option<(Option<String>, Option<DateTime<Utc>>)> = conn
        .query_row("SELECT projected, projected_at FROM team", [], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    let Some((Some(written), Some(at))) = written else {
        return Ok(false);
    };
    if written != written_for(genesis, log, me) {
        return Ok(false);
    }
    let (from, to) = (at.min(now), at.max(now));
    let crossed: bool = query_one(
        conn,
        "SELECT EXISTS (SELECT 1 FROM team_events WHERE at > ?1 AND at <= ?2)",
        rusqlite::params![
            from + chrono::Duration::days(1),
            to + chrono::Duration::days(1)
        ],
        |row| row.get(0),
    )?;
    Ok(!crossed)
}

/// Were the tables written as of a time after `now` (the clock has gone
/// back since)?
pub fn written_ahead(conn: &Connection, now: DateTime<Utc>) -> Result<bool> {
    let at: Option<DateTime<Utc>> = conn
        .query_row("SELECT projected_at FROM team", [], |row| row.get(0))
        .optional()?
        .flatten();
    Ok(at.is_some_and(|at| at > now))
}

/// Runs `write` in one transaction where the caller has none open: a
/// whole state written row by row, each its own commit, took seconds.
fn in_one_transaction(
    conn: &Connection,
    write: impl FnOnce() -> Result<Withdrawn>,
) -> Result<Withdrawn> {
    if !conn.is_autocommit() {
        return write();
    }
    let tx = conn.unchecked_transaction()?;
    let withdrawn = write()?;
    tx.commit()?;
    Ok(withdrawn)
}

/// A state whose writing failed is not held: the tables may not show it
/// (the transaction rolled back), so the next use folds from the log and
/// writes whatever differs.
fn forget_unless_written(held: &mut Option<Held>, result: Result<Withdrawn>) -> Result<Withdrawn> {
    if result.is_err() {
        *held = None;
    }
    result
}

/// Every story withdrawn in the state.
fn all_withdrawn(state: &TeamState) -> Withdrawn {
    state
        .stories
        .values()
        .filter(|story| story.withdrawn)
        .map(|story| (story.author.clone(), story.story_id.clone()))
        .collect()
}

/// Withdrawals a change made: stories withdrawn after it that were not
/// before.
fn newly_withdrawn(before: &TeamState, after: &TeamState, keys: &Touched) -> Withdrawn {
    keys.stories
        .iter()
        .filter_map(|key| after.stories.get(key))
        .filter(|story| story.withdrawn)
        .filter(|story| {
            !before
                .stories
                .values()
                .any(|b| b.author == story.author && b.story_id == story.story_id && b.withdrawn)
        })
        .map(|story| (story.author.clone(), story.story_id.clone()))
        .collect()
}

impl Current {
    fn lock(&self) -> MutexGuard<'_, Option<Held>> {
        crate::lock::locked(&self.0)
    }

    /// Forgets the state: it is folded again at the next use (after a
    /// team is left or joined, a backup restored).
    pub fn forget(&self) {
        *self.lock() = None;
    }

    /// Folds the state from the log and writes what differs from what the
    /// tables showed. Returns the stories it found withdrawn.
    fn refold(
        &self,
        held: &mut Option<Held>,
        conn: &Connection,
        me: &str,
        now: DateTime<Utc>,
    ) -> Result<Withdrawn> {
        let Some(genesis) = genesis(conn)? else {
            *held = None;
            return Ok(Vec::new());
        };
        let log = events::version(conn)?;
        let events = events::all(conn)?;
        let state = fold(&genesis, &events, now);
        let mut lines = Lines::new();
        for event in events.iter().filter(|e| is_own_line(&state, e)) {
            note_line(&mut lines, event);
        }
        let follows = super::membership::follows(conn)?;
        let (before, withdrawn) = match held.take() {
            // The rows from before, where they were written alike.
            Some(old) if old.genesis == genesis && old.follows == follows => {
                let touched = changes(&old.state, &state);
                project::write(conn, &state, &touched, me, follows)?;
                let withdrawn = newly_withdrawn(&old.state, &state, &touched);
                (Some(old.state), withdrawn)
            }
            // The tables hold this very state already: written for this
            // log, and no event's date came (or went) since. The withdrawn
            // are told again all the same: erasing their texts from the
            // backups is tried again at each start.
            _ if written_before(conn, &genesis, log, me, now)? => (None, all_withdrawn(&state)),
            _ => {
                project::clear(conn)?;
                let touched = everything(&state);
                project::write(conn, &state, &touched, me, follows)?;
                let withdrawn = newly_withdrawn(&TeamState::default(), &state, &touched);
                (None, withdrawn)
            }
        };
        note_written(conn, &genesis, log, me, now)?;
        drop(before);
        *held = Some(Held {
            log,
            genesis,
            state,
            lines,
            folded_at: now,
            follows,
        });
        Ok(withdrawn)
    }

    /// Brings the held state up to the log: events added to it since are
    /// taken in; where the log changed otherwise (an event taken out, the
    /// team left or joined), the state is folded again. Returns the
    /// stories found withdrawn.
    pub fn refresh(&self, conn: &Connection, me: &str, now: DateTime<Utc>) -> Result<Withdrawn> {
        self.refresh_with(conn, &[], me, now)
    }

    /// As [`Current::refresh`], given the events just added to the log
    /// (as they were verified: not read back where they are all).
    pub fn refresh_with(
        &self,
        conn: &Connection,
        added: &[Accepted],
        me: &str,
        now: DateTime<Utc>,
    ) -> Result<Withdrawn> {
        let mut held = self.lock();
        let result = in_one_transaction(conn, || self.bring_up(&mut held, conn, added, me, now));
        forget_unless_written(&mut held, result)
    }

    fn bring_up(
        &self,
        held: &mut Option<Held>,
        conn: &Connection,
        added: &[Accepted],
        me: &str,
        now: DateTime<Utc>,
    ) -> Result<Withdrawn> {
        let log = events::version(conn)?;
        let genesis = genesis(conn)?;
        let (rowid, taken_out) = match held.as_ref() {
            Some(h) if Some(&h.genesis) == genesis.as_ref() => h.log,
            _ => return self.refold(held, conn, me, now),
        };
        if log == (rowid, taken_out) {
            return Ok(Vec::new());
        }
        // Only added since: taken in where each falls.
        if log.1 == taken_out && log.0 > rowid {
            if events::count_since(conn, rowid)? == added.len() as i64 {
                return self.take(held, conn, added, log, me, now);
            }
            let added = events::since(conn, rowid)?;
            return self.take(held, conn, &added, log, me, now);
        }
        self.refold(held, conn, me, now)
    }

    /// Folds again whatever the log says (an event's date has come).
    pub fn fold_again(&self, conn: &Connection, me: &str, now: DateTime<Utc>) -> Result<Withdrawn> {
        let mut held = self.lock();
        let result = in_one_transaction(conn, || self.refold(&mut held, conn, me, now));
        forget_unless_written(&mut held, result)
    }

    /// Who counts, as held (folded first where needed).
    pub fn authority(&self, conn: &Connection, me: &str, now: DateTime<Utc>) -> Result<Authority> {
        self.refresh(conn, me, now)?;
        Ok(self
            .lock()
            .as_ref()
            .map(|h| h.state.authority.clone())
            .unwrap_or_default())
    }

    /// The held state as bytes, for the tests of the fold.
    #[cfg(test)]
    pub fn bytes(&self) -> Vec<u8> {
        self.lock()
            .as_ref()
            .map(|h| h.state.to_bytes())
            .unwrap_or_default()
    }

    /// What became of these events, as the held state says.
    pub fn outcomes(&self, keys: &[String]) -> Vec<Option<Outcome>> {
        let held = self.lock();
        keys.iter()
            .map(|key| {
                held.as_ref()
                    .and_then(|h| h.state.outcomes.get(key).copied())
            })
            .collect()
    }

    /// Takes events just added to the log into the state, and writes what
    /// they changed. Returns the stories withdrawn.
    fn take(
        &self,
        held: &mut Option<Held>,
        conn: &Connection,
        added: &[Accepted],
        log: (i64, i64),
        me: &str,
        now: DateTime<Utc>,
    ) -> Result<Withdrawn> {
        let Some(h) = held.as_mut() else {
            return self.refold(held, conn, me, now);
        };
        // Each is judged with the lines before it in the batch too: two
        // lines with one number that come together are a fork.
        for event in added {
            if needs_fold(h, event, now) {
                return self.refold(held, conn, me, now);
            }
            if is_own_line(&h.state, event) {
                note_line(&mut h.lines, event);
            }
        }
        let mut touched = Touched::default();
        let mut withdrawn = Vec::new();
        for event in added {
            let outcome = match &event.body {
                Err(refusal) => Outcome::Refused(*refusal),
                Ok(
                    body @ (Body::StoryShared(_) | Body::StoryEdited(_) | Body::StoryWithdrawn(_)),
                ) => {
                    let outcome = content::apply_story(&mut h.state, event, body);
                    let story_id = match body {
                        Body::StoryShared(b) | Body::StoryEdited(b) => b.story_id.as_str(),
                        Body::StoryWithdrawn(b) => b.story_id.as_str(),
                        _ => "",
                    };
                    let key = content::story_key(&h.state, &event.member, story_id);
                    if matches!(body, Body::StoryWithdrawn(_))
                        && h.state.stories.get(&key).is_some_and(|s| s.withdrawn)
                    {
                        withdrawn.push((event.member.clone(), story_id.to_string()));
                    }
                    touched.stories.insert(key);
                    outcome
                }
                Ok(other) => {
                    let outcome = content::apply_other(&mut h.state, event, other);
                    touch_other(&h.state, event, other, &mut touched);
                    outcome
                }
            };
            h.state.outcomes.insert(event.key.clone(), outcome);
            // The log takes an event as counted: only what does not count
            // is written back.
            if outcome != Outcome::Applied {
                touched.outcomes.insert(event.key.clone());
            }
            note_own_line(&mut h.state, event, &mut touched);
        }
        project::write(conn, &h.state, &touched, me, h.follows)?;
        h.log = log;
        note_written(conn, &h.genesis, log, me, h.folded_at)?;
        Ok(withdrawn)
    }
}

/// Does this event change more than what it adds, so that the state is
/// folded again: a step of who counts, a line of a member's own at a
/// number their chain already holds (or whose neighbours it does not
/// join), a rule exception or a decision, a line dated outside the team's
/// time, a format-1 line after the upgrade?
fn needs_fold(held: &Held, event: &Accepted, now: DateTime<Utc>) -> bool {
    let Ok(body) = &event.body else {
        return false;
    };
    let genesis = &held.genesis;
    if authority::is_authority(body)
        || matches!(body, Body::ExceptionProposed(_) | Body::ExceptionDecided(_))
        || (genesis.format == EVENT_VERSION
            && (!within_dates(genesis.created_at, event.at, now) || event.v == LEGACY_VERSION))
    {
        return true;
    }
    let auth = &held.state.authority;
    if !is_own_line(&held.state, event) {
        return false;
    }
    if !auth.is_own_line(event) {
        // Its member's own only as the first pass saw them.
        return true;
    }
    if auth.member(&event.member).is_some_and(|m| m.pin.is_some())
        || held.state.forks.contains_key(&event.member)
    {
        return true;
    }
    let Some(lines) = held.lines.get(&event.member) else {
        return false;
    };
    let hash = short(Some(&event.hash));
    let prev = short(event.prev.as_deref());
    let v2 = event.v == EVENT_VERSION;
    let here = lines
        .get(&event.seq)
        .is_some_and(|at| at.iter().any(|(h, _)| *h != hash));
    let below = v2
        && event
            .seq
            .checked_sub(1)
            .and_then(|seq| lines.get(&seq))
            .is_some_and(|at| at.iter().any(|(h, _)| *h != prev));
    let above = lines
        .get(&(event.seq + 1))
        .is_some_and(|at| at.iter().any(|(_, p)| *p != NO_CHAIN && *p != hash));
    here || below || above
}

/// A line of its member's own, as either pass of the fold saw who counts:
/// the lines that decide the members' chains.
fn is_own_line(state: &TeamState, event: &Accepted) -> bool {
    state.authority.is_own_line(event) || state.first_pass.is_own_line(event)
}

/// A member's own line raises their highest number; missing numbers
/// below it are counted again.
fn note_own_line(state: &mut TeamState, event: &Accepted, touched: &mut Touched) {
    if !state.authority.is_own_line(event) {
        return;
    }
    let highest = state.highest.entry(event.member.clone()).or_insert(0);
    if event.seq > *highest {
        let gap = event.seq - *highest - 1;
        *highest = event.seq;
        if gap > 0 {
            *state.missing.entry(event.member.clone()).or_insert(0) += gap;
        }
    } else if let Some(missing) = state.missing.get_mut(&event.member) {
        // A number that was missing has come.
        *missing = missing.saturating_sub(1);
        if *missing == 0 {
            state.missing.remove(&event.member);
        }
    }
    touched.numbers.insert(event.member.clone());
}

fn touch_other(state: &TeamState, event: &Accepted, body: &Body, touched: &mut Touched) {
    match body {
        Body::ReactionAdded(r) => {
            touched
                .applause
                .insert(content::story_key(state, &r.story_author, &r.story_id));
        }
        Body::CommentAdded(_) => {
            touched.comments.insert(event.key.clone());
        }
        Body::ReviewMarked(r) => {
            touched
                .reviews
                .insert(content::story_key(state, &r.story_author, &r.story_id));
        }
        Body::LineupSet(l) => {
            touched.lineups.insert(l.week.clone());
        }
        Body::LineupVoice(v) => {
            touched.lineups.insert(v.week.clone());
        }
        Body::LineupName(_) => {
            touched.anonymous.insert(event.member.clone());
        }
        Body::TallyWeek(_) | Body::TallyStopped(_) | Body::RecognitionWeek(_) => {
            touched.tallies.insert(event.member.clone());
        }
        _ => {}
    }
}

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
use super::project::{self, Touched};
use super::state::TeamState;
use crate::error::Result;
use crate::team_event::{parse_public_key, EVENT_VERSION, LEGACY_VERSION};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

struct Held {
    log: (i64, i64),
    genesis: Genesis,
    state: TeamState,
}

/// The state, held while the app runs.
#[derive(Default)]
pub struct Current(Mutex<Option<Held>>);

/// Stories withdrawn, by author and id: their texts are erased from the
/// backups too.
pub type Withdrawn = Vec<(String, String)>;

/// The `team` row: id, format, founder, their key and name, when it began.
type TeamRow = (String, u32, String, String, String, Option<DateTime<Utc>>);

/// The team as this PC pinned it; `None` outside a team.
pub fn genesis(conn: &Connection) -> Result<Option<Genesis>> {
    let team: Option<TeamRow> = conn
        .query_row(
            "SELECT team_id, format, founder_id, founder_key, founder_name, created_at FROM team",
            [],
            |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                    row.get(5)?,
                ))
            },
        )
        .optional()?;
    let Some((team_id, format, founder, founder_key, founder_name, created_at)) = team else {
        return Ok(None);
    };
    let mut pins = BTreeMap::new();
    if format == LEGACY_VERSION {
        let rows: Vec<(String, String, String)> = conn
            .prepare_cached(
                "SELECT member_id, public_key, name FROM team_members WHERE public_key <> ''",
            )?
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (member, key, name) in rows {
            if let Some(key) = parse_public_key(&key) {
                pins.insert(member, (key, name));
            }
        }
    }
    Ok(Some(Genesis {
        team_id,
        format,
        founder_key: parse_public_key(&founder_key),
        founder,
        founder_name,
        created_at,
        pins,
    }))
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
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
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
        let (before, withdrawn) = match held.take() {
            Some(old) if old.genesis == genesis => {
                let touched = project::changes(&old.state, &state);
                project::write(conn, &state, &touched, me)?;
                let withdrawn = newly_withdrawn(&old.state, &state, &touched);
                (Some(old.state), withdrawn)
            }
            _ => {
                project::clear(conn)?;
                let touched = project::everything(&state);
                project::write(conn, &state, &touched, me)?;
                let withdrawn = newly_withdrawn(&TeamState::default(), &state, &touched);
                (None, withdrawn)
            }
        };
        drop(before);
        *held = Some(Held {
            log,
            genesis,
            state,
        });
        Ok(withdrawn)
    }

    /// Brings the held state up to the log: events added to it since are
    /// taken in; where the log changed otherwise (an event taken out, the
    /// team left or joined), the state is folded again. Returns the
    /// stories found withdrawn.
    pub fn refresh(&self, conn: &Connection, me: &str, now: DateTime<Utc>) -> Result<Withdrawn> {
        let mut held = self.lock();
        let log = events::version(conn)?;
        let genesis = genesis(conn)?;
        let (count, rowid) = match held.as_ref() {
            Some(h) if Some(&h.genesis) == genesis.as_ref() => h.log,
            _ => return self.refold(&mut held, conn, me, now),
        };
        if log == (count, rowid) {
            return Ok(Vec::new());
        }
        // Only added since: taken in where each falls.
        if log.0 - count == log.1 - rowid && log.0 > count {
            let added = events::since(conn, rowid)?;
            return self.take(&mut held, conn, &added, log, me, now);
        }
        self.refold(&mut held, conn, me, now)
    }

    /// Folds again whatever the log says (an event's date has come).
    pub fn fold_again(&self, conn: &Connection, me: &str, now: DateTime<Utc>) -> Result<Withdrawn> {
        let mut held = self.lock();
        self.refold(&mut held, conn, me, now)
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
        for event in added {
            if needs_fold(conn, &h.genesis, &h.state, event, now)? {
                return self.refold(held, conn, me, now);
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
            touched.outcomes.insert(event.key.clone());
            note_own_line(&mut h.state, event, &mut touched);
        }
        project::write(conn, &h.state, &touched, me)?;
        h.log = log;
        Ok(withdrawn)
    }
}

/// Does this event change more than what it adds, so that the state is
/// folded again: a step of who counts, a line of a member's own at a
/// number their chain already holds (or whose neighbours it does not
/// join), a rule exception or a decision, a line dated outside the team's
/// time, a format-1 line after the upgrade?
fn needs_fold(
    conn: &Connection,
    genesis: &Genesis,
    state: &TeamState,
    event: &Accepted,
    now: DateTime<Utc>,
) -> Result<bool> {
    let Ok(body) = &event.body else {
        return Ok(false);
    };
    if authority::is_authority(body)
        || matches!(body, Body::ExceptionProposed(_) | Body::ExceptionDecided(_))
        || (genesis.format == EVENT_VERSION
            && (!within_dates(genesis.created_at, event.at, now) || event.v == LEGACY_VERSION))
    {
        return Ok(true);
    }
    let auth = &state.authority;
    if !auth.is_own_line(event) {
        return Ok(false);
    }
    if auth.member(&event.member).is_some_and(|m| m.pin.is_some())
        || state.forks.contains_key(&event.member)
    {
        return Ok(true);
    }
    let low = event.seq.saturating_sub(1);
    let neighbours = events::around(conn, &event.member, low, event.seq.saturating_add(1))?;
    for other in neighbours
        .iter()
        .filter(|o| o.key != event.key && auth.is_own_line(o))
    {
        let conflict = if other.seq == event.seq {
            true
        } else if other.seq + 1 == event.seq {
            event.v == EVENT_VERSION && event.prev.as_deref() != Some(other.hash.as_str())
        } else {
            other.v == EVENT_VERSION && other.prev.as_deref() != Some(event.hash.as_str())
        };
        if conflict {
            return Ok(true);
        }
    }
    Ok(false)
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
    touched.members = true;
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
        Body::LineupName(_) => {
            touched.anonymous.insert(event.member.clone());
        }
        Body::TallyWeek(_) | Body::TallyStopped(_) => {
            touched.tallies.insert(event.member.clone());
        }
        _ => {}
    }
}

//! The team folder as the app and the tests use it: a few calls on
//! [`Fanday`], each a short sequence over the team's rooms. The store's
//! lock is taken for each step on the store, never while the folder is
//! read or written.

use super::body::{Body, CommentBody, Mark, RequestBody, ReviewBody, StoryRef};
use super::membership::{self, TeamInfo, TeamPreview};
use super::outbox;
use super::read::{self, Allowance, Budget, Scope};
use super::report::{self, ReadReport};
use super::write::{self, Flushed};
use super::{feed, reconcile, tally, MAX_STORY_CHARS};
use crate::error::{CoreError, Result};
use crate::folder::cloud::{self, CloudFolder};
use crate::profile::{self, Profile, Role};
use crate::sql::query_one;
use crate::team_event::{public_key_text, EVENT_VERSION};
use crate::{Fanday, Situation, ValidationError};
use rusqlite::OptionalExtension;
use std::path::Path;
use std::sync::atomic::Ordering;

/// How many times reading the own folder back goes on while keys learned
/// from it have files read again (each time only when the keys changed).
const MAX_OWN_REREADS: usize = 8;

impl Fanday {
    /// Makes `folder` a team folder with this person as its founder and lead.
    pub fn create_team(&self, name: &str, folder: &Path) -> Result<TeamInfo> {
        membership::whole_path(folder)?;
        let me = self.current_profile()?;
        let now = self.clock.now_utc();
        let signing = membership::device_key(&self.store.conn(), now)?;
        let key = signing.verifying_key();
        let team = membership::new_team_file(name, &me, &signing, now)?;
        membership::found_in(folder, &team, &me, &key)?;
        membership::save_team(&self.store.conn(), &team, folder, &me, &key, now, false)?;
        self.team.forget_own_read();
        self.sync_team();
        self.team_info()?
            .ok_or_else(|| CoreError::TeamFolder("the team was not saved".into()))
    }

    pub fn preview_team(&self, folder: &Path) -> Result<TeamPreview> {
        membership::whole_path(folder)?;
        let mut preview = membership::preview(folder)?;
        preview.cloud = cloud::state(folder);
        Ok(preview)
    }

    /// Whether a cloud provider keeps `folder` (before a team is made
    /// there), and keeps it on this PC.
    pub fn folder_cloud(&self, folder: &Path) -> Result<CloudFolder> {
        membership::whole_path(folder)?;
        Ok(cloud::state(folder))
    }

    /// Keeps the team folder on this PC ("Always keep on this device"), or
    /// takes that off again.
    pub fn keep_team_folder_on_device(&self, keep: bool) -> Result<CloudFolder> {
        let team = membership::joined(&self.store.conn())?.ok_or(CoreError::NoTeam)?;
        cloud::keep_on_device(&team.folder, keep)
    }

    /// Joins the team in `folder` after the person compared the founder's
    /// key: the team.json read now must show the fingerprint they saw.
    /// In format 2 joining writes a signed request, which a lead admits
    /// after comparing the joiner's own fingerprint with them.
    pub fn join_team(&self, folder: &Path, founder_fingerprint: &str) -> Result<TeamInfo> {
        self.join(folder, founder_fingerprint, false)
    }

    /// As [`Fanday::join_team`], to follow the team read-only: this store
    /// then holds a follower's view of it (a region's, `region`), asks to
    /// follow, and never shares, tallies or reads a story's file.
    pub(crate) fn follow_folder(
        &self,
        folder: &Path,
        founder_fingerprint: &str,
    ) -> Result<TeamInfo> {
        self.join(folder, founder_fingerprint, true)
    }

    fn join(&self, folder: &Path, founder_fingerprint: &str, follows: bool) -> Result<TeamInfo> {
        membership::whole_path(folder)?;
        let me = self.current_profile()?;
        let now = self.clock.now_utc();
        // Read once: the file saved is the file whose key was compared.
        let team = membership::read_team_file(folder)?;
        if membership::preview_of(team.clone())?.founder_fingerprint != founder_fingerprint.trim() {
            return Err(CoreError::TeamFileChanged);
        }
        if follows && team.v != EVENT_VERSION {
            return Err(CoreError::TeamFolder(
                "this team's folder is of an older Fanday: it can be followed once its founder has opened this Fanday".into(),
            ));
        }
        let key = membership::device_key(&self.store.conn(), now)?.verifying_key();
        membership::write_member_profile(folder, &me, &key)?;
        membership::save_team(&self.store.conn(), &team, folder, &me, &key, now, follows)?;
        self.team.forget_own_read();
        // Joining waits for the whole of its own folder: a request already
        // there is not asked again.
        self.read_own_folder(&me, &mut Allowance::new(Budget::WHOLE))?;
        if team.v == EVENT_VERSION && me.id != team.founder {
            self.ask_to_join(&me)?;
        }
        self.read_team()?;
        self.team_info()?
            .ok_or_else(|| CoreError::TeamFolder("the team was not saved".into()))
    }

    /// Writes a request to join (or to come back with this PC's key), unless
    /// this key is admitted already.
    pub(crate) fn ask_to_join(&self, me: &Profile) -> Result<()> {
        let now = self.clock.now_utc();
        let key =
            public_key_text(&membership::device_key(&self.store.conn(), now)?.verifying_key());
        let conn = self.store.conn();
        let known: bool = query_one(
            &conn,
            "SELECT EXISTS (SELECT 1 FROM team_members WHERE member_id = ?1 AND public_key = ?2
                              AND status IN ('admitted', 'follower'))
                 OR EXISTS (SELECT 1 FROM team WHERE founder_id = ?1 AND founder_key = ?2)",
            rusqlite::params![me.id, key],
            |row| row.get(0),
        )? || super::events::requests_of(&conn, &me.id)?
            .iter()
            .any(|(_, asked)| *asked == key);
        let follow = membership::follows(&conn)?;
        drop(conn);
        if known {
            return Ok(());
        }
        let request = RequestBody {
            name: membership::truncate(&me.display_name, 60),
            key,
        };
        self.team_event(if follow {
            Body::FollowRequested(request)
        } else {
            Body::MemberRequested(request)
        })
    }

    /// Leaves the team on this computer: the team's data here is forgotten;
    /// nothing in the folder is touched.
    pub fn leave_team(&self) -> Result<()> {
        membership::leave(&mut self.store.conn())?;
        self.team.forget_own_read();
        Ok(())
    }

    pub fn team_info(&self) -> Result<Option<TeamInfo>> {
        let mut info = membership::info(&self.store.conn())?;
        if let Some(info) = info.as_mut() {
            info.cloud = cloud::state(Path::new(&info.folder));
        }
        Ok(info)
    }

    /// Reads this PC's own folder back once, so that no number it holds is
    /// given out again (after a restored backup, or leaving and joining),
    /// within what is left of `allowance`. Returns whether it stopped at the
    /// budget: the next read goes on, and nothing is written until then.
    fn read_own_folder(&self, me: &Profile, allowance: &mut Allowance) -> Result<bool> {
        if self.team.own_read.load(Ordering::SeqCst) {
            return Ok(false);
        }
        if allowance.is_spent() {
            return Ok(true);
        }
        let own_pass = |allowance: &mut Allowance| {
            read::pass(
                &self.store,
                &self.team,
                &me.id,
                Scope::Own,
                allowance,
                self.clock.now_utc(),
            )
        };
        let mut pass = own_pass(allowance)?;
        // A key learned from one file (the request in events-1 names the
        // key that signs events-2, a rotation the next one's) has the files
        // it could not verify read again at once: a number in any of them is
        // known before the next is given out.
        for _ in 0..MAX_OWN_REREADS {
            if !pass.reread || allowance.is_spent() {
                break;
            }
            pass = own_pass(allowance)?;
        }
        // Files of ours that cannot be read just now may hold numbers of
        // ours: until they are read, nothing is written.
        if !pass.folder_missing && !pass.more && !pass.own_waiting {
            self.team.own_read.store(true, Ordering::SeqCst);
        }
        Ok(pass.more || pass.own_waiting)
    }

    /// Has the team's events written in the background from now on:
    /// `wake` is called when events wait to be sent, and whoever it wakes
    /// reads the team (which sends them first). Commands then never wait
    /// on the folder.
    pub fn send_in_background(&self, wake: impl Fn() + Send + Sync + 'static) {
        *self
            .team
            .sender
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(std::sync::Arc::new(wake));
    }

    /// Who writes this store's events in the background, if anyone: a
    /// further team's store is written by the same writer.
    pub(crate) fn background_sender(&self) -> Option<super::Sender> {
        self.team
            .sender
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    pub(crate) fn send_in_background_with(&self, sender: super::Sender) {
        *self
            .team
            .sender
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(sender);
    }

    /// Events wait to be sent: the background writer is woken, or (without
    /// one) they are written now.
    pub(crate) fn send_team(&self, me: &Profile) {
        let sender = self
            .team
            .sender
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match sender.as_ref() {
            Some(wake) => wake(),
            None => {
                drop(sender);
                let _ = self.flush_team(me);
            }
        }
    }

    fn in_background(&self) -> bool {
        self.team
            .sender
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .is_some()
    }

    pub(crate) fn flush_team(&self, me: &Profile) -> Result<Flushed> {
        self.flush_team_within(me, &mut Allowance::new(Budget::PASS))
    }

    fn flush_team_within(&self, me: &Profile, allowance: &mut Allowance) -> Result<Flushed> {
        let _writer = self
            .team
            .writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if self.read_own_folder(me, allowance)? {
            // Numbers of ours may wait unread in the folder: what waits is
            // written once they are known.
            return Ok(Flushed::default());
        }
        write::flush(&self.store, &self.team, me, self.clock.now_utc())
    }

    /// One pass over the team folder: sends what waits to be sent, then
    /// reads everyone's news within the pass's budget (`more` in the report
    /// says the next pass goes on). Never fails on what is in the folder:
    /// everything wrong is in the report.
    pub fn read_team(&self) -> Result<ReadReport> {
        self.read_team_within(Budget::PASS)
    }

    /// As [`Fanday::read_team`], until everything new is read.
    pub fn read_team_whole(&self) -> Result<ReadReport> {
        self.read_team_within(Budget::WHOLE)
    }

    pub fn read_team_within(&self, budget: Budget) -> Result<ReadReport> {
        let Some(me) = self.profile()? else {
            return Ok(ReadReport::default());
        };
        if membership::joined(&self.store.conn())?.is_none() {
            return Ok(ReadReport::default());
        }
        let now = self.clock.now_utc();
        let mut report = ReadReport::default();
        // One budget for the whole read: its own folder, everyone's, and
        // files read again.
        let mut allowance = Allowance::new(budget);
        let own_more = self.read_own_folder(&me, &mut allowance)?;
        // A key this team has not let in (a backup restored on another PC):
        // ask to come back with it.
        // Reading needs no key: where the keyring cannot be asked, nothing
        // is signed, the status says why, and the reading goes on.
        let mut unsigned = None;
        let mut unless_locked = |signed: Result<()>| match signed {
            Err(err @ CoreError::KeyringUnavailable) => {
                unsigned = Some(report::SendError {
                    code: err.code(),
                    message: err.to_string(),
                });
                Ok(())
            }
            other => other,
        };
        if outbox::team_format(&self.store.conn())? == EVENT_VERSION {
            unless_locked(self.ask_to_join(&me))?;
        }
        unless_locked(reconcile::reconcile(&self.store.conn(), &me, now).map(|_| ()))?;
        let today = self.today();
        unless_locked(tally::publish(&self.store.conn(), &me, today, now).map(|_| ()))?;
        self.take_own(&me)?;
        self.note_flush(&me, &mut report, &mut allowance);
        let mut pass = read::pass(
            &self.store,
            &self.team,
            &me.id,
            Scope::Everyone,
            &mut allowance,
            now,
        )?;
        // Files set to be read again with keys learned in the pass are read
        // at once while the budget lasts (twice at most: each time only
        // when keys changed); else at the next pass.
        for _ in 0..2 {
            if !pass.reread || allowance.is_spent() {
                break;
            }
            let again = read::pass(
                &self.store,
                &self.team,
                &me.id,
                Scope::Everyone,
                &mut allowance,
                now,
            )?;
            pass.new_events += again.new_events;
            pass.more = again.more;
            pass.reread = again.reread;
            pass.own_damaged |= again.own_damaged;
        }
        if pass.own_damaged {
            self.note_flush(&me, &mut report, &mut allowance);
        }
        if self.upgrade_team_if_founder(&me)? {
            self.note_flush(&me, &mut report, &mut allowance);
        }
        report.new_events = pass.new_events;
        report.bytes_read = allowance.bytes();
        report.more = pass.more || own_more;
        report.folder_missing = pass.folder_missing;
        let conn = self.store.conn();
        if me.role == Role::Staff && membership::is_lead(&conn, &me.id) {
            report.became_lead = profile::promote_to_lead(&conn, now)?;
        }
        report.healed |= write::take_healed(&conn)?;
        report.replaced = std::mem::take(
            &mut *self
                .team
                .replaced
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        );
        report.skipped = report::skips(&conn)?;
        report.gaps = report::gaps(&conn)?;
        report.waiting_to_send = report::waiting_to_send(&conn)?;
        report.waiting_files = self.team.waits.list();
        if report.send_error.is_none() {
            report.send_error = unsigned;
        }
        Ok(report)
    }

    fn note_flush(&self, me: &Profile, report: &mut ReadReport, allowance: &mut Allowance) {
        match self.flush_team_within(me, allowance) {
            Ok(_) => report.send_error = None,
            Err(err) => {
                report.send_error = Some(report::SendError {
                    code: err.code(),
                    message: err.to_string(),
                })
            }
        }
    }

    /// After a moment or an exception changed: send to the team what it has
    /// not had yet. A folder that is away is not an error here; the next
    /// read sends it.
    pub(crate) fn sync_team(&self) {
        if let Ok(Some(me)) = self.profile() {
            let now = self.clock.now_utc();
            let today = self.today();
            let conn = self.store.conn();
            let sent = reconcile::reconcile(&conn, &me, now)
                .and_then(|_| tally::publish(&conn, &me, today, now));
            drop(conn);
            if sent.is_ok() && self.take_own(&me).is_ok() {
                self.send_team(&me);
            }
        }
    }

    /// Folds the team's state from the whole log, from empty, as the app
    /// does when it opens (no signature is checked again: the log holds
    /// verified events only). Returns how many events it folded; the state
    /// is not kept (the bench of the fold times this).
    pub fn fold_team_log(&self) -> Result<usize> {
        let conn = self.store.conn();
        let Some(genesis) = super::current::genesis(&conn)? else {
            return Ok(0);
        };
        let events = super::events::all(&conn)?;
        let state = super::fold::fold(&genesis, &events, self.clock.now_utc());
        Ok(state.outcomes.len())
    }

    /// Takes what this PC signed into the team's state (and the screens'
    /// tables); texts of what it withdrew leave the backups too.
    pub(crate) fn take_own(&self, me: &Profile) -> Result<()> {
        let withdrawn =
            self.team
                .current
                .refresh(&self.store.conn(), &me.id, self.clock.now_utc())?;
        super::settle::scrub_backups(&self.store, &withdrawn);
        Ok(())
    }

    pub fn feed(&self, situation: Option<Situation>, limit: u32) -> Result<Vec<feed::Story>> {
        let me = self.current_profile()?;
        feed::feed(&self.store.conn(), &me.id, situation, limit)
    }

    /// Signs and keeps an event, takes it here, and sends it (in the
    /// background, where there is a writer); where the folder is away, it
    /// is sent by a later read.
    pub(crate) fn team_event(&self, body: Body) -> Result<()> {
        let me = self.current_profile()?;
        // Numbers of ours in the folder not read back yet (just after a
        // start) are found by the writer: an event of ours at a number the
        // folder shows taken is signed again with a free one.
        if !self.in_background() {
            self.read_own_folder(&me, &mut Allowance::new(Budget::PASS))?;
        }
        let now = self.clock.now_utc();
        outbox::append(&self.store.conn(), &me, &body, None, now)?.ok_or(CoreError::NoTeam)?;
        self.take_own(&me)?;
        self.send_team(&me);
        Ok(())
    }

    /// A story as the feed names it (its author and id), for an event
    /// about it.
    pub(super) fn story_ref(&self, story: &str) -> Result<(String, String)> {
        query_one(
            &self.store.conn(),
            "SELECT author_id, story_id FROM stories WHERE story_key = ?1",
            [story],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?
        .ok_or(CoreError::NotFound { what: "story" })
    }

    /// Everyone in the team, and who asks to join; leads first.
    pub fn team_members(&self) -> Result<Vec<membership::TeamMember>> {
        let me = self.current_profile()?;
        membership::members(&self.store.conn(), &me.id)
    }

    pub fn applaud(&self, story: &str) -> Result<()> {
        let (story_author, story_id) = self.story_ref(story)?;
        self.team_event(Body::ReactionAdded(StoryRef {
            story_author,
            story_id,
        }))
    }

    pub fn comment(&self, story: &str, text: &str) -> Result<()> {
        let text = text.trim();
        let len = text.chars().count();
        if len == 0 {
            return Err(ValidationError::TextEmpty.into());
        }
        if len > MAX_STORY_CHARS {
            return Err(ValidationError::TextTooLong {
                len,
                max: MAX_STORY_CHARS,
            }
            .into());
        }
        let (story_author, story_id) = self.story_ref(story)?;
        self.team_event(Body::CommentAdded(CommentBody {
            story_author,
            story_id,
            text: text.to_string(),
        }))
    }

    /// A lead marks a story reviewed or featured.
    pub fn review(&self, story: &str, featured: bool) -> Result<()> {
        let me = self.require_lead()?;
        if !membership::is_lead(&self.store.conn(), &me.id) {
            return Err(CoreError::LeadOnly);
        }
        let (story_author, story_id) = self.story_ref(story)?;
        self.team_event(Body::ReviewMarked(ReviewBody {
            story_author,
            story_id,
            mark: if featured {
                Mark::Featured
            } else {
                Mark::Reviewed
            },
        }))
    }
}

//! One pass over the team folder as the app runs it: what waits is sent,
//! this PC's own folder is read back before a number is given out, then
//! everyone's news is read within a budget. Commands only store and queue
//! their events; the background writer (or, without one, the command
//! itself) sends them.

use super::allowance::{Allowance, Budget};
use super::read::{self, Scope};
use super::report::{self, ReadReport};
use super::write::{self, Flushed};
use crate::error::{CoreError, Result};
use crate::lock::locked;
use crate::profile::{self, Profile, Role};
use crate::team::{membership, outbox, recognition_week, reconcile, tally};
use crate::team_event::EVENT_VERSION;
use crate::Fanday;
use std::sync::atomic::Ordering;

/// How many times reading the own folder back goes on while keys learned
/// from it have files read again (each time only when the keys changed).
const MAX_OWN_REREADS: usize = 8;

impl Fanday {
    /// Reads this PC's own folder back once, so that no number it holds is
    /// given out again (after a restored backup, or leaving and joining),
    /// within what is left of `allowance`. Returns whether it stopped at the
    /// budget: the next read goes on, and nothing is written until then.
    pub(crate) fn read_own_folder(&self, me: &Profile, allowance: &mut Allowance) -> Result<bool> {
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
        *locked(&self.team.sender) = Some(std::sync::Arc::new(wake));
    }

    /// Who writes this store's events in the background, if anyone: a
    /// further team's store is written by the same writer.
    pub(crate) fn background_sender(&self) -> Option<super::runtime::Sender> {
        locked(&self.team.sender).clone()
    }

    pub(crate) fn send_in_background_with(&self, sender: super::runtime::Sender) {
        *locked(&self.team.sender) = Some(sender);
    }

    /// Events wait to be sent: the background writer is woken, or (without
    /// one) they are written now.
    pub(crate) fn send_team(&self, me: &Profile) {
        let sender = locked(&self.team.sender);
        match sender.as_ref() {
            Some(wake) => wake(),
            None => {
                drop(sender);
                let _ = self.flush_team(me);
            }
        }
    }

    pub(crate) fn in_background(&self) -> bool {
        locked(&self.team.sender).is_some()
    }

    pub(crate) fn flush_team(&self, me: &Profile) -> Result<Flushed> {
        self.flush_team_within(me, &mut Allowance::new(Budget::PASS))
    }

    fn flush_team_within(&self, me: &Profile, allowance: &mut Allowance) -> Result<Flushed> {
        let _writer = locked(&self.team.writer);
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
        let read = self.read_pass(budget);
        *locked(&self.team.trouble) = match &read {
            Err(err) => Some(err.code().to_string()),
            Ok(report) if report.folder_missing => Some("folder_missing".to_string()),
            Ok(report) => report.send_error.as_ref().map(|sent| sent.code.to_string()),
        };
        read
    }

    /// What stood in the way when this store's team was last read in this
    /// run of the app (a code the window words); none before a reading.
    pub(crate) fn team_trouble(&self) -> Option<String> {
        locked(&self.team.trouble).clone()
    }

    fn read_pass(&self, budget: Budget) -> Result<ReadReport> {
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
        unless_locked(
            recognition_week::publish(&self.store.conn(), &me, today, self.clock.now()).map(|_| ()),
        )?;
        self.take_own(&me)?;
        self.note_flush(&me, &mut report, &mut allowance);
        let everyones_pass = |allowance: &mut Allowance| {
            read::pass(
                &self.store,
                &self.team,
                &me.id,
                Scope::Everyone,
                allowance,
                now,
            )
        };
        let mut pass = everyones_pass(&mut allowance)?;
        // Files set to be read again with keys learned in the pass are read
        // at once while the budget lasts (twice at most: each time only
        // when keys changed); else at the next pass.
        for _ in 0..2 {
            if !pass.reread || allowance.is_spent() {
                break;
            }
            let again = everyones_pass(&mut allowance)?;
            pass.new_events += again.new_events;
            pass.more = again.more;
            pass.reread = again.reread;
            pass.own_damaged |= again.own_damaged;
        }
        // A colleague's applause just read may be this week's first
        // recognition: it is said at once, not at the next pass.
        let mut said = 0;
        if pass.new_events > 0 {
            let (today, now) = (self.today(), self.clock.now());
            unless_locked(
                recognition_week::publish(&self.store.conn(), &me, today, now)
                    .map(|sent| said = sent),
            )?;
        }
        if said > 0 {
            self.take_own(&me)?;
        }
        if pass.own_damaged || said > 0 {
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
        report.replaced = std::mem::take(&mut *locked(&self.team.replaced));
        report.skipped = report::skips(&conn)?;
        report.gaps = report::gaps(&conn)?;
        report.waiting_to_send = report::waiting_to_send(&conn)?;
        report.waiting_files = self.team.waits.list();
        if membership::has_followers(&conn).unwrap_or(false) {
            report.followers_error = locked(&self.team.open_trouble).clone();
            report.waiting_files.extend(self.team.open_waits.list());
        }
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
                .and_then(|_| tally::publish(&conn, &me, today, now))
                .and_then(|_| recognition_week::publish(&conn, &me, today, self.clock.now()));
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
        let Some(genesis) = crate::team::current::genesis(&conn)? else {
            return Ok(0);
        };
        let events = crate::team::events::all(&conn)?;
        let state = crate::team::fold::fold(&genesis, &events, self.clock.now_utc());
        Ok(state.outcomes.len())
    }

    /// Takes what this PC signed into the team's state (and the screens'
    /// tables); texts of what it withdrew leave the backups too.
    pub(crate) fn take_own(&self, me: &Profile) -> Result<()> {
        let withdrawn =
            self.team
                .current
                .refresh(&self.store.conn(), &me.id, self.clock.now_utc())?;
        crate::exchange::settle::scrub_backups(&self.store, &withdrawn);
        Ok(())
    }
}

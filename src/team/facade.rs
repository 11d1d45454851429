//! The team folder as the app and the tests use it: a few calls on
//! [`Fanday`], each a short sequence over the team's rooms. The store's
//! lock is taken for each step on the store, never while the folder is
//! read or written.

use super::body::{Body, CommentBody, GrantBody, Mark, ReviewBody, StoryRef, TeamRole};
use super::membership::{self, TeamInfo, TeamMember, TeamPreview};
use super::read::{self, Budget, Scope};
use super::report::{self, ReadReport};
use super::write::{self, Flushed};
use super::{feed, reconcile, MAX_STORY_CHARS};
use crate::error::{CoreError, Result};
use crate::profile::{self, Profile, Role};
use crate::{Fanday, Situation, ValidationError};
use std::path::Path;
use std::sync::atomic::Ordering;

impl Fanday {
    /// Makes `folder` a team folder with this person as its founder and lead.
    pub fn create_team(&self, name: &str, folder: &Path) -> Result<TeamInfo> {
        let me = self.current_profile()?;
        let now = self.clock.now_utc();
        let key = membership::device_key(&self.store.conn(), now)?.verifying_key();
        let team = membership::new_team_file(name, &me, &key)?;
        membership::found_in(folder, &team, &me, &key)?;
        membership::save_team(&self.store.conn(), &team, folder, &me, &key, now)?;
        self.team.forget_own_read();
        self.sync_team();
        self.team_info()?
            .ok_or_else(|| CoreError::TeamFolder("the team was not saved".into()))
    }

    pub fn preview_team(&self, folder: &Path) -> Result<TeamPreview> {
        membership::preview(folder)
    }

    /// Joins the team in `folder`, pinning the founder's key from team.json.
    pub fn join_team(&self, folder: &Path) -> Result<TeamInfo> {
        let me = self.current_profile()?;
        let now = self.clock.now_utc();
        let team = membership::read_team_file(folder)?;
        let key = membership::device_key(&self.store.conn(), now)?.verifying_key();
        membership::write_member_profile(folder, &me, &key)?;
        membership::save_team(&self.store.conn(), &team, folder, &me, &key, now)?;
        self.team.forget_own_read();
        self.read_team()?;
        self.team_info()?
            .ok_or_else(|| CoreError::TeamFolder("the team was not saved".into()))
    }

    /// Leaves the team on this computer: the team's data here is forgotten;
    /// nothing in the folder is touched.
    pub fn leave_team(&self) -> Result<()> {
        membership::leave(&mut self.store.conn())?;
        self.team.forget_own_read();
        Ok(())
    }

    pub fn team_info(&self) -> Result<Option<TeamInfo>> {
        membership::info(&self.store.conn())
    }

    /// Reads this PC's own folder back once, so that no number it holds is
    /// given out again (after a restored backup, or leaving and joining).
    fn read_own_folder(&self, me: &Profile) -> Result<()> {
        if self.team.own_read.load(Ordering::SeqCst) {
            return Ok(());
        }
        let pass = read::pass(
            &self.store,
            &me.id,
            Scope::Own,
            Budget::WHOLE,
            self.clock.now_utc(),
        )?;
        if !pass.folder_missing {
            self.team.own_read.store(true, Ordering::SeqCst);
        }
        Ok(())
    }

    fn flush_team(&self, me: &Profile) -> Result<Flushed> {
        let _writer = self
            .team
            .writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        self.read_own_folder(me)?;
        write::flush(&self.store, me)
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
        self.read_own_folder(&me)?;
        reconcile::reconcile(&self.store.conn(), &me, now)?;
        self.note_flush(&me, &mut report);
        let pass = read::pass(&self.store, &me.id, Scope::Everyone, budget, now)?;
        if pass.own_damaged {
            self.note_flush(&me, &mut report);
        }
        report.new_events = pass.new_events;
        report.bytes_read = pass.bytes_read;
        report.more = pass.more;
        report.folder_missing = pass.folder_missing;
        let conn = self.store.conn();
        if me.role == Role::Staff && membership::is_lead(&conn, &me.id) {
            report.became_lead = profile::promote_to_lead(&conn, now)?;
        }
        report.healed |= write::take_healed(&conn)?;
        report.skipped = report::skips(&conn)?;
        report.gaps = report::gaps(&conn)?;
        report.waiting_to_send = report::waiting_to_send(&conn)?;
        Ok(report)
    }

    fn note_flush(&self, me: &Profile, report: &mut ReadReport) {
        match self.flush_team(me) {
            Ok(_) => report.send_error = None,
            Err(err) => report.send_error = Some(err.to_string()),
        }
    }

    /// After a moment or an exception changed: send to the team what it has
    /// not had yet. A folder that is away is not an error here; the next
    /// read sends it.
    pub(crate) fn sync_team(&self) {
        if let Ok(Some(me)) = self.profile() {
            let now = self.clock.now_utc();
            if reconcile::reconcile(&self.store.conn(), &me, now).is_ok() {
                let _ = self.flush_team(&me);
            }
        }
    }

    pub fn feed(&self, situation: Option<Situation>, limit: u32) -> Result<Vec<feed::Story>> {
        let me = self.current_profile()?;
        feed::feed(&self.store.conn(), &me.id, situation, limit)
    }

    /// Signs and keeps an event, takes it here, and sends it; where the
    /// folder is away, it is sent by a later read.
    fn team_event(&self, body: Body) -> Result<()> {
        let me = self.current_profile()?;
        self.read_own_folder(&me)?;
        write::append(&self.store.conn(), &me, &body, self.clock.now_utc())?
            .ok_or(CoreError::NoTeam)?;
        let _ = self.flush_team(&me);
        Ok(())
    }

    pub fn applaud(&self, story_id: &str) -> Result<()> {
        self.team_event(Body::ReactionAdded(StoryRef {
            story_id: story_id.to_string(),
        }))
    }

    pub fn comment(&self, story_id: &str, text: &str) -> Result<()> {
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
        self.team_event(Body::CommentAdded(CommentBody {
            story_id: story_id.to_string(),
            text: text.to_string(),
        }))
    }

    /// A lead marks a story reviewed or featured.
    pub fn review(&self, story_id: &str, featured: bool) -> Result<()> {
        if self.current_profile()?.role != Role::Lead {
            return Err(CoreError::LeadOnly);
        }
        self.team_event(Body::ReviewMarked(ReviewBody {
            story_id: story_id.to_string(),
            mark: if featured {
                Mark::Featured
            } else {
                Mark::Reviewed
            },
        }))
    }

    pub fn team_members(&self) -> Result<Vec<TeamMember>> {
        let me = self.current_profile()?;
        membership::members(&self.store.conn(), &me.id)
    }

    /// A team lead makes a colleague a team lead too: their decisions then
    /// count on every computer of the team.
    pub fn grant_lead(&self, member_id: &str) -> Result<()> {
        let me = self.current_profile()?;
        if !membership::is_lead(&self.store.conn(), &me.id) {
            return Err(CoreError::LeadOnly);
        }
        self.team_event(Body::RoleGranted(GrantBody {
            member: member_id.to_string(),
            role: TeamRole::Lead,
        }))
    }
}

//! The team folder as the app and the tests use it: a few calls on
//! [`Fanday`], each a short sequence over the team's rooms. The store's
//! lock is taken for each step on the store, never while the folder is
//! read or written.

use crate::error::{CoreError, Result};
use crate::exchange::allowance::{Allowance, Budget};
use crate::folder::cloud::{self, CloudFolder};
use crate::profile::Profile;
use crate::sql::query_one;
use crate::team::body::{Body, CommentBody, Mark, RequestBody, ReviewBody, StoryRef};
use crate::team::membership::{self, TeamInfo, TeamPreview};
use crate::team::outbox;
use crate::team::{feed, MAX_STORY_CHARS};
use crate::team_event::{public_key_text, EVENT_VERSION};
use crate::{Fanday, Situation, ValidationError};
use rusqlite::OptionalExtension;
use std::path::Path;

impl Fanday {
    /// Makes `folder` a team folder with this person as its founder and lead.
    pub fn create_team(&self, name: &str, folder: &Path) -> Result<TeamInfo> {
        membership::whole_path(folder)?;
        let me = self.current_profile()?;
        let now = self.clock.now_utc();
        let signing = crate::keys::device_key(&self.store.conn(), now)?;
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
        let key = crate::keys::device_key(&self.store.conn(), now)?.verifying_key();
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
            public_key_text(&crate::keys::device_key(&self.store.conn(), now)?.verifying_key());
        let conn = self.store.conn();
        let known: bool = query_one(
            &conn,
            "SELECT EXISTS (SELECT 1 FROM team_members WHERE member_id = ?1 AND public_key = ?2
                              AND status IN ('admitted', 'follower'))
                 OR EXISTS (SELECT 1 FROM team WHERE founder_id = ?1 AND founder_key = ?2)",
            rusqlite::params![me.id, key],
            |row| row.get(0),
        )? || crate::team::events::requests_of(&conn, &me.id)?
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
    pub(crate) fn story_ref(&self, story: &str) -> Result<(String, String)> {
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

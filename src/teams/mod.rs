//! Several teams in one Fanday. The first team a person joins or makes
//! lives in their own store, as it always has; each further team lives in
//! a store of its own (`teams/<team id>/` beside it) with its own key, its
//! own copy of the profile and its own folder, so that each team keeps its
//! own admission, roles and state, and no team's folder holds anything
//! signed with the key another team knows.
//!
//! The person's moments stay in their own store. A further team's store
//! keeps a copy of each under an id of that team's own (its weekly tally
//! then counts all of this person's fans), shared there only when the
//! person picked that team (`moment_teams`). One team is in view at a
//! time; its screens show it.

mod copies;
mod stores;

use crate::error::{CoreError, Result};
use crate::side_store::plain_id;
use crate::team::TeamInfo;
use crate::{Fanday, Role};
use serde::Serialize;
use std::ops::Deref;
use std::path::Path;
use std::sync::Arc;

pub(crate) use stores::Opened;

/// The setting of the person's store: the team last in view.
const IN_VIEW: &str = "teams.in_view";

/// A team this person is in, as the team switch lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamChoice {
    pub team_id: String,
    /// This person in that team (each team knows them by its own id).
    pub member_id: String,
    pub name: String,
    /// This person leads it.
    pub is_lead: bool,
    /// As in [`TeamInfo::my_status`].
    pub my_status: String,
    pub in_view: bool,
    /// Held in the person's own store: shared with through a moment's own
    /// `shared`, the further ones through `also_shared_with`.
    pub own: bool,
    /// What stood in the way when the team was last read in this run of
    /// the app (a code the window words), none before a reading: a team
    /// out of view that needs a look says so in the switch.
    pub trouble: Option<String>,
}

/// The store whose team is in view: the person's own, or a further team's.
pub enum TeamView<'a> {
    Own(&'a Fanday),
    Further(Arc<Fanday>),
}

impl Deref for TeamView<'_> {
    type Target = Fanday;

    fn deref(&self) -> &Fanday {
        match self {
            TeamView::Own(own) => own,
            TeamView::Further(further) => further,
        }
    }
}

impl Fanday {
    /// The team this store holds, without a look at its folder (which may
    /// be a share that does not answer just now).
    fn held_team(&self) -> Result<Option<TeamInfo>> {
        crate::team::membership::info(&self.store.conn())
    }

    /// The teams this person is in: their own store's first, then the
    /// further ones by name. Empty when they are in no team. A further
    /// team's store that cannot be read just now is left out.
    pub fn teams(&self) -> Result<Vec<TeamChoice>> {
        self.recover_made();
        let in_view = self.in_view_id()?;
        let choice = |store: &Fanday, own: bool| -> Option<TeamChoice> {
            let info = store.held_team().ok()??;
            let me = store.current_profile().ok()?;
            Some(TeamChoice {
                own,
                in_view: in_view == info.team_id,
                is_lead: crate::team::is_lead(&store.store.conn(), &me.id),
                member_id: me.id,
                team_id: info.team_id,
                name: info.name,
                my_status: info.my_status,
                trouble: store.team_trouble(),
            })
        };
        let mut further: Vec<TeamChoice> = self
            .further_teams()
            .iter()
            .filter_map(|(_, store)| choice(store, false))
            .collect();
        further.sort_by_key(|team| team.name.to_lowercase());
        let mut teams: Vec<TeamChoice> = choice(self, true).into_iter().collect();
        teams.extend(further);
        Ok(teams)
    }

    /// The id of the team in view: the one last picked while the person is
    /// still in it, else their own store's team, else the first further
    /// one; empty in no team.
    fn in_view_id(&self) -> Result<String> {
        Ok(self.in_view()?.0)
    }

    /// The team in view, with its store when it is a further team's.
    fn in_view(&self) -> Result<(String, Option<Arc<Fanday>>)> {
        let picked = crate::reminder::setting(&self.store.conn(), IN_VIEW)?;
        let mut further = self.further_teams();
        if let Some(at) = further
            .iter()
            .position(|(id, _)| Some(id) == picked.as_ref())
        {
            let (id, store) = further.swap_remove(at);
            return Ok((id, Some(store)));
        }
        if let Some(own) = self.held_team()? {
            return Ok((own.team_id, None));
        }
        Ok(match further.into_iter().next() {
            Some((id, store)) => (id, Some(store)),
            None => (String::new(), None),
        })
    }

    /// The store whose team the team screens show.
    pub fn team_in_view(&self) -> Result<TeamView<'_>> {
        Ok(match self.in_view()?.1 {
            Some(store) => TeamView::Further(store),
            None => TeamView::Own(self),
        })
    }

    /// Puts the team `team_id` in view (remembered across starts).
    pub fn show_team(&self, team_id: &str) -> Result<Vec<TeamChoice>> {
        if !self.teams()?.iter().any(|team| team.team_id == team_id) {
            return Err(CoreError::NotFound { what: "team" });
        }
        self.note_in_view(team_id)?;
        self.teams()
    }

    fn note_in_view(&self, team_id: &str) -> Result<()> {
        crate::sql::exec(
            &self.store.conn(),
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            rusqlite::params![IN_VIEW, team_id],
        )?;
        Ok(())
    }

    /// Makes `folder` a team folder with this person as its lead: in their
    /// own store when it holds no team yet, else in a store of its own.
    /// The new team is put in view.
    pub fn found_team(&self, name: &str, folder: &Path) -> Result<TeamInfo> {
        let info = if self.held_team()?.is_none() {
            self.create_team(name, folder)?
        } else {
            self.make_further(Role::Lead, |store| store.create_team(name, folder))?
        };
        self.note_in_view(&info.team_id)?;
        Ok(info)
    }

    /// Joins the team in `folder` (after the person compared the founder's
    /// fingerprint): in their own store when it holds no team yet, else in
    /// a store of its own. The team is put in view.
    pub fn enter_team(&self, folder: &Path, founder_fingerprint: &str) -> Result<TeamInfo> {
        let preview = self.preview_team(folder)?;
        let own = self.held_team()?;
        let in_it = own.iter().any(|own| own.team_id == preview.team_id)
            || self
                .further_teams()
                .iter()
                .any(|(id, _)| *id == preview.team_id);
        if in_it {
            return Err(CoreError::AlreadyInTeam);
        }
        let info = if own.is_none() {
            self.join_team(folder, founder_fingerprint)?
        } else {
            if !plain_id(&preview.team_id) {
                return Err(CoreError::TeamFolder(
                    "this folder's team.json names its team oddly; it cannot be joined beside another team".into(),
                ));
            }
            self.make_further(Role::Staff, |store| {
                let info = store.join_team(folder, founder_fingerprint)?;
                if info.team_id == preview.team_id {
                    Ok(info)
                } else {
                    Err(CoreError::TeamFileChanged)
                }
            })?
        };
        self.note_in_view(&info.team_id)?;
        Ok(info)
    }

    /// Leaves the team in view, and puts another in view. A further team's
    /// store is erased (nothing in the team's folder is touched but what
    /// leaving writes); the person's own team is left as before.
    pub fn leave_team_in_view(&self) -> Result<()> {
        let next = match self.team_in_view()? {
            TeamView::Own(own) => {
                own.leave_team()?;
                self.further_teams().into_iter().next().map(|(id, _)| id)
            }
            TeamView::Further(further) => {
                let left = further.held_team()?.map(|team| team.team_id);
                further.leave_team()?;
                drop(further);
                if let Some(left) = left {
                    self.forget_picks_of(&left)?;
                    self.erase_further(&left);
                }
                self.held_team()?.map(|team| team.team_id)
            }
        };
        self.note_in_view(&next.unwrap_or_default())
    }

    /// Reads the team in view once (a further team's copies of the
    /// moments made right first, once a run of the app).
    pub fn read_team_in_view(&self) -> Result<crate::team::ReadReport> {
        match self.team_in_view()? {
            TeamView::Own(own) => own.read_team(),
            TeamView::Further(further) => {
                if let Some(team) = further.held_team()? {
                    self.catch_up_once(&team.team_id, &further);
                }
                further.read_team()
            }
        }
    }

    /// Reads once the folder of every team this person is in but the one
    /// in view (whose reading the window follows); returns the new events.
    /// A folder that cannot be read now is read next time.
    pub fn read_teams_out_of_view(&self) -> Result<u32> {
        let in_view = self.in_view_id()?;
        let mut new_events = 0;
        if let Some(own) = self.held_team()? {
            if own.team_id != in_view {
                new_events += self.read_team().map_or(0, |report| report.new_events);
            }
        }
        for (team_id, store) in self.further_teams() {
            if team_id != in_view {
                self.catch_up_once(&team_id, &store);
                new_events += store.read_team().map_or(0, |report| report.new_events);
            }
        }
        Ok(new_events)
    }

    /// Reads every team this person is in once, the one in view first (as
    /// the command line and the tests do); returns the new events.
    pub fn read_every_team(&self) -> Result<u32> {
        let in_view = self
            .read_team_in_view()
            .map_or(0, |report| report.new_events);
        Ok(in_view + self.read_teams_out_of_view()?)
    }

    /// Switches this person's weekly tallies on or off in every team they
    /// are in: a count of their fans is theirs to give or keep.
    pub fn set_tally_sharing_in_every_team(&self, on: bool) -> Result<()> {
        self.set_tally_sharing(on)?;
        for (_, store) in self.further_teams() {
            store.set_tally_sharing(on)?;
        }
        Ok(())
    }
}

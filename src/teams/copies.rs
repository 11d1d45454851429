//! The person's moments in the further teams' stores: a copy of each under
//! an id of that team's own, shared in a team only when the person picked
//! it.

use crate::error::{CoreError, Result};
use crate::{moment, Fanday, Profile, ProfileInput};
use rusqlite::{params, Connection};
use sha2::{Digest, Sha256};
use std::collections::HashSet;

/// The id a moment's copy has in a team: its own for each team, so that
/// two teams' folders read side by side do not tell that one person wrote
/// two stories; the same on every run.
pub(crate) fn copy_id(team_id: &str, moment_id: &str) -> String {
    let digest = Sha256::digest(format!("fanday copy\n{team_id}\n{moment_id}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes)
        .into_uuid()
        .to_string()
}

impl Fanday {
    /// Refuses picks of teams the person is not in (now), before anything
    /// is saved; returns the further teams there are now, for `set_picks`.
    pub(crate) fn check_picks(&self, team_ids: &[String]) -> Result<Vec<String>> {
        let further: Vec<String> = self.further_teams().into_iter().map(|(id, _)| id).collect();
        if team_ids.iter().any(|id| !further.contains(id)) {
            return Err(CoreError::NotFound { what: "team" });
        }
        Ok(further)
    }

    /// Notes which further teams a moment is shared with: `team_ids` of
    /// the teams `listed` now (a team whose store cannot be read just now
    /// keeps what it had).
    pub(crate) fn set_picks(
        conn: &Connection,
        moment_id: &str,
        team_ids: &[String],
        listed: &[String],
    ) -> Result<()> {
        for team_id in listed {
            conn.execute(
                "DELETE FROM moment_teams WHERE moment_id = ?1 AND team_id = ?2",
                params![moment_id, team_id],
            )?;
        }
        for team_id in team_ids {
            conn.execute(
                "INSERT OR IGNORE INTO moment_teams (moment_id, team_id) VALUES (?1, ?2)",
                params![moment_id, team_id],
            )?;
        }
        Ok(())
    }

    /// Shares the moment `moment_id` with the further teams `team_ids`
    /// (and with no other further team): the person's own team is shared
    /// with through the moment's own `shared`.
    pub fn share_moment_with(&self, moment_id: &str, team_ids: &[String]) -> Result<crate::Moment> {
        let listed = self.check_picks(team_ids)?;
        {
            let conn = self.store.conn();
            moment::get(&conn, moment_id)?;
            Fanday::set_picks(&conn, moment_id, team_ids, &listed)?;
        }
        self.copy_moment_to_teams(moment_id);
        moment::get(&self.store.conn(), moment_id)
    }

    /// A further team left: no moment is shared with it any more.
    pub(super) fn forget_picks_of(&self, team_id: &str) -> Result<()> {
        crate::sql::exec(
            &self.store.conn(),
            "DELETE FROM moment_teams WHERE team_id = ?1",
            [team_id],
        )?;
        Ok(())
    }

    /// Writes the moment as it is now (deleted too) into every further
    /// team's store, and lets each send what changed to its team. A store
    /// that cannot be written now is made right before it is next read.
    pub(crate) fn copy_moment_to_teams(&self, moment_id: &str) {
        let further = self.further_teams();
        if further.is_empty() {
            return;
        }
        let Ok((moment, deleted_at)) = moment::get_any(&self.store.conn(), moment_id) else {
            return;
        };
        for (team_id, store) in further {
            let shared = moment.also_shared_with.contains(&team_id);
            let copied = store.current_profile().and_then(|me| {
                let id = copy_id(&team_id, &moment.id);
                moment::put_copy(
                    &store.store.conn(),
                    &me.id,
                    &id,
                    &moment,
                    shared,
                    deleted_at,
                )
            });
            match copied {
                Ok(()) => store.sync_team(),
                Err(_) => self.copy_later(&store),
            }
        }
    }

    /// The person's name and language, as they set them, in every further
    /// team's store (each keeps the role that team gave them).
    pub(crate) fn copy_profile_to_teams(&self, me: &Profile) -> Result<()> {
        for (_, store) in self.further_teams() {
            let role = store.current_profile()?.role;
            store.save_profile(&ProfileInput {
                display_name: me.display_name.clone(),
                role,
                language: me.language,
            })?;
        }
        Ok(())
    }

    /// Makes a further team's copies of the moments what the person's own
    /// moments are: every moment copied with the team's pick, and a copy
    /// whose moment is gone (a backup restored) deleted.
    pub(super) fn copy_all_moments(&self, team_id: &str, store: &Fanday) -> Result<()> {
        let author = store.current_profile()?.id;
        let ids = moment::all_ids(&self.store.conn())?;
        let mut copies = HashSet::new();
        let mut conn = store.store.conn();
        let tx = conn.transaction()?;
        for id in ids {
            let (moment, deleted_at) = moment::get_any(&self.store.conn(), &id)?;
            let shared = moment.also_shared_with.iter().any(|t| t == team_id);
            let copy = copy_id(team_id, &moment.id);
            moment::put_copy(&tx, &author, &copy, &moment, shared, deleted_at)?;
            copies.insert(copy);
        }
        for id in moment::all_ids(&tx)? {
            if !copies.contains(&id) {
                moment::put_gone(&tx, &id, self.clock.now_utc())?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

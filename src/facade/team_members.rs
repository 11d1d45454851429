//! Who is in the team, as a lead changes it: admitting or declining a
//! request (after comparing the key's fingerprint with the person),
//! removing a member, giving or taking back the lead role; a member
//! rotating their own key; and the founder moving a format-1 team to
//! format 2.

use crate::error::{CoreError, Result};
use crate::profile::Profile;
use crate::sql::query_one;
use crate::team::body::{AdmitBody, Body, DeclineBody, RemoveBody, RoleBody, RotateBody, TeamRole};
use crate::team::membership::{self, TeamFile};
use crate::team::outbox::team_format;
use crate::team_event::{new_signing_key, public_key_text, EVENT_VERSION, LEGACY_VERSION};
use crate::Fanday;
use rusqlite::{params, OptionalExtension};

impl Fanday {
    fn as_team_lead(&self) -> Result<Profile> {
        let me = self.current_profile()?;
        if !membership::is_lead(&self.store.conn(), &me.id) {
            return Err(CoreError::LeadOnly);
        }
        if membership::joined(&self.store.conn())?.is_none() {
            return Err(CoreError::NoTeam);
        }
        Ok(me)
    }

    /// A member's highest event number this PC has read of their own (on
    /// their chain), with its hash: what a lead's step about them holds
    /// after. Lines anyone else wrote into their folder never raise it.
    fn chain_end(&self, member: &str) -> Result<(u64, String)> {
        let me = self.current_profile()?;
        let conn = self.store.conn();
        let auth = self
            .team
            .current
            .authority(&conn, &me.id, self.clock.now_utc())?;
        Ok(
            crate::team::events::own_end(&conn, member, |event| auth.is_own_line(event))?
                .unwrap_or_default(),
        )
    }
}

/// A request to come in, as a lead answers it.
struct Asked {
    key: String,
    name: String,
    /// The request's number: the key counts for the numbers from it on.
    asked_at: u64,
    /// To follow the team read-only, not to be a member.
    follow: bool,
}

impl Fanday {
    /// The request a lead answers: only the one whose key they compared.
    fn request_of(&self, member: &str, compared: &str) -> Result<Asked> {
        let conn = self.store.conn();
        let (key, name, status): (String, String, String) = query_one(
            &conn,
            "SELECT public_key, name, status FROM team_members
              WHERE member_id = ?1 AND status IN ('pending', 'returning', 'asks_to_follow')",
            [member],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?
        .ok_or(CoreError::NotFound {
            what: "request to join",
        })?;
        let asked_at = crate::team::events::requests_of(&conn, member)?
            .into_iter()
            .filter(|(_, asked)| *asked == key)
            .map(|(seq, _)| seq)
            .max()
            .unwrap_or(1)
            .max(1);
        drop(conn);
        let request = Asked {
            key,
            name,
            asked_at,
            follow: status == "asks_to_follow",
        };
        let shown = crate::team_event::parse_public_key(&request.key)
            .map(|key| crate::team_event::fingerprint(&key))
            .unwrap_or_default();
        if shown != compared.trim() {
            return Err(CoreError::RequestKeyChanged);
        }
        Ok(request)
    }

    /// A lead lets a person in, after comparing the key's fingerprint with
    /// them: their events count from their request on, with that key (and
    /// only that key: a newer request since is not let in by this).
    pub fn admit(&self, member: &str, compared_fingerprint: &str) -> Result<()> {
        self.let_in(member, compared_fingerprint, false)
    }

    /// A lead lets a person follow the team's weekly numbers read-only (a
    /// region), after comparing the key's fingerprint with them: their key
    /// is known from then on, and nothing it signs counts.
    pub fn let_follow(&self, member: &str, compared_fingerprint: &str) -> Result<()> {
        self.let_in(member, compared_fingerprint, true)
    }

    /// Only as the lead saw the request: one that asks to join now, where
    /// it asked to follow (or the other way), is not answered.
    fn let_in(&self, member: &str, compared_fingerprint: &str, follow: bool) -> Result<()> {
        self.as_team_lead()?;
        let asked = self.request_of(member, compared_fingerprint)?;
        if asked.follow != follow {
            return Err(CoreError::RequestChanged);
        }
        let admit = AdmitBody {
            member: member.to_string(),
            key: asked.key,
            name: asked.name,
            after: asked.asked_at - 1,
            legacy_until: 0,
        };
        self.team_event(if follow {
            Body::FollowAdmitted(admit)
        } else {
            Body::MemberAdmitted(admit)
        })
    }

    pub fn decline(&self, member: &str, compared_fingerprint: &str) -> Result<()> {
        self.as_team_lead()?;
        let asked = self.request_of(member, compared_fingerprint)?;
        self.team_event(Body::MemberDeclined(DeclineBody {
            member: member.to_string(),
            key: asked.key,
        }))
    }

    /// A lead removes a member: what they sign from now on no longer counts;
    /// what they wrote before stays.
    pub fn remove_member(&self, member: &str) -> Result<()> {
        let me = self.as_team_lead()?;
        if member == me.id {
            return Err(CoreError::RemoveSelf);
        }
        let (after, after_hash) = self.chain_end(member)?;
        self.team_event(Body::MemberRemoved(RemoveBody {
            member: member.to_string(),
            after,
            after_hash,
        }))
    }

    /// A team lead makes a colleague a team lead too: their decisions from
    /// now on count on every computer of the team.
    pub fn grant_lead(&self, member: &str) -> Result<()> {
        self.as_team_lead()?;
        let after = self.chain_end(member)?.0;
        self.team_event(Body::RoleGranted(RoleBody {
            member: member.to_string(),
            role: TeamRole::Lead,
            after,
        }))
    }

    /// A lead takes the lead role back: what the colleague signs from now
    /// on counts as a member's. The team's last lead keeps the role.
    pub fn revoke_lead(&self, member: &str) -> Result<()> {
        self.as_team_lead()?;
        let leads: i64 = query_one(
            &self.store.conn(),
            "SELECT count(*) FROM team_leads",
            [],
            |row| row.get(0),
        )?;
        if leads <= 1 {
            return Err(CoreError::LastLead);
        }
        let after = self.chain_end(member)?.0;
        self.team_event(Body::RoleRevoked(RoleBody {
            member: member.to_string(),
            role: TeamRole::Lead,
            after,
        }))
    }

    /// A new key for this PC, announced signed by the old one: what the old
    /// key signs from then on does not count.
    pub fn rotate_key(&self) -> Result<String> {
        let me = self.current_profile()?;
        if team_format(&self.store.conn())? != EVENT_VERSION {
            return Err(CoreError::TeamNotUpgraded);
        }
        let new = new_signing_key()
            .ok_or_else(|| CoreError::TeamFolder("no randomness for a new key".into()))?;
        let rotated = self.team_event(Body::KeyRotated(RotateBody {
            key: public_key_text(&new.verifying_key()),
        }));
        match rotated {
            Ok(()) => {
                crate::keys::replace_device_key(&self.store.conn(), &new, self.clock.now_utc())?;
            }
            // The old key cannot sign its successor: the new key asks to
            // come back, and a lead lets it in after comparing it.
            Err(CoreError::KeyringUnavailable) => {
                crate::keys::replace_device_key(&self.store.conn(), &new, self.clock.now_utc())?;
                self.ask_to_join(&me)?;
            }
            Err(err) => return Err(err),
        }
        self.send_team(&me);
        Ok(crate::team_event::fingerprint(&new.verifying_key()))
    }

    /// The founder's first read with this Fanday moves a format-1 team to
    /// format 2: each member the founder knows is admitted with the key
    /// pinned for them, their format-1 events counting up to the highest
    /// read, and team.json is written again, signed. Returns whether it did.
    pub(crate) fn upgrade_team_if_founder(&self, me: &Profile) -> Result<bool> {
        let joined = {
            let conn = self.store.conn();
            let Some(joined) = membership::joined(&conn)? else {
                return Ok(false);
            };
            let (format, founder): (u32, String) =
                conn.query_row("SELECT format, founder_id FROM team", [], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })?;
            if format != LEGACY_VERSION || founder != me.id {
                return Ok(false);
            }
            joined
        };
        // team.json is read without the store's lock: a slow share never
        // holds up the rest of the app.
        let Ok(old) = membership::read_team_file(&joined.folder) else {
            return Ok(false);
        };
        let conn = self.store.conn();
        let known: Vec<(String, String, String)> = conn
            .prepare(
                "SELECT member_id, public_key, name FROM team_members
                  WHERE member_id <> ?1 AND public_key <> ''",
            )?
            .query_map([&me.id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let known = known
            .into_iter()
            .map(|(member, key, name)| {
                let highest = crate::team::events::highest_seq(&conn, &member, None)?;
                Ok((member, key, name, highest))
            })
            .collect::<Result<Vec<_>>>()?;
        let created_at = crate::team::events::first_at(&conn)?;
        let my_highest = crate::team::events::highest_seq(&conn, &me.id, None)?;
        let key = crate::keys::device_key(&conn, self.clock.now_utc())?;
        drop(conn);
        let team = TeamFile {
            v: EVENT_VERSION,
            founder_name: membership::truncate(&me.display_name, 60),
            created_at: Some(created_at.unwrap_or_else(|| self.clock.now_utc())),
            legacy_until: my_highest,
            sig: String::new(),
            ..old
        }
        .sign(&key);
        membership::write_team_file(&joined.folder, &team)?;
        self.store.conn().execute(
            "UPDATE team SET format = ?1, created_at = ?2, founder_name = ?3",
            params![EVENT_VERSION, team.created_at, team.founder_name],
        )?;
        for (member, key, name, highest) in known {
            self.team_event(Body::MemberAdmitted(AdmitBody {
                member,
                key,
                name,
                after: 0,
                legacy_until: highest,
            }))?;
        }
        Ok(true)
    }
}

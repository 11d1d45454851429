//! Who counts in the team, who leads, and with which key: the founder from
//! the signed team.json, then every admission, decline, removal, rename,
//! key rotation, grant and revocation replayed in order (time, then hash),
//! each counting only if its signer could sign it at their own number. A
//! member's state is a step function of their event numbers: a removal at
//! `after` stops their later events from counting, never their earlier
//! ones.

use super::body::{Body, RoleBody};
use super::refusal::Refusal;
use super::rules::Outcome;
use crate::error::Result;
use crate::sql::exec;
use crate::team_event::{parse_public_key, EVENT_VERSION, LEGACY_VERSION};
use chrono::{DateTime, Utc};
use ed25519_dalek::VerifyingKey;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::BTreeMap;

/// A value that holds for a member's event numbers after each boundary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Steps<T>(Vec<(u64, T)>);

impl<T> Default for Steps<T> {
    fn default() -> Self {
        Steps(Vec::new())
    }
}

impl<T: Clone + PartialEq> Steps<T> {
    /// From the numbers after `after` on, `value` holds (until a later step).
    pub fn set_after(&mut self, after: u64, value: T) {
        let at = self.0.partition_point(|(b, _)| *b <= after);
        self.0.insert(at, (after, value));
    }

    /// As [`Steps::set_after`], but giving way to a step already set at the
    /// same boundary (a lead's admission there holds over a member's own
    /// rotation at the same number).
    pub fn set_after_unless_set(&mut self, after: u64, value: T) {
        let at = self.0.partition_point(|(b, _)| *b < after);
        self.0.insert(at, (after, value));
    }

    pub fn at(&self, seq: u64) -> Option<&T> {
        let at = self.0.partition_point(|(b, _)| *b < seq);
        at.checked_sub(1)
            .and_then(|i| self.0.get(i))
            .map(|(_, v)| v)
    }

    pub fn last(&self) -> Option<&T> {
        self.0.last().map(|(_, v)| v)
    }

    pub fn steps(&self) -> impl Iterator<Item = &(u64, T)> {
        self.0.iter()
    }
}

/// A request to join that no lead has answered yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub seq: u64,
    pub key: VerifyingKey,
    pub name: String,
    pub declined: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberAuth {
    pub keys: Steps<VerifyingKey>,
    pub admitted: Steps<bool>,
    pub lead: Steps<bool>,
    pub name: String,
    /// Format-1 events count up to this number (the upgrade's admission).
    pub legacy_until: u64,
    pub request: Option<Request>,
    /// Keys a lead declined: a request with one of them stays declined.
    pub declined: Vec<VerifyingKey>,
}

impl MemberAuth {
    pub fn counts(&self, seq: u64) -> bool {
        self.admitted.at(seq) == Some(&true)
    }

    pub fn status(&self) -> &'static str {
        match (self.admitted.last(), &self.request) {
            (Some(true), Some(r)) if !r.declined && self.keys.last() != Some(&r.key) => "returning",
            (Some(true), _) => "admitted",
            (Some(false), _) => "removed",
            (None, Some(r)) if r.declined => "declined",
            (None, Some(_)) => "pending",
            (None, None) => "unknown",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Authority {
    pub format: u32,
    pub team_id: String,
    pub founder: String,
    pub created_at: Option<DateTime<Utc>>,
    pub members: BTreeMap<String, MemberAuth>,
}

impl Authority {
    pub fn member(&self, member: &str) -> Option<&MemberAuth> {
        self.members.get(member)
    }

    /// Does an event with this number, signed with `key`, count?
    pub fn counts_signed(&self, member: &str, seq: u64, key: &VerifyingKey) -> bool {
        self.members
            .get(member)
            .is_some_and(|m| m.counts(seq) && m.keys.at(seq) == Some(key))
    }

    pub fn counts(&self, member: &str, seq: u64) -> bool {
        self.members.get(member).is_some_and(|m| m.counts(seq))
    }

    /// May this key take back what `member` shared? Taking back only ever
    /// erases the member's own stories, so it counts with the key the team
    /// knew for that number even after a removal, and with the key of a
    /// request to join nobody has answered yet.
    pub fn may_withdraw(&self, member: &str, seq: u64, key: &VerifyingKey) -> bool {
        self.is_members_key(member, seq, key)
    }

    /// Is `key` the member's own at `seq`: the key the team knew for that
    /// number (also after a removal), or, for someone never let in, the key
    /// of their request? Only such lines say which numbers the member used.
    pub fn is_members_key(&self, member: &str, seq: u64, key: &VerifyingKey) -> bool {
        self.members.get(member).is_some_and(|m| {
            m.keys.at(seq) == Some(key)
                || (m.admitted.last().is_none()
                    && m.request
                        .as_ref()
                        .is_some_and(|r| r.key == *key && r.seq <= seq))
        })
    }

    /// Does an event of `member` at `seq`, in format `v`, signed with the
    /// key written as `signer`, speak for that member? Only with the key
    /// the team let in for that number: a key that only asked to come in
    /// (written into anyone's folder by anyone) speaks for nobody.
    pub fn speaks_for(&self, member: &str, seq: u64, v: u32, signer: &str) -> bool {
        if v != EVENT_VERSION {
            let pinned = self
                .members
                .get(member)
                .and_then(|m| m.keys.at(seq))
                .map(crate::team_event::public_key_text);
            return self.counts(member, seq)
                && self.legacy_counts(member, seq)
                && (signer.is_empty() || pinned.as_deref() == Some(signer));
        }
        parse_public_key(signer).is_some_and(|key| self.counts_signed(member, seq, &key))
    }

    pub fn is_lead_at(&self, member: &str, seq: u64) -> bool {
        self.members
            .get(member)
            .is_some_and(|m| m.counts(seq) && m.lead.at(seq) == Some(&true))
    }

    pub fn is_lead_now(&self, member: &str) -> bool {
        self.members
            .get(member)
            .is_some_and(|m| m.admitted.last() == Some(&true) && m.lead.last() == Some(&true))
    }

    fn leads_now(&self) -> usize {
        self.members.keys().filter(|m| self.is_lead_now(m)).count()
    }

    /// Does a format-1 event with this number still count (in a team that
    /// moved to format 2, only up to the upgrade)?
    pub fn legacy_counts(&self, member: &str, seq: u64) -> bool {
        self.format == LEGACY_VERSION
            || self
                .members
                .get(member)
                .is_some_and(|m| seq <= m.legacy_until)
    }

    fn entry(&mut self, member: &str) -> &mut MemberAuth {
        self.members.entry(member.to_string()).or_default()
    }
}

struct Step {
    id: String,
    member: String,
    seq: u64,
    v: u32,
    /// The key that signed it; empty for format-1 events stored before
    /// signers were kept (those were checked against the pinned key).
    signer: String,
    body: Body,
}

/// The last replay, kept while no authority event arrives (a read every
/// minute then costs no replay).
#[derive(Default)]
pub struct Cache(std::sync::Mutex<Option<(Version, Authority)>>);

/// What the replay depends on: the team's format, how many authority
/// events there are, the newest one, how many wait for their date, and how
/// many were put aside after being taken (a row put aside and another
/// taken can leave the count and the newest row as they were).
type Version = (u32, i64, i64, i64, i64);

impl Cache {
    pub fn load(&self, conn: &Connection) -> Result<Authority> {
        let version: Version = conn.query_row(
            "SELECT (SELECT format FROM team), count(*), coalesce(max(rowid), 0),
                    coalesce(sum(reason IS 'date_out_of_range'), 0),
                    (SELECT count(*) FROM team_forks)
               FROM team_events INDEXED BY team_events_authority
              WHERE kind LIKE 'member.%' OR kind LIKE 'role.%' OR kind = 'key.rotated'",
            [],
            |row| {
                Ok((
                    row.get::<_, Option<u32>>(0)?.unwrap_or(0),
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                ))
            },
        )?;
        let mut cached = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Format 1 depends on pins and grants kept elsewhere: replayed always.
        if version.0 == EVENT_VERSION {
            if let Some((at, authority)) = cached.as_ref() {
                if *at == version {
                    return Ok(authority.clone());
                }
            }
        }
        let (authority, _) = load(conn)?;
        *cached = Some((version, authority.clone()));
        Ok(authority)
    }
}

/// The team's authority as the stored events make it; with what became of
/// each authority event.
pub fn load(conn: &Connection) -> Result<(Authority, Vec<(String, Outcome)>)> {
    let team = conn
        .query_row(
            "SELECT team_id, founder_id, founder_key, founder_name, format, created_at FROM team",
            [],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, u32>(4)?,
                    row.get::<_, Option<DateTime<Utc>>>(5)?,
                ))
            },
        )
        .optional()?;
    let Some((team_id, founder, founder_key, founder_name, format, created_at)) = team else {
        return Ok((Authority::default(), Vec::new()));
    };
    let mut auth = Authority {
        format,
        team_id,
        founder: founder.clone(),
        created_at,
        members: BTreeMap::new(),
    };
    if format == LEGACY_VERSION {
        load_legacy(conn, &mut auth)?;
        return Ok((auth, Vec::new()));
    }
    if let Some(key) = parse_public_key(&founder_key) {
        let legacy_until: i64 = conn
            .query_row(
                "SELECT coalesce(max(seq), 0) FROM team_events WHERE member_id = ?1 AND v = 1",
                [&founder],
                |row| row.get(0),
            )
            .unwrap_or(0);
        let entry = auth.entry(&founder);
        entry.keys.set_after(0, key);
        entry.admitted.set_after(0, true);
        entry.lead.set_after(0, true);
        entry.name = founder_name;
        entry.legacy_until = legacy_until.max(0) as u64;
    }
    let steps: Vec<Step> = conn
        .prepare_cached(
            "SELECT id, member_id, seq, v, kind, body, signer
               FROM team_events INDEXED BY team_events_authority
              WHERE (kind LIKE 'member.%' OR kind LIKE 'role.%' OR kind = 'key.rotated')
                AND reason IS NOT 'date_out_of_range'
              ORDER BY at, coalesce(hash, id)",
        )?
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, u32>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, String>(5)?,
                row.get::<_, String>(6)?,
            ))
        })?
        .filter_map(|row| {
            let (id, member, seq, v, kind, body, signer) = row.ok()?;
            let body = Body::parse(&kind, &serde_json::from_str(&body).ok()?).ok()?;
            Some(Step {
                id,
                member,
                seq: seq.max(0) as u64,
                v,
                signer,
                body,
            })
        })
        .collect();
    // First what leads decide, in the order they decided it; then what each
    // member says of themselves (requests, names, new keys), in their own
    // order, against who counts as that has made it. A member's own steps
    // never depend on a clock.
    let (own, by_leads): (Vec<Step>, Vec<Step>) = steps.into_iter().partition(|step| {
        matches!(
            step.body,
            Body::MemberRequested(_) | Body::MemberRenamed(_) | Body::KeyRotated(_)
        )
    });
    let mut own = own;
    own.sort_by(|a, b| a.member.cmp(&b.member).then(a.seq.cmp(&b.seq)));
    let mut outcomes = Vec::with_capacity(by_leads.len() + own.len());
    for step in by_leads.into_iter().chain(own) {
        let outcome = replay(&mut auth, &step);
        outcomes.push((step.id, outcome));
    }
    Ok((auth, outcomes))
}

/// Format 1: keys pinned at first sight, leads that only grow.
fn load_legacy(conn: &Connection, auth: &mut Authority) -> Result<()> {
    let members: Vec<(String, String, String)> = conn
        .prepare_cached("SELECT member_id, public_key, name FROM team_members")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (member, key, name) in members {
        let Some(key) = parse_public_key(&key) else {
            continue;
        };
        let entry = auth.entry(&member);
        entry.keys.set_after(0, key);
        entry.admitted.set_after(0, true);
        entry.name = name;
    }
    let leads: Vec<String> = conn
        .prepare_cached("SELECT member_id FROM team_leads")?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for lead in leads {
        auth.entry(&lead).lead.set_after(0, true);
    }
    Ok(())
}

fn replay(auth: &mut Authority, step: &Step) -> Outcome {
    let actor = step.member.as_str();
    let as_member = auth.speaks_for(actor, step.seq, step.v, &step.signer);
    let by_lead = as_member && auth.is_lead_at(actor, step.seq);
    let need_lead = |ok: bool| {
        if ok {
            Outcome::Applied
        } else {
            Outcome::KeptAside(Refusal::NotLead)
        }
    };
    match &step.body {
        Body::MemberRequested(request) => {
            let Some(key) = parse_public_key(&request.key) else {
                return Outcome::Refused(Refusal::BodyMismatch);
            };
            let entry = auth.entry(actor);
            if entry.keys.last() == Some(&key) && entry.admitted.last() == Some(&true) {
                return Outcome::Applied;
            }
            // The latest request holds (by the member's own numbers, not by
            // a clock); a key a lead declined stays declined, and does not
            // push aside a request still waiting for an answer (anyone can
            // write a request into anyone's folder: the lead declines that
            // one, and the member's own is there again).
            if entry.request.as_ref().is_some_and(|r| r.seq > step.seq) {
                return Outcome::Applied;
            }
            let declined = entry.declined.contains(&key);
            if declined && entry.request.as_ref().is_some_and(|r| !r.declined) {
                return Outcome::Applied;
            }
            entry.request = Some(Request {
                seq: step.seq,
                key,
                name: super::membership::truncate(&request.name, 60),
                declined,
            });
            Outcome::Applied
        }
        Body::MemberAdmitted(admit) => {
            if !by_lead {
                return need_lead(false);
            }
            let Some(key) = parse_public_key(&admit.key) else {
                return Outcome::Refused(Refusal::BodyMismatch);
            };
            let entry = auth.entry(&admit.member);
            entry.keys.set_after(admit.after, key);
            entry.admitted.set_after(admit.after, true);
            entry.name = super::membership::truncate(&admit.name, 60);
            entry.legacy_until = entry.legacy_until.max(admit.legacy_until);
            if entry.request.as_ref().is_some_and(|r| r.key == key) {
                entry.request = None;
            }
            Outcome::Applied
        }
        Body::MemberDeclined(decline) => {
            if !by_lead {
                return need_lead(false);
            }
            let Some(key) = parse_public_key(&decline.key) else {
                return Outcome::Refused(Refusal::BodyMismatch);
            };
            let entry = auth.entry(&decline.member);
            entry.declined.push(key);
            if let Some(request) = entry.request.as_mut().filter(|r| r.key == key) {
                request.declined = true;
            }
            Outcome::Applied
        }
        Body::MemberRemoved(removal) => {
            if !by_lead {
                return need_lead(false);
            }
            if auth.is_lead_now(&removal.member) && auth.leads_now() <= 1 {
                return Outcome::Refused(Refusal::LastLead);
            }
            let entry = auth.entry(&removal.member);
            entry.admitted.set_after(removal.after, false);
            entry.lead.set_after(removal.after, false);
            Outcome::Applied
        }
        Body::MemberRenamed(rename) => {
            if !as_member {
                return Outcome::KeptAside(Refusal::NotAdmitted);
            }
            auth.entry(actor).name = super::membership::truncate(&rename.name, 60);
            Outcome::Applied
        }
        Body::KeyRotated(rotation) => {
            if !as_member {
                return Outcome::KeptAside(Refusal::NotAdmitted);
            }
            let Some(key) = parse_public_key(&rotation.key) else {
                return Outcome::Refused(Refusal::BodyMismatch);
            };
            auth.entry(actor).keys.set_after_unless_set(step.seq, key);
            Outcome::Applied
        }
        Body::RoleGranted(RoleBody { member, after, .. }) => {
            if !by_lead {
                return need_lead(false);
            }
            auth.entry(member).lead.set_after(*after, true);
            Outcome::Applied
        }
        Body::RoleRevoked(RoleBody { member, after, .. }) => {
            if !by_lead {
                return need_lead(false);
            }
            if auth.is_lead_now(member) && auth.leads_now() <= 1 {
                return Outcome::Refused(Refusal::LastLead);
            }
            auth.entry(member).lead.set_after(*after, false);
            Outcome::Applied
        }
        _ => Outcome::Refused(Refusal::UnknownKind),
    }
}

/// Writes what the replay made of the members where the window reads it:
/// names, current keys, status, the leads.
pub fn save(conn: &Connection, auth: &Authority, outcomes: &[(String, Outcome)]) -> Result<()> {
    for (id, outcome) in outcomes {
        exec(
            conn,
            "UPDATE team_events SET applied = ?2, reason = ?3 WHERE id = ?1",
            params![
                id,
                outcome.applied_flag(),
                outcome.refusal().map(Refusal::code)
            ],
        )?;
    }
    if auth.format == LEGACY_VERSION {
        return Ok(());
    }
    exec(conn, "DELETE FROM team_leads", [])?;
    for (member, state) in &auth.members {
        let key = if state.status() == "returning" {
            state.request.as_ref().map(|r| &r.key)
        } else {
            state.keys.last().or(state.request.as_ref().map(|r| &r.key))
        }
        .map(crate::team_event::public_key_text)
        .unwrap_or_default();
        let name = if state.name.is_empty() {
            state
                .request
                .as_ref()
                .map(|r| r.name.clone())
                .unwrap_or_default()
        } else {
            state.name.clone()
        };
        exec(
            conn,
            "INSERT INTO team_members (member_id, name, public_key, status) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (member_id) DO UPDATE SET name = excluded.name,
                 public_key = excluded.public_key, status = excluded.status",
            params![member, name, key, state.status()],
        )?;
        if auth.is_lead_now(member) {
            exec(
                conn,
                "INSERT OR IGNORE INTO team_leads (member_id) VALUES (?1)",
                [member],
            )?;
        }
    }
    Ok(())
}

//! Who counts in the team, who leads, and with which key: the founder from
//! the signed team.json, then every admission, decline, removal, rename,
//! key rotation, request, grant and revocation, replayed in one order. A
//! member's state is a step function of their event numbers: a removal at
//! `after` stops their later events from counting, never their earlier
//! ones. Pure: the same steps give the same authority on every PC.
//!
//! The order: what leads decide, by the time they signed it, then hash;
//! before a member's lead step, their own steps (requests, names, new
//! keys) with lower numbers, in their numbers' order. A step counts only
//! where its signer could sign it at its own number; one that counted
//! while the replay had not yet met what takes its signer's role away (a
//! removal or revocation covering its number, or signed before its own
//! date) is left out, and the replay starts again without it, until none
//! is left out.

use super::accepted::{Accepted, Genesis, Outcome};
use super::body::{Body, RoleBody};
use super::refusal::Refusal;
use super::steps::{key_text, keys_text, Steps};
use crate::team_event::{EVENT_VERSION, LEGACY_VERSION};
use chrono::{DateTime, Utc};
use ed25519_dalek::VerifyingKey;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A request to join that no lead has answered yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Request {
    pub seq: u64,
    #[serde(serialize_with = "key_text")]
    pub key: VerifyingKey,
    pub name: String,
    pub declined: bool,
    /// To follow the team read-only, not to be a member.
    pub follow: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MemberAuth {
    pub keys: Steps<VerifyingKey>,
    pub admitted: Steps<bool>,
    pub lead: Steps<bool>,
    /// Let in to follow read-only (a region's manager): their key is
    /// known, nothing they sign counts, and they are no member.
    pub follower: bool,
    pub name: String,
    /// Format-1 events count up to this number (the upgrade's admission).
    pub legacy_until: u64,
    pub request: Option<Request>,
    /// Keys a lead declined: a request with one of them stays declined.
    #[serde(serialize_with = "keys_text")]
    pub declined: Vec<VerifyingKey>,
    /// When the member's lead role, or membership, was last taken away,
    /// and last given: a lead act signed after it was taken away (and not
    /// given back since) does not count, whatever its number.
    pub lead_ended: Option<DateTime<Utc>>,
    pub lead_given: Option<DateTime<Utc>>,
    pub removed_at: Option<DateTime<Utc>>,
    pub admitted_at: Option<DateTime<Utc>>,
    /// A removal names the member's event at its number: only the chain
    /// that ends in it counts below it.
    pub pin: Option<(u64, String)>,
    /// When the name was given (by the event's time and hash; the
    /// founder's from the start): of two with one name, the earlier keeps
    /// it as it is.
    pub named: Option<(DateTime<Utc>, String)>,
}

/// Clocks of PCs differ a little: an act signed this soon after its
/// signer's role was taken away still counts, if its number does.
const CLOCK_LEEWAY: chrono::Duration = chrono::Duration::minutes(10);

/// Was something taken away at `ended` (and not given back since) by the
/// time `at`?
fn ended_by(ended: Option<DateTime<Utc>>, given: Option<DateTime<Utc>>, at: DateTime<Utc>) -> bool {
    ended.is_some_and(|ended| {
        ended + CLOCK_LEEWAY <= at && given.map_or(true, |given| given < ended)
    })
}

impl MemberAuth {
    pub fn counts(&self, seq: u64) -> bool {
        self.admitted.at(seq) == Some(&true)
    }

    pub fn status(&self) -> &'static str {
        match (self.admitted.last(), &self.request) {
            (Some(true), Some(r)) if !r.declined && self.keys.last() != Some(&r.key) => "returning",
            (Some(true), _) => "admitted",
            _ if self.follower => "follower",
            (Some(false), _) => "removed",
            (None, Some(r)) if r.declined => "declined",
            (None, Some(r)) if r.follow => "asks_to_follow",
            (None, Some(_)) => "pending",
            (None, None) => "unknown",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
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

    /// Does a member's event count, judged by its number and its signer,
    /// and not dated after the member was removed (unless let in again)?
    pub fn counts_event(&self, event: &Accepted) -> bool {
        self.speaks_for(event)
            && self
                .members
                .get(&event.member)
                .is_some_and(|m| !ended_by(m.removed_at, m.admitted_at, event.at))
    }

    /// Is a member's event a lead's act: signed with the member's key at a
    /// number where they lead, and not dated after the role was taken away
    /// (unless given back)?
    pub fn leads_event(&self, event: &Accepted) -> bool {
        self.counts_event(event)
            && self.is_lead_at(&event.member, event.seq)
            && self
                .members
                .get(&event.member)
                .is_some_and(|m| !ended_by(m.lead_ended, m.lead_given, event.at))
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

    /// Is this line of the member's their own: signed with their key (a
    /// format-1 line: checked against the pinned key when it was stored)?
    pub fn is_own_line(&self, event: &Accepted) -> bool {
        match &event.signer {
            Some(key) if event.v == EVENT_VERSION => {
                self.is_members_key(&event.member, event.seq, key)
            }
            Some(key) => self
                .members
                .get(&event.member)
                .and_then(|m| m.keys.at(event.seq))
                .is_some_and(|pinned| *pinned == **key),
            None => event.v == LEGACY_VERSION,
        }
    }

    /// Does an event speak for its member: signed with the key the team
    /// let in for that number (a key that only asked to come in, written
    /// into anyone's folder by anyone, speaks for nobody)?
    pub fn speaks_for(&self, event: &Accepted) -> bool {
        let (member, seq) = (event.member.as_str(), event.seq);
        if event.v != EVENT_VERSION {
            let pinned = self.members.get(member).and_then(|m| m.keys.at(seq));
            return self.counts(member, seq)
                && self.legacy_counts(member, seq)
                && event
                    .signer
                    .as_ref()
                    .map_or(true, |key| pinned == Some(key));
        }
        event
            .signer
            .as_ref()
            .is_some_and(|key| self.counts_signed(member, seq, key))
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

/// The steps a member takes for themselves, in their own order.
fn is_own_step(body: &Body) -> bool {
    matches!(
        body,
        Body::MemberRequested(_)
            | Body::FollowRequested(_)
            | Body::MemberRenamed(_)
            | Body::KeyRotated(_)
    )
}

/// Steps that need their signer to lead at their number.
fn needs_lead(body: &Body) -> bool {
    matches!(
        body,
        Body::RoleGranted(_)
            | Body::RoleRevoked(_)
            | Body::MemberAdmitted(_)
            | Body::FollowAdmitted(_)
            | Body::MemberDeclined(_)
            | Body::MemberRemoved(_)
    )
}

/// Is this body one of the authority kinds?
pub fn is_authority(body: &Body) -> bool {
    is_own_step(body) || needs_lead(body)
}

/// The authority at the start: the founder (format 2), or the keys pinned
/// at first sight and the founder as lead (format 1).
fn start(genesis: &Genesis, legacy_until: u64) -> Authority {
    let mut auth = Authority {
        format: genesis.format,
        team_id: genesis.team_id.clone(),
        founder: genesis.founder.clone(),
        created_at: genesis.created_at,
        members: BTreeMap::new(),
    };
    if genesis.format == LEGACY_VERSION {
        for (member, (key, name)) in &genesis.pins {
            let entry = auth.entry(member);
            entry.keys.set_after(0, *key);
            entry.admitted.set_after(0, true);
            entry.name = name.clone();
        }
        auth.entry(&genesis.founder).lead.set_after(0, true);
        return auth;
    }
    if let Some(key) = genesis.founder_key {
        let entry = auth.entry(&genesis.founder);
        entry.keys.set_after(0, key);
        entry.admitted.set_after(0, true);
        entry.lead.set_after(0, true);
        entry.name = genesis.founder_name.clone();
        entry.legacy_until = legacy_until;
    }
    auth
}

/// The authority the steps make, with what became of each step. `steps`
/// are the authority events that are their members' own (forks left out),
/// in any order; `legacy_until` is how far the founder's format-1 events
/// count.
pub fn replay(
    genesis: &Genesis,
    steps: &[&Accepted],
    legacy_until: u64,
) -> (Authority, BTreeMap<String, Outcome>) {
    if genesis.format == LEGACY_VERSION {
        return replay_legacy(genesis, steps);
    }
    let mut left_out: BTreeSet<&str> = BTreeSet::new();
    loop {
        let (auth, outcomes) = replay_once(genesis, steps, &left_out, legacy_until);
        // A step that counted while the replay had not yet met what takes
        // its signer's role away is left out, and the replay goes again.
        let newly: Vec<&str> = steps
            .iter()
            .filter(|step| outcomes.get(&step.key) == Some(&Outcome::Applied))
            .filter(|step| match &step.body {
                Ok(body) if needs_lead(body) => !auth.leads_event(step),
                Ok(Body::MemberRenamed(_) | Body::KeyRotated(_)) => !auth.counts_event(step),
                _ => false,
            })
            .map(|step| step.key.as_str())
            .collect();
        if newly.is_empty() {
            let mut outcomes = outcomes;
            for key in left_out {
                outcomes.insert(key.to_string(), Outcome::KeptAside(Refusal::NotLead));
            }
            return (auth, outcomes);
        }
        left_out.extend(newly);
    }
}

fn replay_once(
    genesis: &Genesis,
    steps: &[&Accepted],
    left_out: &BTreeSet<&str>,
    legacy_until: u64,
) -> (Authority, BTreeMap<String, Outcome>) {
    let mut auth = start(genesis, legacy_until);
    let mut outcomes = BTreeMap::new();
    let mut by_leads: Vec<&Accepted> = Vec::new();
    // Per member, their own steps by number, to be taken in that order.
    let mut own: BTreeMap<&str, Vec<&Accepted>> = BTreeMap::new();
    for step in steps {
        if left_out.contains(step.key.as_str()) {
            continue;
        }
        match &step.body {
            Ok(body) if is_own_step(body) => own.entry(&step.member).or_default().push(step),
            Ok(_) => by_leads.push(step),
            Err(refusal) => {
                outcomes.insert(step.key.clone(), Outcome::Refused(*refusal));
            }
        }
    }
    by_leads.sort_by(|a, b| (a.at, &a.hash).cmp(&(b.at, &b.hash)));
    for queue in own.values_mut() {
        queue.sort_by(|a, b| (a.seq, &a.hash).cmp(&(b.seq, &b.hash)));
        queue.reverse();
    }
    for step in by_leads {
        take_own_below(&mut auth, &mut outcomes, &mut own, &step.member, step.seq);
        let outcome = replay_step(&mut auth, step);
        outcomes.insert(step.key.clone(), outcome);
    }
    let members: Vec<String> = own.keys().map(|m| m.to_string()).collect();
    for member in members {
        take_own_below(&mut auth, &mut outcomes, &mut own, &member, u64::MAX);
    }
    (auth, outcomes)
}

/// Takes a member's own steps with numbers below `below`, in their order.
fn take_own_below(
    auth: &mut Authority,
    outcomes: &mut BTreeMap<String, Outcome>,
    own: &mut BTreeMap<&str, Vec<&Accepted>>,
    member: &str,
    below: u64,
) {
    if let Some(queue) = own.get_mut(member) {
        while queue.last().is_some_and(|step| step.seq < below) {
            if let Some(step) = queue.pop() {
                let outcome = replay_step(auth, step);
                outcomes.insert(step.key.clone(), outcome);
            }
        }
    }
}

/// Format 1: keys pinned at first sight, leads that only grow by a lead's
/// grant (in the order they were signed).
fn replay_legacy(genesis: &Genesis, steps: &[&Accepted]) -> (Authority, BTreeMap<String, Outcome>) {
    let mut auth = start(genesis, 0);
    let mut outcomes = BTreeMap::new();
    let mut grants: Vec<&Accepted> = steps.to_vec();
    grants.sort_by(|a, b| (a.at, &a.hash).cmp(&(b.at, &b.hash)));
    for step in grants {
        let outcome = match &step.body {
            Ok(Body::RoleGranted(grant)) if step.v == LEGACY_VERSION => {
                if auth.speaks_for(step) && auth.is_lead_at(&step.member, step.seq) {
                    auth.entry(&grant.member).lead.set_after(0, true);
                    Outcome::Applied
                } else {
                    Outcome::KeptAside(Refusal::NotLead)
                }
            }
            Ok(_) => Outcome::Refused(Refusal::UnknownKind),
            Err(refusal) => Outcome::Refused(*refusal),
        };
        outcomes.insert(step.key.clone(), outcome);
    }
    (auth, outcomes)
}

/// A name as a member may carry it: trimmed, not empty, at most 60
/// characters.
pub fn fitting_name(name: &str) -> Option<String> {
    let name: String = name.trim().chars().take(60).collect();
    (!name.trim().is_empty()).then(|| name.trim().to_string())
}

fn replay_step(auth: &mut Authority, step: &Accepted) -> Outcome {
    let actor = step.member.as_str();
    let as_member = auth.counts_event(step);
    let by_lead = as_member && auth.leads_event(step);
    let Ok(body) = &step.body else {
        return Outcome::Refused(Refusal::BodyMismatch);
    };
    if needs_lead(body) && !by_lead {
        return Outcome::KeptAside(Refusal::NotLead);
    }
    let parse = |text: &str| crate::team_event::parse_public_key(text);
    match body {
        Body::MemberRequested(request) | Body::FollowRequested(request) => {
            let follow = matches!(body, Body::FollowRequested(_));
            let Some(key) = parse(&request.key) else {
                return Outcome::Refused(Refusal::BodyMismatch);
            };
            let entry = auth.entry(actor);
            let let_in = entry.admitted.last() == Some(&true) || entry.follower;
            if entry.keys.last() == Some(&key) && let_in {
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
                name: fitting_name(&request.name).unwrap_or_default(),
                declined,
                follow,
            });
            Outcome::Applied
        }
        Body::MemberAdmitted(admit) | Body::FollowAdmitted(admit) => {
            let follower = matches!(body, Body::FollowAdmitted(_));
            let Some(key) = parse(&admit.key) else {
                return Outcome::Refused(Refusal::BodyMismatch);
            };
            let entry = auth.entry(&admit.member);
            entry.keys.set_after(admit.after, key);
            entry.follower = follower;
            if !follower {
                entry.admitted.set_after(admit.after, true);
                entry.admitted_at = entry.admitted_at.max(Some(step.at));
            }
            if let Some(name) = fitting_name(&admit.name) {
                if entry.name != name {
                    entry.named = Some((step.at, step.hash.clone()));
                }
                entry.name = name;
            }
            entry.legacy_until = entry.legacy_until.max(admit.legacy_until);
            if entry.request.as_ref().is_some_and(|r| r.key == key) {
                entry.request = None;
            }
            Outcome::Applied
        }
        Body::MemberDeclined(decline) => {
            let Some(key) = parse(&decline.key) else {
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
            if auth.is_lead_now(&removal.member) && auth.leads_now() <= 1 {
                return Outcome::Refused(Refusal::LastLead);
            }
            let entry = auth.entry(&removal.member);
            entry.follower = false;
            entry.admitted.set_after(removal.after, false);
            entry.lead.set_after(removal.after, false);
            entry.removed_at = entry.removed_at.max(Some(step.at));
            entry.lead_ended = entry.lead_ended.max(Some(step.at));
            if !removal.after_hash.is_empty() {
                entry.pin = Some((removal.after, removal.after_hash.clone()));
            }
            Outcome::Applied
        }
        Body::MemberRenamed(rename) => {
            if !as_member {
                return Outcome::KeptAside(Refusal::NotAdmitted);
            }
            let Some(name) = fitting_name(&rename.name) else {
                return Outcome::Refused(Refusal::TextInvalid);
            };
            let entry = auth.entry(actor);
            if entry.name != name {
                entry.named = Some((step.at, step.hash.clone()));
            }
            entry.name = name;
            Outcome::Applied
        }
        Body::KeyRotated(rotation) => {
            if !as_member {
                return Outcome::KeptAside(Refusal::NotAdmitted);
            }
            let Some(key) = parse(&rotation.key) else {
                return Outcome::Refused(Refusal::BodyMismatch);
            };
            auth.entry(actor).keys.set_after_unless_set(step.seq, key);
            Outcome::Applied
        }
        Body::RoleGranted(RoleBody { member, after, .. }) => {
            let entry = auth.entry(member);
            entry.lead.set_after(*after, true);
            entry.lead_given = entry.lead_given.max(Some(step.at));
            Outcome::Applied
        }
        Body::RoleRevoked(RoleBody { member, after, .. }) => {
            if auth.is_lead_now(member) && auth.leads_now() <= 1 {
                return Outcome::Refused(Refusal::LastLead);
            }
            let entry = auth.entry(member);
            entry.lead.set_after(*after, false);
            entry.lead_ended = entry.lead_ended.max(Some(step.at));
            Outcome::Applied
        }
        _ => Outcome::Refused(Refusal::UnknownKind),
    }
}

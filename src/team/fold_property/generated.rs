//! The generated teams of the fold's property test: people with their
//! keys, the acts they may take (any member, any lead, a key that only
//! asked to come in), and those acts written out as signed, chained
//! events as the log accepts them.

use super::super::accepted::{Accepted, Genesis};
use super::super::body::*;
use super::super::events;
use crate::exception::Action;
use crate::team_event::{new_signing_key, public_key_text, Event};
use crate::{Customer, ExceptionInput, Situation};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use ed25519_dalek::SigningKey;
use proptest::prelude::*;

pub(super) const TEAM: &str = "0193aaaa-0000-7000-8000-000000000001";
/// Founder, two members, someone asking to join.
const PEOPLE: usize = 4;

#[derive(Debug, Clone)]
enum Act {
    Share {
        story: u8,
        edit: bool,
    },
    Withdraw {
        story: u8,
    },
    Applaud {
        author: usize,
        story: u8,
    },
    Comment {
        author: usize,
        story: u8,
        long: bool,
    },
    Review {
        author: usize,
        story: u8,
        featured: bool,
    },
    Lineup {
        week: u8,
        author: usize,
        story: u8,
    },
    Anonymous(bool),
    Voice(u8, bool),
    Tally(u8),
    StopTallies,
    Propose {
        id: u8,
        text: u8,
    },
    Decide {
        proposer: usize,
        id: u8,
        text: u8,
        action: u8,
    },
    Grant(usize),
    Revoke(usize),
    Remove {
        target: usize,
        pinned: bool,
    },
    Admit(usize),
    /// Let in to follow read-only: nothing the person signs counts.
    AdmitFollower(usize),
    Decline(usize),
    Rename(u8),
    Rotate,
    Request,
    /// A line signed with a key that only asked to come in, at the
    /// member's next number.
    Impostor {
        target: usize,
    },
    /// Two lines with one number, both signed with the member's key.
    Fork,
    /// A line of the member's own that names no line before it, or skips
    /// a number (its predecessor never comes).
    OffChain {
        skip: bool,
    },
}

#[derive(Debug, Clone)]
pub(super) struct Step {
    actor: usize,
    act: Act,
    /// Minutes after the start, and whether it is dated days ahead.
    minute: i64,
    ahead: bool,
}

fn act() -> impl Strategy<Value = Act> {
    let person = 0..PEOPLE;
    prop_oneof![
        (0..3u8, any::<bool>()).prop_map(|(story, edit)| Act::Share { story, edit }),
        (0..3u8).prop_map(|story| Act::Withdraw { story }),
        (person.clone(), 0..3u8).prop_map(|(author, story)| Act::Applaud { author, story }),
        (person.clone(), 0..3u8, prop::bool::weighted(0.1)).prop_map(|(author, story, long)| {
            Act::Comment {
                author,
                story,
                long,
            }
        }),
        (person.clone(), 0..3u8, any::<bool>()).prop_map(|(author, story, featured)| {
            Act::Review {
                author,
                story,
                featured,
            }
        }),
        (0..2u8, person.clone(), 0..3u8).prop_map(|(week, author, story)| Act::Lineup {
            week,
            author,
            story
        }),
        any::<bool>().prop_map(Act::Anonymous),
        (0..2u8, any::<bool>()).prop_map(|(week, long)| Act::Voice(week, long)),
        (0..4u8).prop_map(Act::Tally),
        Just(Act::StopTallies),
        (0..2u8, 0..2u8).prop_map(|(id, text)| Act::Propose { id, text }),
        (person.clone(), 0..2u8, 0..2u8, 0..4u8).prop_map(|(proposer, id, text, action)| {
            Act::Decide {
                proposer,
                id,
                text,
                action,
            }
        }),
        person.clone().prop_map(Act::Grant),
        person.clone().prop_map(Act::Revoke),
        (person.clone(), any::<bool>()).prop_map(|(target, pinned)| Act::Remove { target, pinned }),
        person.clone().prop_map(Act::Admit),
        person.clone().prop_map(Act::AdmitFollower),
        person.clone().prop_map(Act::Decline),
        (0..3u8).prop_map(Act::Rename),
        Just(Act::Rotate),
        Just(Act::Request),
        person.prop_map(|target| Act::Impostor { target }),
        Just(Act::Fork),
        any::<bool>().prop_map(|skip| Act::OffChain { skip }),
    ]
}

pub(super) fn step() -> impl Strategy<Value = Step> {
    (0..PEOPLE, act(), 0..600i64, prop::bool::weighted(0.05)).prop_map(
        |(actor, act, minute, ahead)| Step {
            actor,
            act,
            minute,
            ahead,
        },
    )
}

/// The people of a generated team: ids, keys (a second key each, for
/// rotations), and the key of someone who only asked to come in.
pub(super) struct Cast {
    pub(super) ids: Vec<String>,
    pub(super) keys: Vec<SigningKey>,
    second: Vec<SigningKey>,
    impostor: SigningKey,
    pub(super) start: DateTime<Utc>,
}

fn key() -> SigningKey {
    new_signing_key().unwrap_or_else(|| panic!("no randomness"))
}

impl Cast {
    pub(super) fn new() -> Cast {
        Cast {
            ids: (0..PEOPLE)
                .map(|i| format!("0193aaaa-0000-7000-8000-00000000010{i}"))
                .collect(),
            keys: (0..PEOPLE).map(|_| key()).collect(),
            second: (0..PEOPLE).map(|_| key()).collect(),
            impostor: key(),
            start: DateTime::parse_from_rfc3339("2026-11-23T08:00:00Z")
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_default(),
        }
    }

    pub(super) fn genesis(&self) -> Genesis {
        Genesis {
            team_id: TEAM.into(),
            format: 2,
            founder: self.ids[0].clone(),
            founder_key: Some(self.keys[0].verifying_key()),
            founder_name: "Lena".into(),
            created_at: Some(self.start - Duration::days(1)),
            pins: Default::default(),
        }
    }

    pub(super) fn now(&self) -> DateTime<Utc> {
        self.start + Duration::days(1)
    }
}

/// Writes the steps out as signed events, each member numbering their own
/// and chaining each to the one before.
struct Writer<'a> {
    cast: &'a Cast,
    seq: Vec<u64>,
    last: Vec<String>,
    rotated: Vec<bool>,
    events: Vec<(Event, ed25519_dalek::VerifyingKey)>,
}

impl<'a> Writer<'a> {
    fn new(cast: &'a Cast) -> Writer<'a> {
        Writer {
            cast,
            seq: vec![0; PEOPLE],
            last: vec![String::new(); PEOPLE],
            rotated: vec![false; PEOPLE],
            events: Vec::new(),
        }
    }

    fn signing(&self, who: usize) -> &SigningKey {
        if self.rotated[who] {
            &self.cast.second[who]
        } else {
            &self.cast.keys[who]
        }
    }

    fn event(&self, who: usize, seq: u64, prev: &str, at: DateTime<Utc>, body: &Body) -> Event {
        Event {
            v: 2,
            id: String::new(),
            team: TEAM.into(),
            member: self.cast.ids[who].clone(),
            seq,
            prev: Some(prev.to_string()),
            at,
            kind: body.kind().into(),
            body: body.to_value(),
            sig: String::new(),
        }
    }

    /// The member's next event, signed with their key.
    fn write(&mut self, who: usize, at: DateTime<Utc>, body: Body) -> String {
        self.seq[who] += 1;
        let event = self.event(who, self.seq[who], &self.last[who].clone(), at, &body);
        let hash = event.hash();
        self.last[who] = hash.clone();
        let signer = self.signing(who).verifying_key();
        self.events.push((event, signer));
        hash
    }

    fn story(&self, who: usize, story: u8) -> String {
        format!("0193bbbb-0000-7000-8000-0000000{who}{story:04}")
    }

    fn take(&mut self, step: &Step) {
        let who = step.actor;
        let at = if step.ahead {
            self.cast.now() + Duration::days(3)
        } else {
            self.cast.start + Duration::minutes(step.minute)
        };
        let id = |n: usize| self.cast.ids[n].clone();
        let body = match &step.act {
            Act::Share { story, edit } => {
                let content = StoryContent {
                    v: 2,
                    story_id: self.story(who, *story),
                    date: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default(),
                    situation: Situation::SaidNo,
                    customer: Customer::External,
                    text: format!("Berättelse {story} {}", step.minute),
                    reaction: None,
                };
                if *edit {
                    Body::StoryEdited(content.body())
                } else {
                    Body::StoryShared(content.body())
                }
            }
            Act::Withdraw { story } => Body::StoryWithdrawn(StoryRef {
                story_author: String::new(),
                story_id: self.story(who, *story),
            }),
            Act::Applaud { author, story } => Body::ReactionAdded(StoryRef {
                story_author: id(*author),
                story_id: self.story(*author, *story),
            }),
            Act::Comment {
                author,
                story,
                long,
            } => Body::CommentAdded(CommentBody {
                story_author: id(*author),
                story_id: self.story(*author, *story),
                text: if *long {
                    "x".repeat(2001)
                } else {
                    "Bra!".into()
                },
            }),
            Act::Review {
                author,
                story,
                featured,
            } => Body::ReviewMarked(ReviewBody {
                story_author: id(*author),
                story_id: self.story(*author, *story),
                mark: if *featured {
                    Mark::Featured
                } else {
                    Mark::Reviewed
                },
            }),
            Act::Lineup {
                week,
                author,
                story,
            } => Body::LineupSet(LineupBody {
                week: format!("2026-W{}", 47 + week),
                stories: vec![StoryRef {
                    story_author: id(*author),
                    story_id: self.story(*author, *story),
                }],
            }),
            Act::Anonymous(anonymous) => Body::LineupName(LineupNameBody {
                anonymous: *anonymous,
            }),
            Act::Voice(week, long) => Body::LineupVoice(VoiceBody {
                week: format!("2026-W{}", 47 + week),
                text: if *long {
                    "x".repeat(501)
                } else {
                    format!("Kunden sa tack {week}")
                },
            }),
            Act::Tally(fans) => Body::TallyWeek(TallyBody {
                week: "2026-W48".into(),
                fans: u32::from(*fans),
                just_because: u32::from(*fans),
                external: u32::from(*fans),
                ..TallyBody::default()
            }),
            Act::StopTallies => Body::TallyStopped(TallyStopBody {}),
            Act::Propose { id: n, text } => Body::ExceptionProposed(ProposalBody {
                exception_id: format!("undantag-{n}"),
                exception: proposal(*text),
                words_hash: None,
            }),
            Act::Decide {
                proposer,
                id: n,
                text,
                action,
            } => Body::ExceptionDecided(DecisionBody {
                proposer: id(*proposer),
                exception_id: format!("undantag-{n}"),
                proposal_hash: crate::team_event::content_hash(&proposal(*text)),
                decision_id: format!("beslut-{}", step.minute),
                action: [
                    Action::Approve,
                    Action::Reject,
                    Action::Retire,
                    Action::Withdraw,
                ][usize::from(*action) % 4],
                note: None,
            }),
            Act::Grant(target) => Body::RoleGranted(RoleBody {
                member: id(*target),
                role: TeamRole::Lead,
                after: self.seq[*target],
            }),
            Act::Revoke(target) => Body::RoleRevoked(RoleBody {
                member: id(*target),
                role: TeamRole::Lead,
                after: self.seq[*target],
            }),
            Act::Remove { target, pinned } => Body::MemberRemoved(RemoveBody {
                member: id(*target),
                after: self.seq[*target],
                after_hash: if *pinned {
                    self.last[*target].clone()
                } else {
                    String::new()
                },
            }),
            Act::Admit(target) | Act::AdmitFollower(target) => {
                let admit = AdmitBody {
                    member: id(*target),
                    key: public_key_text(&self.cast.keys[*target].verifying_key()),
                    name: format!("Person {target}"),
                    after: self.seq[*target].saturating_sub(1),
                    legacy_until: 0,
                };
                if matches!(step.act, Act::AdmitFollower(_)) {
                    Body::FollowAdmitted(admit)
                } else {
                    Body::MemberAdmitted(admit)
                }
            }
            Act::Decline(target) => Body::MemberDeclined(DeclineBody {
                member: id(*target),
                key: public_key_text(&self.cast.keys[*target].verifying_key()),
            }),
            Act::Rename(name) => Body::MemberRenamed(RenameBody {
                name: ["Lena", "Sara", "  "][usize::from(*name) % 3].into(),
            }),
            Act::Rotate => {
                let new = public_key_text(&self.cast.second[who].verifying_key());
                self.write(who, at, Body::KeyRotated(RotateBody { key: new }));
                self.rotated[who] = true;
                return;
            }
            Act::Request => Body::MemberRequested(RequestBody {
                name: format!("Person {who}"),
                key: public_key_text(&self.signing(who).verifying_key()),
            }),
            Act::Impostor { target } => {
                let request = Body::MemberRequested(RequestBody {
                    name: "Lena".into(),
                    key: public_key_text(&self.cast.impostor.verifying_key()),
                });
                let seq = self.seq[*target] + 1;
                let event = self.event(*target, seq, "", at, &request);
                self.events
                    .push((event, self.cast.impostor.verifying_key()));
                let grant = Body::RoleGranted(RoleBody {
                    member: id(*target),
                    role: TeamRole::Lead,
                    after: 0,
                });
                let event = self.event(*target, seq + 1, "", at, &grant);
                self.events
                    .push((event, self.cast.impostor.verifying_key()));
                return;
            }
            Act::OffChain { skip } => {
                let seq = self.seq[who] + if *skip { 2 } else { 1 };
                let body = Body::ReactionAdded(StoryRef {
                    story_author: id(0),
                    story_id: self.story(0, 0),
                });
                let prev = if *skip { "0".repeat(64) } else { String::new() };
                let event = self.event(who, seq, &prev, at, &body);
                self.last[who] = event.hash();
                let signer = self.signing(who).verifying_key();
                self.events.push((event, signer));
                self.seq[who] = seq;
                return;
            }
            Act::Fork => {
                let prev = self.last[who].clone();
                let seq = self.seq[who] + 1;
                for text in ["från dator A", "från dator B"] {
                    let body = Body::CommentAdded(CommentBody {
                        story_author: id(0),
                        story_id: self.story(0, 0),
                        text: text.into(),
                    });
                    let event = self.event(who, seq, &prev, at, &body);
                    self.last[who] = event.hash();
                    let signer = self.signing(who).verifying_key();
                    self.events.push((event, signer));
                }
                self.seq[who] = seq;
                return;
            }
        };
        self.write(who, at, body);
    }
}

fn proposal(text: u8) -> ExceptionInput {
    ExceptionInput {
        rule: format!("Regel {text}"),
        allowed: format!("Får göra {text}"),
        ..ExceptionInput::default()
    }
}

/// A team as the steps leave it: the founder lets the two members in
/// first, then the steps. The events, and as the log accepts them.
pub(super) fn team(cast: &Cast, steps: &[Step]) -> (Vec<Event>, Vec<Accepted>) {
    let mut writer = Writer::new(cast);
    for who in 1..3 {
        writer.take(&Step {
            actor: who,
            act: Act::Request,
            minute: 0,
            ahead: false,
        });
        writer.take(&Step {
            actor: 0,
            act: Act::Admit(who),
            minute: 0,
            ahead: false,
        });
    }
    for step in steps {
        writer.take(step);
    }
    let accepted = writer
        .events
        .iter()
        .map(|(event, signer)| events::accepted(event, &event.hash(), *signer))
        .collect();
    (
        writer.events.into_iter().map(|(e, _)| e).collect(),
        accepted,
    )
}

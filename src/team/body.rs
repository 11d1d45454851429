//! What each kind of team event carries: one set of typed bodies, used by
//! the app when it writes an event and by the reader when it takes one.

use super::refusal::Refusal;
use crate::exception::Action;
use crate::{Customer, ExceptionInput, Situation};
use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryBody {
    pub story_id: String,
    pub date: NaiveDate,
    pub situation: Situation,
    pub customer: Customer,
    /// Format 1: the text travels in the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default)]
    pub reaction: Option<String>,
    /// Format 2: the hash of the story's file, which holds the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// The team's rule exception the moment used, if any: named by its
    /// proposer and their id (its text is in every PC's catalogue). Readers
    /// before the line-up pass over it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception: Option<ExceptionRef>,
}

/// A rule exception named by its proposer and the proposer's id for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionRef {
    pub proposer: String,
    pub exception_id: String,
}

/// A story's file (`stories/<id>.json`, format 2): what a withdrawal erases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryContent {
    pub v: u32,
    pub story_id: String,
    pub date: NaiveDate,
    pub situation: Situation,
    pub customer: Customer,
    pub text: String,
    #[serde(default)]
    pub reaction: Option<String>,
}

impl StoryContent {
    pub fn of(moment: &crate::Moment) -> StoryContent {
        StoryContent {
            v: crate::team_event::EVENT_VERSION,
            story_id: moment.id.clone(),
            date: moment.date,
            situation: moment.situation,
            customer: moment.customer,
            text: moment.text.clone(),
            reaction: moment.reaction.clone(),
        }
    }

    pub fn hash(&self) -> String {
        crate::team_event::content_hash(self)
    }

    /// The event's body for this content: the text stays in the file.
    pub fn body(&self) -> StoryBody {
        StoryBody {
            story_id: self.story_id.clone(),
            date: self.date,
            situation: self.situation,
            customer: self.customer,
            text: None,
            reaction: None,
            hash: Some(self.hash()),
            exception: None,
        }
    }

    /// The format-1 body, with the text inside.
    pub fn legacy_body(&self) -> StoryBody {
        StoryBody {
            story_id: self.story_id.clone(),
            date: self.date,
            situation: self.situation,
            customer: self.customer,
            text: Some(self.text.clone()),
            reaction: self.reaction.clone(),
            hash: None,
            exception: None,
        }
    }
}

/// A story named by its author and the author's id for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryRef {
    /// Empty in format 1, where story ids were shared by all.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub story_author: String,
    pub story_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentBody {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub story_author: String,
    pub story_id: String,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    Reviewed,
    Featured,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewBody {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub story_author: String,
    pub story_id: String,
    pub mark: Mark,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalBody {
    pub exception_id: String,
    #[serde(flatten)]
    pub exception: ExceptionInput,
    /// Only in a follower's own log, never in a line of the folder: the
    /// hash of the words it left out, so that its fold judges a decision
    /// on them as the members' does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub words_hash: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionBody {
    /// Format 2: whose proposal, and the hash of its content.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub proposer: String,
    pub exception_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub proposal_hash: String,
    pub decision_id: String,
    pub action: Action,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TeamRole {
    Lead,
}

/// A lead role given or taken back. `after`: the member's highest event
/// number the lead had seen; the change holds for the numbers after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleBody {
    pub member: String,
    pub role: TeamRole,
    #[serde(default)]
    pub after: u64,
}

/// A request to join (or to come back with a new key), signed by that key;
/// as `follow.requested`, to follow the team read-only (a region's
/// manager), never to be a member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestBody {
    pub name: String,
    pub key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdmitBody {
    pub member: String,
    pub key: String,
    pub name: String,
    /// The key counts for the member's numbers after this one.
    #[serde(default)]
    pub after: u64,
    /// On the upgrade from format 1: the member's format-1 events count up
    /// to this number.
    #[serde(default)]
    pub legacy_until: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclineBody {
    pub member: String,
    pub key: String,
}

/// A member removed: their events after `after` stop counting. The
/// removal names the member's event at that number by its hash: below it,
/// only the chain that ends there counts (a second event someone signs
/// later at a number below it with the same key never does).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoveBody {
    pub member: String,
    pub after: u64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub after_hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenameBody {
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RotateBody {
    pub key: String,
}

/// A lead's line-up for one ISO week (`2026-W48`): the stories, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineupBody {
    pub week: String,
    pub stories: Vec<StoryRef>,
}

/// A customer's voice a lead picked for one week's line-up: a comment
/// from the customers' survey, with what looked like their name, email or
/// phone taken out on the lead's PC before it was signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoiceBody {
    pub week: String,
    pub text: String,
}

/// A member's own choice to be shown as "a colleague" in line-ups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineupNameBody {
    pub anonymous: bool,
}
/// One ISO week's counts of a member's moments (`2026-W48`), never texts:
/// what a lead's insights sum. It is always about the member who signed
/// it: the body names nobody, and a field it does not know is refused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TallyBody {
    pub week: String,
    pub fans: u32,
    pub just_because: u32,
    pub said_no: u32,
    pub complaint: u32,
    pub external: u32,
    pub internal: u32,
    pub exceptions_used: u32,
    pub plans_followed: u32,
}

/// Whether a colleague recognised the member (applause, a comment or a
/// feature on a story of theirs still shared) in one ISO week: what a
/// region's recognition coverage counts, read beside the tallies. It is
/// always about the member who signed it, and names nobody else.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecognitionBody {
    pub week: String,
    pub recognised: bool,
}

/// The member switched their tallies off: none of their earlier tallies
/// count any longer (a later one, once switched on again, does).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TallyStopBody {}

/// The kinds of team event, each once: its variant with its body's type,
/// and its name (a constant in [`kind`]). The enum, the names, and reading
/// and writing a body by its kind all come from this one list.
macro_rules! bodies {
    ($($(#[$doc:meta])* $variant:ident($body:ty) = $name:ident $text:literal;)*) => {
        /// A team event's body, by kind.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Body {
            $($(#[$doc])* $variant($body),)*
        }

        /// An event's kinds, named once: the parser and the log's queries use these.
        pub mod kind {
            $(pub const $name: &str = $text;)*
        }

        impl Body {
            pub fn kind(&self) -> &'static str {
                match self {
                    $(Body::$variant(_) => kind::$name,)*
                }
            }

            pub fn to_value(&self) -> Value {
                let value = match self {
                    $(Body::$variant(b) => serde_json::to_value(b),)*
                };
                value.unwrap_or(Value::Null)
            }

            /// The one place a kind's name decides what its body is.
            fn parse_from(name: &str, body: impl BodySource) -> Result<Body, Refusal> {
                Ok(match name {
                    $(kind::$name => Body::$variant(body.typed()?),)*
                    _ => return Err(Refusal::UnknownKind),
                })
            }
        }
    };
}

bodies! {
    StoryShared(StoryBody) = STORY_SHARED "story.shared";
    StoryEdited(StoryBody) = STORY_EDITED "story.edited";
    StoryWithdrawn(StoryRef) = STORY_WITHDRAWN "story.withdrawn";
    ReactionAdded(StoryRef) = REACTION_ADDED "reaction.added";
    CommentAdded(CommentBody) = COMMENT_ADDED "comment.added";
    ReviewMarked(ReviewBody) = REVIEW_MARKED "review.marked";
    ExceptionProposed(ProposalBody) = EXCEPTION_PROPOSED "exception.proposed";
    ExceptionDecided(DecisionBody) = EXCEPTION_DECIDED "exception.decided";
    RoleGranted(RoleBody) = ROLE_GRANTED "role.granted";
    RoleRevoked(RoleBody) = ROLE_REVOKED "role.revoked";
    MemberRequested(RequestBody) = MEMBER_REQUESTED "member.requested";
    MemberAdmitted(AdmitBody) = MEMBER_ADMITTED "member.admitted";
    /// Kinds of their own, so that a Fanday before followers refuses them
    /// (an unknown kind) rather than reading a follower as a member.
    FollowRequested(RequestBody) = FOLLOW_REQUESTED "follow.requested";
    FollowAdmitted(AdmitBody) = FOLLOW_ADMITTED "follow.admitted";
    MemberDeclined(DeclineBody) = MEMBER_DECLINED "member.declined";
    MemberRemoved(RemoveBody) = MEMBER_REMOVED "member.removed";
    MemberRenamed(RenameBody) = MEMBER_RENAMED "member.renamed";
    KeyRotated(RotateBody) = KEY_ROTATED "key.rotated";
    LineupSet(LineupBody) = LINEUP_SET "lineup.set";
    LineupName(LineupNameBody) = LINEUP_NAME "lineup.anonymous";
    LineupVoice(VoiceBody) = LINEUP_VOICE "lineup.voice";
    TallyWeek(TallyBody) = TALLY_WEEK "tally.week";
    TallyStopped(TallyStopBody) = TALLY_STOPPED "tally.stopped";
    /// A kind of its own, so that a Fanday before it refuses it (an
    /// unknown kind) and its tallies still count there.
    RecognitionWeek(RecognitionBody) = RECOGNITION_WEEK "recognition.week";
}

/// A body as JSON, parsed or as text.
trait BodySource {
    fn typed<T: DeserializeOwned>(&self) -> Result<T, Refusal>;
}

impl BodySource for &Value {
    fn typed<T: DeserializeOwned>(&self) -> Result<T, Refusal> {
        T::deserialize(*self).map_err(|_| Refusal::BodyMismatch)
    }
}

impl BodySource for &str {
    fn typed<T: DeserializeOwned>(&self) -> Result<T, Refusal> {
        serde_json::from_str(self).map_err(|_| Refusal::BodyMismatch)
    }
}

impl Body {
    /// As [`Body::parse`], from the body's JSON text (as the log keeps it).
    /// A body as a store's log keeps it. Only a follower's own log holds
    /// a `words_hash` of its own making; a member's log keeps the lines as
    /// they came, and one carrying it is refused again, as when it came.
    pub fn parse_logged(kind: &str, body: &str, followers_log: bool) -> Result<Body, Refusal> {
        let body = Self::parse_from(kind, body)?;
        if followers_log {
            Ok(body)
        } else {
            no_followers_note(body)
        }
    }

    /// A line's body, as the folder (or this PC's outbox) holds it.
    pub fn parse(kind: &str, body: &Value) -> Result<Body, Refusal> {
        no_followers_note(Self::parse_from(kind, body)?)
    }

    /// Kinds that name the keys a member's next lines may be signed with
    /// (a request to join, a new key): learned in file order as a member's
    /// lines are verified.
    pub fn names_keys(name: &str) -> bool {
        matches!(
            name,
            kind::MEMBER_REQUESTED | kind::FOLLOW_REQUESTED | kind::KEY_ROTATED
        )
    }
}

/// A follower's own note (the hash of the words it left out) is never a
/// line's to say.
fn no_followers_note(body: Body) -> Result<Body, Refusal> {
    match body {
        Body::ExceptionProposed(ProposalBody {
            words_hash: Some(_),
            ..
        }) => Err(Refusal::BodyMismatch),
        body => Ok(body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_body_reads_back_as_what_was_written() {
        let bodies = [
            Body::StoryShared(StoryBody {
                story_id: "s".into(),
                date: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default(),
                situation: Situation::SaidNo,
                customer: Customer::Internal,
                text: None,
                reaction: None,
                hash: Some("ab".into()),
                exception: Some(ExceptionRef {
                    proposer: "p".into(),
                    exception_id: "e".into(),
                }),
            }),
            Body::LineupSet(LineupBody {
                week: "2026-W48".into(),
                stories: vec![StoryRef {
                    story_author: "a".into(),
                    story_id: "s".into(),
                }],
            }),
            Body::LineupName(LineupNameBody { anonymous: true }),
            Body::StoryWithdrawn(StoryRef {
                story_author: String::new(),
                story_id: "s".into(),
            }),
            Body::ReviewMarked(ReviewBody {
                story_author: "a".into(),
                story_id: "s".into(),
                mark: Mark::Featured,
            }),
            Body::ExceptionProposed(ProposalBody {
                exception_id: "e".into(),
                exception: ExceptionInput {
                    rule: "r".into(),
                    allowed: "a".into(),
                    amount_sek: Some(50),
                    ..ExceptionInput::default()
                },
                words_hash: None,
            }),
            Body::ExceptionDecided(DecisionBody {
                proposer: "p".into(),
                proposal_hash: "h".into(),
                exception_id: "e".into(),
                decision_id: "d".into(),
                action: Action::Approve,
                note: Some("Ja".into()),
            }),
            Body::RoleGranted(RoleBody {
                member: "m".into(),
                role: TeamRole::Lead,
                after: 3,
            }),
            Body::MemberAdmitted(AdmitBody {
                member: "m".into(),
                key: "k".into(),
                name: "Sara".into(),
                after: 0,
                legacy_until: 0,
            }),
            Body::TallyWeek(TallyBody {
                week: "2026-W48".into(),
                fans: 2,
                just_because: 2,
                external: 1,
                internal: 1,
                ..TallyBody::default()
            }),
            Body::TallyStopped(TallyStopBody {}),
        ];
        for body in bodies {
            assert_eq!(Body::parse(body.kind(), &body.to_value()), Ok(body));
        }
    }

    /// A reader from before the line-up knew a story's body without its
    /// exception: it reads today's body all the same.
    #[test]
    fn a_reader_before_the_line_up_reads_a_story_naming_its_exception() {
        #[derive(Deserialize)]
        #[allow(dead_code)]
        struct StoryBodyBefore {
            story_id: String,
            date: NaiveDate,
            situation: Situation,
            customer: Customer,
            #[serde(default)]
            text: Option<String>,
            #[serde(default)]
            reaction: Option<String>,
            #[serde(default)]
            hash: Option<String>,
        }
        let body = Body::StoryShared(StoryBody {
            story_id: "s".into(),
            date: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default(),
            situation: Situation::SaidNo,
            customer: Customer::External,
            text: None,
            reaction: None,
            hash: Some("ab".into()),
            exception: Some(ExceptionRef {
                proposer: "p".into(),
                exception_id: "e".into(),
            }),
        });
        let before = StoryBodyBefore::deserialize(&body.to_value());
        assert_eq!(before.map(|b| b.story_id).ok(), Some("s".to_string()));
    }

    #[test]
    fn an_unknown_kind_or_a_body_that_does_not_fit_is_refused() {
        let value = serde_json::json!({"story_id": 7});
        assert_eq!(
            Body::parse("story.withdrawn", &value),
            Err(Refusal::BodyMismatch)
        );
        assert_eq!(
            Body::parse(
                "role.granted",
                &serde_json::json!({"member": "m", "role": "king"})
            ),
            Err(Refusal::BodyMismatch)
        );
        assert_eq!(
            Body::parse("party.started", &value),
            Err(Refusal::UnknownKind)
        );
    }

    #[test]
    fn a_proposal_in_the_folder_carrying_a_followers_hash_of_other_words_is_refused() {
        let value = serde_json::json!({
            "exception_id": "e1", "rule": "Kvitto krävs", "allowed": "Byt ändå",
            "limits": "", "amount_sek": null, "minutes": null, "applies_when": "",
            "words_hash": "00".repeat(32),
        });
        assert_eq!(
            Body::parse("exception.proposed", &value),
            Err(Refusal::BodyMismatch)
        );
        // Read back from a member's log (which keeps lines as they came),
        // it is refused again; in a follower's own log it is the hash kept.
        assert_eq!(
            Body::parse_logged("exception.proposed", &value.to_string(), false),
            Err(Refusal::BodyMismatch)
        );
        assert!(matches!(
            Body::parse_logged("exception.proposed", &value.to_string(), true),
            Ok(Body::ExceptionProposed(ProposalBody {
                words_hash: Some(_),
                ..
            }))
        ));
    }
}

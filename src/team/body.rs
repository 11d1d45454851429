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
    pub text: String,
    #[serde(default)]
    pub reaction: Option<String>,
}

impl StoryBody {
    pub fn of(moment: &crate::Moment) -> StoryBody {
        StoryBody {
            story_id: moment.id.clone(),
            date: moment.date,
            situation: moment.situation,
            customer: moment.customer,
            text: moment.text.clone(),
            reaction: moment.reaction.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryRef {
    pub story_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentBody {
    pub story_id: String,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    Reviewed,
    Featured,
}

impl Mark {
    pub fn text(self) -> &'static str {
        match self {
            Mark::Reviewed => "reviewed",
            Mark::Featured => "featured",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewBody {
    pub story_id: String,
    pub mark: Mark,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalBody {
    pub exception_id: String,
    #[serde(flatten)]
    pub exception: ExceptionInput,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionBody {
    pub exception_id: String,
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantBody {
    pub member: String,
    pub role: TeamRole,
}

/// A team event's body, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    StoryShared(StoryBody),
    StoryEdited(StoryBody),
    StoryWithdrawn(StoryRef),
    ReactionAdded(StoryRef),
    CommentAdded(CommentBody),
    ReviewMarked(ReviewBody),
    ExceptionProposed(ProposalBody),
    ExceptionDecided(DecisionBody),
    RoleGranted(GrantBody),
}

fn typed<T: DeserializeOwned>(body: &Value) -> Result<T, Refusal> {
    T::deserialize(body).map_err(|_| Refusal::BodyMismatch)
}

impl Body {
    pub fn kind(&self) -> &'static str {
        match self {
            Body::StoryShared(_) => "story.shared",
            Body::StoryEdited(_) => "story.edited",
            Body::StoryWithdrawn(_) => "story.withdrawn",
            Body::ReactionAdded(_) => "reaction.added",
            Body::CommentAdded(_) => "comment.added",
            Body::ReviewMarked(_) => "review.marked",
            Body::ExceptionProposed(_) => "exception.proposed",
            Body::ExceptionDecided(_) => "exception.decided",
            Body::RoleGranted(_) => "role.granted",
        }
    }

    pub fn to_value(&self) -> Value {
        let value = match self {
            Body::StoryShared(b) | Body::StoryEdited(b) => serde_json::to_value(b),
            Body::StoryWithdrawn(b) | Body::ReactionAdded(b) => serde_json::to_value(b),
            Body::CommentAdded(b) => serde_json::to_value(b),
            Body::ReviewMarked(b) => serde_json::to_value(b),
            Body::ExceptionProposed(b) => serde_json::to_value(b),
            Body::ExceptionDecided(b) => serde_json::to_value(b),
            Body::RoleGranted(b) => serde_json::to_value(b),
        };
        value.unwrap_or(Value::Null)
    }

    pub fn parse(kind: &str, body: &Value) -> Result<Body, Refusal> {
        Ok(match kind {
            "story.shared" => Body::StoryShared(typed(body)?),
            "story.edited" => Body::StoryEdited(typed(body)?),
            "story.withdrawn" => Body::StoryWithdrawn(typed(body)?),
            "reaction.added" => Body::ReactionAdded(typed(body)?),
            "comment.added" => Body::CommentAdded(typed(body)?),
            "review.marked" => Body::ReviewMarked(typed(body)?),
            "exception.proposed" => Body::ExceptionProposed(typed(body)?),
            "exception.decided" => Body::ExceptionDecided(typed(body)?),
            "role.granted" => Body::RoleGranted(typed(body)?),
            _ => return Err(Refusal::UnknownKind),
        })
    }

    /// Kinds whose body is kept with the event, to be looked at again
    /// (decisions are replayed in order, proposals looked up by id).
    pub fn keeps_body(kind: &str) -> bool {
        kind.starts_with("exception.") || kind == "role.granted" || kind == "review.marked"
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
                text: "Växlade mynt".into(),
                reaction: None,
            }),
            Body::StoryWithdrawn(StoryRef {
                story_id: "s".into(),
            }),
            Body::ReviewMarked(ReviewBody {
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
            }),
            Body::ExceptionDecided(DecisionBody {
                exception_id: "e".into(),
                decision_id: "d".into(),
                action: Action::Approve,
                note: Some("Ja".into()),
            }),
            Body::RoleGranted(GrantBody {
                member: "m".into(),
                role: TeamRole::Lead,
            }),
        ];
        for body in bodies {
            assert_eq!(Body::parse(body.kind(), &body.to_value()), Ok(body));
        }
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
}

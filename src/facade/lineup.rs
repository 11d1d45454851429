//! The line-up as the app and the tests use it: a few calls on [`Fanday`].

use crate::error::{CoreError, Result};
use crate::team::body::{Body, LineupBody, LineupNameBody, StoryRef};
use crate::team::lineup::{self, Lineup, MAX_LINEUP_STORIES};
use crate::team::membership;
use crate::{calendar, Fanday, ValidationError};

impl Fanday {
    /// The line-up of the week named `2026-W48`, or of this week.
    pub fn lineup(&self, week: Option<&str>) -> Result<Lineup> {
        self.current_profile()?;
        let monday = match week {
            Some(week) => lineup::week_monday(week).ok_or(ValidationError::NoSuchWeek)?,
            None => calendar::week_start(self.today()),
        };
        lineup::lineup(&self.store.conn(), monday)
    }

    /// A lead picks a week's stories (as the feed names them), in order;
    /// the team gets the line-up as a signed event.
    pub fn set_lineup(&self, week: Option<&str>, stories: &[String]) -> Result<Lineup> {
        let me = self.require_lead()?;
        if !membership::is_lead(&self.store.conn(), &me.id) {
            return Err(CoreError::LeadOnly);
        }
        let week = self.lineup(week)?.week;
        let mut refs: Vec<StoryRef> = Vec::with_capacity(stories.len());
        for story in stories {
            let (story_author, story_id) = self.story_ref(story)?;
            let known = refs
                .iter()
                .any(|r| r.story_author == story_author && r.story_id == story_id);
            if !known {
                refs.push(StoryRef {
                    story_author,
                    story_id,
                });
            }
        }
        if refs.len() > MAX_LINEUP_STORIES {
            return Err(ValidationError::LineupTooLong {
                max: MAX_LINEUP_STORIES,
            }
            .into());
        }
        self.team_event(Body::LineupSet(LineupBody {
            week: week.clone(),
            stories: refs,
        }))?;
        self.lineup(Some(&week))
    }

    /// Whether this person asked to be shown as "a colleague" in line-ups.
    pub fn lineup_anonymous(&self) -> Result<bool> {
        let me = self.current_profile()?;
        lineup::is_anonymous(&self.store.conn(), &me.id)
    }

    /// This person's own choice, signed and sent to the team.
    pub fn set_lineup_anonymous(&self, anonymous: bool) -> Result<()> {
        self.team_event(Body::LineupName(LineupNameBody { anonymous }))
    }
}

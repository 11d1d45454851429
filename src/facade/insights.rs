//! A lead's insights, from the team's weekly tallies where the team sends
//! them and from this computer's moments otherwise, with who has not been
//! recognised lately; and this person's switch for their own tallies.

use crate::error::Result;
use crate::feedback::{lagging_weeks, NpsWeek};
use crate::reminder::put_setting;
use crate::stats::{self, WeekInsight};
use crate::team::recognition::{self, Recognition};
use crate::team::tally;
use crate::team::tally_insights::{self, Source, SourceKind};
use crate::Fanday;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Insights {
    /// Where the weeks' numbers come from.
    pub source: Source,
    /// Newest first.
    pub weeks: Vec<WeekInsight>,
    /// In a team: who was not recognised lately, and the share recognised
    /// week by week.
    pub recognition: Option<Recognition>,
    /// The customers' own score for the same weeks, in the same order,
    /// where the lead imported it.
    pub lagging: Vec<NpsWeek>,
    /// Whether any week of the customers' score was imported at all.
    pub feedback_imported: bool,
}

/// Weeks an Insights export covers.
const EXPORTED_WEEKS: usize = 53;

impl Fanday {
    /// A lead's leading indicators: the team's, summed from its weekly
    /// tallies, in a team that sends them; this computer's otherwise.
    pub fn lead_insights(&self, weeks: usize) -> Result<Insights> {
        let me = self.require_lead()?;
        let today = self.today();
        let now = self.clock.now();
        let conn = self.store.conn();
        let in_team = crate::team::membership::joined(&conn)?.is_some();
        let (source, weeks_shown) = if tally_insights::team_tallies(&conn)? {
            (
                tally_insights::source(&conn, today)?,
                tally_insights::weeks(&conn, today, weeks)?,
            )
        } else {
            let local = stats::insights(&conn, today, weeks)?;
            let source = Source {
                kind: SourceKind::ThisComputer,
                publishing: 0,
                members: 0,
            };
            (source, local)
        };
        let recognition = if in_team {
            Some(recognition::load(&conn, &me.id, now, weeks)?)
        } else {
            None
        };
        let imported = super::feedback::load_weeks(&conn)?;
        let mondays: Vec<_> = weeks_shown.iter().map(|week| week.monday).collect();
        Ok(Insights {
            source,
            lagging: lagging_weeks(&imported, &mondays),
            feedback_imported: !imported.is_empty(),
            weeks: weeks_shown,
            recognition,
        })
    }

    /// A year of Insights as a CSV at `path`, the customers' score beside
    /// the leading numbers; returns the number of weeks written.
    pub fn export_insights(&self, path: &std::path::Path) -> Result<usize> {
        let insights = self.lead_insights(EXPORTED_WEEKS)?;
        crate::atomic::write(
            path,
            &mut std::fs::OpenOptions::new(),
            crate::error::io_error,
            |out| {
                let from_tallies = insights.source.kind == SourceKind::Tallies;
                crate::export::insights_csv(&insights.weeks, from_tallies, &insights.lagging, out)
            },
        )
    }

    /// Whether this person's weekly tallies go to the team (on unless
    /// switched off).
    pub fn tally_sharing(&self) -> Result<bool> {
        tally::sharing(&self.store.conn())
    }

    /// Switches this person's weekly tallies on or off. Off stops
    /// publishing; tallies already in the team folder stay there.
    pub fn set_tally_sharing(&self, on: bool) -> Result<()> {
        {
            let mut conn = self.store.conn();
            let tx = conn.transaction()?;
            put_setting(&tx, tally::SETTING, if on { "1" } else { "0" })?;
            tx.commit()?;
        }
        if on {
            self.sync_team();
        } else if let Some(me) = self.profile()? {
            tally::send_stop(&self.store.conn(), &me, self.clock.now_utc())?;
            self.sync_team();
        }
        Ok(())
    }
}

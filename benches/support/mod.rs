//! Five years of daily moments for one person, the size the speed goals
//! are set for.

use chrono::{DateTime, Duration, FixedOffset};
use fanday_core::{
    Customer, Fanday, FixedClock, Language, MomentInput, ProfileInput, Role, Situation,
};
use std::path::Path;
use std::sync::Arc;

pub const FIVE_YEARS_OF_WORKING_DAYS: usize = 1300;

/// Fills `dir` with about 1,300 moments, one per working day, ending today.
pub fn five_years_of_moments(dir: &Path, today: DateTime<FixedOffset>) -> Fanday {
    let clock = Arc::new(FixedClock::new(today));
    let app = Fanday::open(dir, clock.clone()).unwrap_or_else(|err| panic!("{err}"));
    app.save_profile(&ProfileInput {
        display_name: "Sara Lindqvist".into(),
        role: Role::Lead,
        language: Language::Sv,
    })
    .unwrap_or_else(|err| panic!("{err}"));
    let situations = [
        Situation::JustBecause,
        Situation::SaidNo,
        Situation::Complaint,
    ];
    let mut day = today - Duration::days(5 * 365);
    let mut made = 0;
    while day <= today && made < FIVE_YEARS_OF_WORKING_DAYS + 100 {
        use chrono::Datelike;
        if day.weekday().number_from_monday() <= 5 {
            clock.set(day);
            let customer = if made % 4 == 0 {
                Customer::Internal
            } else {
                Customer::External
            };
            app.add_moment(&MomentInput {
                reaction: Some("Tack!".into()),
                shared: made % 5 == 0,
                ..MomentInput::new(
                    situations[made % 3],
                    customer,
                    format!("Fan nummer {made}: hjälpte en kund med något extra"),
                )
            })
            .unwrap_or_else(|err| panic!("{err}"));
            made += 1;
        }
        day += Duration::days(1);
    }
    clock.set(today);
    app
}

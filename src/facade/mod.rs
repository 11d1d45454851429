//! The [`crate::Fanday`] facade's methods, one file per concept. Each method
//! takes the day and the time from the facade and calls the domain module
//! where the rule lives.

pub mod exceptions;
pub mod feedback;
pub mod insights;
pub mod lineup;
pub mod moments;
pub mod plans;
pub mod progress;
pub mod reminders;
pub mod team;
pub mod team_members;
pub mod your_data;

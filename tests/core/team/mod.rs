//! The team folder: reading, trust, damage, attacks, upgrades, and every
//! PC reaching the same feed whatever order the files arrive in.

#[cfg(target_os = "linux")]
mod cloud_folder;
mod convergence;
mod damaged;
mod divergences;
mod folder;
mod hostile;
mod lineup;
mod open_lines;
mod own_folder;
mod recognition;
mod region;
mod region_reading;
mod sent_once;
mod several_teams;
mod story_months;
mod tallies;
mod trust;
mod trust_chains;
mod trust_objects;
mod upgrade;
mod writes_reach;

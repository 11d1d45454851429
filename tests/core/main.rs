//! The core's integration tests, in one binary: one module per room of
//! src/, over real SQLite files and real team folders in temp dirs, with
//! the helpers they share in `support`.

mod digest;
mod exceptions;
mod feedback;
mod keys;
mod misses;
mod moments;
mod plans;
mod reminder;
mod stats;
mod store;
mod support;
mod team;
mod windows_semantics;
mod your_data;

//! The fold's promise, checked on generated teams: the same events give
//! byte for byte the same state in any order, and the state this PC keeps
//! as events arrive (in batches, some late) is the fold from empty. Each
//! generated set mixes admissions, declines, removals (with and without
//! the event they name), grants, revocations, rotations, requests, names,
//! stories, versions, withdrawals, applause, comments, reviews, line-ups,
//! tallies, proposals and decisions, lines by a key that only asked to
//! come in, forks, and events dated ahead.

mod generated;

use super::accepted::Accepted;
use super::current::Current;
use super::events;
use super::fold::fold;
use crate::store::Store;
use crate::team_event::{public_key_text, Event};
use chrono::Duration;
use generated::{step, team, Cast, TEAM};
use proptest::prelude::*;
use rusqlite::params;

fn shuffled(events: &[Accepted], seed: u64) -> Vec<Accepted> {
    let mut order: Vec<(u64, &Accepted)> = events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mixed = (i as u64 + 1)
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .rotate_left((seed % 63) as u32)
                ^ seed.wrapping_mul(0xBF58_476D_1CE4_E5B9);
            (mixed, e)
        })
        .collect();
    order.sort_by_key(|(k, _)| *k);
    order.into_iter().map(|(_, e)| e.clone()).collect()
}

/// The events as this PC's store gets them, in batches, some late: the
/// state it keeps as they come, as bytes.
fn kept_as_they_come(cast: &Cast, events: &[Accepted], raw: &[Event]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let store = Store::open(dir.path(), cast.now()).unwrap_or_else(|err| panic!("{err}"));
    let me = cast.ids[1].clone();
    {
        let conn = store.conn();
        conn.execute(
            "INSERT INTO team (singleton, team_id, name, folder, founder_id, founder_key,
                               joined_at, format, created_at, founder_name)
             VALUES (1, ?1, 'Kundtjänst', '/team', ?2, ?3, ?4, 2, ?5, 'Lena')",
            params![
                TEAM,
                cast.ids[0],
                public_key_text(&cast.keys[0].verifying_key()),
                cast.start,
                cast.start - Duration::days(1)
            ],
        )
        .unwrap_or_else(|err| panic!("{err}"));
    }
    let current = Current::default();
    for batch in events.chunks(7) {
        let conn = store.conn();
        for accepted in batch {
            let event = raw
                .iter()
                .find(|e| events::event_key(e) == accepted.key)
                .unwrap_or_else(|| panic!("the event"));
            events::insert(&conn, event, accepted).unwrap_or_else(|err| panic!("{err}"));
        }
        current
            .refresh(&conn, &me, cast.now())
            .unwrap_or_else(|err| panic!("{err}"));
    }
    current.bytes()
}

/// At least a thousand generated teams; a run for another platform of the
/// same pure fold may ask for fewer (`FANDAY_FOLD_CASES`).
fn fold_cases() -> u32 {
    std::env::var("FANDAY_FOLD_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(1000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: fold_cases(), ..ProptestConfig::default() })]

    #[test]
    fn the_same_events_give_the_same_team_in_any_order(steps in prop::collection::vec(step(), 1..40)) {
        let cast = Cast::new();
        let (raw, events) = team(&cast, &steps);
        let genesis = cast.genesis();
        let reference = fold(&genesis, &events, cast.now()).to_bytes();
        for seed in 0..20 {
            let order = shuffled(&events, seed);
            prop_assert_eq!(&fold(&genesis, &order, cast.now()).to_bytes(), &reference);
        }
        // In an order of arrival, in batches, every fifth event late.
        let arrival = shuffled(&events, 99);
        let late = arrival.iter().step_by(5).cloned();
        let early = arrival.iter().enumerate().filter(|(i, _)| i % 5 != 0).map(|(_, e)| e.clone());
        let in_order: Vec<Accepted> = early.chain(late).collect();
        let kept = kept_as_they_come(&cast, &in_order, &raw);
        prop_assert_eq!(kept, reference);
    }
}

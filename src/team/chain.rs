//! A member's events as one chain: each names the hash of the one before
//! it. Which of a member's lines are on their chain is worked out from the
//! whole set of their lines, never from the order they arrived in, so every
//! PC reading the same files comes to the same chain:
//!
//! - Only lines signed with the member's own key count here; a line anyone
//!   else wrote into their folder is no part of their chain (and makes no
//!   fork).
//! - From the bottom up, the line at each number must name the one below
//!   it (where that one is there); a line that does not, and every line
//!   naming it, is put aside.
//! - Two lines at one number that both name the one below (one key used on
//!   two PCs): neither can be told from the other, and the member's lines
//!   from that number on are put aside, on every PC, until a lead removes
//!   the member; leads are told.
//! - A removal names the member's event at its number by hash: below it,
//!   the chain that ends in that event is the member's, whatever else was
//!   signed at those numbers.

use super::accepted::Accepted;
use super::authority::Authority;
use crate::team_event::EVENT_VERSION;
use std::collections::{BTreeMap, BTreeSet};

/// What the chains of all members come to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Chains {
    /// Lines of the members' own put aside (forks and what follows them).
    pub aside: BTreeSet<String>,
    /// Per member, at how many numbers their own lines disagree.
    pub forks: BTreeMap<String, u32>,
    /// Per member, how many of their numbers below their highest are
    /// missing.
    pub missing: BTreeMap<String, u64>,
    /// Per member, the highest number of their own lines.
    pub highest: BTreeMap<String, u64>,
}

/// Works out every member's chain from `events` (any order), judging which
/// lines are a member's own with `auth`.
pub fn resolve<'a>(events: impl IntoIterator<Item = &'a Accepted>, auth: &Authority) -> Chains {
    let mut by_member: BTreeMap<&str, BTreeMap<u64, Vec<&Accepted>>> = BTreeMap::new();
    for event in events {
        if auth.is_own_line(event) {
            by_member
                .entry(event.member.as_str())
                .or_default()
                .entry(event.seq)
                .or_default()
                .push(event);
        }
    }
    let mut chains = Chains::default();
    for (member, mut by_seq) in by_member {
        for lines in by_seq.values_mut() {
            lines.sort_by(|a, b| a.hash.cmp(&b.hash));
        }
        let highest = by_seq.keys().next_back().copied().unwrap_or(0);
        chains.highest.insert(member.to_string(), highest);
        let missing = highest.saturating_sub(by_seq.len() as u64);
        if missing > 0 {
            chains.missing.insert(member.to_string(), missing);
        }
        let pin = auth.member(member).and_then(|m| m.pin.clone());
        let forks = resolve_member(&by_seq, pin.as_ref(), &mut chains.aside);
        if forks > 0 {
            chains.forks.insert(member.to_string(), forks);
        }
    }
    chains
}

/// The chain a removal pinned: from the event with the pinned hash down,
/// each number's line by its hash.
fn pinned_chain(
    by_seq: &BTreeMap<u64, Vec<&Accepted>>,
    pin: Option<&(u64, String)>,
) -> BTreeMap<u64, String> {
    let mut chain = BTreeMap::new();
    let Some((seq, hash)) = pin else {
        return chain;
    };
    let mut next = Some((*seq, hash.clone()));
    while let Some((seq, hash)) = next.take() {
        let Some(line) = by_seq
            .get(&seq)
            .and_then(|lines| lines.iter().find(|line| line.hash == hash))
        else {
            break;
        };
        chain.insert(seq, hash);
        if let (Some(prev), Some(below)) = (line.prev.as_ref(), seq.checked_sub(1)) {
            if !prev.is_empty() && below > 0 {
                next = Some((below, prev.clone()));
            }
        }
    }
    chain
}

/// One member's lines, number by number; puts aside what is off their
/// chain and returns at how many numbers their lines disagree.
fn resolve_member(
    by_seq: &BTreeMap<u64, Vec<&Accepted>>,
    pin: Option<&(u64, String)>,
    aside: &mut BTreeSet<String>,
) -> u32 {
    let pinned = pinned_chain(by_seq, pin);
    let mut forks = 0;
    // The chain's last line below the number looked at, and the hashes of
    // lines put aside (a line naming one of them is off the chain too).
    let mut below: Option<(u64, String)> = None;
    let mut put_aside: BTreeSet<String> = BTreeSet::new();
    let mut blocked = false;
    for (&seq, lines) in by_seq {
        if blocked {
            aside.extend(lines.iter().map(|line| line.key.clone()));
            continue;
        }
        let format_2 = |line: &&&Accepted| line.v == EVENT_VERSION;
        if let Some(hash) = pinned.get(&seq) {
            for line in lines.iter().filter(format_2) {
                if line.hash != *hash {
                    aside.insert(line.key.clone());
                    put_aside.insert(line.hash.clone());
                }
            }
            if lines.len() > 1 {
                forks += 1;
            }
            below = Some((seq, hash.clone()));
            continue;
        }
        // Format-1 lines carry no chain: each is the member's by its
        // number alone; of two at one number, the one whose id sorts first.
        if lines.iter().all(|line| line.v != EVENT_VERSION) {
            if lines.len() > 1 {
                forks += 1;
                aside.extend(lines.iter().skip(1).map(|line| line.key.clone()));
            }
            below = None;
            continue;
        }
        let joins = |line: &&&Accepted| -> bool {
            let prev = line.prev.as_deref().unwrap_or_default();
            match &below {
                Some((b, hash)) if *b + 1 == seq => prev == hash,
                // The line below is missing (not arrived yet): the line is
                // taken unless it names one put aside.
                _ => !put_aside.contains(prev),
            }
        };
        let joining: Vec<&&Accepted> = lines.iter().filter(format_2).filter(joins).collect();
        if lines.len() > 1 || joining.len() != lines.len() {
            forks += 1;
        }
        match joining.as_slice() {
            [one] => {
                for line in lines.iter().filter(|line| line.hash != one.hash) {
                    aside.insert(line.key.clone());
                    put_aside.insert(line.hash.clone());
                }
                below = Some((seq, one.hash.clone()));
            }
            [] => {
                for line in lines {
                    aside.insert(line.key.clone());
                    put_aside.insert(line.hash.clone());
                }
            }
            _ => {
                // One key, two lines that both follow the chain: no PC can
                // tell which is the member's. From here on, nothing of
                // theirs counts until a lead removes them.
                aside.extend(lines.iter().map(|line| line.key.clone()));
                blocked = true;
            }
        }
    }
    forks
}

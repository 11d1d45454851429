//! Turning a chunk of a member's file into the events they signed: each
//! line parsed, checked to be theirs, and its signature verified (in
//! batches, over the computer's cores). Lines not taken are only counted.

use super::lines::Chunk;
use super::refusal::Refusal;
use crate::team_event::{verify_all, Event, Rejected};
use ed25519_dalek::VerifyingKey;
use std::collections::HashMap;

/// Per reason: how many lines, and where the first began.
#[derive(Debug, Default, Clone)]
pub struct Tally(pub HashMap<Refusal, (u64, u64)>);

impl Tally {
    pub fn add(&mut self, refusal: Refusal, offset: u64) {
        let entry = self.0.entry(refusal).or_insert((0, offset));
        entry.0 += 1;
        entry.1 = entry.1.min(offset);
    }

    pub fn merge(&mut self, other: Tally) {
        for (refusal, (count, first)) in other.0 {
            let entry = self.0.entry(refusal).or_insert((0, first));
            entry.0 += count;
            entry.1 = entry.1.min(first);
        }
    }
}

#[derive(Debug, Default)]
pub struct Verified {
    pub events: Vec<(u64, Event)>,
    pub refused: Tally,
}

fn parse(raw: &[u8], member: &str) -> Result<Event, Refusal> {
    let line = std::str::from_utf8(raw).map_err(|_| Refusal::NotUtf8)?;
    if !line.trim_start().starts_with('{') {
        return Err(Refusal::NotEvent);
    }
    let event = Event::parse(line).map_err(|rejected| match rejected {
        Rejected::UnknownVersion(_) => Refusal::UnknownVersion,
        _ => Refusal::NotEvent,
    })?;
    if event.member != member {
        return Err(Refusal::OtherMembersFolder);
    }
    if event.seq == 0 || event.seq > i64::MAX as u64 {
        return Err(Refusal::SeqOutOfRange);
    }
    Ok(event)
}

fn verify_part(lines: &[(u64, &[u8])], member: &str, key: &VerifyingKey) -> Verified {
    let mut verified = Verified::default();
    let mut parsed = Vec::with_capacity(lines.len());
    for (offset, raw) in lines {
        match parse(raw, member) {
            Ok(event) => parsed.push((*offset, event)),
            Err(refusal) => verified.refused.add(refusal, *offset),
        }
    }
    let candidates: Vec<&Event> = parsed.iter().map(|(_, e)| e).collect();
    let verdicts = verify_all(&candidates, key);
    for ((offset, event), good) in parsed.into_iter().zip(verdicts) {
        if good {
            verified.events.push((offset, event));
        } else {
            verified.refused.add(Refusal::BadSignature, offset);
        }
    }
    verified
}

/// Verifies every line of `chunk` as `member`'s, signed with `key`.
pub fn verify_chunk(chunk: &Chunk, member: &str, key: &VerifyingKey) -> Verified {
    let mut verified = Verified::default();
    for offset in &chunk.too_long {
        verified.refused.add(Refusal::LineTooLong, *offset);
    }
    let lines: Vec<(u64, &[u8])> = chunk
        .lines
        .iter()
        .map(|(offset, range)| (*offset, chunk.line(range)))
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if threads < 2 || lines.len() < 128 {
        let part = verify_part(&lines, member, key);
        verified.events = part.events;
        verified.refused.merge(part.refused);
        return verified;
    }
    let size = lines.len().div_ceil(threads);
    let parts: Vec<Verified> = std::thread::scope(|scope| {
        let handles: Vec<_> = lines
            .chunks(size)
            .map(|part| (part, scope.spawn(move || verify_part(part, member, key))))
            .collect();
        handles
            .into_iter()
            .map(|(part, handle)| {
                handle
                    .join()
                    .unwrap_or_else(|_| verify_part(part, member, key))
            })
            .collect()
    });
    for part in parts {
        verified.events.extend(part.events);
        verified.refused.merge(part.refused);
    }
    verified
}

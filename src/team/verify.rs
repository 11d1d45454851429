//! Turning a chunk of a member's file into the events they signed: each
//! line parsed, checked to be theirs, and its signature verified (in
//! batches, over the computer's cores). Lines not taken are only counted.

use super::authority::Authority;
use super::body::{Body, StoryContent};
use super::refusal::Refusal;
use super::steps::Steps;
use crate::folder::lines::Chunk;
use crate::team_event::{parse_public_key, Event, Rejected};
use ed25519_dalek::VerifyingKey;
use std::collections::HashMap;
use std::path::Path;

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

/// The keys a member's lines may be signed with: what the team knew when
/// the pass began, and what the file itself brings (a request to join names
/// the key it is signed with; a rotation, signed with the old key, names
/// the new one).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyBook {
    pub keys: Steps<VerifyingKey>,
    pub request: Option<(u64, VerifyingKey)>,
    /// Numbers missing here whose next event is taken: the hash it names
    /// for them, and the key that signed it. A line with that hash is
    /// vouched for, as it would be had both come in one chunk.
    pub vouched: std::collections::BTreeMap<u64, (String, VerifyingKey)>,
}

impl KeyBook {
    pub fn of(authority: &Authority, member: &str) -> KeyBook {
        let Some(auth) = authority.member(member) else {
            return KeyBook::default();
        };
        KeyBook {
            keys: auth.keys.clone(),
            request: auth
                .request
                .as_ref()
                .filter(|r| !r.declined)
                .map(|r| (r.seq, r.key)),
            vouched: std::collections::BTreeMap::new(),
        }
    }

    /// A short name for the keys this book holds.
    pub fn digest(&self) -> String {
        let mut text = String::new();
        for (after, key) in self.keys.steps() {
            text.push_str(&format!(
                "{after}:{};",
                crate::team_event::public_key_text(key)
            ));
        }
        if let Some((from, key)) = &self.request {
            text.push_str(&format!(
                "r{from}:{}",
                crate::team_event::public_key_text(key)
            ));
        }
        for (seq, (hash, _)) in &self.vouched {
            text.push_str(&format!("v{seq}:{hash};"));
        }
        crate::folder::short_hash(text.as_bytes())
    }

    fn candidates(&self, seq: u64) -> Vec<VerifyingKey> {
        let mut keys: Vec<VerifyingKey> = self.keys.at(seq).copied().into_iter().collect();
        if let Some((_, key)) = self.request.filter(|(from, _)| seq >= *from) {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        keys
    }

    fn signer(&self, event: &Event) -> Option<VerifyingKey> {
        self.candidates(event.seq)
            .into_iter()
            .find(|key| event.verify(key))
    }

    /// Learns from a request or a rotation in the file, in file order.
    fn learn(&mut self, event: &Event, body: &Result<Body, Refusal>) -> Option<VerifyingKey> {
        match body {
            Ok(Body::MemberRequested(request) | Body::FollowRequested(request)) => {
                let key = parse_public_key(&request.key)?;
                if !event.verify(&key) {
                    return None;
                }
                // A request with the key the member already holds asks for
                // nothing new.
                if self.keys.at(event.seq) != Some(&key) && self.keys.last() != Some(&key) {
                    self.request = Some((event.seq, key));
                }
                Some(key)
            }
            Ok(Body::KeyRotated(rotation)) => {
                let signer = self.signer(event)?;
                if let Some(new) = parse_public_key(&rotation.key) {
                    self.keys.set_after_unless_set(event.seq, new);
                }
                Some(signer)
            }
            _ => None,
        }
    }
}

/// An event whose signature verified, with the key that signed it.
#[derive(Debug, Clone)]
pub struct Signed {
    pub offset: u64,
    pub event: Event,
    pub signer: VerifyingKey,
    /// The event's hash, worked out beside the signature check.
    pub hash: String,
    /// Format 2: the story's file, read beside the event, when it holds the
    /// content the event names.
    pub story: Option<StoryContent>,
    /// Its body, parsed once, here.
    pub body: Result<Body, Refusal>,
}

#[derive(Debug, Default)]
pub struct Verified {
    pub events: Vec<Signed>,
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

/// A parsed line, its body, its hash and its story file (worked out in
/// parallel).
struct Prepared {
    offset: u64,
    event: Event,
    body: Result<Body, Refusal>,
    hash: String,
    story: Option<StoryContent>,
}

fn prepare_part(parsed: Vec<(u64, Event)>, stories: Option<&Path>) -> Vec<Prepared> {
    let bodies: Vec<Result<Body, Refusal>> = parsed
        .iter()
        .map(|(_, event)| Body::parse(&event.kind, &event.body))
        .collect();
    let wanted: Vec<Option<(String, String, chrono::NaiveDate)>> = parsed
        .iter()
        .zip(&bodies)
        .map(|((_, event), body)| story_named(event, body))
        .collect();
    let mut found = match stories {
        Some(dir) if wanted.iter().any(Option::is_some) => stories_beside(dir, wanted),
        _ => Vec::new(),
    }
    .into_iter();
    parsed
        .into_iter()
        .zip(bodies)
        .map(|((offset, event), body)| Prepared {
            offset,
            hash: event.hash(),
            event,
            body,
            story: found.next().flatten(),
        })
        .collect()
}

/// Which lines are the member's. A format-2 event names the hash of the
/// one before it: where the next event in the chunk is theirs (signed with
/// the same key) and names this one, it vouches for it, and only the last
/// of such a run needs its signature checked (strictly), as a chain of
/// signed links does in Secure Scuttlebutt. Any line not vouched for is
/// checked on its own.
fn authenticate(prepared: Vec<Prepared>, book: &KeyBook) -> Verified {
    let mut verified = Verified::default();
    let mut order: Vec<usize> = (0..prepared.len()).collect();
    order.sort_by(|a, b| prepared[*b].event.seq.cmp(&prepared[*a].event.seq));
    let mut signer: Vec<Option<VerifyingKey>> = vec![None; prepared.len()];
    // The chain's links, from the highest number down.
    let mut by_seq: HashMap<u64, Vec<usize>> = HashMap::new();
    for (index, item) in prepared.iter().enumerate() {
        by_seq.entry(item.event.seq).or_default().push(index);
    }
    for &index in &order {
        let item = &prepared[index];
        let vouched = (item.event.v == crate::team_event::EVENT_VERSION)
            .then(|| by_seq.get(&(item.event.seq + 1)))
            .flatten()
            .and_then(|next| {
                next.iter().find_map(|&n| {
                    let key = signer[n]?;
                    let links = prepared[n].event.prev.as_deref() == Some(item.hash.as_str());
                    (links && book.candidates(item.event.seq).contains(&key)).then_some(key)
                })
            });
        let vouched_before = || {
            let (hash, key) = book.vouched.get(&item.event.seq)?;
            (*hash == item.hash && book.candidates(item.event.seq).contains(key)).then_some(*key)
        };
        signer[index] = vouched
            .or_else(vouched_before)
            .or_else(|| book.signer(&item.event));
    }
    for (item, signer) in prepared.into_iter().zip(signer) {
        match signer {
            Some(signer) => verified.events.push(Signed {
                offset: item.offset,
                event: item.event,
                signer,
                hash: item.hash,
                story: item.story,
                body: item.body,
            }),
            None => verified.refused.add(Refusal::BadSignature, item.offset),
        }
    }
    verified
}

/// At most this many bytes of story files are read beside one part of a
/// chunk; the rest are read after the pass (`after::settle`).
const STORY_BYTES_PER_PART: u64 = 2 * 1024 * 1024;

/// The story a format-2 share names: its id and the hash of its content.
fn story_named(
    event: &Event,
    body: &Result<Body, Refusal>,
) -> Option<(String, String, chrono::NaiveDate)> {
    match body {
        Ok(Body::StoryShared(story) | Body::StoryEdited(story))
            if event.v == crate::team_event::EVENT_VERSION =>
        {
            Some((story.story_id.clone(), story.hash.clone()?, story.date))
        }
        _ => None,
    }
}

/// The story files `wanted` names, each if it holds that content, read
/// together with one deadline for the part (where they are not there yet,
/// or not readable yet, the texts are looked for after the pass).
fn stories_beside(
    stories: &Path,
    wanted: Vec<Option<(String, String, chrono::NaiveDate)>>,
) -> Vec<Option<StoryContent>> {
    let dir = stories.to_path_buf();
    // Parts of one chunk are read side by side: each goes by its first
    // story's name (parts of one month must not wait for each other).
    let first = wanted
        .iter()
        .flatten()
        .next()
        .map_or_else(|| stories.to_path_buf(), |(id, _, _)| stories.join(id));
    crate::folder::deadline::within(&first, move || {
        let mut allowance = STORY_BYTES_PER_PART;
        let mut shelf = crate::exchange::story_bundles::Shelf::new(&dir, false, false);
        wanted
            .into_iter()
            .map(|named| {
                let (story_id, hash, date) = named.filter(|_| allowance > 0)?;
                let crate::exchange::story_files::Found::Content(story) =
                    shelf.find(&story_id, &hash, date)
                else {
                    return None;
                };
                let size = story.text.len() + story.reaction.as_ref().map_or(0, String::len);
                allowance = allowance.saturating_sub((size as u64).max(256));
                Some(story)
            })
            .collect()
    })
    .unwrap_or_default()
}

/// Verifies every line of `chunk` as `member`'s, with the keys in `book`
/// (which learns from what the chunk brings); where `stories` is the
/// member's stories folder, the files of the stories shared are read too.
pub fn verify_chunk(
    chunk: &Chunk,
    member: &str,
    book: &mut KeyBook,
    stories: Option<&Path>,
) -> Verified {
    let mut verified = Verified::default();
    for offset in &chunk.too_long {
        verified.refused.add(Refusal::LineTooLong, *offset);
    }
    let mut parsed = Vec::with_capacity(chunk.lines.len());
    for (offset, range) in &chunk.lines {
        match parse(chunk.line(range), member) {
            Ok(event) => parsed.push((*offset, event)),
            Err(refusal) => verified.refused.add(refusal, *offset),
        }
    }
    // Requests and rotations first, in file order: they say which keys the
    // other lines may be signed with.
    let mut rest = Vec::with_capacity(parsed.len());
    for (offset, event) in parsed {
        if Body::names_keys(&event.kind) {
            let body = Body::parse(&event.kind, &event.body);
            match book.learn(&event, &body) {
                Some(signer) => verified.events.push(Signed {
                    offset,
                    hash: event.hash(),
                    event,
                    signer,
                    story: None,
                    body,
                }),
                None => verified.refused.add(Refusal::BadSignature, offset),
            }
        } else {
            rest.push((offset, event));
        }
    }
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let prepared: Vec<Prepared> = if threads < 2 || rest.len() < 64 {
        prepare_part(rest, stories)
    } else {
        let size = rest.len().div_ceil(threads);
        let mut pieces = Vec::new();
        while !rest.is_empty() {
            let tail = rest.split_off(size.min(rest.len()));
            pieces.push(std::mem::replace(&mut rest, tail));
        }
        std::thread::scope(|scope| {
            let handles: Vec<_> = pieces
                .into_iter()
                .map(|piece| scope.spawn(move || prepare_part(piece, stories)))
                .collect();
            handles
                .into_iter()
                .flat_map(|handle| handle.join().unwrap_or_default())
                .collect()
        })
    };
    let part = authenticate(prepared, book);
    verified.events.extend(part.events);
    verified.refused.merge(part.refused);
    verified.events.sort_by_key(|signed| signed.offset);
    verified
}

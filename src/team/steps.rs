//! A value that changes at a member's event numbers (their key, whether
//! they are let in, whether they lead), and how it is written down in the
//! state's serialised form.

use crate::team_event::public_key_text;
use ed25519_dalek::VerifyingKey;
use serde::{Serialize, Serializer};

/// A value that holds for a member's event numbers after each boundary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Steps<T>(Vec<(u64, T)>);

impl<T> Default for Steps<T> {
    fn default() -> Self {
        Steps(Vec::new())
    }
}

impl<T: Clone + PartialEq> Steps<T> {
    /// From the numbers after `after` on, `value` holds (until a later step).
    pub fn set_after(&mut self, after: u64, value: T) {
        let at = self.0.partition_point(|(b, _)| *b <= after);
        self.0.insert(at, (after, value));
    }

    /// As [`Steps::set_after`], but giving way to a step already set at the
    /// same boundary (a lead's admission there holds over a member's own
    /// rotation at the same number).
    pub fn set_after_unless_set(&mut self, after: u64, value: T) {
        let at = self.0.partition_point(|(b, _)| *b < after);
        self.0.insert(at, (after, value));
    }

    pub fn at(&self, seq: u64) -> Option<&T> {
        let at = self.0.partition_point(|(b, _)| *b < seq);
        at.checked_sub(1)
            .and_then(|i| self.0.get(i))
            .map(|(_, v)| v)
    }

    pub fn last(&self) -> Option<&T> {
        self.0.last().map(|(_, v)| v)
    }

    pub fn steps(&self) -> impl Iterator<Item = &(u64, T)> {
        self.0.iter()
    }
}

pub fn key_text<S: Serializer>(key: &VerifyingKey, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&public_key_text(key))
}

/// A key as text, for the state's serialised form.
#[derive(Serialize)]
struct KeyText<'a>(#[serde(serialize_with = "key_text")] &'a VerifyingKey);

impl Serialize for Steps<VerifyingKey> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|(b, key)| (b, KeyText(key))))
    }
}

impl Serialize for Steps<bool> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter())
    }
}

pub fn keys_text<S: Serializer>(keys: &[VerifyingKey], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(keys.iter().map(KeyText))
}

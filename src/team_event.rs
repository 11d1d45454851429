//! One line of a member's `events-<n>.jsonl`: a signed team event.
//!
//! The signature is Ed25519 over the canonical JSON of the event without its
//! `sig` field: keys sorted, no whitespace, UTF-8 (what `serde_json` writes
//! for a `Value`). Keys and signatures are standard base64. Signatures are
//! checked strictly (`verify_strict`), one by one: a batch check accepts
//! some signatures a single check refuses, and every PC must agree.
//!
//! Format 2 signs the team's id and the hash of the member's previous event
//! (a chain per member); format 1, read for teams that have not upgraded,
//! signed a free `id` instead.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The event format this Fanday writes for a team on format 2.
pub const EVENT_VERSION: u32 = 2;
/// The format of teams that have not upgraded yet.
pub const LEGACY_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub v: u32,
    /// Format 1 only: an id the writer chose.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// Format 2: the team's id, so an event cannot be replayed elsewhere.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub team: String,
    pub member: String,
    pub seq: u64,
    /// Format 2: the hash of the member's previous event, empty for the first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
    pub at: DateTime<Utc>,
    pub kind: String,
    pub body: Value,
    #[serde(default)]
    pub sig: String,
}

/// Why a line was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejected {
    NotJson,
    UnknownVersion(u32),
    BadSignature,
}

impl Event {
    /// The canonical bytes the signature covers. The fields are listed in
    /// sorted order, and a `Value` object keeps its keys sorted.
    pub fn signed_bytes(&self) -> Vec<u8> {
        #[derive(Serialize)]
        struct Legacy<'a> {
            at: &'a DateTime<Utc>,
            body: &'a Value,
            id: &'a str,
            kind: &'a str,
            member: &'a str,
            seq: u64,
            v: u32,
        }
        #[derive(Serialize)]
        struct Chained<'a> {
            at: &'a DateTime<Utc>,
            body: &'a Value,
            kind: &'a str,
            member: &'a str,
            prev: &'a str,
            seq: u64,
            team: &'a str,
            v: u32,
        }
        let bytes = if self.v == LEGACY_VERSION {
            serde_json::to_vec(&Legacy {
                at: &self.at,
                body: &self.body,
                id: &self.id,
                kind: &self.kind,
                member: &self.member,
                seq: self.seq,
                v: self.v,
            })
        } else {
            serde_json::to_vec(&Chained {
                at: &self.at,
                body: &self.body,
                kind: &self.kind,
                member: &self.member,
                prev: self.prev.as_deref().unwrap_or_default(),
                seq: self.seq,
                team: &self.team,
                v: self.v,
            })
        };
        bytes.unwrap_or_default()
    }

    /// SHA-256 of the signed bytes, as lowercase hex: what the member's next
    /// event names as `prev`.
    pub fn hash(&self) -> String {
        hex(&Sha256::digest(self.signed_bytes()))
    }

    /// What makes this event itself: its id in format 1, its hash in format 2.
    pub fn identity(&self) -> String {
        if self.v == LEGACY_VERSION {
            self.id.clone()
        } else {
            self.hash()
        }
    }

    pub fn sign(mut self, key: &SigningKey) -> Event {
        self.sig = B64.encode(key.sign(&self.signed_bytes()).to_bytes());
        self
    }

    pub fn signature(&self) -> Option<Signature> {
        let bytes = B64.decode(&self.sig).ok()?;
        Signature::from_slice(&bytes).ok()
    }

    /// Strict Ed25519: no weak keys, no malleable signatures.
    pub fn verify(&self, public_key: &VerifyingKey) -> bool {
        let Some(signature) = self.signature() else {
            return false;
        };
        public_key
            .verify_strict(&self.signed_bytes(), &signature)
            .is_ok()
    }

    /// The line as written to the file, without the newline.
    pub fn to_line(&self) -> String {
        let value = serde_json::to_value(self).unwrap_or(Value::Null);
        serde_json::to_string(&value).unwrap_or_default()
    }

    pub fn parse(line: &str) -> Result<Event, Rejected> {
        let fits = |event: &Event| match event.v {
            LEGACY_VERSION => !event.id.is_empty() && event.team.is_empty() && event.prev.is_none(),
            EVENT_VERSION => event.id.is_empty() && !event.team.is_empty() && event.prev.is_some(),
            _ => false,
        };
        if let Ok(event) = serde_json::from_str::<Event>(line) {
            if fits(&event) {
                return Ok(event);
            }
            if event.v != LEGACY_VERSION && event.v != EVENT_VERSION {
                return Err(Rejected::UnknownVersion(event.v));
            }
            return Err(Rejected::NotJson);
        }
        let value: Value = serde_json::from_str(line).map_err(|_| Rejected::NotJson)?;
        let version = value.get("v").and_then(Value::as_u64).unwrap_or(0);
        if version != u64::from(LEGACY_VERSION) && version != u64::from(EVENT_VERSION) {
            return Err(Rejected::UnknownVersion(
                version.min(u64::from(u32::MAX)) as u32
            ));
        }
        Err(Rejected::NotJson)
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

/// SHA-256 of the canonical JSON of `value`, as lowercase hex: the hash a
/// story's text or a proposal is named by.
pub fn content_hash(value: &impl Serialize) -> String {
    let canonical = serde_json::to_value(value)
        .and_then(|v| serde_json::to_vec(&v))
        .unwrap_or_default();
    hex(&Sha256::digest(canonical))
}

pub fn public_key_text(key: &VerifyingKey) -> String {
    B64.encode(key.to_bytes())
}

/// A public key as written in the folder; weak (small-order) keys are
/// refused, since anything verifies against them.
pub fn parse_public_key(text: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = B64.decode(text.trim()).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes)
        .ok()
        .filter(|key| !key.is_weak())
}

pub fn secret_key_text(key: &SigningKey) -> String {
    B64.encode(key.to_bytes())
}

pub fn parse_secret_key(text: &str) -> Option<SigningKey> {
    let bytes: [u8; 32] = B64.decode(text.trim()).ok()?.try_into().ok()?;
    Some(SigningKey::from_bytes(&bytes))
}

/// A new key pair from the operating system's randomness.
pub fn new_signing_key() -> Option<SigningKey> {
    let mut seed = [0_u8; 32];
    getrandom::getrandom(&mut seed).ok()?;
    Some(SigningKey::from_bytes(&seed))
}

/// Signs any value (team.json) over its canonical JSON.
pub fn sign_value(value: &impl Serialize, key: &SigningKey) -> String {
    let bytes = serde_json::to_value(value)
        .and_then(|v| serde_json::to_vec(&v))
        .unwrap_or_default();
    B64.encode(key.sign(&bytes).to_bytes())
}

pub fn verify_value(value: &impl Serialize, sig: &str, key: &VerifyingKey) -> bool {
    let Ok(bytes) = serde_json::to_value(value).and_then(|v| serde_json::to_vec(&v)) else {
        return false;
    };
    let Some(signature) = B64
        .decode(sig)
        .ok()
        .and_then(|bytes| Signature::from_slice(&bytes).ok())
    else {
        return false;
    };
    key.verify_strict(&bytes, &signature).is_ok()
}

/// A short fingerprint people can compare by reading it aloud:
/// the first 8 bytes of SHA-256 of the key, in four groups of hex.
pub fn fingerprint(key: &VerifyingKey) -> String {
    let digest = Sha256::digest(key.to_bytes());
    digest[..8]
        .chunks(2)
        .map(|pair| format!("{:02X}{:02X}", pair[0], pair[1]))
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(v: u32) -> Event {
        Event {
            v,
            id: if v == 1 { "e1".into() } else { String::new() },
            team: if v == 2 { "t1".into() } else { String::new() },
            member: "m1".into(),
            seq: 1,
            prev: (v == 2).then(String::new),
            at: DateTime::parse_from_rfc3339("2026-11-23T09:00:00Z")
                .map(|d| d.with_timezone(&Utc))
                .unwrap_or_default(),
            kind: "reaction.added".into(),
            body: serde_json::json!({"story_id": "s"}),
            sig: String::new(),
        }
    }

    #[test]
    fn both_formats_sign_parse_and_verify_and_a_change_breaks_the_signature() {
        let key = new_signing_key().unwrap_or_else(|| panic!("a key"));
        for v in [1, 2] {
            let signed = event(v).sign(&key);
            let read = Event::parse(&signed.to_line()).unwrap_or_else(|err| panic!("{err:?}"));
            assert_eq!(read, signed);
            assert!(read.verify(&key.verifying_key()));
            let mut changed = read.clone();
            changed.seq = 2;
            assert!(!changed.verify(&key.verifying_key()));
        }
    }

    #[test]
    fn a_format_2_event_is_bound_to_its_team_and_its_chain() {
        let key = new_signing_key().unwrap_or_else(|| panic!("a key"));
        let signed = event(2).sign(&key);
        let mut other_team = signed.clone();
        other_team.team = "t2".into();
        assert!(!other_team.verify(&key.verifying_key()));
        let mut other_prev = signed.clone();
        other_prev.prev = Some("00".into());
        assert!(!other_prev.verify(&key.verifying_key()));
        assert_ne!(signed.hash(), other_team.hash());
        assert_eq!(signed.identity(), signed.hash());
    }

    #[test]
    fn a_mixed_or_unknown_format_is_refused() {
        let mut mixed = event(2);
        mixed.id = "e1".into();
        assert_eq!(Event::parse(&mixed.to_line()), Err(Rejected::NotJson));
        let future = event(2).to_line().replace("\"v\":2", "\"v\":9");
        assert_eq!(Event::parse(&future), Err(Rejected::UnknownVersion(9)));
    }

    #[test]
    fn a_weak_key_is_refused() {
        // The identity point: every signature "verifies" against it.
        let weak = B64.encode(
            [1_u8]
                .iter()
                .chain([0_u8; 31].iter())
                .copied()
                .collect::<Vec<_>>(),
        );
        assert!(parse_public_key(&weak).is_none());
    }
}

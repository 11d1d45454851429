//! One line of a member's `events-<n>.jsonl`: a signed team event.
//!
//! The signature is Ed25519 over the canonical JSON of the event without its
//! `sig` field: keys sorted, no whitespace, UTF-8 (what `serde_json` writes
//! for a `Value`). Keys and signatures are standard base64.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The event format this Fanday writes and reads.
pub const EVENT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub v: u32,
    pub id: String,
    pub member: String,
    pub seq: u64,
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
        struct Unsigned<'a> {
            at: &'a DateTime<Utc>,
            body: &'a Value,
            id: &'a str,
            kind: &'a str,
            member: &'a str,
            seq: u64,
            v: u32,
        }
        serde_json::to_vec(&Unsigned {
            at: &self.at,
            body: &self.body,
            id: &self.id,
            kind: &self.kind,
            member: &self.member,
            seq: self.seq,
            v: self.v,
        })
        .unwrap_or_default()
    }

    pub fn sign(mut self, key: &SigningKey) -> Event {
        self.sig = B64.encode(key.sign(&self.signed_bytes()).to_bytes());
        self
    }

    pub fn signature(&self) -> Option<Signature> {
        let bytes = B64.decode(&self.sig).ok()?;
        Signature::from_slice(&bytes).ok()
    }

    pub fn verify(&self, public_key: &VerifyingKey) -> bool {
        let Ok(bytes) = B64.decode(&self.sig) else {
            return false;
        };
        let Ok(signature) = Signature::from_slice(&bytes) else {
            return false;
        };
        public_key.verify(&self.signed_bytes(), &signature).is_ok()
    }

    /// The line as written to the file, without the newline.
    pub fn to_line(&self) -> String {
        let value = serde_json::to_value(self).unwrap_or(Value::Null);
        serde_json::to_string(&value).unwrap_or_default()
    }

    pub fn parse(line: &str) -> Result<Event, Rejected> {
        if let Ok(event) = serde_json::from_str::<Event>(line) {
            if event.v == EVENT_VERSION {
                return Ok(event);
            }
        }
        let value: Value = serde_json::from_str(line).map_err(|_| Rejected::NotJson)?;
        let version = value.get("v").and_then(Value::as_u64).unwrap_or(0) as u32;
        if version != EVENT_VERSION {
            return Err(Rejected::UnknownVersion(version));
        }
        serde_json::from_value(value).map_err(|_| Rejected::NotJson)
    }
}

pub fn public_key_text(key: &VerifyingKey) -> String {
    B64.encode(key.to_bytes())
}

pub fn parse_public_key(text: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = B64.decode(text.trim()).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
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

/// Checks many events of one member at once (Ed25519 batch verification,
/// about twice as fast); where a batch fails, each is checked on its own to
/// find the bad ones. Returns, in order, whether each event verified.
pub fn verify_all(events: &[&Event], public_key: &VerifyingKey) -> Vec<bool> {
    const BATCH: usize = 64;
    let mut verified = Vec::with_capacity(events.len());
    for part in events.chunks(BATCH) {
        let messages: Vec<Vec<u8>> = part.iter().map(|e| e.signed_bytes()).collect();
        let signatures: Option<Vec<Signature>> = part.iter().map(|e| e.signature()).collect();
        let batch_ok = signatures.is_some_and(|signatures| {
            let refs: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
            let keys = vec![*public_key; part.len()];
            ed25519_dalek::verify_batch(&refs, &signatures, &keys).is_ok()
        });
        if batch_ok {
            verified.extend(std::iter::repeat(true).take(part.len()));
        } else {
            verified.extend(part.iter().map(|e| e.verify(public_key)));
        }
    }
    verified
}

//! Who uses this copy of Fanday: name, role and language.

use crate::error::{CoreError, Result, ValidationError};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

pub const MAX_NAME_CHARS: usize = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Staff,
    Lead,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    Sv,
    En,
}

impl Language {
    /// Swedish for a Swedish (or other Nordic-Swedish) locale such as
    /// `sv-SE` or `sv_FI.UTF-8`; English otherwise.
    pub fn from_locale(locale: &str) -> Language {
        let lang = locale
            .split(['-', '_', '.', '@'])
            .next()
            .unwrap_or_default();
        if lang.eq_ignore_ascii_case("sv") {
            Language::Sv
        } else {
            Language::En
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub id: String,
    pub display_name: String,
    pub role: Role,
    pub language: Language,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Profile {
    /// The one lead check: what only a team lead may do refuses everyone else.
    pub fn require_lead(&self) -> Result<(), CoreError> {
        match self.role {
            Role::Lead => Ok(()),
            Role::Staff => Err(CoreError::LeadOnly),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileInput {
    pub display_name: String,
    pub role: Role,
    pub language: Language,
}

pub(crate) fn validate_name(name: &str) -> Result<String, ValidationError> {
    let name = name.trim();
    let len = name.chars().count();
    if len == 0 {
        return Err(ValidationError::NameEmpty);
    }
    if len > MAX_NAME_CHARS {
        return Err(ValidationError::NameTooLong {
            len,
            max: MAX_NAME_CHARS,
        });
    }
    Ok(name.to_string())
}

pub(crate) fn load(conn: &Connection) -> Result<Option<Profile>> {
    let profile = conn
        .query_row(
            "SELECT id, display_name, role, language, created_at, updated_at
               FROM profile WHERE singleton = 1",
            [],
            |row| {
                Ok(Profile {
                    id: row.get(0)?,
                    display_name: row.get(1)?,
                    role: crate::sql::enum_column(row, 2)?,
                    language: crate::sql::enum_column(row, 3)?,
                    created_at: row.get(4)?,
                    updated_at: row.get(5)?,
                })
            },
        )
        .optional()?;
    Ok(profile)
}

pub(crate) fn save(conn: &Connection, input: &ProfileInput, now: DateTime<Utc>) -> Result<Profile> {
    let name = validate_name(&input.display_name)?;
    let id = match load(conn)? {
        Some(existing) => existing.id,
        None => uuid::Uuid::now_v7().to_string(),
    };
    conn.execute(
        "INSERT INTO profile (singleton, id, display_name, role, language, created_at, updated_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?5)
         ON CONFLICT (singleton) DO UPDATE SET
            display_name = excluded.display_name,
            role = excluded.role,
            language = excluded.language,
            updated_at = excluded.updated_at",
        params![
            id,
            name,
            crate::sql::enum_text(&input.role),
            crate::sql::enum_text(&input.language),
            now
        ],
    )?;
    load(conn)?.ok_or(crate::CoreError::NoProfile)
}

/// A lead role granted through the team (a signed `role.granted`) makes this
/// PC's profile a lead too, so the person gets the lead's tools.
pub(crate) fn promote_to_lead(conn: &Connection, now: DateTime<Utc>) -> Result<bool> {
    let changed = conn.execute(
        "UPDATE profile SET role = ?1, updated_at = ?2 WHERE singleton = 1 AND role <> ?1",
        params![crate::sql::enum_text(&Role::Lead), now],
    )?;
    Ok(changed > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_locales_choose_swedish_and_all_others_english() {
        assert_eq!(Language::from_locale("sv-SE"), Language::Sv);
        assert_eq!(Language::from_locale("sv_FI.UTF-8"), Language::Sv);
        assert_eq!(Language::from_locale("SV"), Language::Sv);
        assert_eq!(Language::from_locale("en-US"), Language::En);
        assert_eq!(Language::from_locale("nb-NO"), Language::En);
        assert_eq!(Language::from_locale(""), Language::En);
    }

    #[test]
    fn a_name_is_trimmed_and_must_not_be_empty_or_too_long() {
        assert_eq!(validate_name("  Sara  "), Ok("Sara".to_string()));
        assert_eq!(validate_name(" \t "), Err(ValidationError::NameEmpty));
        let long = "å".repeat(MAX_NAME_CHARS + 1);
        assert_eq!(
            validate_name(&long),
            Err(ValidationError::NameTooLong {
                len: MAX_NAME_CHARS + 1,
                max: MAX_NAME_CHARS
            })
        );
    }
}

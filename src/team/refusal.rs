//! Why something in the team folder was not taken: one closed list, each
//! with a stable code the window words in Swedish and English, and an
//! English text for logs and tests.

use serde::Serialize;

/// The refusals, each once: its variant, its stable code (the serde name
/// too) and its English text.
macro_rules! refusals {
    ($($(#[$doc:meta])* $variant:ident = $code:literal, $text:literal;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Refusal {
            $($(#[$doc])* $variant,)*
        }

        impl Refusal {
            pub fn code(self) -> &'static str {
                match self {
                    $(Refusal::$variant => $code,)*
                }
            }

            pub fn text(self) -> &'static str {
                match self {
                    $(Refusal::$variant => $text,)*
                }
            }

            pub(crate) const ALL: [Refusal; [$($code),*].len()] = [$(Refusal::$variant),*];
        }
    };
}

refusals! {
    // ---- whole files and folders ----
    /// A symbolic link: never followed, never written through.
    Link = "link", "a link: Fanday never follows links in the team folder";
    /// A pipe, a device or a socket.
    NotRegular = "not_regular", "not a regular file (a pipe or a device)";
    /// A folder where a file belongs.
    FolderNotFile = "folder_not_file", "a folder where a file belongs";
    /// Something other than a folder in `members/`.
    NotAFolder = "not_a_folder", "not a folder";
    /// A folder in `members/` whose name is no member id.
    NotMemberFolder = "not_member_folder", "not a member folder";
    TooLarge = "too_large", "too large to be a team file";
    Unreadable = "unreadable", "cannot be read";
    TempFile = "temp_file", "a temporary file";
    NotEventFile = "not_event_file", "not an event file";
    ProfileMissing = "profile_missing", "no readable profile.json yet";
    ProfileInvalid = "profile_invalid", "profile.json is not valid";
    ProfileOtherKey = "profile_other_key", "profile.json shows another key than the one pinned";
    ProfileOtherMember = "profile_other_member", "profile.json names another member";
    /// The file became shorter or changed before where it had been read.
    Rewound = "rewound",
        "the file became shorter or changed where it had been read; read again from the start";
    // ---- single lines ----
    NotUtf8 = "not_utf8", "not UTF-8 text";
    NotEvent = "not_event", "not a valid event";
    UnknownVersion = "unknown_version", "an event format unknown to this Fanday";
    LineTooLong = "line_too_long", "a line too long to be an event";
    OtherMembersFolder = "other_members_folder", "written in another member's folder";
    BadSignature = "bad_signature", "the signature does not match the member's key";
    SeqOutOfRange = "seq_out_of_range", "an event number out of range";
    /// Another event of the member already has this number.
    Fork = "fork",
        "another event already has this number: one key used on two PCs or a rewritten file";
    // ---- signed events the rules do not take ----
    UnknownKind = "unknown_kind", "an unknown kind of event";
    BodyMismatch = "body_mismatch", "an event whose content does not fit its kind";
    TextInvalid = "text_invalid", "a text that is empty or too long";
    NotAuthor = "not_author", "a change to someone else's story";
    /// Kept aside: counts once the signer is known as a lead, if ever.
    NotLead = "not_lead", "kept aside: a lead's step from someone who is not a lead";
    ProposalInvalid = "proposal_invalid", "a proposal that does not fit";
    /// Kept aside: a decision that does not (yet) follow from the ones
    /// before it, or whose proposal has not been read yet.
    DecisionWaiting = "decision_waiting",
        "kept aside: a decision on a proposal not read yet, or one that does not follow";
    /// Kept aside: from someone no lead has admitted (yet), or removed.
    NotAdmitted = "not_admitted",
        "kept aside: from someone no lead has admitted (yet), or after their removal";
    /// The team's last lead cannot be removed or lose the role.
    LastLead = "last_lead", "the team's last lead cannot lose the role";
    /// Signed for another team: a replay.
    OtherTeam = "other_team", "an event of another team";
    /// Kept aside: dated before the team began, or in the future.
    DateOutOfRange = "date_out_of_range", "kept aside: dated before the team or in the future";
    /// A format-1 event after the team moved to format 2.
    LegacyAfterUpgrade = "legacy_after_upgrade",
        "written in the old format after the team moved on; the writer should update Fanday";
    /// A decision that names another text than the proposal has.
    ProposalChanged = "proposal_changed", "a decision on another text than the proposal's";
    /// A story's file that does not hold the content its event names.
    StoryFile = "story_file", "a story file whose content is not the one shared";
    /// A weekly tally whose counts do not add up, are out of bounds, or
    /// whose week lies ahead of it.
    TallyInvalid = "tally_invalid", "a weekly tally whose numbers or week cannot be right";
    /// An id its author used before for something else (a proposal).
    IdTaken = "id_taken", "an id its author had used before for something else";
}

impl Refusal {
    pub fn from_code(code: &str) -> Option<Refusal> {
        Refusal::ALL.iter().copied().find(|r| r.code() == code)
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_as_its_refusal() {
        for refusal in Refusal::ALL {
            assert_eq!(Refusal::from_code(refusal.code()), Some(refusal));
            let json = serde_json::to_value(refusal).unwrap_or_default();
            assert_eq!(json, serde_json::Value::String(refusal.code().into()));
        }
    }
}

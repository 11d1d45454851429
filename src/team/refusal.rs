//! Why something in the team folder was not taken: one closed list, each
//! with a stable code the window words in Swedish and English, and an
//! English text for logs and tests.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    // ---- whole files and folders ----
    /// A symbolic link: never followed, never written through.
    Link,
    /// A pipe, a device or a socket.
    NotRegular,
    /// A folder where a file belongs.
    FolderNotFile,
    /// Something other than a folder in `members/`.
    NotAFolder,
    /// A folder in `members/` whose name is no member id.
    NotMemberFolder,
    TooLarge,
    Unreadable,
    TempFile,
    NotEventFile,
    ProfileMissing,
    ProfileInvalid,
    ProfileOtherKey,
    ProfileOtherMember,
    /// The file became shorter or changed before where it had been read.
    Rewound,
    // ---- single lines ----
    NotUtf8,
    NotEvent,
    UnknownVersion,
    LineTooLong,
    OtherMembersFolder,
    BadSignature,
    SeqOutOfRange,
    /// Another event of the member already has this number.
    Fork,
    // ---- signed events the rules do not take ----
    UnknownKind,
    BodyMismatch,
    TextInvalid,
    NotAuthor,
    /// Kept aside: counts once the signer is known as a lead, if ever.
    NotLead,
    ProposalInvalid,
    /// Kept aside: a decision that does not (yet) follow from the ones
    /// before it, or whose proposal has not been read yet.
    DecisionWaiting,
    /// Kept aside: from someone no lead has admitted (yet), or removed.
    NotAdmitted,
    /// The team's last lead cannot be removed or lose the role.
    LastLead,
    /// Signed for another team: a replay.
    OtherTeam,
    /// Kept aside: dated before the team began, or in the future.
    DateOutOfRange,
    /// A format-1 event after the team moved to format 2.
    LegacyAfterUpgrade,
    /// A decision that names another text than the proposal has.
    ProposalChanged,
    /// A story's file that does not hold the content its event names.
    StoryFile,
    /// A weekly tally whose counts do not add up, are out of bounds, or
    /// whose week lies ahead of it.
    TallyInvalid,
    /// An id its author used before for something else (a proposal).
    IdTaken,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::Link => "link",
            Refusal::NotRegular => "not_regular",
            Refusal::FolderNotFile => "folder_not_file",
            Refusal::NotAFolder => "not_a_folder",
            Refusal::NotMemberFolder => "not_member_folder",
            Refusal::TooLarge => "too_large",
            Refusal::Unreadable => "unreadable",
            Refusal::TempFile => "temp_file",
            Refusal::NotEventFile => "not_event_file",
            Refusal::ProfileMissing => "profile_missing",
            Refusal::ProfileInvalid => "profile_invalid",
            Refusal::ProfileOtherKey => "profile_other_key",
            Refusal::ProfileOtherMember => "profile_other_member",
            Refusal::Rewound => "rewound",
            Refusal::NotUtf8 => "not_utf8",
            Refusal::NotEvent => "not_event",
            Refusal::UnknownVersion => "unknown_version",
            Refusal::LineTooLong => "line_too_long",
            Refusal::OtherMembersFolder => "other_members_folder",
            Refusal::BadSignature => "bad_signature",
            Refusal::SeqOutOfRange => "seq_out_of_range",
            Refusal::Fork => "fork",
            Refusal::UnknownKind => "unknown_kind",
            Refusal::BodyMismatch => "body_mismatch",
            Refusal::TextInvalid => "text_invalid",
            Refusal::NotAuthor => "not_author",
            Refusal::NotLead => "not_lead",
            Refusal::ProposalInvalid => "proposal_invalid",
            Refusal::DecisionWaiting => "decision_waiting",
            Refusal::NotAdmitted => "not_admitted",
            Refusal::LastLead => "last_lead",
            Refusal::OtherTeam => "other_team",
            Refusal::DateOutOfRange => "date_out_of_range",
            Refusal::LegacyAfterUpgrade => "legacy_after_upgrade",
            Refusal::ProposalChanged => "proposal_changed",
            Refusal::StoryFile => "story_file",
            Refusal::TallyInvalid => "tally_invalid",
            Refusal::IdTaken => "id_taken",
        }
    }

    pub fn from_code(code: &str) -> Option<Refusal> {
        Refusal::ALL.iter().copied().find(|r| r.code() == code)
    }

    /// Kept aside rather than refused: it may count once what it depends
    /// on has arrived.
    pub fn keeps_aside(self) -> bool {
        matches!(
            self,
            Refusal::NotLead
                | Refusal::DecisionWaiting
                | Refusal::NotAdmitted
                | Refusal::DateOutOfRange
                | Refusal::LegacyAfterUpgrade
                | Refusal::Fork
        )
    }

    pub fn text(self) -> &'static str {
        match self {
            Refusal::Link => "a link: Fanday never follows links in the team folder",
            Refusal::NotRegular => "not a regular file (a pipe or a device)",
            Refusal::FolderNotFile => "a folder where a file belongs",
            Refusal::NotAFolder => "not a folder",
            Refusal::NotMemberFolder => "not a member folder",
            Refusal::TooLarge => "too large to be a team file",
            Refusal::Unreadable => "cannot be read",
            Refusal::TempFile => "a temporary file",
            Refusal::NotEventFile => "not an event file",
            Refusal::ProfileMissing => "no readable profile.json yet",
            Refusal::ProfileInvalid => "profile.json is not valid",
            Refusal::ProfileOtherKey => "profile.json shows another key than the one pinned",
            Refusal::ProfileOtherMember => "profile.json names another member",
            Refusal::Rewound => {
                "the file became shorter or changed where it had been read; read again from the start"
            }
            Refusal::NotUtf8 => "not UTF-8 text",
            Refusal::NotEvent => "not a valid event",
            Refusal::UnknownVersion => "an event format unknown to this Fanday",
            Refusal::LineTooLong => "a line too long to be an event",
            Refusal::OtherMembersFolder => "written in another member's folder",
            Refusal::BadSignature => "the signature does not match the member's key",
            Refusal::SeqOutOfRange => "an event number out of range",
            Refusal::Fork => {
                "another event already has this number: one key used on two PCs or a rewritten file"
            }
            Refusal::UnknownKind => "an unknown kind of event",
            Refusal::BodyMismatch => "an event whose content does not fit its kind",
            Refusal::TextInvalid => "a text that is empty or too long",
            Refusal::NotAuthor => "a change to someone else's story",
            Refusal::NotLead => "kept aside: a lead's step from someone who is not a lead",
            Refusal::ProposalInvalid => "a proposal that does not fit",
            Refusal::DecisionWaiting => {
                "kept aside: a decision on a proposal not read yet, or one that does not follow"
            }
            Refusal::NotAdmitted => "kept aside: from someone no lead has admitted (yet), or after their removal",
            Refusal::LastLead => "the team's last lead cannot lose the role",
            Refusal::OtherTeam => "an event of another team",
            Refusal::DateOutOfRange => "kept aside: dated before the team or in the future",
            Refusal::LegacyAfterUpgrade => "written in the old format after the team moved on; the writer should update Fanday",
            Refusal::ProposalChanged => "a decision on another text than the proposal's",
            Refusal::StoryFile => "a story file whose content is not the one shared",
            Refusal::TallyInvalid => "a weekly tally whose numbers or week cannot be right",
            Refusal::IdTaken => "an id its author had used before for something else",
        }
    }

    pub(crate) const ALL: [Refusal; 38] = [
        Refusal::Link,
        Refusal::NotRegular,
        Refusal::FolderNotFile,
        Refusal::NotAFolder,
        Refusal::NotMemberFolder,
        Refusal::TooLarge,
        Refusal::Unreadable,
        Refusal::TempFile,
        Refusal::NotEventFile,
        Refusal::ProfileMissing,
        Refusal::ProfileInvalid,
        Refusal::ProfileOtherKey,
        Refusal::ProfileOtherMember,
        Refusal::Rewound,
        Refusal::NotUtf8,
        Refusal::NotEvent,
        Refusal::UnknownVersion,
        Refusal::LineTooLong,
        Refusal::OtherMembersFolder,
        Refusal::BadSignature,
        Refusal::SeqOutOfRange,
        Refusal::Fork,
        Refusal::UnknownKind,
        Refusal::BodyMismatch,
        Refusal::TextInvalid,
        Refusal::NotAuthor,
        Refusal::NotLead,
        Refusal::ProposalInvalid,
        Refusal::DecisionWaiting,
        Refusal::NotAdmitted,
        Refusal::LastLead,
        Refusal::OtherTeam,
        Refusal::DateOutOfRange,
        Refusal::LegacyAfterUpgrade,
        Refusal::ProposalChanged,
        Refusal::StoryFile,
        Refusal::TallyInvalid,
        Refusal::IdTaken,
    ];
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

//! One error type for the core. Every variant has a stable `code` that the UI
//! turns into words in the person's language, and an English `Display` text
//! for logs and for anything that has no translation yet.

use thiserror::Error;

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

#[derive(Debug, Error)]
pub enum CoreError {
    #[error(transparent)]
    Invalid(#[from] ValidationError),

    #[error(
        "this data was written by a newer Fanday (data version {found}; this Fanday knows up to {supported}); update Fanday to open it"
    )]
    DatabaseTooNew { found: i64, supported: i64 },

    #[error(
        "the Fanday database file is damaged or is not a Fanday database; it was left as it is"
    )]
    DatabaseCorrupt,

    #[error("the data folder {path} cannot be used: {reason}")]
    DataDir { path: String, reason: String },

    #[error("the database is busy in another program; try again in a moment")]
    Busy,

    #[error("the disk is full; nothing new was saved, and what was saved before is safe")]
    DiskFull,

    #[error("the data folder is read-only; nothing can be saved")]
    ReadOnly,

    #[error(
        "{path} is open in another program (a sync client, a spreadsheet) that does not let it be replaced; close it there or wait, and try again; the file was left as it was"
    )]
    FileInUse { path: String },

    #[error("the {what} was not found; it may have been deleted")]
    NotFound { what: &'static str },

    #[error("set up your profile first")]
    NoProfile,

    #[error("an exception that is {from:?} cannot be given the action {action:?}")]
    StatusMove {
        from: crate::exception::status::Status,
        action: crate::exception::status::Action,
    },

    #[error("only a team lead may do that")]
    LeadOnly,

    #[error("only the person who proposed an exception may withdraw it")]
    NotYourProposal,

    #[error("the team folder: {0}")]
    TeamFolder(String),

    /// A file of the team folder cannot be opened just now (online-only,
    /// held by another program, on a share that is away).
    #[error("{path} cannot be used just now ({reason}); Fanday tries again later")]
    TeamFolderWaiting {
        path: String,
        code: &'static str,
        reason: &'static str,
    },

    #[error("join or create a team first")]
    NoTeam,

    #[error("you are in this team: its numbers are on your own Insights")]
    FollowOwnTeam,

    #[error("you are in this team already: pick it with the team switch")]
    AlreadyInTeam,

    #[error(
        "this request changed since you looked at it (to join or to follow); look at it again"
    )]
    RequestChanged,

    #[error("team.json changed since you looked at it; look at the folder again")]
    TeamFileChanged,

    #[error("the key asking to join changed since you compared it; compare it again")]
    RequestKeyChanged,

    #[error("the desktop keyring that keeps your team key is locked or not running")]
    KeyringUnavailable,

    #[error("the team's last lead keeps the role; make someone else a lead first")]
    LastLead,

    #[error("a lead cannot remove themselves from the team")]
    RemoveSelf,

    #[error("keys can be changed once the team's founder has updated Fanday")]
    TeamNotUpgraded,

    #[error("the customers' feedback file cannot be read: {0}")]
    FeedbackFile(String),
    #[error("storage error: {0}")]
    Storage(String),
}

impl CoreError {
    /// A stable, machine-readable code: the UI keys its messages on it.
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::Invalid(v) => v.code(),
            CoreError::DatabaseTooNew { .. } => "db_too_new",
            CoreError::DatabaseCorrupt => "db_corrupt",
            CoreError::DataDir { .. } => "data_dir",
            CoreError::Busy => "db_busy",
            CoreError::DiskFull => "disk_full",
            CoreError::ReadOnly => "read_only",
            CoreError::FileInUse { .. } => "file_in_use",
            CoreError::NotFound { .. } => "not_found",
            CoreError::NoProfile => "no_profile",
            CoreError::StatusMove { .. } => "exception_status",
            CoreError::LeadOnly => "lead_only",
            CoreError::NotYourProposal => "not_your_proposal",
            CoreError::TeamFolder(_) => "team_folder",
            CoreError::TeamFolderWaiting { .. } => "team_folder_waiting",
            CoreError::NoTeam => "no_team",
            CoreError::FollowOwnTeam => "follow_own_team",
            CoreError::AlreadyInTeam => "already_in_team",
            CoreError::RequestChanged => "request_changed",
            CoreError::TeamFileChanged => "team_file_changed",
            CoreError::RequestKeyChanged => "request_key_changed",
            CoreError::KeyringUnavailable => "keyring_unavailable",
            CoreError::LastLead => "last_lead",
            CoreError::RemoveSelf => "remove_self",
            CoreError::TeamNotUpgraded => "team_not_upgraded",
            CoreError::FeedbackFile(_) => "feedback_file",
            CoreError::Storage(_) => "storage",
        }
    }

    /// The form field the error belongs to, when it belongs to one.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            CoreError::Invalid(v) => Some(v.field()),
            _ => None,
        }
    }
}

/// A file in the data folder (or one the person chose) could not be read
/// or written: a full disk says so; anything else names the file.
pub fn io_error(path: &std::path::Path, err: std::io::Error) -> CoreError {
    if is_disk_full(&err) {
        return CoreError::DiskFull;
    }
    CoreError::DataDir {
        path: path.display().to_string(),
        reason: err.to_string(),
    }
}

/// Did a write fail because the disk is full? (ENOSPC; on Windows,
/// ERROR_HANDLE_DISK_FULL and ERROR_DISK_FULL.)
pub fn is_disk_full(err: &std::io::Error) -> bool {
    let full: &[i32] = if cfg!(windows) { &[39, 112] } else { &[28] };
    err.raw_os_error().is_some_and(|code| full.contains(&code))
}

impl From<rusqlite::Error> for CoreError {
    fn from(err: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        if let rusqlite::Error::SqliteFailure(failure, _) = &err {
            match failure.code {
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => return CoreError::Busy,
                ErrorCode::DiskFull => return CoreError::DiskFull,
                ErrorCode::ReadOnly => return CoreError::ReadOnly,
                ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt => {
                    return CoreError::DatabaseCorrupt
                }
                _ => {}
            }
        }
        CoreError::Storage(err.to_string())
    }
}

/// What is wrong with something a person typed or chose.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ValidationError {
    #[error("write a few words about what you did")]
    TextEmpty,
    #[error("what you did is {len} characters long; the limit is {max}")]
    TextTooLong { len: usize, max: usize },
    #[error("the customer's reaction is {len} characters long; the limit is {max}")]
    ReactionTooLong { len: usize, max: usize },
    #[error("a moment cannot be dated in the future")]
    DateInFuture,
    #[error("a moment can be dated at most {max_days} days back")]
    DateTooOld { max_days: i64 },
    #[error("write your name")]
    NameEmpty,
    #[error("the name is {len} characters long; the limit is {max}")]
    NameTooLong { len: usize, max: usize },
    #[error("give the reminder time as hours and minutes, such as 10:00")]
    ReminderTime,
    #[error("pick at least one working day")]
    NoWorkingDays,
    #[error("the day can start at midnight or at most at {max}:00")]
    DayStartHour { max: u32 },
    #[error("a snooze lasts from {min} to {max} minutes")]
    SnoozeMinutes { min: u32, max: u32 },
    #[error("a pause cannot end before it starts")]
    PauseEndsBeforeStart,
    #[error("a pause can last at most {max_days} days")]
    PauseTooLong { max_days: i64 },
    #[error("there can be at most {max} pauses")]
    TooManyPauses { max: usize },
    #[error("write the rule or routine the exception departs from")]
    ExceptionRuleEmpty,
    #[error("write what staff may do instead")]
    ExceptionAllowedEmpty,
    #[error("the {field} is {len} characters long; the limit is {max}")]
    ExceptionTooLong {
        field: &'static str,
        len: usize,
        max: usize,
    },
    #[error("the amount can be at most {max} SEK")]
    AmountTooLarge { max: u32 },
    #[error("the time can be at most {max} minutes")]
    MinutesTooMany { max: u32 },
    #[error("only an approved exception can be used for a new moment")]
    ExceptionNotUsable,
    #[error("the answer is {len} characters long; the limit is {max}")]
    AnswerTooLong {
        field: &'static str,
        len: usize,
        max: usize,
    },
    #[error("write at least one answer")]
    ReflectionEmpty,
    #[error("that week does not exist or has not begun")]
    NoSuchWeek,
    #[error("give the team a name of 1 to 80 characters")]
    TeamName,
    #[error("give the team folder as a whole path, such as C:\\Users\\Åsa\\OneDrive\\Kundtjänst or \\\\server\\share\\Kundtjänst")]
    TeamFolderPath,
    #[error("write what you will do")]
    PlanEmpty,
    #[error("the plan is {len} characters long; the limit is {max}")]
    PlanTooLong { len: usize, max: usize },
    #[error("make the example your own: change it to what you will do")]
    PlanUntouched,
    #[error("that plan is for another kind of moment")]
    PlanNotForSituation,
    #[error("a line-up holds at most {max} stories")]
    LineupTooLong { max: usize },
}

impl ValidationError {
    pub fn code(&self) -> &'static str {
        match self {
            ValidationError::TextEmpty => "text_empty",
            ValidationError::TextTooLong { .. } => "text_too_long",
            ValidationError::ReactionTooLong { .. } => "reaction_too_long",
            ValidationError::DateInFuture => "date_in_future",
            ValidationError::DateTooOld { .. } => "date_too_old",
            ValidationError::NameEmpty => "name_empty",
            ValidationError::NameTooLong { .. } => "name_too_long",
            ValidationError::ReminderTime => "reminder_time",
            ValidationError::NoWorkingDays => "no_working_days",
            ValidationError::DayStartHour { .. } => "day_start_hour",
            ValidationError::SnoozeMinutes { .. } => "snooze_minutes",
            ValidationError::PauseEndsBeforeStart => "pause_ends_before_start",
            ValidationError::PauseTooLong { .. } => "pause_too_long",
            ValidationError::TooManyPauses { .. } => "too_many_pauses",
            ValidationError::ExceptionRuleEmpty => "exception_rule_empty",
            ValidationError::ExceptionAllowedEmpty => "exception_allowed_empty",
            ValidationError::ExceptionTooLong { .. } => "exception_too_long",
            ValidationError::AmountTooLarge { .. } => "amount_too_large",
            ValidationError::MinutesTooMany { .. } => "minutes_too_many",
            ValidationError::ExceptionNotUsable => "exception_not_usable",
            ValidationError::AnswerTooLong { .. } => "answer_too_long",
            ValidationError::ReflectionEmpty => "reflection_empty",
            ValidationError::NoSuchWeek => "no_such_week",
            ValidationError::TeamName => "team_name",
            ValidationError::TeamFolderPath => "team_folder_path",
            ValidationError::PlanEmpty => "plan_empty",
            ValidationError::PlanTooLong { .. } => "plan_too_long",
            ValidationError::PlanUntouched => "plan_untouched",
            ValidationError::PlanNotForSituation => "plan_not_for_situation",
            ValidationError::LineupTooLong { .. } => "lineup_too_long",
        }
    }

    pub fn field(&self) -> &'static str {
        match self {
            ValidationError::TextEmpty | ValidationError::TextTooLong { .. } => "text",
            ValidationError::ReactionTooLong { .. } => "reaction",
            ValidationError::DateInFuture | ValidationError::DateTooOld { .. } => "date",
            ValidationError::NameEmpty | ValidationError::NameTooLong { .. } => "name",
            ValidationError::ReminderTime => "reminder_time",
            ValidationError::NoWorkingDays => "weekdays",
            ValidationError::DayStartHour { .. } => "day_start_hour",
            ValidationError::SnoozeMinutes { .. } => "snooze_minutes",
            ValidationError::PauseEndsBeforeStart
            | ValidationError::PauseTooLong { .. }
            | ValidationError::TooManyPauses { .. } => "pauses",
            ValidationError::ExceptionRuleEmpty => "rule",
            ValidationError::ExceptionAllowedEmpty => "allowed",
            ValidationError::ExceptionTooLong { field, .. } => field,
            ValidationError::AmountTooLarge { .. } => "amount_sek",
            ValidationError::MinutesTooMany { .. } => "minutes",
            ValidationError::ExceptionNotUsable => "exception",
            ValidationError::AnswerTooLong { field, .. } => field,
            ValidationError::ReflectionEmpty => "went_well",
            ValidationError::NoSuchWeek => "week",
            ValidationError::TeamName => "team_name",
            ValidationError::TeamFolderPath => "team_folder",
            ValidationError::PlanEmpty
            | ValidationError::PlanTooLong { .. }
            | ValidationError::PlanUntouched => "plan_text",
            ValidationError::PlanNotForSituation => "plan",
            ValidationError::LineupTooLong { .. } => "lineup",
        }
    }

    /// Numbers the UI may put into its own sentence (length, limit, days).
    pub fn params(&self) -> Vec<(&'static str, i64)> {
        match *self {
            ValidationError::TextTooLong { len, max }
            | ValidationError::ReactionTooLong { len, max }
            | ValidationError::NameTooLong { len, max }
            | ValidationError::PlanTooLong { len, max } => {
                vec![("len", len as i64), ("max", max as i64)]
            }
            ValidationError::DateTooOld { max_days }
            | ValidationError::PauseTooLong { max_days } => {
                vec![("max", max_days)]
            }
            ValidationError::DayStartHour { max } => vec![("max", i64::from(max))],
            ValidationError::SnoozeMinutes { min, max } => {
                vec![("min", i64::from(min)), ("max", i64::from(max))]
            }
            ValidationError::TooManyPauses { max } | ValidationError::LineupTooLong { max } => {
                vec![("max", max as i64)]
            }
            ValidationError::ExceptionTooLong { len, max, .. }
            | ValidationError::AnswerTooLong { len, max, .. } => {
                vec![("len", len as i64), ("max", max as i64)]
            }
            ValidationError::AmountTooLarge { max } | ValidationError::MinutesTooMany { max } => {
                vec![("max", i64::from(max))]
            }
            _ => Vec::new(),
        }
    }
}

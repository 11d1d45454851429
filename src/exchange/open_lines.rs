//! The lines a follower reads: a copy of each of this member's events
//! that a region's numbers need (who is in the team, with which key and
//! role, and the weekly tallies), in files of their own by quarter,
//! `members/<id>/open/<YYYY>-Q<n>.jsonl`. The events files stay the team's
//! record; these are the same signed lines, so a follower trusts them as
//! it would there, and never reads a story's, applause's or exception's
//! line at all: what it reads grows with the members and weeks, not with
//! the stories. What each file holds is a pure function of this member's
//! own events; a file that does not hold exactly that is written whole
//! (`own_open`).

use crate::error::Result;
use crate::team::body::kind;
use chrono::{DateTime, Datelike, Utc};
use rusqlite::Connection;
use serde::Deserialize;
use std::collections::BTreeMap;

pub use crate::folder::OPEN_DIR;

/// The kinds a follower reads: membership and authority, and the weekly
/// numbers (tallies, their switch-off, recognition received).
const FOR_FOLLOWERS: [&str; 13] = [
    kind::MEMBER_REQUESTED,
    kind::MEMBER_ADMITTED,
    kind::FOLLOW_REQUESTED,
    kind::FOLLOW_ADMITTED,
    kind::MEMBER_DECLINED,
    kind::MEMBER_REMOVED,
    kind::MEMBER_RENAMED,
    kind::KEY_ROTATED,
    kind::ROLE_GRANTED,
    kind::ROLE_REVOKED,
    kind::TALLY_WEEK,
    kind::TALLY_STOPPED,
    kind::RECOGNITION_WEEK,
];

/// Whether a follower reads events of this kind.
pub fn for_followers(event_kind: &str) -> bool {
    FOR_FOLLOWERS.contains(&event_kind)
}

/// The name of a quarter's file of open lines: `2026-Q4.jsonl`. A
/// quarter, not a month: a member keeps 20 files in five years, not 60
/// (sync engines slow down with many files), and a change uploads a
/// quarter's lines, a few kilobytes.
pub fn file_name(at: DateTime<Utc>) -> String {
    format!("{}-Q{}.jsonl", at.year(), at.month0() / 3 + 1)
}

/// Whether `name` is one this member's app writes in [`OPEN_DIR`].
pub fn is_file_name(name: &str) -> bool {
    let Some((year, quarter)) = name
        .strip_suffix(".jsonl")
        .and_then(|stem| stem.split_once("-Q"))
    else {
        return false;
    };
    year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && matches!(quarter, "1" | "2" | "3" | "4")
}

/// What of an event line decides where its copy goes.
#[derive(Deserialize)]
struct Head {
    kind: String,
    at: DateTime<Utc>,
}

/// The files of open lines, by name, each its lines in the order given
/// (the member's numbers), one per line.
pub fn layout<'a>(lines: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, String> {
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    for line in lines {
        let Ok(head) = serde_json::from_str::<Head>(line) else {
            continue;
        };
        if !for_followers(&head.kind) {
            continue;
        }
        let text = files.entry(file_name(head.at)).or_default();
        text.push_str(line);
        text.push('\n');
    }
    files
}

/// The files this member's own lines for followers make, from every
/// event this PC signed that is in the events files (the store finds
/// them by kind): a copy never goes before its line.
pub(super) fn own_files(conn: &Connection) -> Result<BTreeMap<String, String>> {
    let kinds = serde_json::to_string(&FOR_FOLLOWERS).unwrap_or_default();
    let lines: Vec<String> = conn
        .prepare_cached(
            "SELECT line FROM own_events
              WHERE written = 1 AND kind IN (SELECT value FROM json_each(?1)) ORDER BY seq",
        )?
        .query_map([kinds], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(layout(lines.iter().map(String::as_str)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(kind: &str, at: &str) -> String {
        format!(r#"{{"v":2,"member":"m","seq":1,"at":"{at}","kind":"{kind}","body":{{}}}}"#)
    }

    #[test]
    fn only_membership_authority_and_weekly_numbers_go_to_followers_by_quarter() {
        let lines = [
            line("member.requested", "2026-09-30T23:00:00Z"),
            line("story.shared", "2026-11-02T09:00:00Z"),
            line("reaction.added", "2026-11-02T10:00:00Z"),
            line("tally.week", "2026-11-06T16:00:00Z"),
            line("exception.proposed", "2026-11-07T16:00:00Z"),
            line("recognition.week", "2027-01-01T08:00:00Z"),
            "not json".to_string(),
        ];
        let files = layout(lines.iter().map(String::as_str));
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            ["2026-Q3.jsonl", "2026-Q4.jsonl", "2027-Q1.jsonl"]
        );
        assert_eq!(files["2026-Q4.jsonl"], format!("{}\n", lines[3]));
        assert!(files.keys().all(|name| is_file_name(name)));
        for other in [
            "events-1.jsonl",
            "2026-1.jsonl",
            "2026-11.json",
            "2026x11.jsonl",
        ] {
            assert!(!is_file_name(other), "{other}");
        }
    }
}

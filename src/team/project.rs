//! Writing the team's state where the screens read it: stories (with texts
//! where their files were read), applause, comments, reviews, line-ups and
//! voices, tallies, the rule exceptions and their history, the members and
//! leads, and what became of each event. Only what changed is written. Two
//! members' same names are told apart by key wherever they are shown.

use super::accepted::Outcome;
use super::body::{Mark, StoryContent};
use super::content;
use super::proposals::local_id;
use super::refusal::Refusal;
use super::state::{ExceptionState, Latest, StoryState, TallyState, TeamState};
use super::touched::Touched;
use crate::error::Result;
use crate::exception::Status;
use crate::sql::{enum_text, exec};
use crate::team_event::{fingerprint, public_key_text};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use std::collections::BTreeMap;

/// Writes everything `touched` names, as `state` has it. A store that
/// only follows its team writes no row of its stories or recognition: a
/// region's numbers read neither (they count each member's own
/// `recognition.week`), and its log and state hold them as a member's do.
pub fn write(
    conn: &Connection,
    state: &TeamState,
    touched: &Touched,
    me: &str,
    follows: bool,
) -> Result<()> {
    if touched.members {
        members(conn, state)?;
    } else {
        for member in &touched.numbers {
            numbers(conn, member, state)?;
        }
    }
    if !follows {
        for key in &touched.stories {
            story(conn, key, state.stories.get(key), me)?;
        }
        for key in &touched.applause {
            applause(conn, key, state.applause.get(key))?;
        }
        for key in &touched.comments {
            comment(conn, key, state)?;
        }
        for key in &touched.reviews {
            review(conn, key, state.reviews.get(key))?;
        }
    }
    for key in &touched.lineups {
        lineup(conn, key, state.lineups.get(key))?;
        voice(conn, key, state.voices.get(key))?;
    }
    for member in &touched.anonymous {
        anonymous(conn, member, state.anonymous.get(member))?;
    }
    for member in &touched.tallies {
        tallies(conn, member, state)?;
    }
    for key in &touched.exceptions {
        exception(conn, state.exceptions.get(key), state, me)?;
    }
    if touched.reset_outcomes {
        super::events::reset_outcomes(conn)?;
    }
    for key in &touched.outcomes {
        match state.outcomes.get(key) {
            Some(outcome) => super::events::record(conn, key, *outcome)?,
            None => super::events::record(conn, key, Outcome::KeptAside(Refusal::NotAdmitted))?,
        }
    }
    Ok(())
}

/// Empties what the projection writes (before writing a state whole).
pub fn clear(conn: &Connection) -> Result<()> {
    for table in [
        "stories",
        "story_reactions",
        "story_comments",
        "story_reviews",
        "lineups",
        "lineup_voices",
        "lineup_names",
        "team_tallies",
        "team_tally_stops",
        "team_recognition",
    ] {
        exec(conn, &format!("DELETE FROM {table}"), [])?;
    }
    Ok(())
}

/// A story's text, read from its file: kept (the one place a text is
/// judged: not empty, not too long), for its story to show once the state
/// has it. A text that does not fit is never kept, on any PC.
/// `hash`: the content's, as the event that names it says (and as the
/// reader checked it).
pub fn keep_text(
    conn: &Connection,
    author: &str,
    content: &StoryContent,
    hash: &str,
) -> Result<bool> {
    if !content::text_fits(&content.text) || !content::reaction_fits(content.reaction.as_deref()) {
        return Ok(false);
    }
    exec(
        conn,
        "INSERT OR IGNORE INTO story_texts (story_key, hash, text, reaction) VALUES (?1, ?2, ?3, ?4)",
        params![
            format!("{author}/{}", content.story_id),
            hash,
            content.text,
            content.reaction
        ],
    )?;
    Ok(true)
}

/// As [`keep_text`], and shown at once where its story waits for it.
pub fn text(conn: &Connection, author: &str, content: &StoryContent) -> Result<()> {
    let hash = content.hash();
    if keep_text(conn, author, content, &hash)? {
        exec(
            conn,
            "UPDATE stories SET text = ?4, reaction = ?5
              WHERE author_id = ?1 AND story_id = ?2 AND text_hash = ?3 AND withdrawn = 0",
            params![
                author,
                content.story_id,
                hash,
                content.text,
                content.reaction
            ],
        )?;
    }
    Ok(())
}

/// Takes out the rows of `table` whose `column` is `key`, before what
/// the state holds for that key is written again.
fn delete(conn: &Connection, table: &str, column: &str, key: &str) -> Result<()> {
    exec(
        conn,
        &format!("DELETE FROM {table} WHERE {column} = ?1"),
        [key],
    )?;
    Ok(())
}

fn story(conn: &Connection, key: &str, story: Option<&StoryState>, me: &str) -> Result<()> {
    let Some(story) = story else {
        return delete(conn, "stories", "story_key", key);
    };
    // Format 1: the text came in the event; format 2: from its file, where
    // it was read (else '' until it is).
    let (text, reaction) = match (&story.text, story.withdrawn) {
        (Some(text), false) => (Some(text.clone()), story.reaction.clone()),
        _ => (None, None),
    };
    exec(
        conn,
        "INSERT INTO stories (story_key, author_id, story_id, local_date, situation, customer,
                              text, reaction, text_hash, version, shared_at, withdrawn,
                              exception_id)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, coalesce(?7, t.text, ''), coalesce(?8, t.reaction),
                ?9, ?10, ?11, ?12, ?13
           FROM (SELECT 1) LEFT JOIN story_texts t
             ON ?12 = 0 AND ?7 IS NULL AND t.hash = ?9 AND t.story_key IN (?1, ?2 || '/' || ?3)
          LIMIT 1
         ON CONFLICT (story_key) DO UPDATE SET author_id = excluded.author_id,
             story_id = excluded.story_id, local_date = excluded.local_date,
             situation = excluded.situation, customer = excluded.customer,
             text = excluded.text, reaction = excluded.reaction,
             text_hash = excluded.text_hash, version = excluded.version,
             shared_at = excluded.shared_at, withdrawn = excluded.withdrawn,
             exception_id = excluded.exception_id",
        params![
            key,
            story.author,
            story.story_id,
            story.date,
            enum_text(&story.situation),
            enum_text(&story.customer),
            text,
            reaction,
            story.hash,
            story.version as i64,
            story.shared_at,
            story.withdrawn,
            story
                .exception
                .as_ref()
                .map(|(proposer, id)| local_id(proposer, id, me))
        ],
    )?;
    if story.withdrawn {
        delete(conn, "story_texts", "story_key", key)?;
        exec(
            conn,
            "DELETE FROM story_texts WHERE story_key = ?1 || '/' || ?2",
            params![story.author, story.story_id],
        )?;
    }
    Ok(())
}

fn applause(
    conn: &Connection,
    story: &str,
    by: Option<&BTreeMap<String, DateTime<Utc>>>,
) -> Result<()> {
    delete(conn, "story_reactions", "story_id", story)?;
    for (member, at) in by.into_iter().flatten() {
        exec(
            conn,
            "INSERT INTO story_reactions (story_id, member_id, at) VALUES (?1, ?2, ?3)",
            params![story, member, at],
        )?;
    }
    Ok(())
}

fn comment(conn: &Connection, key: &str, state: &TeamState) -> Result<()> {
    delete(conn, "story_comments", "event_id", key)?;
    if let Some(comment) = state.comments.get(key) {
        exec(
            conn,
            "INSERT INTO story_comments (event_id, story_id, member_id, text, at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![key, comment.story, comment.member, comment.text, comment.at],
        )?;
    }
    Ok(())
}

fn review(conn: &Connection, story: &str, review: Option<&Latest<Mark>>) -> Result<()> {
    delete(conn, "story_reviews", "story_id", story)?;
    if let Some(review) = review {
        exec(
            conn,
            "INSERT INTO story_reviews (story_id, mark, by_id, at, event_id)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                story,
                enum_text(&review.value),
                review.by,
                review.at,
                review.event
            ],
        )?;
    }
    Ok(())
}

fn voice(conn: &Connection, week: &str, voice: Option<&Latest<String>>) -> Result<()> {
    delete(conn, "lineup_voices", "week", week)?;
    if let Some(voice) = voice {
        exec(
            conn,
            "INSERT INTO lineup_voices (week, text, by_id, at, event_id) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![week, voice.value, voice.by, voice.at, voice.event],
        )?;
    }
    Ok(())
}

fn lineup(
    conn: &Connection,
    week: &str,
    lineup: Option<&Latest<Vec<(String, String)>>>,
) -> Result<()> {
    delete(conn, "lineups", "week", week)?;
    if let Some(lineup) = lineup {
        let stories: Vec<[&str; 2]> = lineup
            .value
            .iter()
            .map(|(author, id)| [author.as_str(), id.as_str()])
            .collect();
        exec(
            conn,
            "INSERT INTO lineups (week, stories, by_id, at, event_id) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                week,
                serde_json::to_string(&stories).unwrap_or_else(|_| "[]".into()),
                lineup.by,
                lineup.at,
                lineup.event
            ],
        )?;
    }
    Ok(())
}

fn anonymous(conn: &Connection, member: &str, choice: Option<&(u64, bool)>) -> Result<()> {
    delete(conn, "lineup_names", "member_id", member)?;
    if let Some((seq, anonymous)) = choice {
        exec(
            conn,
            "INSERT INTO lineup_names (member_id, anonymous, seq) VALUES (?1, ?2, ?3)",
            params![member, anonymous, *seq as i64],
        )?;
    }
    Ok(())
}

fn tallies(conn: &Connection, member: &str, state: &TeamState) -> Result<()> {
    delete(conn, "team_tallies", "member_id", member)?;
    delete(conn, "team_tally_stops", "member_id", member)?;
    for (monday, TallyState { seq, event, tally }) in
        state.tallies.get(member).into_iter().flatten()
    {
        exec(
            conn,
            "INSERT INTO team_tallies (event_id, member_id, monday, seq, fans, just_because,
                                       said_no, complaint, external, internal,
                                       exceptions_used, plans_followed)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                event,
                member,
                monday,
                *seq as i64,
                tally.fans,
                tally.just_because,
                tally.said_no,
                tally.complaint,
                tally.external,
                tally.internal,
                tally.exceptions_used,
                tally.plans_followed
            ],
        )?;
    }
    delete(conn, "team_recognition", "member_id", member)?;
    for (monday, (seq, event, recognised)) in state.recognition.get(member).into_iter().flatten() {
        exec(
            conn,
            "INSERT INTO team_recognition (event_id, member_id, monday, seq, recognised)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![event, member, monday, *seq as i64, recognised],
        )?;
    }
    if let Some((seq, event)) = state.tally_stops.get(member) {
        exec(
            conn,
            "INSERT INTO team_tally_stops (event_id, member_id, seq) VALUES (?1, ?2, ?3)",
            params![event, member, *seq as i64],
        )?;
    }
    Ok(())
}

/// Each member's name as shown: what they signed. Of two with one name,
/// who had it first (a member the team counts before one asking to join)
/// keeps it; the others are told apart by key: nobody passes for another.
pub fn shown_names(state: &TeamState) -> BTreeMap<String, String> {
    type Rank = (
        bool,
        Option<(chrono::DateTime<chrono::Utc>, String)>,
        String,
    );
    let mut by_name: BTreeMap<String, Vec<(Rank, String, String)>> = BTreeMap::new();
    for (member, auth) in &state.authority.members {
        let (name, named) = if auth.name.is_empty() {
            let request = auth.request.as_ref();
            (
                request.map(|r| r.name.clone()).unwrap_or_default(),
                request.map(|r| (chrono::DateTime::<chrono::Utc>::MAX_UTC, r.seq.to_string())),
            )
        } else {
            (auth.name.clone(), auth.named.clone())
        };
        let key = auth
            .keys
            .last()
            .or(auth.request.as_ref().map(|r| &r.key))
            .map(fingerprint)
            .unwrap_or_default();
        let counted = auth.admitted.last() == Some(&true);
        by_name
            .entry(name.trim().to_lowercase())
            .or_default()
            .push(((!counted, named, member.clone()), name, key));
    }
    let mut shown = BTreeMap::new();
    for (_, mut holders) in by_name {
        holders.sort_by(|a, b| a.0.cmp(&b.0));
        for (index, ((_, _, member), name, key)) in holders.into_iter().enumerate() {
            let told_apart = if index > 0 && !name.is_empty() {
                format!("{name} ({})", key.get(..4).unwrap_or(&key))
            } else {
                name
            };
            shown.insert(member, told_apart);
        }
    }
    shown
}

fn numbers(conn: &Connection, member: &str, state: &TeamState) -> Result<()> {
    exec(
        conn,
        "UPDATE team_members SET missing = ?2, max_seq = max(max_seq, ?3) WHERE member_id = ?1",
        params![
            member,
            state.missing.get(member).copied().unwrap_or(0) as i64,
            state.highest.get(member).copied().unwrap_or(0) as i64
        ],
    )?;
    Ok(())
}

fn members(conn: &Connection, state: &TeamState) -> Result<()> {
    let auth = &state.authority;
    let names = shown_names(state);
    exec(conn, "DELETE FROM team_leads", [])?;
    for (member, m) in &auth.members {
        let key = if m.status() == "returning" {
            m.request.as_ref().map(|r| &r.key)
        } else {
            m.keys.last().or(m.request.as_ref().map(|r| &r.key))
        }
        .map(public_key_text)
        .unwrap_or_default();
        exec(
            conn,
            "INSERT INTO team_members (member_id, name, public_key, status, forks, missing, max_seq)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (member_id) DO UPDATE SET name = excluded.name,
                 public_key = excluded.public_key, status = excluded.status,
                 forks = excluded.forks, missing = excluded.missing,
                 max_seq = max(team_members.max_seq, excluded.max_seq)",
            params![
                member,
                names.get(member).cloned().unwrap_or_default(),
                key,
                m.status(),
                state.forks.get(member).copied().unwrap_or(0),
                state.missing.get(member).copied().unwrap_or(0) as i64,
                state.highest.get(member).copied().unwrap_or(0) as i64
            ],
        )?;
        if auth.is_lead_now(member) {
            exec(
                conn,
                "INSERT OR IGNORE INTO team_leads (member_id) VALUES (?1)",
                [member],
            )?;
        }
    }
    // Counts of members the team does not know (only their lines read).
    for (member, forks) in &state.forks {
        if !auth.members.contains_key(member) {
            exec(
                conn,
                "UPDATE team_members SET forks = ?2 WHERE member_id = ?1",
                params![member, forks],
            )?;
        }
    }
    Ok(())
}

/// A team proposal in this PC's catalogue: its content as proposed, its
/// status and its history as the decisions made them.
fn exception(
    conn: &Connection,
    exception: Option<&ExceptionState>,
    state: &TeamState,
    me: &str,
) -> Result<()> {
    let Some(e) = exception else {
        // A proposal no longer counted keeps its row (moments may name
        // it); only what was decided on it goes.
        return Ok(());
    };
    let local = local_id(&e.proposer, &e.exception_id, me);
    let names = shown_names(state);
    let name = |member: &str| names.get(member).cloned().unwrap_or_default();
    let proposer = crate::profile::Profile {
        id: e.proposer.clone(),
        display_name: name(&e.proposer),
        role: crate::Role::Staff,
        language: crate::Language::Sv,
        created_at: e.proposed_at,
        updated_at: e.proposed_at,
    };
    crate::exception::put_team_proposal(conn, &local, &e.input, &proposer, e.proposed_at)?;
    exec(
        conn,
        "DELETE FROM exception_events WHERE exception_id = ?1 AND kind <> 'proposed'",
        [&local],
    )?;
    for step in &e.history {
        exec(
            conn,
            "INSERT OR REPLACE INTO exception_events (id, exception_id, kind, actor_id, actor_name,
                                                      note, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                local_id(&step.member, &step.decision_id, me),
                local,
                enum_text(&step.status),
                step.member,
                name(&step.member),
                step.note,
                step.at
            ],
        )?;
    }
    let decided = e
        .history
        .iter()
        .rev()
        .find(|d| matches!(d.status, Status::Approved | Status::Rejected));
    exec(
        conn,
        "UPDATE exceptions SET status = ?2, decided_by = ?3, decided_by_name = ?4,
             decision_note = ?5, decided_at = ?6, updated_at = ?7
         WHERE id = ?1",
        params![
            local,
            enum_text(&e.status),
            decided.map(|d| d.member.clone()),
            decided.map(|d| name(&d.member)),
            decided.and_then(|d| d.note.clone()),
            decided.map(|d| d.at),
            e.history.last().map_or(e.proposed_at, |d| d.at)
        ],
    )?;
    Ok(())
}

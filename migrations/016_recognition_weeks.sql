-- Fanday schema version 16: whether each member was recognised by a
-- colleague in a week (`recognition.week`, signed by the member, beside
-- their tallies), which a region's recognition coverage counts without
-- reading a story's line. The latest per member and week (by the member's
-- own event number) counts, and only where their tallies are not switched
-- off since.
CREATE TABLE team_recognition (
    event_id   TEXT PRIMARY KEY NOT NULL,
    member_id  TEXT NOT NULL,
    monday     TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    recognised INTEGER NOT NULL
);
CREATE INDEX team_recognition_by_week ON team_recognition (monday, member_id, seq);

-- A Fanday before this one refused these as an unknown kind: they are kept
-- aside now, and taken by the next rebuild of the team's state.
UPDATE team_events SET applied = 0 WHERE kind = 'recognition.week' AND reason = 'unknown_kind';

-- The kind of each event this PC signed, read from its line, so that the
-- lines a follower reads are found without parsing every line at each
-- write (`exchange/open_lines.rs`).
ALTER TABLE own_events ADD COLUMN kind TEXT
    GENERATED ALWAYS AS (CASE WHEN json_valid(line) THEN json_extract(line, '$.kind') END) VIRTUAL;
CREATE INDEX own_events_by_kind ON own_events (kind, seq);

-- How each file of the folder looked (its length, and its time of change
-- in nanoseconds) when it was read to its end: in a store that follows a
-- team (a region's, opened anew at each reading), one that still looks so
-- is not opened again, also after a start of the app.
ALTER TABLE team_files ADD COLUMN seen_len INTEGER;
ALTER TABLE team_files ADD COLUMN seen_modified INTEGER;

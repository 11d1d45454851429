-- Fanday schema version 6: a team folder that nothing can crash, silence or
-- rewind.

-- Every event this PC signed, line for line, so its own team file can be
-- written again when a sync engine damages it. `written` is 0 until the
-- line is in the folder.
CREATE TABLE own_events (
    seq      INTEGER PRIMARY KEY NOT NULL,
    event_id TEXT NOT NULL UNIQUE,
    line     TEXT NOT NULL,
    written  INTEGER NOT NULL DEFAULT 0 CHECK (written IN (0, 1))
);
CREATE INDEX own_events_unwritten ON own_events (seq) WHERE written = 0;

-- The file this PC appends to, and how it ended after the last write: the
-- check that it was not truncated, replaced or glued onto since.
CREATE TABLE own_file (
    singleton    INTEGER PRIMARY KEY NOT NULL CHECK (singleton = 1),
    name         TEXT NOT NULL,
    length       INTEGER NOT NULL,
    last_hash    TEXT NOT NULL,
    last_length  INTEGER NOT NULL,
    -- 1: something of ours in the folder changed; look at all of it
    check_folder INTEGER NOT NULL DEFAULT 0,
    -- 1: the file was damaged and written again; told once, then 0
    healed       INTEGER NOT NULL DEFAULT 0
);

-- How far each file was read, and the bytes just before that point, to
-- notice a file that was rewound or replaced.
ALTER TABLE team_files ADD COLUMN member_id TEXT NOT NULL DEFAULT '';
ALTER TABLE team_files ADD COLUMN tail_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE team_files ADD COLUMN long_line_from INTEGER;

-- What was not taken, one row per file and reason (count and first place),
-- never one per line.
DROP TABLE team_skips;
CREATE TABLE team_skips (
    path         TEXT NOT NULL,
    reason       TEXT NOT NULL,
    count        INTEGER NOT NULL,
    first_offset INTEGER,
    -- 1: about the whole file (checked again at every read)
    whole_file   INTEGER NOT NULL,
    at           TEXT NOT NULL,
    PRIMARY KEY (path, reason)
);

-- The leads: the founder, and whoever a lead's signed grant names (kept
-- even before that member is read).
CREATE TABLE team_leads (
    member_id TEXT PRIMARY KEY NOT NULL,
    event_id  TEXT
);
INSERT INTO team_leads (member_id) SELECT member_id FROM team_members WHERE is_lead = 1;

-- Per member: the highest number seen, how many below it never arrived,
-- and how many events reused a number.
ALTER TABLE team_members DROP COLUMN is_lead;
ALTER TABLE team_members DROP COLUMN last_seq;
ALTER TABLE team_members ADD COLUMN max_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE team_members ADD COLUMN missing INTEGER NOT NULL DEFAULT 0;
ALTER TABLE team_members ADD COLUMN forks INTEGER NOT NULL DEFAULT 0;

-- applied: 1 counted, 0 kept aside (may count later), 2 refused for good.
ALTER TABLE team_events ADD COLUMN reason TEXT;
CREATE INDEX team_events_by_member_seq ON team_events (member_id, seq);
CREATE INDEX team_events_decisions ON team_events (json_extract(body, '$.exception_id'))
    WHERE kind = 'exception.decided';
CREATE INDEX team_events_kept_aside_by_reason ON team_events (reason) WHERE applied = 0;

-- Events that reuse a member's number: put aside, shown to leads.
CREATE TABLE team_forks (
    event_id  TEXT PRIMARY KEY NOT NULL,
    member_id TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    line      TEXT NOT NULL
);

-- The latest review wins by time, then by event id: the same on every PC.
ALTER TABLE story_reviews ADD COLUMN event_id TEXT NOT NULL DEFAULT '';

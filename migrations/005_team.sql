-- Fanday schema version 5: the team folder. This computer's signing key,
-- the team it belongs to, the members and their pinned keys, every event
-- read or written, how far each file has been read, and the feed built
-- from the events.
CREATE TABLE device_key (
    singleton  INTEGER PRIMARY KEY NOT NULL CHECK (singleton = 1),
    secret_key TEXT NOT NULL,
    public_key TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE team (
    singleton   INTEGER PRIMARY KEY NOT NULL CHECK (singleton = 1),
    team_id     TEXT NOT NULL,
    name        TEXT NOT NULL,
    folder      TEXT NOT NULL,
    founder_id  TEXT NOT NULL,
    founder_key TEXT NOT NULL,
    joined_at   TEXT NOT NULL
);

CREATE TABLE team_members (
    member_id  TEXT PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL,
    public_key TEXT NOT NULL,
    is_lead    INTEGER NOT NULL DEFAULT 0,
    last_seq   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE team_events (
    id        TEXT PRIMARY KEY NOT NULL,
    member_id TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    at        TEXT NOT NULL,
    kind      TEXT NOT NULL,
    body      TEXT NOT NULL,
    -- 0: kept aside until it can count (a decision whose proposal has not
    -- been read yet, or by someone not (yet) known as a lead)
    applied   INTEGER NOT NULL DEFAULT 1,
    sig       TEXT NOT NULL DEFAULT ''
);

CREATE TABLE team_files (
    path       TEXT PRIMARY KEY NOT NULL,
    read_to    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE stories (
    story_id    TEXT PRIMARY KEY NOT NULL,
    author_id   TEXT NOT NULL,
    local_date  TEXT NOT NULL,
    situation   TEXT NOT NULL,
    customer    TEXT NOT NULL,
    text        TEXT NOT NULL,
    reaction    TEXT,
    version     INTEGER NOT NULL,
    shared_at   TEXT NOT NULL,
    withdrawn   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX stories_newest_first ON stories (local_date DESC, shared_at DESC) WHERE withdrawn = 0;

CREATE TABLE story_reactions (
    story_id  TEXT NOT NULL,
    member_id TEXT NOT NULL,
    at        TEXT NOT NULL,
    PRIMARY KEY (story_id, member_id)
);

CREATE TABLE story_comments (
    event_id  TEXT PRIMARY KEY NOT NULL,
    story_id  TEXT NOT NULL,
    member_id TEXT NOT NULL,
    text      TEXT NOT NULL,
    at        TEXT NOT NULL
);

CREATE TABLE story_reviews (
    story_id TEXT PRIMARY KEY NOT NULL,
    mark     TEXT NOT NULL CHECK (mark IN ('reviewed', 'featured')),
    by_id    TEXT NOT NULL,
    at       TEXT NOT NULL
);

-- What the last read of the folder skipped, and why.
CREATE TABLE team_skips (
    path   TEXT NOT NULL,
    line   INTEGER,
    reason TEXT NOT NULL,
    at     TEXT NOT NULL
);

-- Reading a big folder stays quick: lookups by author, by kind and by the
-- ids that reconciling looks for, and the few events kept aside.
CREATE INDEX stories_by_author ON stories (author_id) WHERE withdrawn = 0;
CREATE INDEX team_events_by_exception ON team_events (json_extract(body, '$.exception_id'))
    WHERE kind = 'exception.proposed';
CREATE INDEX team_events_by_decision ON team_events (json_extract(body, '$.decision_id'))
    WHERE kind = 'exception.decided';
CREATE INDEX team_events_kept_aside ON team_events (at, id) WHERE applied = 0;
CREATE INDEX story_reviews_featured ON story_reviews (mark) WHERE mark = 'featured';

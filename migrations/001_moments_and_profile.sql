-- Fanday schema version 1: the person's profile and their fan moments.
CREATE TABLE profile (
    singleton    INTEGER PRIMARY KEY NOT NULL CHECK (singleton = 1),
    id           TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('staff', 'lead')),
    language     TEXT NOT NULL CHECK (language IN ('sv', 'en')),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

CREATE TABLE moments (
    id          TEXT PRIMARY KEY NOT NULL,
    author      TEXT NOT NULL,
    local_date  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    situation   TEXT NOT NULL CHECK (situation IN ('just_because', 'said_no', 'complaint')),
    customer    TEXT NOT NULL CHECK (customer IN ('external', 'internal')),
    text        TEXT NOT NULL,
    reaction    TEXT,
    took        TEXT CHECK (took IS NULL OR took IN ('time', 'generosity', 'flexibility')),
    shared      INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1)),
    deleted_at  TEXT,
    -- lower-cased text and reaction, so search ignores case in every language
    search_text TEXT NOT NULL
);

CREATE INDEX moments_newest_first ON moments (local_date DESC, created_at DESC, id DESC)
    WHERE deleted_at IS NULL;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

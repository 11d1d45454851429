-- Fanday schema version 3: rule exceptions, the team's clear agreements on
-- which routines may be set aside, and how far.
CREATE TABLE exceptions (
    id           TEXT PRIMARY KEY NOT NULL,
    rule         TEXT NOT NULL,
    allowed      TEXT NOT NULL,
    limits       TEXT NOT NULL DEFAULT '',
    amount_sek   INTEGER CHECK (amount_sek IS NULL OR amount_sek >= 0),
    minutes      INTEGER CHECK (minutes IS NULL OR minutes >= 0),
    applies_when TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL
                 CHECK (status IN ('proposed', 'approved', 'rejected', 'retired', 'withdrawn')),
    proposed_by      TEXT NOT NULL,
    proposed_by_name TEXT NOT NULL,
    proposed_at      TEXT NOT NULL,
    decided_by       TEXT,
    decided_by_name  TEXT,
    decision_note    TEXT,
    decided_at       TEXT,
    updated_at       TEXT NOT NULL,
    -- lower-cased rule, allowed and limits, so search ignores case
    search_text  TEXT NOT NULL
);

-- Every step of an exception's life, in order: its history, and the events
-- a team folder can later carry with a lead's signature.
CREATE TABLE exception_events (
    id           TEXT PRIMARY KEY NOT NULL,
    exception_id TEXT NOT NULL REFERENCES exceptions (id),
    kind         TEXT NOT NULL
                 CHECK (kind IN ('proposed', 'approved', 'rejected', 'retired', 'withdrawn')),
    actor_id     TEXT NOT NULL,
    actor_name   TEXT NOT NULL,
    note         TEXT,
    at           TEXT NOT NULL
);
CREATE INDEX exception_events_by_exception ON exception_events (exception_id, at, id);

ALTER TABLE moments ADD COLUMN exception_id TEXT REFERENCES exceptions (id);
ALTER TABLE moments ADD COLUMN told_customer INTEGER NOT NULL DEFAULT 0
    CHECK (told_customer IN (0, 1));
CREATE INDEX moments_by_exception ON moments (exception_id) WHERE exception_id IS NOT NULL;

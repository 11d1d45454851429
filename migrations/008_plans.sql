-- Fanday schema version 8: if-then plans ("when I have to say no, I will
-- ..."), at most one per situation, the plan a moment followed, and the
-- weekly mirror's answer to "did a plan work this week?".
CREATE TABLE plans (
    id         TEXT PRIMARY KEY NOT NULL,
    situation  TEXT NOT NULL UNIQUE CHECK (situation IN ('just_because', 'said_no', 'complaint')),
    action     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

ALTER TABLE moments ADD COLUMN plan_id TEXT REFERENCES plans (id) ON DELETE SET NULL;

ALTER TABLE reflections ADD COLUMN plan_worked TEXT
    CHECK (plan_worked IS NULL OR plan_worked IN ('yes', 'partly', 'no'));

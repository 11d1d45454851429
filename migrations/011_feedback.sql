-- Fanday schema version 11: the customers' own score, imported by a lead
-- from their survey tool's export. Kept on the lead's PC only: nothing
-- here is written to the team folder. One row per ISO week; the counts of
-- promoters, passives and detractors are NULL where the export gave only
-- the week's NPS and its number of answers.
CREATE TABLE feedback_weeks (
    week        TEXT PRIMARY KEY NOT NULL,
    answers     INTEGER NOT NULL,
    promoters   INTEGER,
    passives    INTEGER,
    detractors  INTEGER,
    nps         INTEGER NOT NULL,
    source      TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
-- The customers' comments, with the week they belong to.
CREATE TABLE feedback_comments (
    id          INTEGER PRIMARY KEY,
    week        TEXT NOT NULL,
    answered_on TEXT NOT NULL,
    score       INTEGER NOT NULL,
    text        TEXT NOT NULL
);
CREATE INDEX feedback_comments_by_week ON feedback_comments (week);

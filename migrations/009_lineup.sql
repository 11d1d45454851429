-- Fanday schema version 9: the team's line-up. A lead's shortlist of
-- stories per ISO week (the latest lead's `lineup.set` by time, then
-- event), each member's own choice to be shown as "a colleague", and the
-- rule exception a shared story used. All of it is rebuilt from the
-- team's events like the feed.
CREATE TABLE lineups (
    week     TEXT PRIMARY KEY NOT NULL,
    -- the stories' keys (author/id), in order, as a JSON array
    stories  TEXT NOT NULL,
    by_id    TEXT NOT NULL,
    at       TEXT NOT NULL,
    event_id TEXT NOT NULL
);

CREATE TABLE lineup_names (
    member_id TEXT PRIMARY KEY NOT NULL,
    anonymous INTEGER NOT NULL,
    -- the member's event number: their latest choice wins
    seq       INTEGER NOT NULL
);

-- The exception a shared story used, as this PC's catalogue names it.
ALTER TABLE stories ADD COLUMN exception_id TEXT;

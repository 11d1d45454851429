-- Fanday schema version 10: the team's weekly tallies. Each member's app
-- publishes a signed `tally.week` event (counts of one ISO week, never
-- texts); a lead's insights sum the latest tally of each member and week.
-- One row per tally event that counts; the latest per member and week (by
-- the member's own event number) is the one summed.
CREATE TABLE team_tallies (
    event_id        TEXT PRIMARY KEY NOT NULL,
    member_id       TEXT NOT NULL,
    monday          TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    fans            INTEGER NOT NULL,
    just_because    INTEGER NOT NULL,
    said_no         INTEGER NOT NULL,
    complaint       INTEGER NOT NULL,
    external        INTEGER NOT NULL,
    internal        INTEGER NOT NULL,
    exceptions_used INTEGER NOT NULL,
    plans_followed  INTEGER NOT NULL
);
CREATE INDEX team_tallies_by_week ON team_tallies (monday, member_id, seq);

-- A member who switched tallies off (`tally.stopped`): their tallies with
-- lower numbers no longer count.
CREATE TABLE team_tally_stops (
    event_id  TEXT PRIMARY KEY NOT NULL,
    member_id TEXT NOT NULL,
    seq       INTEGER NOT NULL
);
CREATE INDEX team_tally_stops_by_member ON team_tally_stops (member_id, seq);

-- A Fanday before this one refused tallies as an unknown kind: they are
-- kept aside now, and taken by the next rebuild of the team's state.
UPDATE team_events SET applied = 0 WHERE kind IN ('tally.week', 'tally.stopped') AND reason = 'unknown_kind';

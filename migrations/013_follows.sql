-- Fanday schema version 13: a team followed read-only. A region's manager
-- follows a team's folder from a store of its own (one per team followed):
-- its `team` row says so, and that store never shares, tallies or reads
-- the team's story files.
ALTER TABLE team ADD COLUMN follows INTEGER NOT NULL DEFAULT 0;
-- What the tables the screens read hold: the team's state as of which log
-- and which time (`team.projected`, `team.projected_at`). A store opened
-- again whose log has not changed since, and none of whose events came
-- within the team's dates in the meantime, needs its state folded, not
-- written again.
ALTER TABLE team ADD COLUMN projected TEXT;
ALTER TABLE team ADD COLUMN projected_at TEXT;

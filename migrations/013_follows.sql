-- Fanday schema version 13: a team followed read-only. A region's manager
-- follows a team's folder from a store of its own (one per team followed):
-- its `team` row says so, and that store never shares, tallies or reads
-- the team's story files.
ALTER TABLE team ADD COLUMN follows INTEGER NOT NULL DEFAULT 0;

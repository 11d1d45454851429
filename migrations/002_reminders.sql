-- Fanday schema version 2: the daily reminder's pauses and its log.

-- Holidays, sick leave: no reminder, and the days neither break nor extend
-- a streak. Both days are included.
CREATE TABLE pauses (
    id        TEXT PRIMARY KEY NOT NULL,
    first_day TEXT NOT NULL,
    last_day  TEXT NOT NULL CHECK (last_day >= first_day)
);

-- What the reminder did on each working day, so that a restart never shows
-- the day's reminder again.
CREATE TABLE reminder_log (
    id    INTEGER PRIMARY KEY,
    day   TEXT NOT NULL,
    kind  TEXT NOT NULL CHECK (kind IN ('shown', 'snoozed', 'opened')),
    at    TEXT NOT NULL,
    until TEXT
);

CREATE INDEX reminder_log_by_day ON reminder_log (day, id);

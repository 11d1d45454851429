-- Fanday schema version 12: a customer's voice in a week's line-up. A lead
-- picks a comment from the customers' survey (its name, email and phone
-- taken out on the lead's PC) and signs it as a `lineup.voice` event; the
-- latest per week, from a lead, is the week's.
CREATE TABLE lineup_voices (
    week     TEXT PRIMARY KEY NOT NULL,
    text     TEXT NOT NULL,
    by_id    TEXT NOT NULL,
    at       TEXT NOT NULL,
    event_id TEXT NOT NULL
);

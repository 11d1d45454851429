-- Fanday schema version 4: the weekly mirror, one reflection per ISO week,
-- and the weekly digest's log.
CREATE TABLE reflections (
    iso_year   INTEGER NOT NULL,
    iso_week   INTEGER NOT NULL CHECK (iso_week BETWEEN 1 AND 53),
    went_well  TEXT NOT NULL DEFAULT '',
    held_back  TEXT NOT NULL DEFAULT '',
    intention  TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (iso_year, iso_week)
);

-- Fanday schema version 14: several teams per person. The person's
-- moments live in this store; each further team they are in lives in a
-- store of its own (`teams/<team id>/`), which holds a copy of every
-- moment, shared there only when the person picked that team. Which
-- further teams a moment is shared with is kept here, beside the moment.
CREATE TABLE moment_teams (
    moment_id TEXT NOT NULL REFERENCES moments (id),
    team_id   TEXT NOT NULL,
    PRIMARY KEY (moment_id, team_id)
) WITHOUT ROWID;

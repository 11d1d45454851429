-- Fanday schema version 7: team trust (team folder format 2). Ids belong to
-- their author, only admitted members count, withdrawn texts are erased,
-- and the device key leaves the database.

-- The team's format and creation (format 2: from the signed team.json).
ALTER TABLE team ADD COLUMN format INTEGER NOT NULL DEFAULT 1;
ALTER TABLE team ADD COLUMN created_at TEXT;
ALTER TABLE team ADD COLUMN founder_name TEXT NOT NULL DEFAULT '';

-- Where the device key is kept: 'keyring' (the desktop's Secret Service) or
-- 'file' (beside the database); the secret itself is moved out of here by
-- the app and this column emptied.
ALTER TABLE device_key ADD COLUMN stored_in TEXT NOT NULL DEFAULT 'database';

-- Exceptions proposed by colleagues are named by their proposer and id
-- together; only this person's own keep their plain id.
PRAGMA defer_foreign_keys = ON;
UPDATE moments SET exception_id = (
    SELECT e.proposed_by || '/' || e.id FROM exceptions e WHERE e.id = moments.exception_id)
 WHERE exception_id IN (SELECT id FROM exceptions
                         WHERE proposed_by NOT IN (SELECT id FROM profile));
UPDATE exception_events SET exception_id = (
    SELECT e.proposed_by || '/' || e.id FROM exceptions e WHERE e.id = exception_events.exception_id)
 WHERE exception_id IN (SELECT id FROM exceptions
                         WHERE proposed_by NOT IN (SELECT id FROM profile));
UPDATE exception_events SET id = actor_id || '/' || id
 WHERE kind <> 'proposed' AND actor_id NOT IN (SELECT id FROM profile);
UPDATE exceptions SET id = proposed_by || '/' || id
 WHERE proposed_by NOT IN (SELECT id FROM profile);

-- Everything read from the folder is read again under the new rules; what
-- this PC wrote (own_events) is kept.
DELETE FROM team_events;
DELETE FROM team_files;
DELETE FROM team_skips;
DELETE FROM team_forks;
DELETE FROM story_reactions;
DELETE FROM story_comments;
DELETE FROM story_reviews;
DELETE FROM team_leads WHERE member_id NOT IN (SELECT founder_id FROM team);
UPDATE team_members SET max_seq = 0, missing = 0, forks = 0;

ALTER TABLE team_events ADD COLUMN hash TEXT;
ALTER TABLE team_events ADD COLUMN prev TEXT;
ALTER TABLE team_events ADD COLUMN v INTEGER NOT NULL DEFAULT 1;

-- A story is its author's: named by author and id together. Its text is
-- kept apart (format 2 brings it in its own file), so the team's state can
-- be rebuilt from the events without losing it, and erased on withdrawal.
DROP INDEX IF EXISTS stories_newest_first;
DROP INDEX IF EXISTS stories_by_author;
DROP TABLE stories;
CREATE TABLE stories (
    story_key  TEXT PRIMARY KEY NOT NULL,
    author_id  TEXT NOT NULL,
    story_id   TEXT NOT NULL,
    local_date TEXT NOT NULL,
    situation  TEXT NOT NULL,
    customer   TEXT NOT NULL,
    -- '' until the text is known (format 2: its file read), and once withdrawn
    text       TEXT NOT NULL,
    reaction   TEXT,
    -- format 2: the hash the story's content must have
    text_hash  TEXT,
    version    INTEGER NOT NULL,
    shared_at  TEXT NOT NULL,
    withdrawn  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX stories_newest_first ON stories (local_date DESC, shared_at DESC)
    WHERE withdrawn = 0 AND text <> '';
CREATE INDEX stories_by_author ON stories (author_id, story_id);
CREATE INDEX stories_waiting_for_text ON stories (author_id)
    WHERE withdrawn = 0 AND text = '' AND text_hash IS NOT NULL;

CREATE TABLE story_texts (
    story_key TEXT NOT NULL,
    hash      TEXT NOT NULL,
    text      TEXT NOT NULL,
    reaction  TEXT,
    PRIMARY KEY (story_key, hash)
);

-- What this PC writes beside an event (a story's file), until written.
ALTER TABLE own_events ADD COLUMN attachment TEXT;

-- Who each member is to the team: 'admitted', 'pending' (asked to join),
-- 'declined' or 'removed'.
ALTER TABLE team_members ADD COLUMN status TEXT NOT NULL DEFAULT 'admitted';

-- The key each event was signed with: it counts only if that is the key
-- the member was admitted with for its number.
ALTER TABLE team_events ADD COLUMN signer TEXT NOT NULL DEFAULT '';

-- Lines of a member no known key verified, and with which keys they were
-- tried: once the team knows other keys for them, their files are read
-- again.
ALTER TABLE team_members ADD COLUMN unverified_with TEXT NOT NULL DEFAULT '';

-- Who counts is replayed from these few events at every read.
CREATE INDEX team_events_authority ON team_events (at, hash)
    WHERE kind LIKE 'member.%' OR kind LIKE 'role.%' OR kind = 'key.rotated';

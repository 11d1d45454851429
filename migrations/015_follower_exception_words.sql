-- Fanday schema version 15: a store that only follows a team (a region's)
-- keeps no words of the team's rule exceptions, as it keeps none of its
-- stories, comments or voices: those an earlier Fanday kept there are
-- taken out of the tables the screens read here, and out of its log by
-- the step's hook (src/store.rs), as a follower takes an event in today.
UPDATE exceptions
   SET rule = CASE WHEN trim(rule) = '' THEN '' ELSE '…' END,
       allowed = CASE WHEN trim(allowed) = '' THEN '' ELSE '…' END,
       limits = CASE WHEN trim(limits) = '' THEN '' ELSE '…' END,
       applies_when = CASE WHEN trim(applies_when) = '' THEN '' ELSE '…' END,
       decision_note = CASE WHEN decision_note IS NULL THEN NULL
                            WHEN trim(decision_note) = '' THEN '' ELSE '…' END
 WHERE (SELECT follows FROM team) = 1;
UPDATE exceptions
   SET search_text = rule || char(10) || allowed || char(10) || limits || char(10) || applies_when
 WHERE (SELECT follows FROM team) = 1;

UPDATE exception_events
   SET note = CASE WHEN trim(note) = '' THEN '' ELSE '…' END
 WHERE note IS NOT NULL AND (SELECT follows FROM team) = 1;

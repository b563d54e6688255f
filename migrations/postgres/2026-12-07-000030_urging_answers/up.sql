-- An answer to an urging is history: each answer is a row of its own, and a second answer
-- is a new row instead of overwriting the first. The one answer each urging held so far
-- moves here, with who gave it where the audit trail knows.

CREATE TABLE urging_answers (
    id SERIAL PRIMARY KEY,
    urging_id INTEGER NOT NULL REFERENCES urgings(id) ON DELETE CASCADE,
    division_id INTEGER NOT NULL REFERENCES divisions(id),
    answered_by INTEGER REFERENCES users(id),
    text TEXT NOT NULL,
    answered_at TIMESTAMP NOT NULL
);
CREATE INDEX urging_answers_by_urging ON urging_answers (urging_id, id);

INSERT INTO urging_answers (urging_id, division_id, answered_by, text, answered_at)
SELECT u.id, u.division_id,
       (SELECT a.actor_id FROM audit_log a
         WHERE a.entity = 'urging' AND a.entity_id = u.id AND a.action = 'answer'
         ORDER BY a.id DESC LIMIT 1),
       u.answer, COALESCE(u.answered_at, u.urged_at)
  FROM urgings u
 WHERE u.answer IS NOT NULL
 ORDER BY u.id;

ALTER TABLE urgings DROP COLUMN answer;
ALTER TABLE urgings DROP COLUMN answered_at;

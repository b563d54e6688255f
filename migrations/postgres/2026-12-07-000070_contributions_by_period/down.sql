-- Back to contributions hanging off a report. A contribution written before the lead
-- wrote the period's report has no report to hang off in the old shape and is dropped.
CREATE TABLE report_contributions (
    id SERIAL PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    division_id INTEGER NOT NULL REFERENCES divisions(id),
    text TEXT NOT NULL,
    author_id INTEGER REFERENCES users(id),
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (report_id, division_id)
);
INSERT INTO report_contributions (report_id, division_id, text, author_id, version, updated_at)
SELECT r.id, c.division_id, c.text, c.author_id, c.version, c.updated_at
  FROM contributions c
  JOIN reports r ON r.item_id = c.item_id AND r.period_id = c.period_id
 ORDER BY c.id;
DROP TABLE contributions;

ALTER TABLE items DROP COLUMN due_set_at;
ALTER TABLE items DROP COLUMN due_set_by;

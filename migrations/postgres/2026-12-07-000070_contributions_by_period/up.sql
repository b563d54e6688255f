-- A supporting division writes its part for an item and a period whether or not the lead
-- has written the period's report yet: contributions are keyed by item, period and
-- division instead of hanging off a report row. Every existing contribution moves here
-- with its report's item and period, its author, version and time.
CREATE TABLE contributions (
    id SERIAL PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    period_id INTEGER NOT NULL REFERENCES reporting_periods(id),
    division_id INTEGER NOT NULL REFERENCES divisions(id),
    text TEXT NOT NULL,
    author_id INTEGER REFERENCES users(id),
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (item_id, period_id, division_id)
);
CREATE INDEX contributions_by_division ON contributions (division_id, period_id);

INSERT INTO contributions (item_id, period_id, division_id, text, author_id, version, updated_at)
SELECT r.item_id, r.period_id, c.division_id, c.text, c.author_id, c.version, c.updated_at
  FROM report_contributions c
  JOIN reports r ON r.id = c.report_id
 ORDER BY c.id;

DROP TABLE report_contributions;

-- A date the office sets for an item waiting on a higher authority: when, and by whom
-- (the phrase as written stays in deadline_raw).
ALTER TABLE items ADD COLUMN due_set_at TIMESTAMP;
ALTER TABLE items ADD COLUMN due_set_by INTEGER REFERENCES users(id);

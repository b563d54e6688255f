-- The agency this deployment serves: one row (id 1) holding its full name, which titles and
-- file names carry, its short name and the supervising disclosure office (政务公开办).
-- No row: not set yet. A new table only, so an existing database keeps everything it holds;
-- `serve` fills the row from WORKPLAN_AGENCY_NAME once, and the office edits it afterwards.
CREATE TABLE agency (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    full_name TEXT NOT NULL,
    short_name TEXT NOT NULL DEFAULT '',
    supervisor TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TIMESTAMP NOT NULL
);

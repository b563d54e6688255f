-- The annual disclosure report of a plan's year: its format revision, the statistics
-- tables' figures and the text parts (JSON), and when it was finalised.
CREATE TABLE annual_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    plan_id INTEGER NOT NULL UNIQUE REFERENCES plans(id) ON DELETE CASCADE,
    format_version TEXT NOT NULL,
    figures TEXT NOT NULL DEFAULT '{}',
    texts TEXT NOT NULL DEFAULT '{}',
    finalised_at TIMESTAMP,
    finalised_by INTEGER REFERENCES users(id),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Agencies in a tree (a city's disclosure office above its bureaus, each bureau above its
-- divisions). Every existing row belongs to agency 1, the agency the deployment served until
-- now, so a single-agency database reads exactly as before. Nothing is dropped: the three
-- rebuilt tables are copied row for row before the old ones go.
PRAGMA foreign_keys = OFF;
BEGIN;

-- agency: no longer one row; parent_id places an agency under the one that supervises it.
CREATE TABLE agency_rebuilt (
    id INTEGER PRIMARY KEY NOT NULL,
    parent_id INTEGER REFERENCES agency(id),
    full_name TEXT NOT NULL,
    short_name TEXT NOT NULL DEFAULT '',
    supervisor TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO agency_rebuilt (id, parent_id, full_name, short_name, supervisor, version, updated_at)
    SELECT id, NULL, full_name, short_name, supervisor, version, updated_at FROM agency;
DROP TABLE agency;
ALTER TABLE agency_rebuilt RENAME TO agency;
CREATE INDEX agency_by_parent ON agency (parent_id);

-- divisions: names are unique within one agency (every bureau has its 办公室); a row of kind
-- 'agency' is an agency below, as a unit its parent assigns items to.
CREATE TABLE divisions_rebuilt (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]',
    kind TEXT NOT NULL CHECK (kind IN ('internal', 'subordinate', 'external', 'agency')),
    active BOOLEAN NOT NULL DEFAULT 1,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    agency_id INTEGER NOT NULL DEFAULT 1,
    unit_agency_id INTEGER UNIQUE REFERENCES agency(id),
    UNIQUE (agency_id, name)
);
INSERT INTO divisions_rebuilt (id, name, aliases, kind, active, version, created_at, agency_id)
    SELECT id, name, aliases, kind, active, version, created_at, 1 FROM divisions;
-- Ids are never given twice: the rebuilt table's counter starts where the old one stood
-- (a deleted division's id stays retired, so old audit entries keep pointing nowhere new).
DELETE FROM sqlite_sequence WHERE name = 'divisions_rebuilt';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'divisions_rebuilt', MAX(seq) FROM (
        SELECT seq FROM sqlite_sequence WHERE name = 'divisions'
        UNION ALL SELECT COALESCE(MAX(id), 0) FROM divisions_rebuilt
    );
DROP TABLE divisions;
ALTER TABLE divisions_rebuilt RENAME TO divisions;

ALTER TABLE users ADD COLUMN agency_id INTEGER NOT NULL DEFAULT 1;
CREATE INDEX users_by_agency ON users (agency_id);

-- A plan belongs to one agency (two bureaus may both import 2021年政务公开工作要点); one handed
-- down from the plan above names that plan.
CREATE TABLE plans_rebuilt (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    document_number TEXT,
    source_file TEXT,
    source_format TEXT,
    source_sha256 TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    source_columns TEXT NOT NULL DEFAULT '[]',
    agency_id INTEGER NOT NULL DEFAULT 1,
    upper_plan_id INTEGER REFERENCES plans(id) ON DELETE SET NULL,
    UNIQUE (agency_id, year, title)
);
INSERT INTO plans_rebuilt (id, year, title, document_number, source_file, source_format,
        source_sha256, version, created_by, created_at, updated_at, source_columns, agency_id)
    SELECT id, year, title, document_number, source_file, source_format, source_sha256,
        version, created_by, created_at, updated_at, source_columns, 1 FROM plans;
-- Ids are never given twice: the rebuilt table's counter starts where the old one stood
-- (a deleted plan's id stays retired, so old audit entries keep pointing nowhere new).
DELETE FROM sqlite_sequence WHERE name = 'plans_rebuilt';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'plans_rebuilt', MAX(seq) FROM (
        SELECT seq FROM sqlite_sequence WHERE name = 'plans'
        UNION ALL SELECT COALESCE(MAX(id), 0) FROM plans_rebuilt
    );
DROP TABLE plans;
ALTER TABLE plans_rebuilt RENAME TO plans;
CREATE INDEX plans_by_upper ON plans (upper_plan_id);

-- An item handed down keeps its link to the upper item and the upper item's version it copied,
-- so a later revision above shows which items changed.
ALTER TABLE items ADD COLUMN upper_item_id INTEGER REFERENCES items(id) ON DELETE SET NULL;
ALTER TABLE items ADD COLUMN upper_version INTEGER;
CREATE INDEX items_by_upper ON items (upper_item_id);

-- A report sent up is drafted from the divisions' accepted reports: which ones, and which
-- evidence came from which.
CREATE TABLE report_sources (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    source_report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    UNIQUE (report_id, source_report_id)
);
CREATE INDEX report_sources_by_source ON report_sources (source_report_id);
ALTER TABLE evidence ADD COLUMN source_evidence_id INTEGER REFERENCES evidence(id) ON DELETE SET NULL;

COMMIT;
PRAGMA foreign_keys = ON;

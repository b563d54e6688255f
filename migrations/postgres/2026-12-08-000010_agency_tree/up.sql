-- Agencies in a tree (a city's disclosure office above its bureaus, each bureau above its
-- divisions). Every existing row belongs to agency 1, the agency the deployment served until
-- now, so a single-agency database reads exactly as before. Nothing is dropped.
ALTER TABLE agency DROP CONSTRAINT IF EXISTS agency_id_check;
ALTER TABLE agency ADD COLUMN parent_id INTEGER REFERENCES agency(id);
CREATE INDEX agency_by_parent ON agency (parent_id);

-- Names are unique within one agency (every bureau has its 办公室); a row of kind 'agency' is
-- an agency below, as a unit its parent assigns items to.
ALTER TABLE divisions ADD COLUMN agency_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE divisions ADD COLUMN unit_agency_id INTEGER UNIQUE REFERENCES agency(id);
ALTER TABLE divisions DROP CONSTRAINT IF EXISTS divisions_name_key;
ALTER TABLE divisions ADD CONSTRAINT divisions_agency_name UNIQUE (agency_id, name);
ALTER TABLE divisions DROP CONSTRAINT IF EXISTS divisions_kind_check;
ALTER TABLE divisions ADD CONSTRAINT divisions_kind_check
    CHECK (kind IN ('internal', 'subordinate', 'external', 'agency'));

ALTER TABLE users ADD COLUMN agency_id INTEGER NOT NULL DEFAULT 1;
CREATE INDEX users_by_agency ON users (agency_id);

ALTER TABLE plans ADD COLUMN agency_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE plans ADD COLUMN upper_plan_id INTEGER REFERENCES plans(id) ON DELETE SET NULL;
CREATE INDEX plans_by_agency ON plans (agency_id);
ALTER TABLE plans DROP CONSTRAINT IF EXISTS plans_year_title_key;
ALTER TABLE plans ADD CONSTRAINT plans_agency_year_title UNIQUE (agency_id, year, title);
CREATE INDEX plans_by_upper ON plans (upper_plan_id);

ALTER TABLE items ADD COLUMN upper_item_id INTEGER REFERENCES items(id) ON DELETE SET NULL;
ALTER TABLE items ADD COLUMN upper_version INTEGER;
CREATE INDEX items_by_upper ON items (upper_item_id);

CREATE TABLE report_sources (
    id SERIAL PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    source_report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    UNIQUE (report_id, source_report_id)
);
CREATE INDEX report_sources_by_source ON report_sources (source_report_id);
ALTER TABLE evidence ADD COLUMN source_evidence_id INTEGER REFERENCES evidence(id) ON DELETE SET NULL;

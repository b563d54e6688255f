-- The whole domain schema, so that later features add behaviour, not tables.
-- Timestamps are UTC.

CREATE TABLE divisions (
    id SERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    aliases TEXT NOT NULL DEFAULT '[]',          -- JSON array of other names
    kind TEXT NOT NULL CHECK (kind IN ('internal', 'subordinate', 'external')),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id SERIAL PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('office', 'division', 'leader', 'auditor')),
    division_id INTEGER REFERENCES divisions(id),
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    feed_token TEXT NOT NULL UNIQUE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE login_attempts (
    id SERIAL PRIMARY KEY,
    username TEXT NOT NULL,
    attempted_at TIMESTAMP NOT NULL,
    succeeded BOOLEAN NOT NULL
);
CREATE INDEX login_attempts_by_name ON login_attempts (username, attempted_at);

CREATE TABLE plans (
    id SERIAL PRIMARY KEY,
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
    UNIQUE (year, title)
);

CREATE TABLE sections (
    id SERIAL PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES sections(id),
    position INTEGER NOT NULL,
    heading TEXT NOT NULL
);
CREATE INDEX sections_by_plan ON sections (plan_id);

CREATE TABLE items (
    id SERIAL PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    section_id INTEGER REFERENCES sections(id),
    position INTEGER NOT NULL,
    number TEXT NOT NULL,
    task TEXT NOT NULL,
    requirement TEXT NOT NULL,
    deadline_raw TEXT NOT NULL DEFAULT '',
    deadline_kind TEXT NOT NULL DEFAULT 'unspecified',
    deadline_due DATE,
    deadline_detail TEXT NOT NULL DEFAULT '{}',  -- JSON: authority, period, event, workdays
    deadline_inferred BOOLEAN NOT NULL DEFAULT FALSE,
    event_date DATE,                              -- set by the office for relative deadlines
    completed_on DATE,
    source_sheet TEXT,
    source_row INTEGER,
    origin_item_id INTEGER REFERENCES items(id),  -- rectification: the item it carries over
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX items_by_plan ON items (plan_id, position);

CREATE TABLE assignments (
    id SERIAL PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('lead', 'support')),
    division_id INTEGER REFERENCES divisions(id),
    placeholder TEXT,                            -- 各有关处室 etc. until the office names divisions
    position INTEGER NOT NULL,
    CHECK ((division_id IS NULL) <> (placeholder IS NULL))
);
CREATE INDEX assignments_by_item ON assignments (item_id);
CREATE INDEX assignments_by_division ON assignments (division_id);

CREATE TABLE targets (
    id SERIAL PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    raw TEXT NOT NULL,
    min_count INTEGER NOT NULL,
    unit TEXT NOT NULL,
    per TEXT                                     -- week / month / quarter / year, or none
);
CREATE INDEX targets_by_item ON targets (item_id);

CREATE TABLE reporting_periods (
    id SERIAL PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    period TEXT NOT NULL,                        -- YYYY-Qn
    due_on DATE NOT NULL,
    is_open BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (plan_id, period)
);

CREATE TABLE reports (
    id SERIAL PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    period_id INTEGER NOT NULL REFERENCES reporting_periods(id),
    division_id INTEGER NOT NULL REFERENCES divisions(id),
    state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'accepted', 'returned')),
    summary TEXT NOT NULL DEFAULT '',
    submitted_at TIMESTAMP,
    submitted_late BOOLEAN NOT NULL DEFAULT FALSE,
    reviewed_by INTEGER REFERENCES users(id),
    reviewed_at TIMESTAMP,
    review_comment TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (item_id, period_id)
);

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

-- Every state change of a report, so accepted text and returned rounds stay on record.
CREATE TABLE report_history (
    id SERIAL PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    state TEXT NOT NULL,
    summary TEXT NOT NULL,
    comment TEXT,
    actor_id INTEGER REFERENCES users(id),
    at TIMESTAMP NOT NULL
);

CREATE TABLE evidence (
    id SERIAL PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('file', 'url')),
    file_name TEXT,
    content_type TEXT,
    size_bytes BIGINT,
    sha256 TEXT,
    url TEXT,
    url_title TEXT,
    url_date DATE,
    uploaded_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX evidence_by_report ON evidence (report_id);

CREATE TABLE target_occurrences (
    id SERIAL PRIMARY KEY,
    target_id INTEGER NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
    occurred_on DATE NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    evidence_id INTEGER REFERENCES evidence(id),
    created_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE evaluations (
    id SERIAL PRIMARY KEY,
    plan_id INTEGER NOT NULL UNIQUE REFERENCES plans(id) ON DELETE CASCADE,
    rubric TEXT NOT NULL DEFAULT '{}',           -- JSON copy of the rubric used
    score DOUBLE PRECISION,
    summary_text TEXT NOT NULL DEFAULT '',
    finalised_at TIMESTAMP,
    finalised_by INTEGER REFERENCES users(id),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE evaluation_verdicts (
    id SERIAL PRIMARY KEY,
    evaluation_id INTEGER NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
    item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    proposed TEXT NOT NULL,
    verdict TEXT NOT NULL,
    reason TEXT,
    decided_by INTEGER REFERENCES users(id),
    UNIQUE (evaluation_id, item_id)
);

CREATE TABLE evaluation_comments (
    id SERIAL PRIMARY KEY,
    evaluation_id INTEGER NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
    author_id INTEGER NOT NULL REFERENCES users(id),
    text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE review_back_checks (
    id SERIAL PRIMARY KEY,
    item_id INTEGER NOT NULL UNIQUE REFERENCES items(id) ON DELETE CASCADE,
    into_plan_id INTEGER NOT NULL REFERENCES plans(id),
    result TEXT NOT NULL CHECK (result IN ('done', 'partly_done', 'not_done', 'not_applicable')),
    note TEXT NOT NULL DEFAULT '',
    rectification_item_id INTEGER REFERENCES items(id),
    checked_by INTEGER REFERENCES users(id),
    checked_at TIMESTAMP NOT NULL
);

-- Append-only: the application only ever inserts; triggers refuse edits.
CREATE TABLE audit_log (
    id SERIAL PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    actor_id INTEGER REFERENCES users(id),
    actor_name TEXT NOT NULL,
    acting_for_division_id INTEGER REFERENCES divisions(id),
    entity TEXT NOT NULL,
    entity_id INTEGER,
    action TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_by_entity ON audit_log (entity, entity_id);
CREATE FUNCTION audit_log_refuse() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_refuse();

-- The supervision loop (督办): acknowledgements, extension requests, urgings, notifications.

CREATE TABLE acknowledgements (
    id SERIAL PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    division_id INTEGER NOT NULL REFERENCES divisions(id),
    state TEXT NOT NULL CHECK (state IN ('acknowledged', 'disputed', 'kept', 'reassigned')),
    reason TEXT,
    reply TEXT,
    actor_id INTEGER REFERENCES users(id),
    decided_by INTEGER REFERENCES users(id),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (item_id, division_id)
);

CREATE TABLE extension_requests (
    id SERIAL PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    division_id INTEGER NOT NULL REFERENCES divisions(id),
    original_due DATE NOT NULL,
    requested_due DATE NOT NULL,
    reason TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'refused')),
    reply TEXT,
    requested_by INTEGER REFERENCES users(id),
    decided_by INTEGER REFERENCES users(id),
    decided_at TIMESTAMP,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX extension_requests_by_item ON extension_requests (item_id);

CREATE TABLE urgings (
    id SERIAL PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    division_id INTEGER NOT NULL REFERENCES divisions(id),
    period_id INTEGER REFERENCES reporting_periods(id),
    message TEXT NOT NULL,
    urged_by INTEGER REFERENCES users(id),
    urged_at TIMESTAMP NOT NULL,
    answer TEXT,
    answered_at TIMESTAMP
);
CREATE INDEX urgings_by_division ON urgings (division_id);

CREATE TABLE notifications (
    id SERIAL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    item_id INTEGER REFERENCES items(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP,
    emailed_at TIMESTAMP
);
CREATE INDEX notifications_by_user ON notifications (user_id, read_at);

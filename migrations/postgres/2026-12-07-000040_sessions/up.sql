-- Login sessions kept on the server, so that logout, a password or role change and the
-- office can end them at once on every instance.
CREATE TABLE sessions (
    id SERIAL PRIMARY KEY,
    -- The secret the login token names (never shown).
    session_key TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP,
    end_reason TEXT,
    address TEXT,
    user_agent TEXT
);
CREATE INDEX sessions_by_user ON sessions (user_id, created_at);

-- A password the office gave (a temporary one) must be changed at the next login.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
-- When the password was last set, for the optional maximum age.
ALTER TABLE users ADD COLUMN password_changed_at TIMESTAMP;
UPDATE users SET password_changed_at = created_at;

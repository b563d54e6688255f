-- E-mail copies of notifications: where to send them, and how often delivery was tried.
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE notifications ADD COLUMN email_attempts INTEGER NOT NULL DEFAULT 0;

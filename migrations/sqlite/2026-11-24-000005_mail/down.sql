ALTER TABLE notifications DROP COLUMN email_attempts;
ALTER TABLE users DROP COLUMN email;

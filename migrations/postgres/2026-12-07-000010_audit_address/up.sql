-- Where a login, a failed login or a logout came from (the client's address).
ALTER TABLE audit_log ADD COLUMN address TEXT;

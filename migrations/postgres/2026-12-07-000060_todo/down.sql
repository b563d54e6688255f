DROP INDEX items_waiting_on_authority;
DROP INDEX extension_requests_by_state;
DROP INDEX acknowledgements_by_state;
DROP INDEX reports_by_state;
ALTER TABLE notifications DROP COLUMN link;

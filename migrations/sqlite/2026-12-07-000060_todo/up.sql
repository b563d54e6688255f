-- Where a notification leads (an item page and the place on it); older ones lead to the item.
ALTER TABLE notifications ADD COLUMN link TEXT;

-- The 待办 list asks these on every page: what waits for the office, by state, and the
-- items still waiting for a higher authority's date.
CREATE INDEX reports_by_state ON reports (state);
CREATE INDEX acknowledgements_by_state ON acknowledgements (state);
CREATE INDEX extension_requests_by_state ON extension_requests (state);
CREATE INDEX items_waiting_on_authority ON items (plan_id)
    WHERE deadline_kind = 'per_higher_authority' AND deadline_due IS NULL;

-- The divisions exactly as the plan wrote them ({"lead": [...], "support": [...]}), before
-- groups were expanded and names resolved: ledgers show them, revisions compare them.
ALTER TABLE items ADD COLUMN divisions_written TEXT NOT NULL DEFAULT '{"lead":[],"support":[]}';

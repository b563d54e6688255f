-- A report can say the item's work is finished; accepting it completes the item.
ALTER TABLE reports ADD COLUMN completes_item BOOLEAN NOT NULL DEFAULT 0;

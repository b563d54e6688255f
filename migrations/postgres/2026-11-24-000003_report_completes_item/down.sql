ALTER TABLE reports DROP COLUMN completes_item;

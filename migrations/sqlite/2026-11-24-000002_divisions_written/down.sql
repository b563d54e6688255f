ALTER TABLE items DROP COLUMN divisions_written;

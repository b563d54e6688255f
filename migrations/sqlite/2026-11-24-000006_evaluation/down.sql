ALTER TABLE evaluations DROP COLUMN snapshot;
ALTER TABLE plans DROP COLUMN source_columns;

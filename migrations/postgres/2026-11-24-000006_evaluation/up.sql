-- The plan's own column headers as imported (for the ledger), and the evaluation as it was
-- when finalised (so later report changes cannot move a frozen evaluation).
ALTER TABLE plans ADD COLUMN source_columns TEXT NOT NULL DEFAULT '[]';
ALTER TABLE evaluations ADD COLUMN snapshot TEXT;

-- Going back would merge agencies' divisions and plans into one; refused rather than lossy.
DO $$ BEGIN RAISE EXCEPTION 'agency_tree cannot be undone without losing agencies'; END $$;

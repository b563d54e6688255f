-- Going back would merge agencies' divisions and plans into one; refused rather than lossy.
SELECT RAISE(ABORT, 'agency_tree cannot be undone without losing agencies');

-- Back to one answer per urging: the latest answer is kept in the urging (the old shape
-- cannot hold the earlier ones).
ALTER TABLE urgings ADD COLUMN answer TEXT;
ALTER TABLE urgings ADD COLUMN answered_at TIMESTAMP;
UPDATE urgings SET
    answer = (SELECT a.text FROM urging_answers a WHERE a.urging_id = urgings.id
               ORDER BY a.id DESC LIMIT 1),
    answered_at = (SELECT a.answered_at FROM urging_answers a WHERE a.urging_id = urgings.id
                    ORDER BY a.id DESC LIMIT 1);
DROP TABLE urging_answers;

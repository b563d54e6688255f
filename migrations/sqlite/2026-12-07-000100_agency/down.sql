DROP TABLE agency;

DROP TABLE annual_reports;

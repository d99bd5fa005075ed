-- The added lines around an anomaly's finding (guard.Finding.Hunk), as
-- a JSON array of {"number", "text"} objects; '[]' when there are none.
ALTER TABLE anomalies ADD COLUMN hunk TEXT NOT NULL DEFAULT '[]';

-- The two-person rule of triage. A dismissal or resolution of an
-- anomaly that fails a pull request's check waits for a second triager:
-- release_kind ('' when none) is what was asked, by whom, why and when;
-- the anomaly keeps its status until someone else confirms it.
ALTER TABLE anomalies ADD COLUMN release_kind TEXT NOT NULL DEFAULT ''
	CHECK (release_kind IN ('', 'dismiss', 'resolve'));
ALTER TABLE anomalies ADD COLUMN release_by TEXT NOT NULL DEFAULT '';
ALTER TABLE anomalies ADD COLUMN release_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE anomalies ADD COLUMN release_at BIGINT NOT NULL DEFAULT 0;

-- A suppression applies to findings of pull requests only once a second
-- triager approved it (approved_by '' until then).
ALTER TABLE suppressions ADD COLUMN approved_by TEXT NOT NULL DEFAULT '';
ALTER TABLE suppressions ADD COLUMN approved BIGINT NOT NULL DEFAULT 0;

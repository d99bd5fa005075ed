-- Cases: the queue lists the anomalies of one commit (repo and commit,
-- no pull request) or of one pull request (repo and number) as one case
-- (guard.Case), keyed by guard.CaseKey. commit_date is the commit's
-- author date (a pull request's head commit's), risk the commit's or
-- pull request's risk (0-100). status, severity, findings, pending and
-- suppressed summarize its anomalies (guard.Summarize) so that the queue
-- can filter, sort and count cases; the store rewrites them whenever
-- one of its anomalies changes.
CREATE TABLE cases (
	id           INTEGER PRIMARY KEY,
	key          TEXT NOT NULL UNIQUE,
	repo         TEXT NOT NULL,
	commit_sha   TEXT NOT NULL DEFAULT '',
	pull_request BIGINT NOT NULL DEFAULT 0,
	subject      TEXT NOT NULL DEFAULT '',
	author       TEXT NOT NULL DEFAULT '',
	author_name  TEXT NOT NULL DEFAULT '',
	author_email TEXT NOT NULL DEFAULT '',
	url          TEXT NOT NULL DEFAULT '',
	commit_date  BIGINT NOT NULL,
	risk         DOUBLE PRECISION NOT NULL DEFAULT 0,
	status       TEXT NOT NULL DEFAULT 'open'
		CHECK (status IN ('open', 'acknowledged', 'dismissed', 'confirmed', 'resolved')),
	severity     BIGINT NOT NULL DEFAULT 0,
	findings     BIGINT NOT NULL DEFAULT 0,
	pending      BIGINT NOT NULL DEFAULT 0,
	suppressed   BIGINT NOT NULL DEFAULT 0 CHECK (suppressed IN (0, 1)),
	created      BIGINT NOT NULL,
	updated      BIGINT NOT NULL
);

-- The queue's default order (riskiest first) among the cases of a
-- status, covering every column a filter or an order reads: the
-- substring filters and the other orders scan it whole, and the total
-- and the counts by status read nothing else, rather than read the
-- table row by row (as for anomalies, see 0007_queue.sql).
CREATE INDEX cases_queue ON cases
	(suppressed, status, risk, commit_date, severity, updated, repo, author, author_name, author_email);

ALTER TABLE anomalies ADD COLUMN case_id BIGINT REFERENCES cases (id);

-- A case's anomalies, and the detector filter of the queue.
CREATE INDEX anomalies_case ON anomalies (case_id, detector, suppressed);

-- Every anomaly recorded so far joins the case of its commit or pull
-- request. The case's date is when its first anomaly was recorded, its
-- risk that of its anomalies taken as findings of their severity
-- (guard.Risk: five points a bit, each detector counted once at the
-- bits of its most severe finding: low 2, medium 5, high 9; 100 with a
-- critical one).
INSERT INTO cases (key, repo, commit_sha, pull_request, commit_date, risk, created, updated)
SELECT key, repo, min(commit_sha), pull_request, min(created),
	CASE WHEN max(severity) >= 5 THEN 100 WHEN 5 * sum(bits) > 100 THEN 100 ELSE 5 * sum(bits) END,
	min(created), max(updated)
FROM (SELECT key, repo, min(commit_sha) AS commit_sha, pull_request, min(created) AS created, max(updated) AS updated,
		max(severity) AS severity,
		max(CASE WHEN severity = 2 THEN 2 WHEN severity = 3 THEN 5 WHEN severity = 4 THEN 9 WHEN severity >= 5 THEN 20
			ELSE 0 END) AS bits
	FROM (SELECT CASE WHEN pull_request > 0 THEN repo || '|pr#' || pull_request ELSE repo || '|' || commit_sha END AS key,
			repo, CASE WHEN pull_request > 0 THEN '' ELSE commit_sha END AS commit_sha, pull_request, detector,
			created, updated, severity
		FROM anomalies) AS keyed
	GROUP BY key, repo, pull_request, detector) AS per_detector
GROUP BY key, repo, pull_request;

UPDATE anomalies SET case_id = (SELECT c.id FROM cases c WHERE c.key = CASE WHEN anomalies.pull_request > 0
	THEN anomalies.repo || '|pr#' || anomalies.pull_request ELSE anomalies.repo || '|' || anomalies.commit_sha END);

-- Who and what each case is about: its first anomaly's author and link,
-- a pull request's latest commit.
UPDATE cases SET
	author = (SELECT a.author FROM anomalies a WHERE a.case_id = cases.id ORDER BY a.id LIMIT 1),
	author_name = (SELECT a.author_name FROM anomalies a WHERE a.case_id = cases.id ORDER BY a.id LIMIT 1),
	author_email = (SELECT a.author_email FROM anomalies a WHERE a.case_id = cases.id ORDER BY a.id LIMIT 1),
	url = (SELECT a.url FROM anomalies a WHERE a.case_id = cases.id ORDER BY a.id LIMIT 1),
	commit_sha = (SELECT a.commit_sha FROM anomalies a WHERE a.case_id = cases.id ORDER BY a.updated DESC, a.id DESC LIMIT 1);

-- The summary of its anomalies, those in the queue (not suppressed)
-- unless all are suppressed: the earliest status in triage order (open,
-- acknowledged, confirmed, dismissed, resolved), the highest severity,
-- how many, how many releases wait.
UPDATE cases SET suppressed = CASE WHEN EXISTS (SELECT 1 FROM anomalies a
	WHERE a.case_id = cases.id AND a.suppressed = 0) THEN 0 ELSE 1 END;

UPDATE cases SET
	status = (SELECT CASE min(CASE a.status WHEN 'open' THEN 0 WHEN 'acknowledged' THEN 1 WHEN 'confirmed' THEN 2
			WHEN 'dismissed' THEN 3 ELSE 4 END)
		WHEN 0 THEN 'open' WHEN 1 THEN 'acknowledged' WHEN 2 THEN 'confirmed' WHEN 3 THEN 'dismissed' ELSE 'resolved' END
		FROM anomalies a WHERE a.case_id = cases.id AND a.suppressed <= cases.suppressed),
	severity = (SELECT max(a.severity) FROM anomalies a WHERE a.case_id = cases.id AND a.suppressed <= cases.suppressed),
	findings = (SELECT count(*) FROM anomalies a WHERE a.case_id = cases.id AND a.suppressed <= cases.suppressed),
	pending = (SELECT count(*) FROM anomalies a WHERE a.case_id = cases.id AND a.suppressed <= cases.suppressed
		AND a.release_kind <> '');

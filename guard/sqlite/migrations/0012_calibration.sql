-- Calibration (guard.Calibrate): how often each behaviour event happened
-- in a repository's commits, and the judgement of each commit, made once.
--
-- rates: one row per (repo, kind). repo '' is the organization; kind is
-- 'human' or 'bot' (bots are counted apart). data is the JSON of
-- guard.Rates; commits is copied out of it.
CREATE TABLE rates (
	repo    TEXT NOT NULL,
	kind    TEXT NOT NULL CHECK (kind IN ('human', 'bot')),
	commits BIGINT NOT NULL,
	data    TEXT NOT NULL,
	PRIMARY KEY (repo, kind)
);

-- judgements: the behaviour judgement of a commit (guard.Judgement as
-- JSON), made against its author's baseline as it was before the commit
-- and never changed afterwards: a later scan reports the same findings.
CREATE TABLE judgements (
	repo       TEXT NOT NULL,
	commit_sha TEXT NOT NULL,
	data       TEXT NOT NULL,
	created    BIGINT NOT NULL,
	PRIMARY KEY (repo, commit_sha)
);

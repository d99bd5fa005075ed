-- The GitHub App's state: what it concluded about each pull request, so
-- that a review re-evaluates without touching git, and the heads of
-- branches and tags it has seen, to notice force pushes and moved tags.

CREATE TABLE pull_requests (
	repo      TEXT NOT NULL,
	number    BIGINT NOT NULL,
	head_sha  TEXT NOT NULL,
	merge_sha TEXT NOT NULL DEFAULT '',
	state     TEXT NOT NULL, -- JSON of the evaluation
	updated   BIGINT NOT NULL,
	PRIMARY KEY (repo, number)
);
CREATE INDEX pull_requests_head ON pull_requests (repo, head_sha);
CREATE INDEX pull_requests_merge ON pull_requests (repo, merge_sha);

CREATE TABLE ref_heads (
	repo    TEXT NOT NULL,
	ref     TEXT NOT NULL,
	hash    TEXT NOT NULL,
	updated BIGINT NOT NULL,
	PRIMARY KEY (repo, ref)
);

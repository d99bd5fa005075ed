-- Who pushed each commit to each branch, from the App's push events: a
-- pull request's reviewer who pushed any of its commits, to any branch,
-- is not independent of it.

CREATE TABLE pushes (
	repo       TEXT NOT NULL,
	commit_sha TEXT NOT NULL,
	branch     TEXT NOT NULL,
	pusher     TEXT NOT NULL, -- login, lowercased
	pushed     BIGINT NOT NULL, -- first seen
	PRIMARY KEY (repo, commit_sha, branch, pusher)
);

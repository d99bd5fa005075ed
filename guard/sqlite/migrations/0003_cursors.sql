-- Cursors: how far learning has gone on a ref of a repository, so that
-- an interrupted backfill resumes and an incremental run learns only new
-- commits. commits counts the commits learned from the ref so far.

CREATE TABLE cursors (
	repo    TEXT NOT NULL,
	ref     TEXT NOT NULL,
	hash    TEXT NOT NULL,
	commits BIGINT NOT NULL,
	updated BIGINT NOT NULL,
	PRIMARY KEY (repo, ref)
);

-- A cursor also records a walk in progress: target is the tip of an
-- interrupted run's oldest-first walk hash..target ('' when none) and
-- done how many of its commits were learned. Everything reachable from
-- hash plus those first done commits is exactly what has been learned, so
-- a resumed run learns no commit twice even when the walk interleaves
-- branches.
ALTER TABLE cursors ADD COLUMN target TEXT NOT NULL DEFAULT '';
ALTER TABLE cursors ADD COLUMN done BIGINT NOT NULL DEFAULT 0;

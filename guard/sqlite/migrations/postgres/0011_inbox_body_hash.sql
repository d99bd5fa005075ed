-- Inbox, second shape, on PostgreSQL (the portable 0011_inbox_body_hash.sql
-- explains the columns). SQLite rebuilds the table to reorder its
-- columns; PostgreSQL keeps a large body out of line by itself, so the
-- table is altered in place and keeps its identity column.

ALTER TABLE inbox ADD COLUMN body_sha BYTEA;
ALTER TABLE inbox ALTER COLUMN body DROP NOT NULL;
UPDATE inbox SET body_sha = sha256(body);

CREATE INDEX inbox_body_sha_dups ON inbox (body_sha, id);
UPDATE inbox SET body_sha = NULL
WHERE EXISTS (SELECT 1 FROM inbox o WHERE o.body_sha = inbox.body_sha AND o.id < inbox.id);
DROP INDEX inbox_body_sha_dups;

-- One delivery per body: the replay check.
CREATE UNIQUE INDEX inbox_body_sha ON inbox (body_sha);
-- Finished jobs that still hold a body, by age: Prune.
DROP INDEX inbox_done;
CREATE INDEX inbox_bodies ON inbox (finished) WHERE state IN ('done', 'dead') AND body IS NOT NULL;

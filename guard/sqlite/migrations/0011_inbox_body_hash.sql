-- Inbox, second shape (see 0005_inbox.sql for the first).
--
-- body_sha is the SHA-256 of the delivery's signed body. GitHub's
-- signature does not cover the X-GitHub-Delivery id, so a captured
-- delivery resent under a fresh id verifies: the unique index on
-- body_sha refuses it in the same statement that would store it. NULL
-- means unknown (a delivery enqueued without a hash is not checked).
--
-- body is NULL once Prune has dropped the payload of a finished (done or
-- dead) job after the retention. The row stays, small, until Forget
-- deletes it after the replay window: until then its delivery_id answers
-- GitHub's redeliveries as duplicates and its body_sha refuses replays.
-- A dead job's redelivery brings its body back.
--
-- The table is rebuilt so that body_sha comes before body (reading it
-- does not walk a large payload's overflow pages) and body may be NULL.
-- The deliveries already stored get the hash of their body (sha256() is
-- built into PostgreSQL; on SQLite, repoguard registers it); where two
-- share a body, the later one, a replay or a copy, keeps none.

CREATE TABLE inbox_v2 (
	id              INTEGER PRIMARY KEY,
	delivery_id     TEXT NOT NULL UNIQUE,
	serial_key      TEXT NOT NULL,
	state           TEXT NOT NULL CHECK (state IN ('ready', 'running', 'done', 'dead')),
	head            BIGINT NOT NULL,
	attempts        BIGINT NOT NULL DEFAULT 0,
	worker          TEXT NOT NULL DEFAULT '',
	lease_until     BIGINT NOT NULL DEFAULT 0,
	retry_at        BIGINT NOT NULL DEFAULT 0,
	finished        BIGINT NOT NULL DEFAULT 0,
	last_error      TEXT NOT NULL DEFAULT '',
	event           TEXT NOT NULL,
	action          TEXT NOT NULL,
	installation_id BIGINT NOT NULL,
	repo            TEXT NOT NULL,
	repo_id         BIGINT NOT NULL,
	sender          TEXT NOT NULL,
	received_at     BIGINT NOT NULL,
	body_sha        BLOB,
	body            BLOB
);

INSERT INTO inbox_v2 (id, delivery_id, serial_key, state, head, attempts, worker, lease_until, retry_at,
	finished, last_error, event, action, installation_id, repo, repo_id, sender, received_at, body_sha, body)
SELECT id, delivery_id, serial_key, state, head, attempts, worker, lease_until, retry_at,
	finished, last_error, event, action, installation_id, repo, repo_id, sender, received_at, sha256(body), body
FROM inbox;

DROP TABLE inbox;
ALTER TABLE inbox_v2 RENAME TO inbox;

CREATE INDEX inbox_body_sha_dups ON inbox (body_sha, id);
UPDATE inbox SET body_sha = NULL
WHERE EXISTS (SELECT 1 FROM inbox o WHERE o.body_sha = inbox.body_sha AND o.id < inbox.id);
DROP INDEX inbox_body_sha_dups;

-- One delivery per body: the replay check.
CREATE UNIQUE INDEX inbox_body_sha ON inbox (body_sha);
-- The indexes of 0005, but for inbox_done, replaced by inbox_bodies.
CREATE INDEX inbox_pending ON inbox (serial_key, id) WHERE state IN ('ready', 'running');
CREATE INDEX inbox_heads ON inbox (id) WHERE head = 1;
CREATE INDEX inbox_running ON inbox (serial_key, lease_until) WHERE state = 'running';
CREATE INDEX inbox_dead ON inbox (id) WHERE state = 'dead';
-- Finished jobs that still hold a body, by age: Prune. A pruned row
-- leaves it, so the index holds about a retention's worth of rows.
CREATE INDEX inbox_bodies ON inbox (finished) WHERE state IN ('done', 'dead') AND body IS NOT NULL;

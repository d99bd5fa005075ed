package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"strings"
)

// The inbox on PostgreSQL, where several replicas write at once. On
// SQLite one writer at a time holds the file, which is what keeps one
// head per serial key: the head a job gets at Enqueue, and the one that
// Complete or Fail promotes, are computed from the pending jobs of its
// key. On PostgreSQL each of those transactions first takes an advisory
// lock of its key (keyLockSQL), so they take turns per repository and
// run side by side across repositories; the queries are the portable
// ones. A claim skips the jobs another replica is claiming or leaving
// (FOR UPDATE SKIP LOCKED, and a try-lock of the key), so replicas never
// wait on each other to claim; the lease is in the row, so the jobs of
// a replica that dies are claimed again when their leases end. Within a
// replica the writes of an Inbox still take turns, as on SQLite: fewer
// transactions open at once doubled the rate of deliveries stored on a
// loaded two-CPU machine (docs/benchmarks.md).

// keyLockSQL takes the advisory lock of a serial key, $1, or of the key
// of job $2 when $1 is ”, until the transaction ends.
const keyLockSQL = `SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || ':inbox:' ||
	coalesce(nullif($1, ''), (SELECT serial_key FROM inbox WHERE id = $2), ''), 0))`

// claimPGSQL is claimSQL that skips a candidate locked by another
// claim, and one whose key another transaction holds.
var claimPGSQL = strings.Replace(claimSQL, "ORDER BY j.id LIMIT 1)",
	`AND pg_try_advisory_xact_lock(hashtextextended(current_schema() || ':inbox:' || j.serial_key, 0))
		ORDER BY j.id LIMIT 1 FOR UPDATE SKIP LOCKED)`, 1)

// begin starts a transaction that changes the pending jobs of serial
// key key (or, when key is "", of job jobID's key): on PostgreSQL it
// holds the key's lock.
func (in *Inbox) begin(ctx context.Context, key string, jobID int64) (*sql.Tx, error) {
	tx, err := in.db.db.BeginTx(ctx, nil)
	if err != nil || !in.db.dialect.postgres {
		return tx, err
	}
	if _, err := tx.ExecContext(ctx, keyLockSQL, key, jobID); err != nil {
		tx.Rollback()
		return nil, err
	}
	return tx, nil
}

// beginBatch starts the transaction of a group commit: on PostgreSQL
// it holds the lock of every serial key of batch, taken in sorted order
// so that two replicas storing batches of the same keys cannot
// deadlock, and the heads its inserts compute stay right.
func (in *Inbox) beginBatch(ctx context.Context, batch []*enqueueReq) (*sql.Tx, error) {
	tx, err := in.db.db.BeginTx(ctx, nil)
	if err != nil || !in.db.dialect.postgres {
		return tx, err
	}
	keys := make([]string, 0, len(batch))
	for _, r := range batch {
		keys = append(keys, r.d.SerialKey())
	}
	slices.Sort(keys)
	for _, k := range slices.Compact(keys) {
		if _, err := tx.ExecContext(ctx, keyLockSQL, k, 0); err != nil {
			tx.Rollback()
			return nil, err
		}
	}
	return tx, nil
}

// claimQuery is the claim statement of the dialect.
func (in *Inbox) claimQuery() string {
	if in.db.dialect.postgres {
		return claimPGSQL
	}
	return claimSQL
}

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/repoguard/repoguard/webhooks"
)

// InboxOptions configures an Inbox.
type InboxOptions struct {
	// Now is the clock leases and retry times are measured with; nil
	// means the DB's (DB.Now, else time.Now). Tests pass a fake clock.
	Now func() time.Time
}

// Inbox is the durable webhooks.Inbox, in the inbox table of the
// database: a delivery is on disk once Enqueue returns, and leases,
// retries and dead letters survive a restart. It is safe for concurrent
// use, also by several processes sharing the file.
//
// Enqueue is a single INSERT ... ON CONFLICT DO NOTHING in a group
// commit that syncs the write-ahead log once for the deliveries that
// arrive together (see inbox_batch.go and inbox_sync.go), and Claim a
// single UPDATE of the job it picks (so a claim is atomic), both using
// indexes only: their cost does not grow with the jobs queued behind a
// busy repository, nor with the finished jobs kept for deduplication and
// replay refusal. A unique index on the body hash makes the replay check
// part of the INSERT. Prune drops the bodies of finished jobs after the
// retention and keeps their rows (see migration 0009).
//
// The writes of an Inbox take turns in the process rather than contend
// for SQLite's lock, whose busy handler sleeps milliseconds at a time: so
// create one Inbox per DB and share it between the Handler and the Pool.
//
// Times are kept in unix seconds. Leases and retry times are rounded up
// to the second, so they never end early.
type Inbox struct {
	db  *DB
	now func() time.Time
	// write holds a token while a write of this Inbox is in progress.
	write chan struct{}

	mu    sync.Mutex
	stmts map[string]*sql.Stmt // prepared statements by query

	qmu   sync.Mutex
	queue []*enqueueReq // deliveries waiting for a group commit

	syncer  syncer
	syncErr atomic.Pointer[error] // the failed sync, set in the turn to write
	syncs   atomic.Int64
}

var _ webhooks.Inbox = (*Inbox)(nil)

// Inbox returns the webhook inbox of the database.
func (db *DB) Inbox(opts InboxOptions) *Inbox {
	now := opts.Now
	if now == nil {
		now = db.now
	}
	return &Inbox{db: db, now: now, write: make(chan struct{}, 1), stmts: map[string]*sql.Stmt{}, syncer: newSyncer(db)}
}

// lock waits for the Inbox's turn to write; unlock ends it.
func (in *Inbox) lock(ctx context.Context) error {
	select {
	case in.write <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (in *Inbox) unlock() { <-in.write }

// writing runs fn in the Inbox's turn to write.
func (in *Inbox) writing(ctx context.Context, fn func() error) error {
	if err := in.lock(ctx); err != nil {
		return err
	}
	defer in.unlock()
	return fn()
}

// prepared returns the queries prepared: parsing and planning them would
// cost an Enqueue as much as writing a 10 KB payload. A transaction gets
// its statements before it begins, since preparing may take a connection
// of the pool (the only one, for ":memory:").
func (in *Inbox) prepared(ctx context.Context, queries ...string) ([]*sql.Stmt, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	out := make([]*sql.Stmt, len(queries))
	for i, q := range queries {
		s := in.stmts[q]
		if s == nil {
			var err error
			if s, err = in.db.db.PrepareContext(ctx, q); err != nil {
				return nil, err
			}
			in.stmts[q] = s
		}
		out[i] = s
	}
	return out, nil
}

// exec runs a query, prepared, outside a transaction.
func (in *Inbox) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	s, err := in.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return s[0].ExecContext(ctx, args...)
}

// queryRow runs a query returning a row, prepared, outside a
// transaction.
func (in *Inbox) queryRow(ctx context.Context, query string, args []any, dest ...any) error {
	s, err := in.prepared(ctx, query)
	if err != nil {
		return err
	}
	return s[0].QueryRowContext(ctx, args...).Scan(dest...)
}

// The job states as stored (webhooks.JobState values).
const (
	stateReady   = string(webhooks.StateReady)
	stateRunning = string(webhooks.StateRunning)
	stateDone    = string(webhooks.StateDone)
	stateDead    = string(webhooks.StateDead)
)

// Statements of the Inbox. A job is pending while ready or running; head
// marks the lowest-numbered pending job of each serial key (see the
// migrations 0005_inbox.sql and 0009_inbox_body_hash.sql).
const (
	// enqueueSQL inserts a ready job, the head of its key when nothing
	// of the key is pending, unless its delivery id or body hash is
	// stored. $1 delivery id, $2 serial key, $3 now, $11 body hash.
	enqueueSQL = `INSERT INTO inbox (delivery_id, serial_key, state, head, retry_at,
		event, action, installation_id, repo, repo_id, sender, received_at, body_sha, body)
	VALUES ($1, $2, 'ready',
		CASE WHEN EXISTS (SELECT 1 FROM inbox p WHERE p.serial_key = $2 AND p.state IN ('ready', 'running'))
			THEN 0 ELSE 1 END,
		$3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
	ON CONFLICT DO NOTHING`

	// hashOwnerSQL finds the delivery that holds a body hash.
	hashOwnerSQL = `SELECT delivery_id FROM inbox WHERE body_sha = $1`

	// lookupSQL reads the state and body hash of a delivery's job.
	lookupSQL = `SELECT state, body_sha FROM inbox WHERE delivery_id = $1`

	// reviveSQL makes a dead job ready again with its attempts reset and
	// its body $3 (and hash $4, if it had none) restored; it is the head
	// of its key unless a lower-numbered job is pending.
	reviveSQL = `UPDATE inbox SET state = 'ready', attempts = 0, retry_at = $2, finished = 0,
		body = $3, body_sha = coalesce(body_sha, $4),
		head = CASE WHEN EXISTS (SELECT 1 FROM inbox p
			WHERE p.serial_key = inbox.serial_key AND p.state IN ('ready', 'running') AND p.id < inbox.id)
			THEN 0 ELSE 1 END
	WHERE delivery_id = $1 AND state = 'dead'
	RETURNING id, serial_key, head`

	// demoteSQL unmarks the former head of a key after a lower-numbered
	// job of the key was revived.
	demoteSQL = `UPDATE inbox SET head = 0
	WHERE serial_key = $1 AND state IN ('ready', 'running') AND id > $2 AND head = 1`

	// claimSQL leases the lowest-numbered head that is due (ready at its
	// retry time, or running with its lease expired) and whose key has no
	// running job with an unexpired lease. $3 is now.
	claimSQL = `UPDATE inbox SET state = 'running', worker = $1, lease_until = $2, retry_at = 0,
		attempts = attempts + 1
	WHERE id = (SELECT j.id FROM inbox j
		WHERE j.head = 1
			AND ((j.state = 'ready' AND j.retry_at <= $3) OR (j.state = 'running' AND j.lease_until <= $3))
			AND NOT EXISTS (SELECT 1 FROM inbox r
				WHERE r.serial_key = j.serial_key AND r.state = 'running' AND r.lease_until > $3)
		ORDER BY j.id LIMIT 1)
	RETURNING id, attempts, lease_until, last_error,
		delivery_id, event, action, installation_id, repo, repo_id, sender, received_at, body_sha, body`

	// leaveSQL ends a job held by a worker: done or dead ($3), with
	// finished time $4 and last error $5 (NULL keeps the last one). It is
	// no longer pending, so no longer a head.
	leaveSQL = `UPDATE inbox SET state = $3, head = 0, worker = '', lease_until = 0, retry_at = 0,
		finished = $4, last_error = coalesce($5, last_error)
	WHERE id = $1 AND state = 'running' AND worker = $2
	RETURNING serial_key`

	// promoteSQL marks the lowest-numbered pending job of a key as its
	// head (a no-op when it already is or nothing is pending).
	promoteSQL = `UPDATE inbox SET head = 1
	WHERE id = (SELECT min(id) FROM inbox WHERE serial_key = $1 AND state IN ('ready', 'running')) AND head = 0`

	// retrySQL makes a job held by a worker ready again at $3.
	retrySQL = `UPDATE inbox SET state = 'ready', worker = '', lease_until = 0, retry_at = $3, last_error = $4
	WHERE id = $1 AND state = 'running' AND worker = $2`

	extendSQL = `UPDATE inbox SET lease_until = $3 WHERE id = $1 AND state = 'running' AND worker = $2`

	// releaseSQL gives back a worker's jobs without counting the attempt:
	// they stay pending, so the heads do not change.
	releaseSQL = `UPDATE inbox SET state = 'ready', worker = '', lease_until = 0, retry_at = $2,
		attempts = attempts - 1
	WHERE state = 'running' AND worker = $1`

	depthSQL = `SELECT
		(SELECT count(*) FROM inbox WHERE state IN ('ready', 'running')),
		(SELECT count(*) FROM inbox WHERE state = 'running'),
		(SELECT count(*) FROM inbox WHERE state = 'dead')`

	statusSQL = `SELECT id, state, attempts, worker, lease_until, retry_at, last_error, body IS NULL
	FROM inbox WHERE delivery_id = $1`

	// pruneSQL drops the bodies of a batch of jobs finished (done or
	// dead) before $1.
	pruneSQL = `UPDATE inbox SET body = NULL WHERE id IN (SELECT id FROM inbox
		WHERE state IN ('done', 'dead') AND body IS NOT NULL AND finished < $1
		ORDER BY finished LIMIT $2)`
	// forgetSQL deletes a batch of jobs finished (done or dead) before
	// $1, rows and all.
	forgetSQL = `DELETE FROM inbox WHERE id IN (SELECT id FROM inbox
		WHERE state IN ('done', 'dead') AND finished < $1
		ORDER BY finished LIMIT $2)`
)

// pruneBatch is how many bodies a statement of Prune drops: dropping a
// 12 KB payload takes about 0.1 ms, so a batch holds up the deliveries
// being stored for about 10 ms.
const pruneBatch = 100

// enqueueArgs returns the arguments of enqueueSQL for d.
func (in *Inbox) enqueueArgs(d webhooks.Delivery) []any {
	body := d.Body
	if body == nil {
		body = []byte{}
	}
	return []any{d.ID, d.SerialKey(), floorUnix(in.now()),
		d.Event, d.Action, d.InstallationID, d.Repo, d.RepoID, d.Sender, floorUnix(d.ReceivedAt), bodyHash(d), body}
}

// bodyHash is d's body hash as stored: NULL when it has none.
func bodyHash(d webhooks.Delivery) any {
	if !d.HasBodySHA256() {
		return nil
	}
	return d.BodySHA256[:]
}

// Claim implements webhooks.Inbox with a single UPDATE ... RETURNING.
func (in *Inbox) Claim(ctx context.Context, worker string, lease time.Duration) (*webhooks.Job, error) {
	op := "inbox claim by " + worker
	if err := in.lock(ctx); err != nil {
		return nil, in.db.wrap(op, err)
	}
	defer in.unlock()
	now := in.now()
	var (
		j                    webhooks.Job
		leaseUntil, received int64
		hash                 []byte
	)
	d := &j.Delivery
	err := in.queryRow(ctx, in.claimQuery(), []any{worker, ceilUnix(now.Add(lease)), floorUnix(now)},
		&j.ID, &j.Attempts, &leaseUntil, &j.LastError,
		&d.ID, &d.Event, &d.Action, &d.InstallationID, &d.Repo, &d.RepoID, &d.Sender, &received, &hash, &d.Body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, in.db.wrap(op, err)
	}
	j.LeaseUntil = fromUnix(leaseUntil)
	d.ReceivedAt = fromUnix(received)
	copy(d.BodySHA256[:], hash)
	return &j, nil
}

// Complete implements webhooks.Inbox.
func (in *Inbox) Complete(ctx context.Context, jobID int64, worker string) error {
	return in.leave(ctx, "complete", jobID, worker, stateDone, nil)
}

// Fail implements webhooks.Inbox.
func (in *Inbox) Fail(ctx context.Context, jobID int64, worker, errMsg string, retryAt time.Time, dead bool) error {
	if dead {
		return in.leave(ctx, "fail", jobID, worker, stateDead, errMsg)
	}
	return in.held(ctx, "fail", jobID, worker, retrySQL, ceilUnix(retryAt), errMsg)
}

// Extend implements webhooks.Inbox.
func (in *Inbox) Extend(ctx context.Context, jobID int64, worker string, lease time.Duration) error {
	return in.held(ctx, "extend", jobID, worker, extendSQL, ceilUnix(in.now().Add(lease)))
}

// held runs query, an UPDATE of job jobID conditioned on worker holding
// it ($1 job, $2 worker, then args), and fails with ErrLeaseLost when
// the worker does not.
func (in *Inbox) held(ctx context.Context, op string, jobID int64, worker, query string, args ...any) error {
	wrap := func(err error) error {
		return in.db.wrap(fmt.Sprintf("inbox %s job %d by %s", op, jobID, worker), err)
	}
	if err := in.lock(ctx); err != nil {
		return wrap(err)
	}
	defer in.unlock()
	res, err := in.exec(ctx, query, append([]any{jobID, worker}, args...)...)
	if err != nil {
		return wrap(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return wrap(err)
	} else if n == 0 {
		return leaseLost(op, jobID, worker)
	}
	return nil
}

// leave ends job jobID held by worker in state (done or dead), recording
// errMsg unless nil, and makes the next pending job of its key the head,
// in one transaction.
func (in *Inbox) leave(ctx context.Context, op string, jobID int64, worker, state string, errMsg any) error {
	wrap := func(err error) error {
		return in.db.wrap(fmt.Sprintf("inbox %s job %d by %s", op, jobID, worker), err)
	}
	if err := in.lock(ctx); err != nil {
		return wrap(err)
	}
	defer in.unlock()
	s, err := in.prepared(ctx, leaveSQL, promoteSQL)
	if err != nil {
		return wrap(err)
	}
	tx, err := in.begin(ctx, "", jobID)
	if err != nil {
		return wrap(err)
	}
	defer tx.Rollback()
	var key string
	err = tx.StmtContext(ctx, s[0]).QueryRowContext(ctx, jobID, worker, state, floorUnix(in.now()), errMsg).Scan(&key)
	if errors.Is(err, sql.ErrNoRows) {
		return leaseLost(op, jobID, worker)
	}
	if err != nil {
		return wrap(err)
	}
	if _, err := tx.StmtContext(ctx, s[1]).ExecContext(ctx, key); err != nil {
		return wrap(err)
	}
	return wrap(tx.Commit())
}

func leaseLost(op string, jobID int64, worker string) error {
	return fmt.Errorf("inbox %s job %d by %s: %w", op, jobID, worker, webhooks.ErrLeaseLost)
}

// Release implements webhooks.Inbox.
func (in *Inbox) Release(ctx context.Context, worker string) error {
	op := "inbox release " + worker
	if err := in.lock(ctx); err != nil {
		return in.db.wrap(op, err)
	}
	defer in.unlock()
	_, err := in.exec(ctx, releaseSQL, worker, floorUnix(in.now()))
	return in.db.wrap(op, err)
}

// Depth implements webhooks.Inbox. It reads the pending jobs' index, so
// it costs in proportion to the jobs waiting. After a failed sync of the
// write-ahead log it fails with that error, so that the server's
// readiness check reports an inbox that refuses every delivery.
func (in *Inbox) Depth(ctx context.Context) (ready, running, dead int, err error) {
	if err := in.syncFailure(); err != nil {
		return 0, 0, 0, in.db.wrap("inbox depth", err)
	}
	var pending int
	if err := in.queryRow(ctx, depthSQL, nil, &pending, &running, &dead); err != nil {
		return 0, 0, 0, in.db.wrap("inbox depth", err)
	}
	return pending - running, running, dead, nil
}

// Status implements webhooks.Inbox.
func (in *Inbox) Status(ctx context.Context, deliveryID string) (webhooks.JobStatus, error) {
	st := webhooks.JobStatus{DeliveryID: deliveryID}
	var (
		state               string
		leaseUntil, retryAt int64
	)
	err := in.queryRow(ctx, statusSQL, []any{deliveryID},
		&st.ID, &state, &st.Attempts, &st.Worker, &leaseUntil, &retryAt, &st.LastError, &st.Pruned)
	if errors.Is(err, sql.ErrNoRows) {
		return webhooks.JobStatus{}, fmt.Errorf("inbox status of %s: %w", deliveryID, webhooks.ErrNotFound)
	}
	if err != nil {
		return webhooks.JobStatus{}, in.db.wrap("inbox status of "+deliveryID, err)
	}
	st.State = webhooks.JobState(state)
	switch state {
	case stateRunning:
		st.LeaseUntil = fromUnix(leaseUntil)
	case stateReady:
		st.RetryAt = fromUnix(retryAt)
	}
	return st, nil
}

// Prune drops the bodies of the jobs finished (done or dead-lettered)
// before before, and returns how many it dropped; then it gives the
// freed pages back to the file system (see reclaim). The rows stay, with
// their delivery id and body hash: GitHub's redeliveries are still
// answered as duplicates, replays still refused, and a dead job's
// redelivery brings its body back. Pending jobs are not touched. It
// works in small batches, each a transaction of its own, so that
// deliveries are stored in between.
func (in *Inbox) Prune(ctx context.Context, before time.Time) (int64, error) {
	return in.inBatches(ctx, "inbox prune", pruneSQL, before)
}

// Forget deletes the jobs finished (done or dead-lettered) before
// before, with their delivery ids and body hashes, and returns how many
// it deleted: a redelivery of one of them is then a new delivery and a
// replay of its body is no longer refused. Serve forgets what is older
// than the replay window, so that the inbox does not grow without bound.
// It works in batches and gives the space back, as Prune does.
func (in *Inbox) Forget(ctx context.Context, before time.Time) (int64, error) {
	return in.inBatches(ctx, "inbox forget", forgetSQL, before)
}

// inBatches runs a batch statement of Prune or Forget ($1 the cut, $2
// the batch size), each batch a write transaction of its own, until a
// batch is not full; then it reclaims the freed pages.
func (in *Inbox) inBatches(ctx context.Context, op, query string, before time.Time) (int64, error) {
	var total int64
	for {
		var n int64
		err := in.writing(ctx, func() error {
			res, err := in.exec(ctx, query, floorUnix(before), pruneBatch)
			if err == nil {
				n, err = res.RowsAffected()
			}
			return err
		})
		total += n
		if err != nil {
			return total, in.db.wrap(op, err)
		}
		if n < pruneBatch {
			break
		}
	}
	return total, in.db.wrap(op+": reclaim space", in.reclaim(ctx))
}

// floorUnix returns t in unix seconds, rounded down; 0 for the zero time.
func floorUnix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// ceilUnix returns t in unix seconds, rounded up; 0 for the zero time.
func ceilUnix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	s := t.Unix()
	if t.Nanosecond() != 0 {
		s++
	}
	return s
}

// fromUnix is the inverse of floorUnix, in UTC.
func fromUnix(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/repoguard/repoguard/webhooks"
)

// maxBatch caps the deliveries one group commit stores: at about 20 µs
// each, a full batch holds up the deliveries behind it for 5 ms.
const maxBatch = 256

// enqueueReq is a delivery waiting for a group commit, and its answer.
type enqueueReq struct {
	d    webhooks.Delivery
	dup  bool
	err  error
	done chan struct{} // closed when dup and err are set
}

// Enqueue implements webhooks.Enqueuer with a group commit: concurrent
// calls join a batch that one of them, the leader, writes in one
// transaction and makes durable with one sync of the write-ahead log
// (see inbox_sync.go), then all are answered. So Enqueue returns nil only
// once d is on disk, and an error (nothing acknowledged) when the
// batch's write or sync fails. Inside the batch each delivery is one
// INSERT; only when its id or body hash is already stored, by an
// earlier batch or earlier in its own, is it told apart as a duplicate
// or a replay, or revives a dead job, exactly as on its own.
func (in *Inbox) Enqueue(ctx context.Context, d webhooks.Delivery) (bool, error) {
	if d.ID == "" {
		return false, errors.New("inbox enqueue: delivery has no id")
	}
	req := &enqueueReq{d: d, done: make(chan struct{})}
	in.qmu.Lock()
	in.queue = append(in.queue, req)
	in.qmu.Unlock()
	select {
	case <-req.done:
	case in.write <- struct{}{}:
		in.lead(ctx, req)
	case <-ctx.Done():
		if in.withdraw(req) {
			return false, in.db.wrap("inbox enqueue "+d.ID, ctx.Err())
		}
		<-req.done
	}
	return req.dup, req.err
}

// lead runs in the Inbox's turn to write: until req is answered (by an
// earlier leader, or by itself), it stores the oldest waiting deliveries
// in a batch and answers them; then it ends the turn.
func (in *Inbox) lead(ctx context.Context, req *enqueueReq) {
	defer in.unlock()
	for {
		select {
		case <-req.done:
			return
		default:
		}
		in.commit(context.WithoutCancel(ctx), in.take())
	}
}

// commit stores batch and answers each of its deliveries, also when the
// store panics: a waiter that is never answered would hang its webhook
// request.
func (in *Inbox) commit(ctx context.Context, batch []*enqueueReq) {
	var err error
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("group commit: panic: %v", p)
		}
		for _, r := range batch {
			if err != nil {
				r.dup, r.err = false, err
			}
			if r.err != nil {
				r.err = in.db.wrap("inbox enqueue "+r.d.ID, r.err)
			}
			close(r.done)
		}
	}()
	err = in.storeBatch(ctx, batch)
}

// take removes up to maxBatch waiting deliveries from the queue, oldest
// first.
func (in *Inbox) take() []*enqueueReq {
	in.qmu.Lock()
	defer in.qmu.Unlock()
	n := min(len(in.queue), maxBatch)
	batch := in.queue[:n:n]
	in.queue = append([]*enqueueReq(nil), in.queue[n:]...)
	return batch
}

// withdraw removes req from the queue and reports whether it was still
// there, so no leader will store it.
func (in *Inbox) withdraw(req *enqueueReq) bool {
	in.qmu.Lock()
	defer in.qmu.Unlock()
	for i, r := range in.queue {
		if r == req {
			in.queue = append(in.queue[:i:i], in.queue[i+1:]...)
			return true
		}
	}
	return false
}

// storeBatch writes batch in one transaction and syncs it. Each
// delivery's answer is set in its request; a failure to write or sync
// is returned, and then no delivery of the batch is stored for sure.
func (in *Inbox) storeBatch(ctx context.Context, batch []*enqueueReq) error {
	if err := in.syncFailure(); err != nil {
		return err
	}
	s, err := in.prepared(ctx, enqueueSQL, hashOwnerSQL, lookupSQL, reviveSQL, demoteSQL)
	if err != nil {
		return err
	}
	tx, err := in.beginBatch(ctx, batch)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, r := range batch {
		r.dup, r.err = in.enqueueTx(ctx, tx, s, r.d)
		var replay *webhooks.ReplayError
		if r.err != nil && !errors.As(r.err, &replay) {
			return r.err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	return in.sync()
}

// enqueueTx stores d in tx with the statements of storeBatch, in their
// order: one INSERT, and when d's id or body hash is already stored, a
// body held by another delivery is a replay; a dead job redelivered
// with its own body (or one whose hash is unknown) is revived; anything
// else of a stored id is a duplicate.
func (in *Inbox) enqueueTx(ctx context.Context, tx *sql.Tx, s []*sql.Stmt, d webhooks.Delivery) (dup bool, err error) {
	args := in.enqueueArgs(d)
	res, err := tx.StmtContext(ctx, s[0]).ExecContext(ctx, args...)
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return false, err
	}
	if d.HasBodySHA256() {
		var owner string
		err := tx.StmtContext(ctx, s[1]).QueryRowContext(ctx, d.BodySHA256[:]).Scan(&owner)
		if err == nil && owner != d.ID {
			return false, &webhooks.ReplayError{ID: d.ID, Original: owner}
		}
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return false, err
		}
	}
	var (
		state string
		hash  []byte
	)
	err = tx.StmtContext(ctx, s[2]).QueryRowContext(ctx, d.ID).Scan(&state, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return false, errors.New("insert refused, yet neither its id nor its body hash is stored")
	}
	if err != nil {
		return false, err
	}
	if state != stateDead || (hash != nil && d.HasBodySHA256() && !bytes.Equal(hash, d.BodySHA256[:])) {
		return true, nil
	}
	return false, in.revive(ctx, tx, s[3], s[4], d, args)
}

// revive makes the dead job of d ready again, with d's body, in tx.
func (in *Inbox) revive(ctx context.Context, tx *sql.Tx, revive, demote *sql.Stmt, d webhooks.Delivery, args []any) error {
	var (
		id   int64
		key  string
		head int
	)
	body, hash := args[len(args)-1], args[len(args)-2]
	err := tx.StmtContext(ctx, revive).QueryRowContext(ctx, d.ID, floorUnix(in.now()), body, hash).Scan(&id, &key, &head)
	if err != nil || head != 1 {
		return err
	}
	_, err = tx.StmtContext(ctx, demote).ExecContext(ctx, key, id)
	return err
}

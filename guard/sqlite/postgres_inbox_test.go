package sqlite_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard/sqlite"
	"github.com/repoguard/repoguard/guard/sqlite/pgtest"
	"github.com/repoguard/repoguard/webhooks"
	"github.com/repoguard/repoguard/webhooks/inboxtest"
)

// TestPostgresInboxReplicas runs the inbox suite, unchanged, against
// three replicas of one PostgreSQL database: each call goes to the next
// replica, an Inbox on a DB (a pool) of its own, so that enqueues,
// claims and completions of one repository come from different
// replicas, and the concurrent cases race them against each other.
func TestPostgresInboxReplicas(t *testing.T) {
	pgtest.URL(t)
	inboxtest.Conformance(t, func(t *testing.T, now func() time.Time) webhooks.Inbox {
		url := pgtest.URL(t)
		r := &replicas{}
		for range 3 {
			db := sqlite.NewDB(url)
			if err := db.Open(context.Background()); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			r.ins = append(r.ins, db.Inbox(sqlite.InboxOptions{Now: now}))
		}
		return r
	})
}

// replicas is an inbox spread over several: each call goes to the next.
type replicas struct {
	ins []*sqlite.Inbox
	n   atomic.Uint64
}

func (r *replicas) next() *sqlite.Inbox { return r.ins[int(r.n.Add(1)%uint64(len(r.ins)))] }

func (r *replicas) Enqueue(ctx context.Context, d webhooks.Delivery) (bool, error) {
	return r.next().Enqueue(ctx, d)
}

func (r *replicas) Claim(ctx context.Context, worker string, lease time.Duration) (*webhooks.Job, error) {
	return r.next().Claim(ctx, worker, lease)
}

func (r *replicas) Complete(ctx context.Context, jobID int64, worker string) error {
	return r.next().Complete(ctx, jobID, worker)
}

func (r *replicas) Fail(ctx context.Context, jobID int64, worker, errMsg string, retryAt time.Time, dead bool) error {
	return r.next().Fail(ctx, jobID, worker, errMsg, retryAt, dead)
}

func (r *replicas) Extend(ctx context.Context, jobID int64, worker string, lease time.Duration) error {
	return r.next().Extend(ctx, jobID, worker, lease)
}

func (r *replicas) Release(ctx context.Context, worker string) error {
	return r.next().Release(ctx, worker)
}

func (r *replicas) Depth(ctx context.Context) (ready, running, dead int, err error) {
	return r.next().Depth(ctx)
}

func (r *replicas) Status(ctx context.Context, deliveryID string) (webhooks.JobStatus, error) {
	return r.next().Status(ctx, deliveryID)
}

func (r *replicas) Prune(ctx context.Context, before time.Time) (int64, error) {
	return r.next().Prune(ctx, before)
}

func (r *replicas) Forget(ctx context.Context, before time.Time) (int64, error) {
	return r.next().Forget(ctx, before)
}

// TestPostgresAuditReplicas appends to the audit log from two replicas
// (two DBs, each a pool) at once: the log stays one chain, its seq
// without gaps or forks.
func TestPostgresAuditReplicas(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	var dbs []*sqlite.DB
	for range 2 {
		db := sqlite.NewDB(url)
		if err := db.Open(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs = append(dbs, db)
	}
	const writers, each = 6, 20
	var wg sync.WaitGroup
	for w := range writers {
		db := dbs[w%len(dbs)]
		wg.Go(func() {
			for i := range each {
				if _, err := db.AppendAudit(ctx, fmt.Sprintf("replica%d", w), "verdict.posted", "pr/acme/vault#1", fmt.Sprint(i)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	es, err := dbs[1].AuditEntries(ctx, 1, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != writers*each || es[len(es)-1].Seq != writers*each {
		t.Fatalf("%d entries, want %d in seq 1..%d", len(es), writers*each, writers*each)
	}
	if ok, _, why := verify(t, dbs[0]); !ok {
		t.Fatal(why)
	}
}

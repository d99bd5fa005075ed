package sqlite_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard/sqlite"
	"github.com/repoguard/repoguard/webhooks"
	"github.com/repoguard/repoguard/webhooks/inboxtest"
)

func TestInboxConformance(t *testing.T) {
	inboxtest.Conformance(t, func(t *testing.T, now func() time.Time) webhooks.Inbox {
		db := openDB(t)
		return &checkedInbox{Inbox: db.Inbox(sqlite.InboxOptions{Now: now}), t: t, db: db}
	})
}

// TestInboxConformanceMemory runs the suite on ":memory:", whose pool
// has a single connection.
func TestInboxConformanceMemory(t *testing.T) {
	inboxtest.Conformance(t, func(t *testing.T, now func() time.Time) webhooks.Inbox {
		db, err := sqlite.Open(context.Background(), ":memory:")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db.Inbox(sqlite.InboxOptions{Now: now})
	})
}

// checkedInbox checks the inbox table's invariant after every change.
type checkedInbox struct {
	*sqlite.Inbox
	t  testing.TB
	db *sqlite.DB
}

func (c *checkedInbox) Enqueue(ctx context.Context, d webhooks.Delivery) (bool, error) {
	defer c.check("Enqueue")
	return c.Inbox.Enqueue(ctx, d)
}

func (c *checkedInbox) Claim(ctx context.Context, worker string, lease time.Duration) (*webhooks.Job, error) {
	defer c.check("Claim")
	return c.Inbox.Claim(ctx, worker, lease)
}

func (c *checkedInbox) Complete(ctx context.Context, jobID int64, worker string) error {
	defer c.check("Complete")
	return c.Inbox.Complete(ctx, jobID, worker)
}

func (c *checkedInbox) Fail(ctx context.Context, jobID int64, worker, errMsg string, retryAt time.Time, dead bool) error {
	defer c.check("Fail")
	return c.Inbox.Fail(ctx, jobID, worker, errMsg, retryAt, dead)
}

func (c *checkedInbox) Release(ctx context.Context, worker string) error {
	defer c.check("Release")
	return c.Inbox.Release(ctx, worker)
}

// check fails the test unless head marks exactly the lowest-numbered
// pending job of each serial key.
func (c *checkedInbox) check(after string) {
	var bad []string
	rows, err := c.db.SQL().Query(`SELECT delivery_id, state, head FROM inbox j
		WHERE head != CASE WHEN state IN ('ready', 'running') AND id = (SELECT min(id) FROM inbox p
			WHERE p.serial_key = j.serial_key AND p.state IN ('ready', 'running')) THEN 1 ELSE 0 END`)
	if err != nil {
		c.t.Errorf("check after %s: %v", after, err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var id, state string
		var head int
		if err := rows.Scan(&id, &state, &head); err != nil {
			c.t.Errorf("check after %s: %v", after, err)
			return
		}
		bad = append(bad, fmt.Sprintf("%s (%s) head=%d", id, state, head))
	}
	if len(bad) > 0 {
		c.t.Errorf("after %s, wrong head marks: %v", after, bad)
	}
}

// testDelivery returns a push delivery of repository repoID.
func testDelivery(id string, repoID int64, at time.Time) webhooks.Delivery {
	body := []byte(fmt.Sprintf(`{"delivery":%q}`, id))
	return webhooks.Delivery{ID: id, Event: "push", InstallationID: 7,
		Repo: fmt.Sprintf("org/repo-%d", repoID), RepoID: repoID, Sender: "alice",
		Body: body, BodySHA256: sha256.Sum256(body), ReceivedAt: at}
}

func mustEnqueue(t *testing.T, in webhooks.Inbox, d webhooks.Delivery) {
	t.Helper()
	if dup, err := in.Enqueue(context.Background(), d); err != nil || dup {
		t.Fatalf("Enqueue(%s) = %v, %v", d.ID, dup, err)
	}
}

func mustClaim(t *testing.T, in webhooks.Inbox, worker, want string) *webhooks.Job {
	t.Helper()
	j, err := in.Claim(context.Background(), worker, time.Minute)
	if err != nil {
		t.Fatalf("Claim(%s): %v", worker, err)
	}
	got := "nothing"
	if j != nil {
		got = j.Delivery.ID
	}
	if got != want {
		t.Fatalf("Claim(%s) = %s, want %s", worker, got, want)
	}
	return j
}

// TestInboxSurvivesRestart closes the database with jobs leased and one
// never claimed, and reopens it before and after the leases end.
func TestInboxSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	clock := inboxtest.NewClock(inboxtest.Start)
	db := openDB(t)
	in := db.Inbox(sqlite.InboxOptions{Now: clock.Now})
	big := testDelivery("a1", 1, clock.Now())
	big.Body = bytes.Repeat([]byte("0123456789abcdef"), 64<<10/16) // spans overflow pages
	mustEnqueue(t, in, big)
	mustEnqueue(t, in, testDelivery("a2", 1, clock.Now()))
	mustEnqueue(t, in, testDelivery("b1", 2, clock.Now()))
	a1 := mustClaim(t, in, "w1", "a1") // leased until 60s
	restart := func() {
		t.Helper()
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		reopened := sqlite.NewDB(db.Path)
		if err := reopened.Open(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { reopened.Close() })
		db, in = reopened, reopened.Inbox(sqlite.InboxOptions{Now: clock.Now})
	}

	clock.Advance(30 * time.Second)
	restart()
	if st, err := in.Status(ctx, "a1"); err != nil || st.State != webhooks.StateRunning || st.Worker != "w1" {
		t.Fatalf("a1 after restart = %+v, %v; want running by w1", st, err)
	}
	mustClaim(t, in, "w2", "b1")      // never claimed before the restart; leased until 90s
	mustClaim(t, in, "w2", "nothing") // a1's lease still holds, a2 waits behind it

	clock.Advance(time.Minute) // 90s: both leases ended, their workers died with the process
	restart()
	j := mustClaim(t, in, "w3", "a1")
	if j.Attempts != 2 || !bytes.Equal(j.Delivery.Body, big.Body) {
		t.Fatalf("re-claimed a1: attempts %d, body of %d bytes; want 2 attempts and the %d bytes stored",
			j.Attempts, len(j.Delivery.Body), len(big.Body))
	}
	b1 := mustClaim(t, in, "w3", "b1")
	if err := in.Complete(ctx, a1.ID, "w1"); !errors.Is(err, webhooks.ErrLeaseLost) {
		t.Fatalf("Complete by the worker of the first process: %v, want ErrLeaseLost", err)
	}
	for _, j := range []*webhooks.Job{j, b1} {
		if err := in.Complete(ctx, j.ID, "w3"); err != nil {
			t.Fatal(err)
		}
	}
	if err := in.Complete(ctx, mustClaim(t, in, "w1", "a2").ID, "w1"); err != nil {
		t.Fatal(err)
	}
	if r, n, d, err := in.Depth(ctx); r+n+d != 0 || err != nil {
		t.Fatalf("Depth = %d, %d, %d, %v; want empty", r, n, d, err)
	}
}

// TestInboxConcurrentEnqueue enqueues one delivery from several
// goroutines at once, as GitHub's redelivery of a slow delivery may.
func TestInboxConcurrentEnqueue(t *testing.T) {
	ctx := context.Background()
	clock := inboxtest.NewClock(inboxtest.Start)
	db := openDB(t)
	in := db.Inbox(sqlite.InboxOptions{Now: clock.Now})
	const goroutines, rounds = 8, 20
	for r := range rounds {
		id := fmt.Sprintf("d%d", r)
		var (
			wg     sync.WaitGroup
			mu     sync.Mutex
			stored int
		)
		for g := range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Distinct deliveries interleave with the duplicates.
				if _, err := in.Enqueue(ctx, testDelivery(fmt.Sprintf("x%d-%d", r, g), int64(g), clock.Now())); err != nil {
					t.Error(err)
				}
				dup, err := in.Enqueue(ctx, testDelivery(id, 1, clock.Now()))
				if err != nil {
					t.Error(err)
					return
				}
				if !dup {
					mu.Lock()
					stored++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if stored != 1 {
			t.Fatalf("delivery %s stored %d times by %d concurrent Enqueues, want once", id, stored, goroutines)
		}
	}
	var rows, distinct int
	if err := db.SQL().QueryRow(`SELECT count(*), count(DISTINCT delivery_id) FROM inbox`).Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	if want := rounds * (goroutines + 1); rows != want || distinct != want {
		t.Fatalf("inbox holds %d rows, %d delivery ids; want %d", rows, distinct, want)
	}

	// Concurrent redeliveries of a dead job revive it once.
	j, err := in.Claim(ctx, "w", time.Minute)
	if err != nil || j == nil {
		t.Fatalf("Claim = %v, %v", j, err)
	}
	if err := in.Fail(ctx, j.ID, "w", "boom", time.Time{}, true); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	revived := make(chan bool, goroutines)
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dup, err := in.Enqueue(ctx, j.Delivery)
			if err != nil {
				t.Error(err)
			}
			revived <- !dup
		}()
	}
	wg.Wait()
	close(revived)
	n := 0
	for r := range revived {
		if r {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("dead delivery revived by %d of %d concurrent Enqueues, want 1", n, goroutines)
	}
}

// TestInboxTimesRoundToTheSecond uses a clock that is not on a whole
// second: leases and retry times end at most a second late, never early,
// and a new job is claimable at once.
func TestInboxTimesRoundToTheSecond(t *testing.T) {
	ctx := context.Background()
	clock := inboxtest.NewClock(inboxtest.Start.Add(700 * time.Millisecond))
	in := openDB(t).Inbox(sqlite.InboxOptions{Now: clock.Now})
	mustEnqueue(t, in, testDelivery("a1", 1, clock.Now()))
	j := mustClaim(t, in, "w1", "a1")
	if want := inboxtest.Start.Add(61 * time.Second); !j.LeaseUntil.Equal(want) {
		t.Fatalf("lease until %v, want %v (rounded up)", j.LeaseUntil, want)
	}
	clock.Advance(time.Minute) // Start+60.7s: the lease asked for ends now
	mustClaim(t, in, "w2", "nothing")
	clock.Advance(300 * time.Millisecond) // 61s
	j = mustClaim(t, in, "w2", "a1")
	retryAt := clock.Now().Add(1500 * time.Millisecond) // 62.5s, kept as 63s
	if err := in.Fail(ctx, j.ID, "w2", "x", retryAt, false); err != nil {
		t.Fatal(err)
	}
	if st, _ := in.Status(ctx, "a1"); !st.RetryAt.Equal(inboxtest.Start.Add(63 * time.Second)) {
		t.Fatalf("retry at %v, want %v (rounded up)", st.RetryAt, inboxtest.Start.Add(63*time.Second))
	}
	clock.Advance(1900 * time.Millisecond) // 62.9s
	mustClaim(t, in, "w2", "nothing")
	clock.Advance(100 * time.Millisecond) // 63s
	mustClaim(t, in, "w2", "a1")
}

// TestInboxMatchesMemInbox runs random operations against the SQLite
// inbox and the reference MemInbox on the same clock and compares every
// answer.
func TestInboxMatchesMemInbox(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(4) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			clock := inboxtest.NewClock(inboxtest.Start)
			db := openDB(t)
			got := &checkedInbox{Inbox: db.Inbox(sqlite.InboxOptions{Now: clock.Now}), t: t, db: db}
			want := inboxtest.NewMemInbox(inboxtest.MemInboxOptions{Now: clock.Now})
			rng := rand.New(rand.NewPCG(seed, 42))
			workers := []string{"w0", "w1", "w2", "w3"}
			var jobs []int64 // ids handed out, plus some unknown
			for step := range 1500 {
				fail := func(format string, args ...any) {
					t.Helper()
					t.Fatalf("seed %d step %d: "+format, append([]any{seed, step}, args...)...)
				}
				sameErr := func(op string, g, w error) {
					t.Helper()
					if (g == nil) != (w == nil) || errors.Is(g, webhooks.ErrLeaseLost) != errors.Is(w, webhooks.ErrLeaseLost) ||
						errors.Is(g, webhooks.ErrReplay) != errors.Is(w, webhooks.ErrReplay) {
						fail("%s: sqlite %v, mem %v", op, g, w)
					}
				}
				worker := workers[rng.IntN(len(workers))]
				job := int64(rng.IntN(100))
				if len(jobs) > 0 && rng.IntN(4) > 0 {
					job = jobs[rng.IntN(len(jobs))]
				}
				switch op := rng.IntN(20); {
				case op < 5:
					d := testDelivery(fmt.Sprintf("d%d", rng.IntN(60)), int64(rng.IntN(5)), clock.Now())
					if op == 4 { // the body of dN under another id
						d.ID = fmt.Sprintf("r%d", rng.IntN(20))
					}
					g, gerr := got.Enqueue(ctx, d)
					w, werr := want.Enqueue(ctx, d)
					sameErr("Enqueue", gerr, werr)
					if g != w {
						fail("Enqueue(%s) duplicate: sqlite %v, mem %v", d.ID, g, w)
					}
				case op < 10:
					lease := time.Duration(1+rng.IntN(120)) * time.Second
					g, gerr := got.Claim(ctx, worker, lease)
					w, werr := want.Claim(ctx, worker, lease)
					sameErr("Claim", gerr, werr)
					if (g == nil) != (w == nil) || g != nil && (g.ID != w.ID || g.Attempts != w.Attempts ||
						!g.LeaseUntil.Equal(w.LeaseUntil) || g.LastError != w.LastError || g.Delivery.ID != w.Delivery.ID) {
						fail("Claim(%s):\nsqlite %+v\nmem    %+v", worker, g, w)
					}
					if g != nil {
						jobs = append(jobs, g.ID)
					}
				case op < 12:
					sameErr("Complete", got.Complete(ctx, job, worker), want.Complete(ctx, job, worker))
				case op < 14:
					retryAt := clock.Now().Add(time.Duration(rng.IntN(60)) * time.Second)
					dead := rng.IntN(3) == 0
					msg := fmt.Sprintf("error %d", step)
					sameErr("Fail", got.Fail(ctx, job, worker, msg, retryAt, dead), want.Fail(ctx, job, worker, msg, retryAt, dead))
				case op < 15:
					lease := time.Duration(1+rng.IntN(120)) * time.Second
					sameErr("Extend", got.Extend(ctx, job, worker, lease), want.Extend(ctx, job, worker, lease))
				case op < 16:
					sameErr("Release", got.Release(ctx, worker), want.Release(ctx, worker))
				case op < 17:
					before := clock.Now().Add(-time.Duration(rng.IntN(120)) * time.Second)
					g, gerr := got.Prune(ctx, before)
					w, werr := want.Prune(ctx, before)
					if gerr != nil || werr != nil || g != w {
						fail("Prune: sqlite %d %v, mem %d %v", g, gerr, w, werr)
					}
				default:
					clock.Advance(time.Duration(rng.IntN(40)) * time.Second)
				}
				gr, gn, gd, gerr := got.Depth(ctx)
				wr, wn, wd, werr := want.Depth(ctx)
				if gerr != nil || werr != nil || gr != wr || gn != wn || gd != wd {
					fail("Depth: sqlite %d %d %d %v, mem %d %d %d %v", gr, gn, gd, gerr, wr, wn, wd, werr)
				}
				if step%50 == 0 {
					for i := range 60 {
						id := fmt.Sprintf("d%d", i)
						g, gerr := got.Status(ctx, id)
						w, werr := want.Status(ctx, id)
						if errors.Is(gerr, webhooks.ErrNotFound) != errors.Is(werr, webhooks.ErrNotFound) || !sameStatus(g, w) {
							fail("Status(%s):\nsqlite %+v %v\nmem    %+v %v", id, g, gerr, w, werr)
						}
					}
				}
			}
		})
	}
}

func sameStatus(a, b webhooks.JobStatus) bool {
	return a.ID == b.ID && a.DeliveryID == b.DeliveryID && a.State == b.State && a.Attempts == b.Attempts &&
		a.Worker == b.Worker && a.LeaseUntil.Equal(b.LeaseUntil) && a.RetryAt.Equal(b.RetryAt) && a.LastError == b.LastError &&
		a.Pruned == b.Pruned
}

package inboxtest

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/repoguard/repoguard/webhooks"
)

// replay is what an attacker who captured d sends: its signed body under
// a fresh delivery id.
func replay(d webhooks.Delivery, id string) webhooks.Delivery {
	d.ID = id
	return d
}

// refused expects the Enqueue of d to be refused as a replay of the
// delivery original, storing nothing.
func (e *env) refused(d webhooks.Delivery, original string) {
	e.t.Helper()
	dup, err := e.in.Enqueue(e.ctx, d)
	var re *webhooks.ReplayError
	if !errors.As(err, &re) || !errors.Is(err, webhooks.ErrReplay) || re.ID != d.ID || re.Original != original || dup {
		e.t.Fatalf("Enqueue(%s) = %v, %v; want a ReplayError of %s", d.ID, dup, err, original)
	}
	if _, err := e.in.Status(e.ctx, d.ID); !errors.Is(err, webhooks.ErrNotFound) {
		e.t.Fatalf("refused delivery %s was stored (Status: %v)", d.ID, err)
	}
}

// forget runs the inbox's Forget.
func (e *env) forget(before time.Time) int64 {
	e.t.Helper()
	n, err := e.in.(Pruner).Forget(e.ctx, before)
	if err != nil {
		e.t.Fatalf("Forget: %v", err)
	}
	return n
}

// prune runs the inbox's Prune.
func (e *env) prune(before time.Time) int64 {
	e.t.Helper()
	p, ok := e.in.(Pruner)
	if !ok {
		e.t.Fatalf("%T has no Prune method", e.in)
	}
	n, err := p.Prune(e.ctx, before)
	if err != nil {
		e.t.Fatalf("Prune: %v", err)
	}
	return n
}

func replayRefused(e *env) {
	d1 := e.delivery("d1", 1)
	e.enqueue(d1)
	e.refused(replay(d1, "d2"), "d1") // while ready
	j := e.claimID("w1", "d1")
	e.refused(replay(d1, "d3"), "d1") // while running
	e.complete(j, "w1")
	e.clock.Advance(30 * 24 * time.Hour)
	e.refused(replay(d1, "d4"), "d1") // done, a month later
	if !e.enqueue(d1) {
		e.t.Fatal("GitHub's redelivery (same id and body) of a done job not reported as duplicate")
	}
	e.claimNone("w1")
	e.depth(0, 0, 0)
}

func replayOfDead(e *env) {
	d1 := e.delivery("d1", 1)
	e.enqueue(d1)
	j := e.claimID("w1", "d1")
	if err := e.in.Fail(e.ctx, j.ID, "w1", "gone", time.Time{}, true); err != nil {
		e.t.Fatalf("Fail(dead): %v", err)
	}
	e.refused(replay(d1, "d2"), "d1") // a replay does not revive it under another id
	// Its id with a body it never had is not GitHub's redelivery either.
	forged := e.delivery("d1", 1)
	forged.Body = []byte(`{"forged":true}`)
	forged.BodySHA256 = sha256.Sum256(forged.Body)
	if !e.enqueue(forged) {
		e.t.Fatal("a dead job revived by a body other than its own")
	}
	e.depth(0, 0, 1)
	if e.enqueue(d1) {
		e.t.Fatal("GitHub's redelivery of a dead job reported as duplicate; want it revived")
	}
	j = e.claimID("w1", "d1")
	if !sameDelivery(j.Delivery, d1) {
		e.t.Fatalf("revived job holds %+v, want %+v", j.Delivery, d1)
	}
	e.complete(j, "w1")
}

// concurrentReplays enqueues one body under several fresh ids at once:
// one gets in, the others are refused.
func concurrentReplays(e *env) {
	const n = 8
	d := e.delivery("c0", 1)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		stored   []string
		refusals int
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dup, err := e.in.Enqueue(e.ctx, replay(d, fmt.Sprintf("c%d", i)))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil && !dup:
				stored = append(stored, fmt.Sprintf("c%d", i))
			case errors.Is(err, webhooks.ErrReplay):
				refusals++
			default:
				e.t.Errorf("Enqueue(c%d) = %v, %v; want stored or a replay", i, dup, err)
			}
		}()
	}
	wg.Wait()
	if len(stored) != 1 || refusals != n-1 {
		e.t.Fatalf("%d concurrent Enqueues of one body: stored %v, %d refused; want 1 stored, %d refused",
			n, stored, refusals, n-1)
	}
	e.depth(1, 0, 0)
}

// noHashNoCheck: a delivery without a body hash is not checked for
// replay.
func noHashNoCheck(e *env) {
	a, b := e.delivery("a1", 1), e.delivery("b1", 2)
	b.Body = a.Body
	a.BodySHA256, b.BodySHA256 = [sha256.Size]byte{}, [sha256.Size]byte{}
	for _, d := range []webhooks.Delivery{a, b} {
		if e.enqueue(d) {
			e.t.Fatalf("Enqueue(%s) without a hash reported as duplicate", d.ID)
		}
	}
	e.depth(2, 0, 0)
}

// finishSome enqueues the deliveries ids ("done1", "dead1", "run1",
// "later", then any others) and brings them to where the prune and
// forget cases start, an hour later: done1 done and dead1 dead-lettered
// an hour before now, run1 claimed with a lease that lapsed, later done
// now, the others ready.
func (e *env) finishSome(ids []string) map[string]webhooks.Delivery {
	e.t.Helper()
	ds := map[string]webhooks.Delivery{}
	for i, id := range ids {
		ds[id] = e.delivery(id, int64(i+1))
		e.enqueue(ds[id])
	}
	e.complete(e.claimID("w1", "done1"), "w1")
	if err := e.in.Fail(e.ctx, e.claimID("w2", "dead1").ID, "w2", "gone", time.Time{}, true); err != nil {
		e.t.Fatalf("Fail(dead): %v", err)
	}
	e.claimID("w3", "run1") // its lease lapses: still pending
	later := e.claimID("w4", "later")
	e.clock.Advance(time.Hour)
	e.complete(later, "w4") // finished at the cut: kept
	return ds
}

func pruneBodies(e *env) {
	ids := []string{"done1", "dead1", "run1", "later", "ready1"}
	ds := e.finishSome(ids)
	if n := e.prune(e.clock.Now()); n != 2 {
		e.t.Fatalf("Prune = %d, want 2 (done1 and dead1)", n)
	}
	for _, id := range ids {
		if st, want := e.status(id), id == "done1" || id == "dead1"; st.Pruned != want {
			e.t.Errorf("Status(%s).Pruned = %v, want %v", id, st.Pruned, want)
		}
	}
	// Deduplication and replay refusal go on without the body.
	if !e.enqueue(ds["done1"]) {
		e.t.Fatal("redelivery of a pruned job not reported as duplicate")
	}
	e.refused(replay(ds["done1"], "x1"), "done1")
	// Pending jobs keep their bodies.
	for _, id := range []string{"run1", "ready1"} {
		j := e.claimID("w5", id)
		if !sameDelivery(j.Delivery, ds[id]) {
			e.t.Fatalf("claimed %+v after Prune, want %+v", j.Delivery, ds[id])
		}
		e.complete(j, "w5")
	}
	if n := e.prune(e.clock.Now().Add(time.Second)); n != 3 {
		e.t.Fatalf("second Prune = %d, want 3 (later, run1, ready1)", n)
	}
	e.depth(0, 0, 1)
}

// prunedDeadRevived: GitHub's redelivery of a dead job whose body was
// pruned brings the body back.
func prunedDeadRevived(e *env) {
	d := e.delivery("d1", 1)
	e.enqueue(d)
	if err := e.in.Fail(e.ctx, e.claimID("w1", "d1").ID, "w1", "gone", time.Time{}, true); err != nil {
		e.t.Fatalf("Fail(dead): %v", err)
	}
	e.clock.Advance(time.Second)
	if n := e.prune(e.clock.Now()); n != 1 {
		e.t.Fatalf("Prune = %d, want 1", n)
	}
	if e.enqueue(d) {
		e.t.Fatal("redelivery of a pruned dead job reported as duplicate; want it revived")
	}
	if st := e.status("d1"); st.State != webhooks.StateReady || st.Pruned {
		e.t.Fatalf("Status after revival = %+v, want ready with its body", st)
	}
	j := e.claimID("w1", "d1")
	if !sameDelivery(j.Delivery, d) {
		e.t.Fatalf("revived job holds %+v, want %+v", j.Delivery, d)
	}
	e.complete(j, "w1")
}

// forgetFinished: Forget deletes the jobs finished before the cut, done
// and dead-lettered, ids and hashes too; pending jobs, and jobs finished
// at the cut, stay and go on refusing replays.
func forgetFinished(e *env) {
	ids := []string{"done1", "dead1", "run1", "later"}
	ds := e.finishSome(ids)
	if n := e.forget(e.clock.Now()); n != 2 {
		e.t.Fatalf("Forget = %d, want 2 (done1 and dead1)", n)
	}
	if n := e.forget(e.clock.Now()); n != 0 {
		e.t.Fatalf("Forget again = %d, want 0", n)
	}
	for _, id := range ids {
		_, err := e.in.Status(e.ctx, id)
		if gone := errors.Is(err, webhooks.ErrNotFound); gone != (id == "done1" || id == "dead1") {
			e.t.Errorf("Status(%s) after Forget: %v", id, err)
		}
	}
	e.refused(replay(ds["later"], "x1"), "later")
	e.complete(e.claimID("w5", "run1"), "w5") // pending, it kept its body
	// A forgotten delivery is a new one again, under its id or another.
	if e.enqueue(replay(ds["done1"], "x2")) {
		e.t.Fatal("body of a forgotten job reported as duplicate")
	}
	j := e.claimID("w5", "x2")
	if !sameDelivery(j.Delivery, replay(ds["done1"], "x2")) {
		e.t.Fatalf("claimed %+v, want the body of done1 under x2", j.Delivery)
	}
	e.complete(j, "w5")
}

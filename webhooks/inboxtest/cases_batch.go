package inboxtest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/repoguard/repoguard/webhooks"
)

// answer is what an Enqueue answered.
type answer string

const (
	answerStored answer = "stored"
	answerDup    answer = "duplicate"
	answerReplay answer = "replay"
)

// enqueueAll enqueues ds all at once, each from a goroutine of its own
// released together (so that an inbox that commits in groups puts them
// in the same batches), and returns the answer to each, in order.
func (e *env) enqueueAll(ds []webhooks.Delivery) []answer {
	e.t.Helper()
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		out   = make([]answer, len(ds))
		errs  = make([]error, len(ds))
	)
	for i, d := range ds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			dup, err := e.in.Enqueue(e.ctx, d)
			switch {
			case errors.Is(err, webhooks.ErrReplay):
				out[i] = answerReplay
			case err != nil:
				errs[i] = fmt.Errorf("Enqueue(%s): %w", d.ID, err)
			case dup:
				out[i] = answerDup
			default:
				out[i] = answerStored
			}
		}()
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		e.t.Fatal(err)
	}
	return out
}

// concurrentBatch enqueues at once new deliveries, GitHub's redeliveries
// of some of them (same id and body) and of a dead job, and replays of
// others (same body, fresh id): each new delivery is stored once with
// its own body, each redelivery answered as a duplicate, each replay
// refused, and the dead job revived once, as when they come one by one.
func concurrentBatch(e *env) {
	const fresh = 24
	dead := e.delivery("dead", 99)
	e.enqueue(dead)
	j := e.claimID("w1", "dead")
	if err := e.in.Fail(e.ctx, j.ID, "w1", "gone", time.Time{}, true); err != nil {
		e.t.Fatalf("Fail(dead): %v", err)
	}
	var ds []webhooks.Delivery
	for i := range fresh {
		d := e.delivery(fmt.Sprintf("n%d", i), int64(i%5+1))
		ds = append(ds, d)
		switch i % 3 {
		case 1: // GitHub redelivers it
			ds = append(ds, d)
		case 2: // an attacker replays it
			ds = append(ds, replay(d, fmt.Sprintf("r%d", i)))
		}
	}
	ds = append(ds, dead, dead)
	got := e.enqueueAll(ds)

	byID := map[string][]answer{}
	for i, d := range ds {
		byID[d.ID] = append(byID[d.ID], got[i])
	}
	for i := range fresh {
		id := fmt.Sprintf("n%d", i)
		want := []answer{answerStored}
		if i%3 == 1 {
			want = []answer{answerStored, answerDup}
		}
		// A replay and its original race: whichever comes first is
		// stored, the other refused.
		if i%3 == 2 {
			want = []answer{byID[id][0]}
			if r := byID[fmt.Sprintf("r%d", i)]; len(r) != 1 || (r[0] == answerReplay) == (byID[id][0] == answerReplay) {
				e.t.Errorf("%s and its replay r%d answered %v and %v; want one stored, one refused", id, i, byID[id], r)
			}
		}
		e.sameAnswers(id, byID[id], want)
	}
	e.sameAnswers("dead", byID["dead"], []answer{answerStored, answerDup})
	var stored []string
	for id, as := range byID {
		if slices.Contains(as, answerStored) {
			stored = append(stored, id)
		}
	}
	e.claimAllOwnBodies(ds, stored)
}

// sameAnswers expects the answers to the Enqueues of one id to be want,
// in any order.
func (e *env) sameAnswers(id string, got, want []answer) {
	e.t.Helper()
	count := map[answer]int{}
	for _, a := range got {
		count[a]++
	}
	for _, a := range want {
		count[a]--
	}
	for _, n := range count {
		if n != 0 {
			e.t.Errorf("Enqueues of %s answered %v, want %v in some order", id, got, want)
			return
		}
	}
}

// claimAllOwnBodies claims and completes every pending job and expects
// each to hold the body of its delivery in ds, one job per id, and a job
// of each id stored.
func (e *env) claimAllOwnBodies(ds []webhooks.Delivery, stored []string) {
	e.t.Helper()
	want := map[string]webhooks.Delivery{}
	for _, d := range ds {
		want[d.ID] = d
	}
	seen := map[string]bool{}
	for {
		j := e.claim("w1")
		if j == nil {
			break
		}
		d, ok := want[j.Delivery.ID]
		if seen[j.Delivery.ID] || !ok || string(j.Delivery.Body) != string(d.Body) || j.Delivery.BodySHA256 != d.BodySHA256 {
			e.t.Errorf("claimed %s with body %s (seen before: %v)", j.Delivery.ID, j.Delivery.Body, seen[j.Delivery.ID])
		}
		seen[j.Delivery.ID] = true
		e.complete(j, "w1")
	}
	for _, id := range stored {
		if !seen[id] {
			e.t.Errorf("%s was answered as stored but no job of it was claimed", id)
		}
	}
	e.depth(0, 0, 0)
}

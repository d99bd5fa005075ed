package inboxtest

import (
	"time"

	"github.com/repoguard/repoguard/webhooks"
)

var cases = []struct {
	name string
	run  func(e *env)
}{
	{"RoundTrip", roundTrip},
	{"EmptyInbox", emptyInbox},
	{"EnqueueNeedsID", enqueueNeedsID},
	{"RedeliveryDeduplicated", redelivery},
	{"OneJobPerRepositoryAtATime", serialPerRepo},
	{"DeliveryOrderWithinRepository", orderWithinRepo},
	{"SerialKeys", serialKeys},
	{"ConcurrentWorkers", concurrentWorkers},
	{"LeaseExpiryAndExtend", leaseExpiry},
	{"ExpiredLeaseNotYetReclaimed", expiredNotReclaimed},
	{"OnlyTheHolderActs", onlyHolder},
	{"FailRetriesAtRetryAt", failRetry},
	{"DeadLetter", deadLetter},
	{"Release", release},
	{"StatusUnknown", statusUnknown},
	{"ReplayRefused", replayRefused},
	{"ReplayOfADeadJob", replayOfDead},
	{"ConcurrentReplays", concurrentReplays},
	{"ConcurrentBatch", concurrentBatch},
	{"NoHashNoReplayCheck", noHashNoCheck},
	{"PruneDropsFinishedBodies", pruneBodies},
	{"PrunedDeadJobRevived", prunedDeadRevived},
	{"ForgetDropsFinishedJobs", forgetFinished},
}

func roundTrip(e *env) {
	d := e.delivery("d1", 42)
	d.Event, d.Action, d.Sender = "pull_request", "opened", "mallory"
	d.InstallationID = 1234567890123
	if e.enqueue(d) {
		e.t.Fatal("first Enqueue reported a duplicate")
	}
	e.depth(1, 0, 0)
	if st := e.status("d1"); st.State != webhooks.StateReady || st.Attempts != 0 {
		e.t.Fatalf("Status after Enqueue = %+v, want ready with 0 attempts", st)
	}
	j := e.claimID("w1", "d1")
	if !sameDelivery(j.Delivery, d) {
		e.t.Fatalf("claimed delivery = %+v\nwant %+v", j.Delivery, d)
	}
	if j.Attempts != 1 || !j.LeaseUntil.Equal(Start.Add(lease)) || j.LastError != "" {
		e.t.Fatalf("job = attempts %d, lease until %v, last error %q; want 1, %v, none",
			j.Attempts, j.LeaseUntil, j.LastError, Start.Add(lease))
	}
	st := e.status("d1")
	if st.ID != j.ID || st.State != webhooks.StateRunning || st.Worker != "w1" || st.Attempts != 1 {
		e.t.Fatalf("Status while running = %+v", st)
	}
	e.depth(0, 1, 0)
	e.complete(j, "w1")
	e.depth(0, 0, 0)
	if st := e.status("d1"); st.State != webhooks.StateDone {
		e.t.Fatalf("Status after Complete = %+v, want done", st)
	}
}

func emptyInbox(e *env) {
	e.claimNone("w1")
	e.depth(0, 0, 0)
}

func enqueueNeedsID(e *env) {
	d := e.delivery("", 1)
	if _, err := e.in.Enqueue(e.ctx, d); err == nil {
		e.t.Fatal("Enqueue of a delivery without id succeeded")
	}
	e.depth(0, 0, 0)
}

func redelivery(e *env) {
	e.add(1, "d1")
	if !e.enqueue(e.delivery("d1", 1)) {
		e.t.Fatal("redelivery of a ready job not reported as duplicate")
	}
	e.depth(1, 0, 0)
	j := e.claimID("w1", "d1")
	if !e.enqueue(e.delivery("d1", 1)) {
		e.t.Fatal("redelivery of a running job not reported as duplicate")
	}
	e.complete(j, "w1")
	if !e.enqueue(e.delivery("d1", 1)) {
		e.t.Fatal("redelivery of a done job not reported as duplicate")
	}
	e.claimNone("w1")
	e.depth(0, 0, 0)
}

func serialPerRepo(e *env) {
	e.add(1, "a1", "a2")
	e.add(2, "b1")
	a1 := e.claimID("w1", "a1")
	b1 := e.claimID("w2", "b1") // another repository runs in parallel
	e.claimNone("w3")           // a2 waits for a1
	e.depth(1, 2, 0)
	e.complete(b1, "w2")
	e.claimNone("w3")
	e.complete(a1, "w1")
	e.complete(e.claimID("w3", "a2"), "w3")
}

func orderWithinRepo(e *env) {
	ids := []string{"e", "c", "a", "d", "b"} // ids sort differently from delivery order
	e.add(9, ids...)
	for _, id := range ids {
		j := e.claimID("w1", id)
		e.claimNone("w2")
		e.complete(j, "w1")
	}
	e.claimNone("w1")
}

func serialKeys(e *env) {
	// A renamed repository keeps its id: still one queue.
	old, renamed := e.delivery("r1", 5), e.delivery("r2", 5)
	old.Repo, renamed.Repo = "org/old-name", "org/new-name"
	// Installation-level events queue per installation.
	inst := func(id string, installation int64) webhooks.Delivery {
		d := e.delivery(id, 0)
		d.Event, d.Repo, d.RepoID, d.InstallationID = "installation_repositories", "", 0, installation
		return d
	}
	for _, d := range []webhooks.Delivery{old, renamed, inst("i1", 7), inst("i2", 7), inst("j1", 8)} {
		e.enqueue(d)
	}
	r1 := e.claimID("w1", "r1")
	i1 := e.claimID("w2", "i1") // the installation's queue is not the repository's
	j1 := e.claimID("w3", "j1") // another installation
	e.claimNone("w4")
	for _, c := range []struct {
		j *webhooks.Job
		w string
	}{{r1, "w1"}, {i1, "w2"}, {j1, "w3"}} {
		e.complete(c.j, c.w)
	}
	e.complete(e.claimID("w1", "r2"), "w1")
	e.complete(e.claimID("w1", "i2"), "w1")
	e.claimNone("w1")
}

func leaseExpiry(e *env) {
	e.add(1, "a1", "a2")
	e.claimID("w1", "a1")
	e.clock.Advance(30 * time.Second)
	e.claimNone("w2")
	j1, _ := e.in.Status(e.ctx, "a1")
	if err := e.in.Extend(e.ctx, j1.ID, "w1", lease); err != nil { // until Start+90s
		e.t.Fatalf("Extend: %v", err)
	}
	if st := e.status("a1"); !st.LeaseUntil.Equal(Start.Add(90 * time.Second)) {
		e.t.Fatalf("lease after Extend until %v, want %v", st.LeaseUntil, Start.Add(90*time.Second))
	}
	e.clock.Advance(59 * time.Second) // 89s: extended lease still holds
	e.claimNone("w2")
	e.clock.Advance(time.Second) // 90s: expired, as if w1 died
	j := e.claimID("w2", "a1")
	if j.Attempts != 2 {
		e.t.Fatalf("re-claimed job has attempts %d, want 2", j.Attempts)
	}
	e.leaseLost("Complete by the worker that lost the lease", e.in.Complete(e.ctx, j.ID, "w1"))
	e.leaseLost("Extend by the worker that lost the lease", e.in.Extend(e.ctx, j.ID, "w1", lease))
	e.leaseLost("Fail by the worker that lost the lease",
		e.in.Fail(e.ctx, j.ID, "w1", "late", e.clock.Now(), false))
	e.depth(1, 1, 0)
	e.complete(j, "w2")
	e.complete(e.claimID("w1", "a2"), "w1")
}

func expiredNotReclaimed(e *env) {
	e.add(1, "a1")
	j := e.claimID("w1", "a1")
	e.clock.Advance(2 * lease)
	e.complete(j, "w1") // nobody took it over: the holder's outcome counts
	e.claimNone("w2")
}

func onlyHolder(e *env) {
	e.add(1, "a1")
	j := e.claimID("w1", "a1")
	e.leaseLost("Complete by another worker", e.in.Complete(e.ctx, j.ID, "w2"))
	e.leaseLost("Fail by another worker", e.in.Fail(e.ctx, j.ID, "w2", "x", e.clock.Now(), true))
	e.leaseLost("Extend by another worker", e.in.Extend(e.ctx, j.ID, "w2", lease))
	e.leaseLost("Complete of an unknown job", e.in.Complete(e.ctx, j.ID+1000, "w1"))
	e.depth(0, 1, 0)
	e.complete(j, "w1")
	e.leaseLost("second Complete", e.in.Complete(e.ctx, j.ID, "w1"))
	e.leaseLost("Fail after Complete", e.in.Fail(e.ctx, j.ID, "w1", "x", e.clock.Now(), false))
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard/app/apptest"
	"github.com/repoguard/repoguard/guard/github/githubtest"
	"github.com/repoguard/repoguard/guard/sqlite/pgtest"
	"github.com/repoguard/repoguard/webhooks"
)

// TestServeTwoReplicasOnPostgres runs two `serve` replicas on one
// PostgreSQL database, each with its own data directory and clone
// cache: one in this process, one a child process killed with SIGKILL
// and started again several times while 1,000 deliveries are spread
// over both. A delivery the killed replica did not answer is sent again
// to the other, as GitHub redelivers. In the end every delivery is
// stored once and done, only jobs the killed replica had in hand ran
// twice, and every pull request has one check run with the right
// conclusion. Each delivery's status is its one row in the inbox (the
// delivery id is unique there).
func TestServeTwoReplicasOnPostgres(t *testing.T) {
	url := pgtest.URL(t)
	e := newE2E(t)
	const (
		prs     = 4
		total   = 1000
		kills   = 3
		senders = 8
		workers = 2
	)
	heads, bases := make([]string, prs+1), make([]string, prs+1)
	for n := 1; n <= prs; n++ {
		heads[n], bases[n] = e.contractsPR(n)
		if n%2 == 0 { // even pull requests are approved by bob
			e.GH.AddReview(apptest.Owner, apptest.Name, n, githubtest.Review{User: "bob", State: "APPROVED", CommitID: heads[n]})
		}
	}
	common := []string{"REPOGUARD_DATABASE_URL=" + url, "REPOGUARD_JOB_LEASE=3s", fmt.Sprintf("REPOGUARD_WORKERS=%d", workers)}
	a := e.start(common...)
	childEnv := append([]string{"REPOGUARD_DATA_DIR=" + t.TempDir()}, common...)
	var child atomic.Pointer[childServer]
	child.Store(e.startChild(childEnv...))

	ds := replicaDeliveries(e, total, heads, bases)
	var (
		next   atomic.Int64
		sent   atomic.Int64
		toward [2]atomic.Int64
		wg     sync.WaitGroup
	)
	for range senders {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(len(ds)); i = next.Add(1) - 1 {
				if i%2 == 1 && postQuietly(child.Load().url, ds[i]) {
					toward[1].Add(1)
				} else {
					redeliver(t, a.url, ds[i]) // the other replica, or a redelivery to it
					toward[0].Add(1)
				}
				sent.Add(1)
			}
		})
	}
	for k := 1; k <= kills; k++ {
		waitFor(t, fmt.Sprintf("%d deliveries sent", k*total/(kills+1)), func() bool { return sent.Load() >= int64(k*total/(kills+1)) })
		child.Load().kill()
		child.Store(e.startChild(childEnv...))
	}
	wg.Wait()
	t.Logf("deliveries answered: %d by the in-process replica, %d by the child", toward[0].Load(), toward[1].Load())

	waitFor(t, "an empty inbox", func() bool {
		ready, running, dead, err := a.inbox.Depth(context.Background())
		if err != nil || dead > 0 {
			t.Fatalf("inbox depth: %v, %d dead", err, dead)
		}
		return ready+running == 0
	})
	twice := 0
	for _, d := range ds {
		st := a.status(d.id)
		if st.State != webhooks.StateDone {
			t.Fatalf("delivery %s: %+v, want done", d.id, st)
		}
		if st.Attempts > 1 {
			twice++
		}
	}
	t.Logf("%d jobs ran twice (in the hands of a killed replica)", twice)
	// Only a job in the hands of the killed replica runs again: at most
	// its workers' jobs at each kill.
	if twice > kills*workers {
		t.Errorf("%d jobs ran more than once, want at most %d (%d kills of a replica with %d workers)", twice, kills*workers, kills, workers)
	}
	for n := 1; n <= prs; n++ {
		if n%2 == 0 {
			apptest.WantCheck(t, e.waitCheck(heads[n], "success", completed("success", 2)), "success", "@bob")
		} else {
			apptest.WantCheck(t, e.waitCheck(heads[n], "action_required", completed("action_required", 2)), "action_required", "contracts", "0/1")
		}
	}
}

// replicaDeliveries returns total deliveries: for each pull request an
// opened, a synchronize and (for the approved ones) a review, the rest
// pull_request "edited" on the title of 50 other repositories (stored,
// nothing to do), interleaved.
func replicaDeliveries(e *e2e, total int, heads, bases []string) []delivery {
	var prs []delivery
	for n := 1; n < len(heads); n++ {
		prs = append(prs, e.pullRequest("opened", n, "alice", heads[n], bases[n], "alice"),
			e.pullRequest("synchronize", n, "alice", heads[n], bases[n], "alice"))
		if n%2 == 0 {
			prs = append(prs, e.review(n, "alice", heads[n], bases[n], "bob"))
		}
	}
	out := make([]delivery, 0, total)
	step := total / (len(prs) + 1)
	for i := 0; len(out) < total; i++ {
		if len(prs) > 0 && i%step == step/2 {
			out = append(out, prs[0])
			prs = prs[1:]
			continue
		}
		body := bytes.Replace(benchPayload(i%50), []byte(benchSeq), fmt.Appendf(nil, "%010d", i), 1)
		out = append(out, delivery{id: fmt.Sprintf("replica-%d-%d", time.Now().UnixNano(), i), event: "pull_request", body: body})
	}
	return out
}

// redeliver posts d to the replica at base, which stores it (202) or,
// when the killed replica had stored it before it died without
// answering, knows it (200 duplicate). It runs on a sender goroutine, so
// it fails the test with t.Errorf, never t.Fatal.
func redeliver(t *testing.T, base string, d delivery) {
	code, body, err := postAnswer(base, d, e2eSecret)
	if err != nil {
		t.Errorf("delivery %s (%s): %v", d.id, d.event, err)
		return
	}
	if code != http.StatusAccepted && (code != http.StatusOK || !strings.Contains(body, "duplicate")) {
		t.Errorf("delivery %s (%s): %d %s, want 202 or a duplicate", d.id, d.event, code, body)
	}
}

// postQuietly posts d to a replica and reports whether it stored it
// (202); a replica killed meanwhile answers nothing.
func postQuietly(base string, d delivery) bool {
	return postTo(http.DefaultClient, base, d) == nil
}

package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard/app/apptest"
	"github.com/repoguard/repoguard/guard/sqlite"
	"github.com/repoguard/repoguard/webhooks"
	"github.com/repoguard/repoguard/webhooks/inboxtest"
)

// The end-to-end tests of issue 8's ingest items: a delivery replayed
// under a new id, an inbox that grew without bound, and a webhook forced
// onto loopback.

// TestServeReplayRefused: a captured delivery resent with fresh
// X-GitHub-Delivery ids (GitHub's signature does not cover the id), one
// at a time or many at once, is refused and never processed again;
// GitHub's own redelivery (same id) is still a duplicate.
func TestServeReplayRefused(t *testing.T) {
	e := newE2E(t)
	ls := e.start()
	head, base := e.contractsPR(1)
	d := e.pullRequest("opened", 1, "alice", head, base, "alice")
	ls.deliver(d)
	cr := e.waitCheck(head, "action_required", completed("action_required", 2))
	ls.waitJob(d.id)

	replays := []delivery{{id: d.id + "-replayed", event: d.event, body: d.body}}
	if code, body := post(t, ls.url, replays[0], e2eSecret); code != http.StatusConflict || !strings.Contains(body, "replay") {
		t.Fatalf("replay under a new id: %d %q, want 409 replay", code, body)
	}
	// Many at once: none gets in.
	var wg sync.WaitGroup
	for i := range 8 {
		r := delivery{id: fmt.Sprintf("%s-burst-%d", d.id, i), event: d.event, body: d.body}
		replays = append(replays, r)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if code, body := post(t, ls.url, r, e2eSecret); code != http.StatusConflict {
				t.Errorf("concurrent replay %s: %d %q, want 409", r.id, code, body)
			}
		}()
	}
	wg.Wait()
	if code, body := post(t, ls.url, d, e2eSecret); code != http.StatusOK || body != "duplicate" {
		t.Errorf("GitHub's redelivery: %d %q, want 200 duplicate", code, body)
	}
	// A later delivery of the repository runs after any job a replay
	// could have queued.
	barrier := e.pullRequest("edited", 1, "alice", head, base, "alice")
	ls.deliver(barrier)
	ls.waitJob(barrier.id)

	for _, r := range replays {
		if st := ls.status(r.id); st.ID != 0 {
			t.Errorf("replay %s in the inbox: %+v", r.id, st)
		}
	}
	if got := e.OnlyCheck(head); len(got.Updates) != len(cr.Updates) {
		t.Errorf("check run written %d times after the replays, want %d", len(got.Updates), len(cr.Updates))
	}
	if n := ls.metric("repoguard_evaluation_duration_seconds_count", `kind="pull_request"`); n != 1 {
		t.Errorf("%v evaluations, want 1", n)
	}
	if n := ls.metric("repoguard_webhook_deliveries_total", `event="pull_request"`, `outcome="replay"`); n != float64(len(replays)) {
		t.Errorf("%v replays counted, want %d", n, len(replays))
	}
	wantLog(t, ls.logs.String(), map[string]string{"level": "WARN", "msg": "webhook replay refused",
		"delivery": replays[0].id, "original": d.id})
}

// wantLog fails unless a JSON log line has every field of want.
func wantLog(t *testing.T, logs string, want map[string]string) {
	t.Helper()
next:
	for _, line := range strings.Split(logs, "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) != nil {
			continue
		}
		for k, v := range want {
			if fmt.Sprint(rec[k]) != v {
				continue next
			}
		}
		return
	}
	t.Errorf("no log line with %v", want)
}

// TestServePrunesInboxAtStart is the inbox that grew without bound: a
// database holding the bodies of deliveries finished ten days ago is
// pruned when serve starts, and shrinks on disk; GitHub's redelivery of
// a pruned delivery is still a duplicate and a replay of its body still
// refused.
func TestServePrunesInboxAtStart(t *testing.T) {
	e := newE2E(t)
	const n = 300
	old := e.seedFinished(n, 10*24*time.Hour)
	path := filepath.Join(e.dataDir, "repoguard.db")
	before := diskBytes(t, path)

	ls := e.start() // default retention: 7 days
	for _, d := range old[:5] {
		if st := ls.status(d.id); st.State != webhooks.StateDone || !st.Pruned {
			t.Errorf("delivery %s after start: %+v, want done and pruned", d.id, st)
		}
	}
	if after := diskBytes(t, path); after > before/4 {
		t.Errorf("database of %d bytes after start, want under a quarter of the %d before", after, before)
	} else {
		t.Logf("%d deliveries finished ten days ago: %d bytes on disk before serve started, %d after", n, before, after)
	}
	wantLog(t, ls.logs.String(), map[string]string{"msg": "inbox pruned", "bodies": fmt.Sprint(n)})
	if code, body := post(t, ls.url, old[0], e2eSecret); code != http.StatusOK || body != "duplicate" {
		t.Errorf("GitHub's redelivery of a pruned delivery: %d %q, want 200 duplicate", code, body)
	}
	r := delivery{id: old[1].id + "-replayed", event: old[1].event, body: old[1].body}
	if code, body := post(t, ls.url, r, e2eSecret); code != http.StatusConflict {
		t.Errorf("replay of a pruned delivery: %d %q, want 409", code, body)
	}
}

// TestServeForgetsAfterReplayWindow: deliveries finished longer ago
// than the replay window are forgotten at start, rows and all, so that
// the inbox stops growing; younger ones keep refusing replays.
func TestServeForgetsAfterReplayWindow(t *testing.T) {
	e := newE2E(t)
	old := e.seedFinished(20, 100*24*time.Hour)
	recent := e.seedFinished(20, 10*24*time.Hour)
	ls := e.start() // default replay window: 90 days
	for _, d := range old {
		if st := ls.status(d.id); st.ID != 0 {
			t.Fatalf("delivery %s of 100 days ago after start: %+v, want forgotten", d.id, st)
		}
	}
	wantLog(t, ls.logs.String(), map[string]string{"msg": "inbox pruned", "forgotten": "20"})
	r := delivery{id: recent[0].id + "-replayed", event: recent[0].event, body: recent[0].body}
	if code, body := post(t, ls.url, r, e2eSecret); code != http.StatusConflict {
		t.Errorf("replay of a delivery of 10 days ago: %d %q, want 409", code, body)
	}
}

// TestServePrunesInboxPeriodically: after the prune at start, serve
// prunes again every hour, or every retention when that is shorter; a
// delivery processed after start loses its body once it is older than
// the retention.
func TestServePrunesInboxPeriodically(t *testing.T) {
	e := newE2E(t)
	ls := e.start("REPOGUARD_INBOX_RETENTION=1s")
	head, base := e.contractsPR(1)
	d := e.pullRequest("opened", 1, "alice", head, base, "alice")
	ls.deliver(d)
	ls.waitJob(d.id)
	waitFor(t, "the body of "+d.id+" pruned", func() bool { return ls.status(d.id).Pruned })
	if code, body := post(t, ls.url, d, e2eSecret); code != http.StatusOK || body != "duplicate" {
		t.Errorf("GitHub's redelivery of a pruned delivery: %d %q, want 200 duplicate", code, body)
	}
}

// seedFinished writes n deliveries of about 20 KB (issue 8's average)
// into the server's database, done age ago, as an earlier server would
// have left them, and returns them. Their numbers (and so bodies)
// differ from those of earlier calls.
func (e *e2e) seedFinished(n int, age time.Duration) []delivery {
	e.t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(e.dataDir, "repoguard.db"))
	if err != nil {
		e.t.Fatal(err)
	}
	defer db.Close()
	clock := inboxtest.NewClock(time.Now().Add(-age))
	in := db.Inbox(sqlite.InboxOptions{Now: clock.Now})
	pad := strings.Repeat("A change to the widgets. ", 800)
	var out []delivery
	for range n {
		d := e.deliveryOf("pull_request", map[string]any{"action": "edited", "number": e.seq.Add(1), "repository": repoJSON(),
			"installation": map[string]any{"id": apptest.Installation}, "sender": userJSON("alice"), "pad": pad})
		wd := webhooks.Delivery{ID: d.id, Event: d.event, Repo: apptest.FullName, RepoID: 1296269, Body: d.body,
			BodySHA256: sha256.Sum256(d.body), ReceivedAt: clock.Now()}
		if _, err := in.Enqueue(ctx, wd); err != nil {
			e.t.Fatal(err)
		}
		j, err := in.Claim(ctx, "earlier-server", time.Minute)
		if err != nil || j == nil {
			e.t.Fatalf("Claim = %v, %v", j, err)
		}
		if err := in.Complete(ctx, j.ID, "earlier-server"); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

// diskBytes is the size of a database file with its WAL.
func diskBytes(t *testing.T, path string) int64 {
	t.Helper()
	var total int64
	for _, p := range []string{path, path + "-wal"} {
		if fi, err := os.Stat(p); err == nil {
			total += fi.Size()
		}
	}
	return total
}

// TestServeWebhookListensWhereTold is the webhook forced onto loopback:
// told to listen on 0.0.0.0, with App credentials and no GitHub sign-in,
// serve receives deliveries on the machine's network address, with
// health and metrics, while the anomaly queue and its API refuse any
// peer but loopback. Without App credentials, the queue alone listens
// where told under the same rule.
func TestServeWebhookListensWhereTold(t *testing.T) {
	ip := externalIP(t)
	for _, tc := range []struct {
		name  string
		app   bool
		extra []string
	}{
		{"App without sign-in", true, nil},
		{"queue only", false, []string{"REPOGUARD_APP_ID=", "REPOGUARD_PRIVATE_KEY_FILE=", "REPOGUARD_WEBHOOK_SECRET="}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newE2E(t)
			ls := e.start(append([]string{"REPOGUARD_LISTEN=0.0.0.0:0"}, tc.extra...)...)
			_, port, _ := net.SplitHostPort(strings.TrimPrefix(ls.url, "http://"))
			remote, local := "http://"+net.JoinHostPort(ip, port), "http://127.0.0.1:"+port

			if tc.app {
				head, base := e.contractsPR(1)
				d := e.pullRequest("opened", 1, "alice", head, base, "alice")
				if code, body := post(t, remote, d, e2eSecret); code != http.StatusAccepted {
					t.Fatalf("delivery to %s: %d %q, want 202", remote, code, body)
				}
				e.waitCheck(head, "action_required", completed("action_required", 2))
			}
			for _, path := range []string{"/healthz", "/metrics"} {
				if code, _ := httpGet(t, remote+path); code != http.StatusOK {
					t.Errorf("GET %s from %s: %d, want 200", path, ip, code)
				}
			}
			link := strings.TrimPrefix(ls.local.Link(local), local)
			for _, path := range []string{"/", "/anomalies", "/api/v1/anomalies", link} {
				code, body := httpGet(t, remote+path)
				if code != http.StatusForbidden || strings.Count(strings.TrimSpace(body), "\n") != 0 || !strings.Contains(body, "loopback") {
					t.Errorf("GET %s from %s: %d %q, want 403 and a line on loopback", path, ip, code, body)
				}
			}
			// On loopback, the one-time link signs in.
			resp, err := noRedirect.Get(local + link)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode/100 != 3 || len(resp.Cookies()) == 0 {
				t.Errorf("the sign-in link on loopback: %d with cookies %v, want a redirect with a session", resp.StatusCode, resp.Cookies())
			}
			wantLog(t, ls.logs.String(), map[string]string{"level": "WARN",
				"msg": "no GitHub sign-in configured: the anomaly queue and its API answer loopback peers only"})
		})
	}
}

// externalIP returns an address of this machine that is not loopback,
// or skips the test: the peer check is then left to
// TestLoopbackOnly.
func externalIP(t *testing.T) string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Skipf("no interface addresses: %v", err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() && !n.IP.IsLinkLocalUnicast() {
			return n.IP.String()
		}
	}
	t.Skip("this machine has no non-loopback IPv4 address")
	return ""
}

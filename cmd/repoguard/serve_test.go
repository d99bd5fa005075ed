package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard/app/apptest"
	"github.com/repoguard/repoguard/guard/github/githubtest"
	"github.com/repoguard/repoguard/guard/keytest"
	"github.com/repoguard/repoguard/guard/sqlite"
	"github.com/repoguard/repoguard/webhooks"
)

// The end-to-end tests run `repoguard serve` (configured from REPOGUARD_*
// variables) against the fake GitHub API of githubtest and a Git server
// (git http-backend) holding repositories made with the git CLI, and
// send it webhooks signed as GitHub signs them. They wait for the
// asynchronous work by polling the inbox and the fake's check runs.

// TestServePullRequestLifecycle: a change to contracts needs an
// independent approval; the author's does not count, a second person's
// passes the check, and a push resets it.
func TestServePullRequestLifecycle(t *testing.T) {
	e := newE2E(t)
	ls := e.start()
	head, base := e.contractsPR(1)

	d := e.pullRequest("opened", 1, "alice", head, base, "alice")
	ls.deliver(d)
	cr := e.waitCheck(head, "action_required", completed("action_required", 2))
	apptest.WantCheck(t, cr, "action_required", "contracts", "0/1")
	if want := e2ePublicURL + "/pulls/acme/widgets/1"; cr.DetailsURL != want {
		t.Errorf("details_url %q, want %q", cr.DetailsURL, want)
	}
	if st := ls.waitJob(d.id); st.Attempts != 1 {
		t.Errorf("opened: %d attempts, want 1", st.Attempts)
	}

	// The author's own approval does not count.
	e.GH.AddReview(apptest.Owner, apptest.Name, 1, githubtest.Review{User: "alice", State: "APPROVED", CommitID: head})
	d = e.review(1, "alice", head, base, "alice")
	ls.deliver(d)
	ls.waitJob(d.id)
	cr = e.OnlyCheck(head)
	apptest.WantCheck(t, cr, "action_required", "@alice: the pull request's author cannot approve it")
	writes := len(cr.Updates)

	// A second person's does.
	e.GH.AddReview(apptest.Owner, apptest.Name, 1, githubtest.Review{User: "bob", State: "APPROVED", CommitID: head})
	ls.deliver(e.review(1, "alice", head, base, "bob"))
	cr = e.waitCheck(head, "success", completed("success", writes+1))
	apptest.WantCheck(t, cr, "success", "@bob")

	// A push resets the approval, on the new head.
	e.Commit("alice", "Tweak token", map[string]string{"contracts/Token1.sol": "contract Token { uint x; }\n"})
	head2, _ := e.OpenPR(1, "alice", "feature-1")
	ls.deliver(e.pullRequest("synchronize", 1, "alice", head2, base, "alice"))
	cr = e.waitCheck(head2, "action_required", completed("action_required", 2))
	apptest.WantCheck(t, cr, "action_required", "@bob: approved an earlier head")
	if got := e.OnlyCheck(head); got.Conclusion != "success" {
		t.Errorf("check run on the old head changed to %s", got.Conclusion)
	}
}

// TestServePrivateKeyFails: a private key added by a pull request fails
// the check, with an annotation on the file.
func TestServePrivateKeyFails(t *testing.T) {
	e := newE2E(t)
	// New anomalies go out signed to an outgoing webhook.
	got := make(chan *http.Request, 8)
	bodies := make(chan []byte, 8)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- r
		bodies <- b
	}))
	defer hook.Close()
	secretFile := filepath.Join(t.TempDir(), "notify-secret")
	os.WriteFile(secretFile, []byte("notify-s3cret\n"), 0o600)
	ls := e.start("REPOGUARD_NOTIFY_URL="+hook.URL, "REPOGUARD_NOTIFY_SECRET_FILE="+secretFile,
		"REPOGUARD_NOTIFY_MIN_SEVERITY=critical")
	e.branch("feature-2", "alice", map[string]string{"deploy/keys/deploy.pem": keytest.ECPEM(t)})
	head, base := e.OpenPR(2, "alice", "feature-2")
	d := e.pullRequest("opened", 2, "alice", head, base, "alice")
	ls.deliver(d)
	cr := e.waitCheck(head, "failure", completed("failure", 2))
	apptest.WantCheck(t, cr, "failure", "key-material", "deploy/keys/deploy.pem")
	if len(cr.Annotations) == 0 || cr.Annotations[0].Path != "deploy/keys/deploy.pem" || cr.Annotations[0].Level != "failure" {
		t.Errorf("annotations %+v, want a failure on deploy/keys/deploy.pem", cr.Annotations)
	}
	if want := e2ePublicURL + "/pulls/acme/widgets/2"; cr.DetailsURL != want {
		t.Errorf("details_url %q, want %q", cr.DetailsURL, want)
	}
	select {
	case r := <-got:
		body := <-bodies
		mac := hmac.New(sha256.New, []byte("notify-s3cret"))
		mac.Write(body)
		if want := "sha256=" + hex.EncodeToString(mac.Sum(nil)); r.Header.Get("X-Repoguard-Signature-256") != want {
			t.Errorf("notification signature %q, want %q", r.Header.Get("X-Repoguard-Signature-256"), want)
		}
		if !bytes.Contains(body, []byte("key-material")) || bytes.Contains(body, []byte("PRIVATE KEY-----\nM")) {
			t.Errorf("notification body: %s", body)
		}
	case <-time.After(20 * time.Second):
		t.Error("no notification of the critical anomaly")
	}
	ls.waitJob(d.id) // the verdict is audited after the check run is written
	entries, err := ls.db.AuditEntries(context.Background(), 1, 100)
	if err != nil {
		t.Fatal(err)
	}
	var verdict bool
	for _, en := range entries {
		if en.Action == "verdict.posted" && en.Subject == "pr/acme/widgets#2" && strings.HasPrefix(en.Detail, "failure on ") {
			verdict = true
		}
	}
	if !verdict {
		t.Errorf("no verdict.posted audit entry for the failing check in %+v", entries)
	}
}

// TestServeRedeliveryProcessedOnce: GitHub redelivering a delivery (same
// X-GitHub-Delivery), while it is queued and after it is done, gets it
// evaluated once.
func TestServeRedeliveryProcessedOnce(t *testing.T) {
	e := newE2E(t)
	ls := e.start()
	head, base := e.contractsPR(3)

	d := e.pullRequest("opened", 3, "alice", head, base, "alice")
	ls.deliver(d)
	if code, body := post(t, ls.url, d, e2eSecret); code != http.StatusOK || body != "duplicate" {
		t.Errorf("redelivery in flight: %d %q, want 200 duplicate", code, body)
	}
	st := ls.waitJob(d.id)
	cr := e.waitCheck(head, "action_required", completed("action_required", 2))
	if code, body := post(t, ls.url, d, e2eSecret); code != http.StatusOK || body != "duplicate" {
		t.Errorf("redelivery when done: %d %q, want 200 duplicate", code, body)
	}
	// A later delivery of the same repository runs after any job the
	// redeliveries could have queued (jobs of a repository run in order).
	barrier := e.pullRequest("edited", 3, "alice", head, base, "alice")
	ls.deliver(barrier)
	ls.waitJob(barrier.id)

	if again := ls.status(d.id); again.ID != st.ID || again.Attempts != 1 || again.State != webhooks.StateDone {
		t.Errorf("job after redeliveries %+v, want job %d done after 1 attempt", again, st.ID)
	}
	if got := e.OnlyCheck(head); len(got.Updates) != len(cr.Updates) {
		t.Errorf("check run written %d times after the redeliveries, want %d: %+v", len(got.Updates), len(cr.Updates), got.Updates)
	}
	creates := 0
	for _, u := range cr.Updates {
		if u.Method == http.MethodPost {
			creates++
		}
	}
	if creates != 1 {
		t.Errorf("check run created %d times, want 1: %+v", creates, cr.Updates)
	}
	if n := ls.metric("repoguard_evaluation_duration_seconds_count", `kind="pull_request"`); n != 1 {
		t.Errorf("%v evaluations, want 1", n)
	}
	if n := ls.metric("repoguard_webhook_deliveries_total", `event="pull_request"`, `outcome="duplicate"`); n != 2 {
		t.Errorf("%v duplicates counted, want 2", n)
	}
	if n := ls.metric("repoguard_job_duration_seconds_count", `event="pull_request"`); n != 2 {
		t.Errorf("%v pull_request jobs run, want 2 (the delivery and the barrier)", n)
	}
}

// TestServeBadSignature: a delivery signed with another secret, or not
// signed, is refused with 401 and never reaches the inbox.
func TestServeBadSignature(t *testing.T) {
	e := newE2E(t)
	ls := e.start()
	head, base := e.contractsPR(4)
	d := e.pullRequest("opened", 4, "alice", head, base, "alice")
	if code, _ := post(t, ls.url, d, "not-the-secret"); code != http.StatusUnauthorized {
		t.Errorf("wrong secret: %d, want 401", code)
	}
	req, _ := http.NewRequest(http.MethodPost, ls.url+"/webhook", strings.NewReader(string(d.body)))
	setDeliveryHeaders(req, d, e2eSecret)
	req.Header.Del(webhooks.SignatureHeader)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unsigned: %d, want 401", resp.StatusCode)
	}

	ready, running, dead, err := ls.inbox.Depth(context.Background())
	if err != nil || ready+running+dead != 0 {
		t.Errorf("inbox depth %d ready, %d running, %d dead (%v), want empty", ready, running, dead, err)
	}
	if st := ls.status(d.id); st.ID != 0 {
		t.Errorf("refused delivery in the inbox: %+v", st)
	}
	if n := ls.metric("repoguard_webhook_deliveries_total", `event="unverified"`, `outcome="bad_signature"`); n != 2 {
		t.Errorf("%v bad signatures counted, want 2", n)
	}
	for _, r := range e.GH.Requests() {
		t.Errorf("GitHub called after a refused delivery: %s %s", r.Method, r.Path)
	}
}

// TestServeGitHubServerErrors: GitHub answering 502 to the check run's
// creation, once (retried by the client) or past the client's retries
// (the job is retried by the inbox), still ends in one right check run.
func TestServeGitHubServerErrors(t *testing.T) {
	e := newE2E(t)
	ls := e.start()
	const path = "/repos/" + apptest.FullName + "/check-runs"
	for _, tc := range []struct {
		number, failures, attempts int
	}{
		{5, 1, 1}, // the client retries
		{6, 4, 2}, // the client gives up; the job is retried
	} {
		head, base := e.contractsPR(tc.number)
		e.GH.FailNext(http.MethodPost, path, http.StatusBadGateway, tc.failures, nil)
		d := e.pullRequest("opened", tc.number, "alice", head, base, "alice")
		ls.deliver(d)
		cr := e.waitCheck(head, "action_required", completed("action_required", 2))
		apptest.WantCheck(t, cr, "action_required", "contracts", "0/1")
		if st := ls.waitJob(d.id); st.Attempts != tc.attempts {
			t.Errorf("#%d: %d attempts, want %d", tc.number, st.Attempts, tc.attempts)
		}
		var statuses []int
		for _, r := range e.GH.Requests() {
			if r.Method == http.MethodPost && r.Path == path && strings.Contains(string(r.Body), head) {
				statuses = append(statuses, r.Status)
			}
		}
		want := fmt.Sprint(append(repeat(http.StatusBadGateway, tc.failures), http.StatusCreated))
		if fmt.Sprint(statuses) != want {
			t.Errorf("#%d: check run creations answered %v, want %s", tc.number, statuses, want)
		}
	}
	if n := ls.metric("repoguard_github_api_retries_total", `reason="server_error"`); n < 4 {
		t.Errorf("%v retries of server errors counted, want at least 4", n)
	}
}

func repeat(v, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// TestServeHealthAndMetrics: /healthz, /readyz and /metrics answer, and
// the metrics count deliveries.
func TestServeHealthAndMetrics(t *testing.T) {
	e := newE2E(t)
	ls := e.start()
	if code, body := ls.get("/healthz"); code != http.StatusOK || strings.TrimSpace(body) != "ok" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	if code, body := ls.get("/readyz"); code != http.StatusOK || strings.TrimSpace(body) != "ready" {
		t.Errorf("/readyz: %d %q", code, body)
	}
	head, base := e.contractsPR(7)
	d := e.pullRequest("opened", 7, "alice", head, base, "alice")
	ls.deliver(d)
	ls.waitJob(d.id)
	e.waitCheck(head, "action_required", completed("action_required", 2))

	code, body := ls.get("/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	for _, m := range []struct {
		name   string
		labels []string
	}{
		{"repoguard_webhook_deliveries_total", []string{`event="pull_request"`, `outcome="stored"`}},
		{"repoguard_job_duration_seconds_count", []string{`event="pull_request"`, `result="ok"`}},
		{"repoguard_evaluation_duration_seconds_count", []string{`kind="pull_request"`, `conclusion="action_required"`}},
		{"repoguard_github_api_calls_total", []string{`status="201"`}},
		{"repoguard_findings_total", nil},
	} {
		if n := sumMetric(t, body, m.name, m.labels...); n < 1 {
			t.Errorf("metric %s%v = %v, want at least 1", m.name, m.labels, n)
		}
	}
	for _, gauge := range []string{"repoguard_inbox_ready", "repoguard_inbox_running", "repoguard_inbox_dead"} {
		if !strings.Contains(body, "\n"+gauge+" 0\n") {
			t.Errorf("metrics lack %s 0", gauge)
		}
	}
	if !strings.Contains(body, "repoguard_github_rate_limit_remaining ") || !strings.Contains(body, "go_goroutines ") {
		t.Error("metrics lack the rate limit or the Go runtime")
	}
}

// TestServeKilledMidJobFinishedAfterRestart: a server killed (SIGKILL,
// no graceful release) while a job is in hand leaves it running in the
// inbox; a new server on the same database takes it over once its lease
// lapses and completes the check run.
func TestServeKilledMidJobFinishedAfterRestart(t *testing.T) {
	e := newE2E(t)
	head, base := e.contractsPR(8)
	arrived, release := e.GitServer.Hold(e.t)
	child := e.startChild("REPOGUARD_JOB_LEASE=1s")
	d := e.pullRequest("opened", 8, "alice", head, base, "alice")
	if code, body := post(t, child.url, d, e2eSecret); code != http.StatusAccepted {
		t.Fatalf("delivery to the child: %d %s", code, body)
	}
	// The job is in hand: the check run is in progress and the fetch
	// waits on the Git server.
	e.waitCheck(head, "in progress", func(cr githubtest.CheckRun) bool { return cr.Status == "in_progress" })
	waitFor(t, "the child's fetch", func() bool {
		select {
		case <-arrived:
			return true
		default:
			return false
		}
	})
	child.kill()
	release()

	// Killed, it gave nothing back: its job is still running in the inbox.
	db, err := sqlite.Open(context.Background(), filepath.Join(e.dataDir, "repoguard.db"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := db.Inbox(sqlite.InboxOptions{}).Status(context.Background(), d.id)
	db.Close()
	if err != nil || st.State != webhooks.StateRunning || st.Attempts != 1 {
		t.Fatalf("job of the killed server: %+v %v, want running after 1 attempt", st, err)
	}

	ls := e.start("REPOGUARD_JOB_LEASE=1s")
	cr := e.waitCheck(head, "action_required", completed("action_required", 3))
	apptest.WantCheck(t, cr, "action_required", "contracts", "0/1")
	if st = ls.waitJob(d.id); st.Attempts != 2 {
		t.Errorf("job done after %d attempts, want 2 (the killed server's and the new one's)", st.Attempts)
	}
}

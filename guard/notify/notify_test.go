package notify_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/logtest"
	"github.com/repoguard/repoguard/guard/notify"
)

// received is a request an endpoint got.
type received struct {
	header http.Header
	body   []byte
}

// endpoint is a test receiver answering with the statuses in turn (200
// once they run out).
type endpoint struct {
	*httptest.Server
	mu       sync.Mutex
	got      []received
	statuses []int
	// block, when set, holds each request until it is closed; entered
	// gets a value as each request arrives.
	block   chan struct{}
	entered chan struct{}
}

func newEndpoint(t *testing.T, statuses ...int) *endpoint {
	e := &endpoint{statuses: statuses}
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		e.mu.Lock()
		e.got = append(e.got, received{r.Header.Clone(), body})
		status := http.StatusOK
		if len(e.statuses) > 0 {
			status, e.statuses = e.statuses[0], e.statuses[1:]
		}
		block, entered := e.block, e.entered
		e.mu.Unlock()
		if entered != nil {
			entered <- struct{}{}
		}
		if block != nil {
			select {
			case <-block:
			case <-r.Context().Done():
			}
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(e.Close)
	return e
}

func (e *endpoint) requests() []received {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]received(nil), e.got...)
}

// newNotifier returns a notifier with fast retries and its log.
func newNotifier(t *testing.T, eps []notify.Endpoint, opts notify.Options) (*notify.Notifier, *logtest.Buffer) {
	t.Helper()
	logs := &logtest.Buffer{}
	opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if opts.BaseDelay == 0 {
		opts.BaseDelay = time.Millisecond
	}
	n := notify.New(eps, opts)
	t.Cleanup(func() { n.Close() })
	return n, logs
}

func anomaly(id int64, sev guard.Severity) guard.Anomaly {
	return guard.Anomaly{ID: id, Repo: "acme/vault", Detector: "key-material", Author: "mallory", Severity: sev,
		Status: guard.StatusOpen, Message: "private key added", Path: "deploy/key.pem", Line: 3, PullRequest: 7,
		URL: "https://github.com/acme/vault/pull/7", CreatedAt: time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)}
}

func TestSignedJSON(t *testing.T) {
	ep := newEndpoint(t)
	const secret = "s3cret-for-the-hook"
	n, logs := newNotifier(t, []notify.Endpoint{{URL: ep.URL + "/hook", Secret: secret}},
		notify.Options{BaseURL: "https://guard.example.com/"})
	n.Notify(context.Background(), []guard.Anomaly{anomaly(7, guard.Critical)})
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	got := ep.requests()
	if len(got) != 1 {
		t.Fatalf("%d requests, want 1", len(got))
	}
	r := got[0]
	sig := r.header.Get(notify.SignatureHeader)
	if !strings.HasPrefix(sig, "sha256=") || !hmac.Equal([]byte(sig), []byte(notify.Sign(secret, r.body))) {
		t.Errorf("signature %q does not verify", sig)
	}
	if notify.Sign("other", r.body) == sig {
		t.Error("the signature does not depend on the secret")
	}
	if r.header.Get(notify.EventHeader) != notify.EventAnomalyCreated || r.header.Get(notify.DeliveryHeader) == "" ||
		r.header.Get("Content-Type") != "application/json" {
		t.Errorf("headers %v", r.header)
	}
	var p notify.Payload
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatal(err)
	}
	if p.Event != notify.EventAnomalyCreated || p.Repo != "acme/vault" || p.Anomaly.ID != 7 ||
		p.Anomaly.Severity != guard.Critical || p.Anomaly.Message != "private key added" ||
		p.Links.Anomaly != "https://guard.example.com/anomalies/7" || p.Links.Source != "https://github.com/acme/vault/pull/7" {
		t.Errorf("payload %+v", p)
	}
	if s := n.Stats(); s.Delivered != 1 || s.Failed != 0 || s.Dropped != 0 {
		t.Errorf("stats %+v", s)
	}
	if strings.Contains(logs.String(), secret) || strings.Contains(logs.String(), "/hook") {
		t.Errorf("log shows the secret or the URL path:\n%s", logs)
	}
}

func TestRetry(t *testing.T) {
	ep := newEndpoint(t, http.StatusInternalServerError, http.StatusTooManyRequests)
	n, logs := newNotifier(t, []notify.Endpoint{{URL: ep.URL, Secret: "x"}}, notify.Options{})
	n.Notify(context.Background(), []guard.Anomaly{anomaly(1, guard.High)})
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	got := ep.requests()
	if len(got) != 3 {
		t.Fatalf("%d attempts, want 3 (500, 429, 200)", len(got))
	}
	for _, r := range got[1:] {
		if !bytes.Equal(r.body, got[0].body) || r.header.Get(notify.DeliveryHeader) != got[0].header.Get(notify.DeliveryHeader) {
			t.Error("a retry differs from the first attempt")
		}
	}
	if s := n.Stats(); s.Delivered != 1 || s.Failed != 0 {
		t.Errorf("stats %+v", s)
	}
	if !strings.Contains(logs.String(), "retrying") {
		t.Errorf("no retry logged:\n%s", logs)
	}
}

func TestGiveUp(t *testing.T) {
	failing := newEndpoint(t, 500, 500, 500, 500)
	rejecting := newEndpoint(t, http.StatusBadRequest)
	n, logs := newNotifier(t, []notify.Endpoint{{URL: failing.URL}, {URL: rejecting.URL}}, notify.Options{MaxAttempts: 3})
	n.Notify(context.Background(), []guard.Anomaly{anomaly(1, guard.High)})
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if a, b := len(failing.requests()), len(rejecting.requests()); a != 3 || b != 1 {
		t.Errorf("attempts: %d on 500s (want 3), %d on a 400 (want 1)", a, b)
	}
	if s := n.Stats(); s.Failed != 2 || s.Delivered != 0 {
		t.Errorf("stats %+v", s)
	}
	if !strings.Contains(logs.String(), "delivery failed") {
		t.Errorf("no failure logged:\n%s", logs)
	}
}

func TestMinSeverity(t *testing.T) {
	all, severe := newEndpoint(t), newEndpoint(t)
	n, _ := newNotifier(t, []notify.Endpoint{{URL: all.URL}, {URL: severe.URL, MinSeverity: guard.High}}, notify.Options{})
	suppressed := anomaly(4, guard.Critical)
	suppressed.Suppressed = true
	n.Notify(context.Background(), []guard.Anomaly{anomaly(1, guard.Low), anomaly(2, guard.High), anomaly(3, guard.Critical), suppressed})
	n.Close()
	ids := func(e *endpoint) (out []int64) {
		for _, r := range e.requests() {
			var p notify.Payload
			if err := json.Unmarshal(r.body, &p); err != nil {
				t.Fatal(err)
			}
			out = append(out, p.Anomaly.ID)
		}
		return out
	}
	if got := ids(all); len(got) != 3 {
		t.Errorf("endpoint without minimum got %v, want [1 2 3]", got)
	}
	if got := ids(severe); len(got) != 2 || got[0] != 2 || got[1] != 3 {
		t.Errorf("endpoint with minimum high got %v, want [2 3]", got)
	}
}

func TestQueueFullDrops(t *testing.T) {
	ep := newEndpoint(t)
	ep.block, ep.entered = make(chan struct{}), make(chan struct{}, 10)
	n, logs := newNotifier(t, []notify.Endpoint{{URL: ep.URL}}, notify.Options{QueueSize: 1})
	ctx := context.Background()
	n.Notify(ctx, []guard.Anomaly{anomaly(1, guard.High)})
	<-ep.entered // the worker is busy with 1
	done := make(chan struct{})
	go func() {
		n.Notify(ctx, []guard.Anomaly{anomaly(2, guard.High), anomaly(3, guard.High), anomaly(4, guard.High)})
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Notify blocked on a full queue")
	}
	if s := n.Stats(); s.Dropped != 2 {
		t.Errorf("dropped %d, want 2", s.Dropped)
	}
	if c := strings.Count(logs.String(), "notification dropped"); c != 2 || !strings.Contains(logs.String(), "queue full") {
		t.Errorf("%d drops logged:\n%s", c, logs)
	}
	close(ep.block)
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if got := len(ep.requests()); got != 2 {
		t.Errorf("%d delivered, want 2", got)
	}
	n.Notify(ctx, []guard.Anomaly{anomaly(5, guard.High)}) // after Close: dropped, no panic
	if s := n.Stats(); s.Dropped != 3 || s.Delivered != 2 {
		t.Errorf("stats %+v", s)
	}
}

func TestCloseDeadline(t *testing.T) {
	ep := newEndpoint(t)
	ep.block, ep.entered = make(chan struct{}), make(chan struct{}, 10)
	defer close(ep.block)
	n, _ := newNotifier(t, []notify.Endpoint{{URL: ep.URL}}, notify.Options{FlushTimeout: 50 * time.Millisecond, Timeout: time.Minute})
	n.Notify(context.Background(), []guard.Anomaly{anomaly(1, guard.High), anomaly(2, guard.High)})
	<-ep.entered
	start := time.Now()
	err := n.Close()
	if err == nil || !strings.Contains(err.Error(), "2 notifications abandoned") {
		t.Errorf("Close: %v, want 2 abandoned", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("Close took %s", el)
	}
}

func TestNoURLOrSecretInLogs(t *testing.T) {
	ep := newEndpoint(t)
	dead := ep.URL + "/services/T000/B000/XYZZYsecretpath"
	ep.Close() // connection refused from now on
	n, logs := newNotifier(t, []notify.Endpoint{{URL: dead, Secret: "hunter2", Format: notify.FormatSlack},
		{URL: "ftp://example.com/x/XYZZYsecretpath"}}, notify.Options{MaxAttempts: 2})
	n.Notify(context.Background(), []guard.Anomaly{anomaly(1, guard.High)})
	n.Close()
	l := logs.String()
	if strings.Contains(l, "XYZZY") || strings.Contains(l, "hunter2") {
		t.Errorf("log shows a secret:\n%s", l)
	}
	if !strings.Contains(l, "delivery failed") || !strings.Contains(l, "endpoint left out") {
		t.Errorf("log lacks the failure or the invalid endpoint:\n%s", l)
	}
}

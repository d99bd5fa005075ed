package webhooks_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/repoguard/repoguard/webhooks"
)

var testSecret = []byte("It's a Secret to Everybody")

// quietLogger discards logs unless -v is given.
func quietLogger(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// recorder is an Enqueuer that keeps what it is given, or fails.
type recorder struct {
	mu   sync.Mutex
	got  []webhooks.Delivery
	fail error
}

func (r *recorder) Enqueue(ctx context.Context, d webhooks.Delivery) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return false, r.fail
	}
	r.got = append(r.got, d)
	return false, nil
}

// countingObserver counts Delivery outcomes by "event/outcome".
type countingObserver struct {
	mu   sync.Mutex
	seen map[string]int
	jobs []error
}

func (o *countingObserver) Delivery(event, outcome string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.seen == nil {
		o.seen = map[string]int{}
	}
	o.seen[event+"/"+outcome]++
}

func (o *countingObserver) JobDone(kind string, d time.Duration, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.jobs = append(o.jobs, err)
}

func (o *countingObserver) count(key string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.seen[key]
}

func newHandler(t testing.TB, cfg webhooks.HandlerConfig) *webhooks.Handler {
	t.Helper()
	if cfg.Secrets == nil {
		cfg.Secrets = [][]byte{testSecret}
	}
	if cfg.Logger == nil {
		cfg.Logger = quietLogger(t)
	}
	if cfg.Events == nil {
		cfg.Events = fixtureEvents()
	}
	h, err := webhooks.NewHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// delivery builds a request signed like GitHub does.
func delivery(event, id string, body []byte, secret []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/webhooks/github", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-GitHub-Event", event)
	r.Header.Set("X-GitHub-Delivery", id)
	if secret != nil {
		r.Header.Set(webhooks.SignatureHeader, webhooks.Sign(secret, body))
	}
	return r
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// repeatReader yields an endless stream of one byte without allocating.
type repeatReader byte

func (b repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

var _ io.Reader = repeatReader('a')

var errStore = errors.New("disk full")

const pushBody = `{"ref":"refs/heads/main","installation":{"id":42},` +
	`"repository":{"id":1296269,"full_name":"octo/hello","name":"hello"},"sender":{"login":"mallory"}}`

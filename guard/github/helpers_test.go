package github

import (
	"log/slog"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard/github/githubtest"
	"github.com/repoguard/repoguard/guard/logtest"
)

// fastRetry keeps tests quick: tiny backoff, short secondary wait.
var fastRetry = RetryConfig{
	MaxAttempts:   4,
	BaseDelay:     time.Millisecond,
	MaxWait:       5 * time.Second,
	SecondaryWait: 100 * time.Millisecond,
}

const testInstallation = 77

// newTestApp returns an App pointed at the fake, with rc (fastRetry when
// zero) and m (none when nil).
func newTestApp(t testing.TB, s *githubtest.Server, rc RetryConfig, m Metrics) *App {
	t.Helper()
	if rc == (RetryConfig{}) {
		rc = fastRetry
	}
	app, err := NewApp(AppConfig{
		AppID:         s.AppID,
		PrivateKeyPEM: s.AppKeyPEM(),
		BaseURL:       s.BaseURL(),
		Retry:         rc,
		Logger:        slog.New(slog.NewTextHandler(logtest.Writer{T: t}, nil)),
		Metrics:       m,
	})
	if err != nil {
		t.Fatalf("NewApp: %v", err)
	}
	return app
}

func newTestClient(t testing.TB, s *githubtest.Server) *Client {
	t.Helper()
	return newTestApp(t, s, RetryConfig{}, nil).Installation(testInstallation)
}

// count returns how many requests the fake received for method and path.
func count(s *githubtest.Server, method, path string) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

// recorder is a Metrics that keeps what it is told.
type recorder struct {
	mu        sync.Mutex
	calls     []string
	remaining []int
	retries   []string
}

func (r *recorder) APICall(ep string, status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, ep+" "+strconv.Itoa(status))
}

func (r *recorder) RateLimitRemaining(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.remaining = append(r.remaining, n)
}

func (r *recorder) Retry(ep, reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.retries = append(r.retries, ep+" "+reason)
}

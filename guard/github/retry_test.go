package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard/github/githubtest"
)

const membersPath = "/orgs/acme/teams/security/memberships/alice"

// setupMember gives the fake one active team member to ask about.
func setupMember(s *githubtest.Server) { s.SetTeamMember("acme", "security", "alice", "active") }

func isMember(c *Client) (bool, error) {
	return c.IsTeamMember(context.Background(), "acme", "security", "alice")
}

func TestRetryServerErrors(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		n        int
		wantOK   bool
		attempts int
	}{
		{"502 then 200", 502, 1, true, 2},
		{"503 503 504 then 200", 503, 3, true, 4},
		{"500 retried once", 500, 1, true, 2},
		{"500 twice fails", 500, 2, false, 2},
		{"502 beyond max attempts", 502, 4, false, 4},
		{"404 not retried", 404, 1, true, 1}, // 404 means "not a member"
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := githubtest.NewServer(t)
			setupMember(s)
			c := newTestClient(t, s)
			s.FailNext("GET", membersPath, tc.status, tc.n, nil)
			ok, err := isMember(c)
			if tc.wantOK != (err == nil) {
				t.Fatalf("IsTeamMember = %v, %v", ok, err)
			}
			if err != nil && !strings.Contains(err.Error(), fmt.Sprint(tc.status)) {
				t.Errorf("error %q does not name the status", err)
			}
			if n := count(s, "GET", membersPath); n != tc.attempts {
				t.Errorf("%d attempts, want %d", n, tc.attempts)
			}
		})
	}
}

func TestTokenRequestRetried(t *testing.T) {
	s := githubtest.NewServer(t)
	app := newTestApp(t, s, RetryConfig{}, nil)
	s.FailNext("POST", "/app/installations/", 502, 1, nil)
	if _, err := app.Token(context.Background(), 5); err != nil {
		t.Fatalf("Token after a 502: %v", err)
	}
	if n := count(s, "POST", "/app/installations/5/access_tokens"); n != 2 {
		t.Errorf("%d token requests, want 2", n)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	t.Parallel()
	s := githubtest.NewServer(t)
	setupMember(s)
	m := &recorder{}
	c := newTestApp(t, s, RetryConfig{}, m).Installation(testInstallation)
	s.FailNext("GET", membersPath, 429, 1, githubtest.RetryAfter(1))
	start := time.Now()
	if ok, err := isMember(c); err != nil || !ok {
		t.Fatalf("IsTeamMember after 429 = %v, %v", ok, err)
	}
	if el := time.Since(start); el < 900*time.Millisecond {
		t.Errorf("retried after %v, Retry-After asked for 1s", el)
	}
	if fmt.Sprint(m.retries) != "[GET /orgs/:org/teams/:team/memberships/:user secondary_rate_limit]" {
		t.Errorf("retries = %q", m.retries)
	}
}

func TestSecondaryRateLimitMessage(t *testing.T) {
	s := githubtest.NewServer(t)
	setupMember(s)
	c := newTestClient(t, s) // SecondaryWait 100ms
	s.FailNext("GET", membersPath, 403, 1, nil)
	start := time.Now()
	if _, err := isMember(c); err != nil {
		t.Fatalf("IsTeamMember after a secondary rate limit: %v", err)
	}
	if el := time.Since(start); el < 100*time.Millisecond {
		t.Errorf("retried after %v, want at least SecondaryWait", el)
	}
}

func TestForbiddenNotRetried(t *testing.T) {
	s := githubtest.NewServer(t)
	c := newTestClient(t, s)
	s.Inject(githubtest.Fault{Method: "GET", PathPrefix: membersPath, Status: 403,
		Body: `{"message":"Resource not accessible by integration"}`})
	_, err := isMember(c)
	if err == nil || !strings.Contains(err.Error(), "Resource not accessible") {
		t.Fatalf("err = %v", err)
	}
	if n := count(s, "GET", membersPath); n != 1 {
		t.Errorf("%d attempts, want 1", n)
	}
}

func TestPrimaryRateLimitWaited(t *testing.T) {
	t.Parallel()
	s := githubtest.NewServer(t)
	setupMember(s)
	c := newTestClient(t, s)
	s.FailNext("GET", membersPath, 403, 1, githubtest.PrimaryRateLimit(time.Second))
	start := time.Now()
	if ok, err := isMember(c); err != nil || !ok {
		t.Fatalf("IsTeamMember after a primary rate limit = %v, %v", ok, err)
	}
	if el := time.Since(start); el < time.Second {
		t.Errorf("retried after %v, before the reset", el)
	}
}

func TestRateLimitBeyondMaxWait(t *testing.T) {
	tests := map[string]struct {
		status    int
		header    http.Header
		secondary bool
	}{
		"primary":    {403, githubtest.PrimaryRateLimit(10 * time.Minute), false},
		"primary429": {429, githubtest.PrimaryRateLimit(10 * time.Minute), false},
		"secondary":  {403, githubtest.RetryAfter(120), true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := githubtest.NewServer(t)
			setupMember(s)
			c := newTestClient(t, s) // MaxWait 5s
			s.FailNext("GET", membersPath, tc.status, 1, tc.header)
			start := time.Now()
			_, err := isMember(c)
			var rl *RateLimitError
			if !errors.As(err, &rl) || rl.Secondary != tc.secondary {
				t.Fatalf("err = %v, want a *RateLimitError (secondary %v)", err, tc.secondary)
			}
			if el := time.Since(start); el > time.Second {
				t.Errorf("failed after %v, want at once", el)
			}
			if msg := err.Error(); !strings.Contains(msg, "rate limit exceeded until") || !strings.Contains(msg, "beyond the 5s retry limit") {
				t.Errorf("unclear error: %q", msg)
			}
			// Further requests fail fast without reaching GitHub.
			before := count(s, "GET", membersPath)
			if _, err := isMember(c); !errors.As(err, &rl) {
				t.Errorf("second call: %v", err)
			}
			if after := count(s, "GET", membersPath); after != before {
				t.Errorf("second call reached the server while rate limited")
			}
		})
	}
}

func TestExhaustedRemainingBlocksClientSide(t *testing.T) {
	s := githubtest.NewServer(t)
	setupMember(s)
	c := newTestClient(t, s)
	if _, err := c.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.SetRateLimitRemaining(1) // the next response says 0 left, reset in an hour
	if _, err := isMember(c); err != nil {
		t.Fatalf("last request within the limit: %v", err)
	}
	_, err := isMember(c)
	var rl *RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("err = %v, want *RateLimitError", err)
	}
	if n := count(s, "GET", membersPath); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestContextCancelStopsWaiting(t *testing.T) {
	t.Parallel()
	s := githubtest.NewServer(t)
	setupMember(s)
	c := newTestApp(t, s, RetryConfig{MaxWait: time.Minute, BaseDelay: time.Millisecond}, nil).Installation(testInstallation)
	if _, err := c.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.FailNext("GET", membersPath, 429, 1, githubtest.RetryAfter(30))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.IsTeamMember(ctx, "acme", "security", "alice")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("returned after %v", el)
	}
}

func TestMetricsObserved(t *testing.T) {
	s := githubtest.NewServer(t)
	setupMember(s)
	m := &recorder{}
	c := newTestApp(t, s, RetryConfig{}, m).Installation(testInstallation)
	if _, err := isMember(c); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprint([]string{
		"POST /app/installations/:id/access_tokens 201",
		"GET /orgs/:org/teams/:team/memberships/:user 200",
	})
	if got := fmt.Sprint(m.calls); got != want {
		t.Errorf("calls = %s, want %s", got, want)
	}
	if fmt.Sprint(m.remaining) != "[4999]" {
		t.Errorf("remaining = %v", m.remaining)
	}
}

func TestEndpointLabel(t *testing.T) {
	tests := []struct{ method, path, base, want string }{
		{"POST", "/app/installations/77/access_tokens", "/", "POST /app/installations/:id/access_tokens"},
		{"PATCH", "/api/v3/repos/acme/vault/check-runs/123", "/api/v3/", "PATCH /repos/:owner/:repo/check-runs/:id"},
		{"GET", "/repos/acme/vault/commits/abc123/check-runs", "/", "GET /repos/:owner/:repo/commits/:ref/check-runs"},
		{"GET", "/repos/acme/vault/pulls/5/reviews", "/", "GET /repos/:owner/:repo/pulls/:id/reviews"},
		{"GET", "/repos/acme/.github/contents/.github/repoguard.yml", "/", "GET /repos/:owner/:repo/contents/:path"},
		{"GET", "/orgs/acme/teams/sec/memberships/bob", "/", "GET /orgs/:org/teams/:team/memberships/:user"},
	}
	for _, tc := range tests {
		if got := endpointLabel(tc.method, tc.path, tc.base); got != tc.want {
			t.Errorf("endpointLabel(%s %s) = %q, want %q", tc.method, tc.path, got, tc.want)
		}
	}
}

func TestSafeToRepeat(t *testing.T) {
	for _, tc := range []struct {
		method, path string
		want         bool
	}{
		{"GET", "/repos/a/b/pulls/1", true},
		{"PUT", "/repos/a/b/x", true},
		{"POST", "/repos/a/b/check-runs", true},
		{"PATCH", "/repos/a/b/check-runs/9", true},
		{"POST", "/app/installations/1/access_tokens", true},
		{"POST", "/repos/a/b/issues/1/comments", false},
		{"PATCH", "/repos/a/b/pulls/1", false},
	} {
		req, _ := http.NewRequest(tc.method, "https://api.github.com"+tc.path, nil)
		if got := safeToRepeat(req); got != tc.want {
			t.Errorf("safeToRepeat(%s %s) = %v", tc.method, tc.path, got)
		}
	}
}

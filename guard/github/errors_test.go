package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	gh "github.com/google/go-github/v62/github"

	"github.com/repoguard/repoguard/guard/github/githubtest"
)

// answered is the error go-github returns for a response of status s,
// wrapped as this package's calls wrap it.
func answered(s int) error {
	return fmt.Errorf("get pull request acme/vault#9: %w", &gh.ErrorResponse{Response: &http.Response{StatusCode: s}})
}

func TestPermanent(t *testing.T) {
	for _, tc := range []struct {
		name          string
		err           error
		permanent, nf bool
	}{
		{"nil", nil, false, false},
		{"bad request", answered(http.StatusBadRequest), true, false},
		{"forbidden", answered(http.StatusForbidden), true, false},
		{"not found", answered(http.StatusNotFound), true, true},
		{"unprocessable", answered(http.StatusUnprocessableEntity), true, false},
		{"request timeout", answered(http.StatusRequestTimeout), false, false},
		{"conflict", answered(http.StatusConflict), false, false},
		{"too many requests", answered(http.StatusTooManyRequests), false, false},
		{"server error", answered(http.StatusBadGateway), false, false},
		{"no response", &gh.ErrorResponse{}, false, false},
		{"rate limit", &RateLimitError{Until: time.Now().Add(time.Hour)}, false, false},
		{"network", errors.New("dial tcp: connection refused"), false, false},
	} {
		if got := Permanent(tc.err); got != tc.permanent {
			t.Errorf("%s: Permanent = %v, want %v", tc.name, got, tc.permanent)
		}
		if got := IsNotFound(tc.err); got != tc.nf {
			t.Errorf("%s: IsNotFound = %v, want %v", tc.name, got, tc.nf)
		}
	}
}

// TestPermanentFromTheAPI: a request GitHub refuses is permanent.
func TestPermanentFromTheAPI(t *testing.T) {
	s := githubtest.NewServer(t)
	_, err := newTestClient(t, s).PullRequest(context.Background(), "acme", "vault", 9)
	if err == nil || !Permanent(err) {
		t.Errorf("missing pull request: Permanent(%v) = false", err)
	}
}

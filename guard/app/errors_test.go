package app

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	gh "github.com/google/go-github/v62/github"

	"github.com/repoguard/repoguard/guard/gitrepo"
	"github.com/repoguard/repoguard/webhooks"
)

// TestTransient: an error is made permanent when the adapter that
// returned it says retrying cannot help, and left as it is otherwise.
func TestTransient(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	_, missing := gitrepo.Fetch(t.Context(), filepath.Join(t.TempDir(), "x.git"), srv.URL+"/acme/gone.git", []string{"HEAD"}, nil)
	if missing == nil {
		t.Fatal("fetch of a missing repository succeeded")
	}
	api := func(s int) error { return &gh.ErrorResponse{Response: &http.Response{StatusCode: s}} }
	for _, tc := range []struct {
		name      string
		err       error
		permanent bool
	}{
		{"github refuses", fmt.Errorf("find check run: %w", api(http.StatusUnprocessableEntity)), true},
		{"github rate limit", api(http.StatusTooManyRequests), false},
		{"github server error", api(http.StatusServiceUnavailable), false},
		{"repository not found", fmt.Errorf("repository cache: %w", missing), true},
		{"already permanent", webhooks.Permanent(errors.New("bad payload")), true},
		{"network", errors.New("connection reset"), false},
	} {
		got := transient(tc.err)
		if permanent(got) != tc.permanent || !errors.Is(got, tc.err) {
			t.Errorf("%s: transient(%v) = %v, want permanent %v", tc.name, tc.err, got, tc.permanent)
		}
	}
	if transient(nil) != nil {
		t.Error("transient(nil) is not nil")
	}
}

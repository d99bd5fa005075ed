package web_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/repoguard/repoguard/guard"
)

// Reopening a released anomaly decides its pull request's check again,
// as releasing it did: otherwise the check a release turned green would
// stay green while the anomaly is open again.
func TestReopenDecidesTheCheckAgain(t *testing.T) {
	e := newEnv(t)
	e.seed() // 1 critical
	u := e.signIn(guard.RoleTriage)
	post := func(target string, kv ...string) {
		t.Helper()
		if got := e.do(req{method: "POST", target: target, user: &u, form: u.form(kv...)}).Code; got != http.StatusSeeOther {
			t.Fatalf("POST %s: %d", target, got)
		}
	}
	post("/anomalies/1/resolve")
	if !slices.Equal(e.resolved, []int64{1}) {
		t.Fatalf("after resolve: OnResolve for %v, want [1]", e.resolved)
	}
	post("/anomalies/1/reopen")
	if !slices.Equal(e.resolved, []int64{1, 1}) {
		t.Errorf("after reopen: OnResolve for %v, want [1 1] (the check decided again)", e.resolved)
	}
	post("/anomalies/1/comment", "body", "looking again")
	if len(e.resolved) != 2 {
		t.Errorf("a comment decided the check again: %v", e.resolved)
	}
}

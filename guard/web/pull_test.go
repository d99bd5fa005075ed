package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/web"
)

// pulls is a fake PullRequests.
type pulls map[string]*web.PRView

func (p pulls) PullRequestView(_ context.Context, repo string, n int) (*web.PRView, error) {
	if v, ok := p[fmt.Sprintf("%s#%d", repo, n)]; ok {
		return v, nil
	}
	return nil, fmt.Errorf("pull %s#%d: %w", repo, n, guard.ErrNotFound)
}

func TestPullPage(t *testing.T) {
	pr := &web.PRView{Repo: "acme/wallet", Number: 7, Title: "Bump deps", Author: "mallory", HeadSHA: "feedbeef",
		Verdict: guard.Verdict{Conclusion: guard.ConclusionActionRequired, Title: "Second review required: contracts 0/2",
			Requirements: []guard.Requirement{{Category: "contracts", Approvals: 2, Teams: []string{"acme/sec"}, Approvers: []string{"bob"}}},
			Rejected:     []guard.Rejected{{Login: "eve", Reason: "pushed the latest commits"}}},
		Findings: []guard.Finding{{Detector: "key-material", Severity: guard.Critical, Path: "k.pem", Line: 1, Message: "PEM key"}}}
	e := newEnv(t, func(c *web.Config) { c.PullRequests = pulls{"acme/wallet#7": pr} })
	e.store.AddAnomaly(guard.Anomaly{Repo: "acme/wallet", PullRequest: 7, Detector: "key-material", Severity: guard.Critical, Message: "PEM key in PR"})
	u := e.signIn(guard.RoleRead)
	rec := e.do(req{target: "/pulls/acme/wallet/7", user: &u})
	wantStatus(t, rec, http.StatusOK)
	body := rec.Body.String()
	for _, want := range []string{"Bump deps", "contracts", "acme/sec", "1 more needed", "eve", "pushed the latest commits",
		"k.pem:1", "PEM key in PR", "https://github.com/acme/wallet/pull/7"} {
		if !strings.Contains(body, want) {
			t.Errorf("pull page lacks %q", want)
		}
	}
	wantStatus(t, e.do(req{target: "/pulls/acme/wallet/8", user: &u}), http.StatusNotFound)
	wantStatus(t, e.do(req{target: "/api/v1/pulls/acme/wallet/7", user: &u}), http.StatusOK)
	wantStatus(t, e.do(req{target: "/api/v1/pulls/acme/wallet/x", user: &u}), http.StatusNotFound)
	e2 := newEnv(t)
	u2 := e2.signIn(guard.RoleRead)
	wantStatus(t, e2.do(req{target: "/pulls/acme/wallet/7", user: &u2}), http.StatusNotFound)
}

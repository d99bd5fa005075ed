package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/app/apptest"
	"github.com/repoguard/repoguard/guard/github/githubtest"
	"github.com/repoguard/repoguard/guard/keytest"
	"github.com/repoguard/repoguard/guard/sqlite"
)

// The end-to-end tests of issue 8's triage items replay, through
// `repoguard serve`, attacks of an insider who may triage: releasing
// their own findings and sending a colleague's sign-in elsewhere (and,
// in serve_audit_test.go, cutting the audit log's tail).

// noRedirect is a client that reports redirects instead of following
// them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// TestServeSignInOpenRedirect: a sign-in link whose next http.Redirect
// would clean to /\evil.example/phish (another origin to a browser)
// signs in and stays on the server.
func TestServeSignInOpenRedirect(t *testing.T) {
	e := newE2E(t)
	ls := e.start()
	if ls.local == nil {
		t.Fatal("no local sign-in: the e2e server has no GitHub OAuth credentials")
	}
	resp, err := noRedirect.Get(ls.url + "/login/local?token=" + ls.local.Token() + "&next=/./%5Cevil.example/phish")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Errorf("sign-in answered %d Location %q, want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
	if len(resp.Cookies()) == 0 {
		t.Error("the sign-in set no session cookie")
	}
}

// triagers creates an API token with the triage role for each login,
// as that login made it, and returns the secrets by login.
func triagers(t *testing.T, ls *liveServer, logins ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, l := range logins {
		secret, _, err := ls.db.CreateToken(context.Background(), l+"-cli", guard.RoleTriage, l)
		if err != nil {
			t.Fatal(err)
		}
		out[l] = secret
	}
	return out
}

// api calls the server's JSON API with a token and returns the status
// and body.
func (ls *liveServer) api(token, method, path, body string) (int, string) {
	ls.t.Helper()
	req, err := http.NewRequest(method, ls.url+"/api/v1/"+path, strings.NewReader(body))
	if err != nil {
		ls.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		ls.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// wantAPI calls the API and fails the test unless it answers status.
func (ls *liveServer) wantAPI(what string, status int, token, method, path, body string) string {
	ls.t.Helper()
	code, got := ls.api(token, method, path, body)
	if code != status {
		ls.t.Fatalf("%s: %s %s answered %d %s, want %d", what, method, path, code, got, status)
	}
	return got
}

// anomalyAt returns the only anomaly of a detector at path.
func (ls *liveServer) anomalyAt(detector, path string) guard.Anomaly {
	ls.t.Helper()
	as, _, err := ls.db.Anomalies(context.Background(), guard.AnomalyFilter{Detector: detector, IncludeSuppressed: true})
	if err != nil {
		ls.t.Fatal(err)
	}
	var out []guard.Anomaly
	for _, a := range as {
		if a.Path == path {
			out = append(out, a)
		}
	}
	if len(out) != 1 {
		ls.t.Fatalf("%d %s anomalies at %s, want 1: %+v", len(out), detector, path, as)
	}
	return out[0]
}

// pushNewBranch pushes a new branch to the Git server and delivers the push
// event of its new head, by pusher.
func (e *e2e) pushNewBranch(ls *liveServer, branch, pusher string) {
	e.t.Helper()
	e.Git("push", "-q", "origin", branch)
	head := e.Git("rev-parse", branch)
	author := e.Git("log", "-1", "--format=%ae", branch)
	d := e.deliveryOf("push", map[string]any{
		"ref": "refs/heads/" + branch, "before": strings.Repeat("0", 40), "after": head, "created": true,
		"repository": repoJSON(), "pusher": map[string]any{"name": pusher}, "sender": userJSON(pusher),
		"installation": map[string]any{"id": apptest.Installation},
		"commits":      []any{map[string]any{"id": head, "author": map[string]any{"email": author}}},
	})
	ls.deliver(d)
	ls.waitJob(d.id)
}

// TestServeTriagerCannotDismissOwnEmail: an anomaly keyed by an address
// GitHub later tied to @mallory is hers: she may not dismiss it, through
// any token of hers; another triager may.
func TestServeTriagerCannotDismissOwnEmail(t *testing.T) {
	e := newE2E(t)
	ls := e.start()
	tok := triagers(t, ls, "mallory", "bob")
	e.branch("side-key", "mallory.alt", map[string]string{"deploy/keys/side.pem": keytest.ECPEM(t)})
	e.pushNewBranch(ls, "side-key", "mallory")
	a := ls.anomalyAt("key-material", "deploy/keys/side.pem")
	if a.Author != "mallory.alt@acme.test" {
		t.Fatalf("anomaly author %q, want the email key", a.Author)
	}
	l := sqlite.NewLearner(ls.db) // GitHub attributes the address to @mallory
	if err := l.LinkLogin(context.Background(), "mallory", "mallory.alt@acme.test"); err != nil || l.Commit(context.Background()) != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("anomalies/%d/dismiss", a.ID)
	body := ls.wantAPI("mallory dismisses", http.StatusForbidden, tok["mallory"], "POST", path, `{"reason":"test key"}`)
	if !strings.Contains(body, "took part in the change") {
		t.Errorf("refusal %s does not say why", body)
	}
	ls.wantAPI("bob dismisses", http.StatusOK, tok["bob"], "POST", path, `{"reason":"test key"}`)
}

// TestServeBlockingReleaseNeedsSecondTriager: a triager who committed
// to a pull request may not resolve its blocking finding; another's
// resolution is only asked for, and the check keeps failing, until a
// third person confirms it (the first's second token does not count).
// Then the check no longer fails.
func TestServeBlockingReleaseNeedsSecondTriager(t *testing.T) {
	e := newE2E(t)
	ls := e.start()
	tok := triagers(t, ls, "mallory", "bob", "carol")
	bob2, _, err := ls.db.CreateToken(context.Background(), "bob-laptop", guard.RoleTriage, "bob")
	if err != nil {
		t.Fatal(err)
	}
	e.branch("feature-22", "alice", map[string]string{"README.md": "# widgets, now with keys\n"})
	e.Commit("mallory", "Add deploy key", map[string]string{"deploy/keys/deploy.pem": keytest.ECPEM(t)})
	head, base := e.OpenPR(22, "alice", "feature-22")
	ls.deliver(e.pullRequest("opened", 22, "alice", head, base, "alice"))
	cr := e.waitCheck(head, "failure", completed("failure", 2))
	a := ls.anomalyAt("key-material", "deploy/keys/deploy.pem")
	resolve := fmt.Sprintf("anomalies/%d/resolve", a.ID)

	// mallory, a contributor, may not release it, not even through the CLI.
	_, errOut := mustRun(t, exitError, "queue", "resolve", fmt.Sprint(a.ID), "--server", ls.url, "--token", tok["mallory"])
	wantContains(t, "mallory resolves", errOut, "they took part in the change")
	var asked guard.Anomaly
	body := ls.wantAPI("bob asks", http.StatusAccepted, tok["bob"], "POST", resolve, `{"reason":"rotated"}`)
	if err := json.Unmarshal([]byte(body), &asked); err != nil || asked.Status != guard.StatusOpen || asked.Release == nil ||
		asked.Release.Kind != "resolve" || asked.Release.By != "token:bob-cli" {
		t.Errorf("bob's answer lacks the pending release: %s", body)
	}
	ls.wantAPI("bob confirms through another token", http.StatusForbidden, bob2, "POST", resolve, `{}`)
	ls.wantAPI("a barrier read", http.StatusOK, tok["carol"], "GET", fmt.Sprintf("anomalies/%d", a.ID), "")
	if got := e.OnlyCheck(head); got.Conclusion != "failure" || len(got.Updates) != len(cr.Updates) {
		t.Fatalf("check run after one triager: %s, %d writes (was %d)", got.Conclusion, len(got.Updates), len(cr.Updates))
	}
	out, _ := mustRun(t, exitOK, "queue", "resolve", fmt.Sprint(a.ID), "--server", ls.url, "--token", tok["carol"])
	wantContains(t, "carol confirms", out, fmt.Sprintf("anomaly %d: resolved", a.ID))
	// Released, the finding no longer fails the check; the change still
	// needs its reviews.
	e.waitCheck(head, "action_required", completed("action_required", len(cr.Updates)+1))
	hist, err := ls.db.History(context.Background(), a.ID)
	if err != nil || hist[len(hist)-1].Actor != "token:carol-cli" || !strings.Contains(hist[len(hist)-1].Detail, "asked by token:bob-cli") {
		t.Errorf("history %+v %v: want carol's confirmation of bob's request last", hist, err)
	}
	// Reopened, the finding fails the check again: the release that
	// turned it to action_required no longer holds.
	ls.wantAPI("bob reopens", http.StatusOK, tok["bob"], "POST", fmt.Sprintf("anomalies/%d/reopen", a.ID), `{}`)
	e.waitCheck(head, "failure", completed("failure", len(cr.Updates)+2))
}

// TestServeSuppressionCannotReleaseOwnPR: a triager may not suppress
// the blocking finding of their own pull request (to release it when she
// rewrites the branch with the key elsewhere under the glob), and a
// colleague's suppression does not release it either: it would need a
// second triager's approval, and never applies to a change its creator
// or approver took part in.
func TestServeSuppressionCannotReleaseOwnPR(t *testing.T) {
	e := newE2E(t)
	ls := e.start()
	tok := triagers(t, ls, "mallory", "bob")
	e.branch("feature-23", "mallory", map[string]string{"deploy/keys/a.pem": keytest.ECPEM(t)})
	head, base := e.OpenPR(23, "mallory", "feature-23")
	ls.deliver(e.pullRequest("opened", 23, "mallory", head, base, "mallory"))
	e.waitCheck(head, "failure", completed("failure", 2))

	glob := `{"detector":"key-material","path_glob":"deploy/keys/**","reason":"test fixtures","expires_at":"` +
		time.Now().Add(24*time.Hour).UTC().Format(time.RFC3339) + `"}`
	body := ls.wantAPI("mallory suppresses", http.StatusForbidden, tok["mallory"], "POST", "suppressions", glob)
	if !strings.Contains(body, "about a change they took part in") {
		t.Errorf("refusal %s does not say why", body)
	}
	ls.wantAPI("bob suppresses", http.StatusCreated, tok["bob"], "POST", "suppressions", glob)

	// She rewrites her branch with the key elsewhere under the glob and
	// force-pushes: a new finding, which no suppression may release.
	e.Git("checkout", "-q", "-B", "feature-23", "main")
	e.Commit("mallory", "Add the deploy key", map[string]string{"deploy/keys/b.pem": keytest.ECPEM(t)})
	head2, _ := e.OpenPR(23, "mallory", "feature-23")
	ls.deliver(e.pullRequest("synchronize", 23, "mallory", head2, base, "mallory"))
	cr := e.waitCheck(head2, "completed", func(cr githubtest.CheckRun) bool { return cr.Status == "completed" })
	apptest.WantCheck(t, cr, "failure", "deploy/keys/b.pem")
	if a := ls.anomalyAt("key-material", "deploy/keys/b.pem"); a.Suppressed {
		t.Errorf("the moved key was suppressed: %+v", a)
	}
}

package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// signInAs is a triage session of login.
func (e *env) signInAs(login string) user {
	e.t.Helper()
	tok, err := e.store.CreateSession(context.Background(), login, guard.RoleTriage, time.Hour)
	if err != nil {
		e.t.Fatal(err)
	}
	s, _ := e.store.Session(context.Background(), tok)
	return user{cookie: &http.Cookie{Name: cookieName, Value: tok}, csrf: s.CSRF}
}

// TestBlockingReleaseNeedsSecondTriager: resolving a finding that fails
// a pull request's check is asked for (202, shown on the page) until a
// second triager confirms it; only then does OnResolve run.
func TestBlockingReleaseNeedsSecondTriager(t *testing.T) {
	e := newEnv(t)
	e.store.PutPull("acme/vault", 7, guard.PullFacts{Participants: []string{"mallory", "dave"}, Block: guard.High})
	id := e.store.AddAnomaly(guard.Anomaly{Repo: "acme/vault", PullRequest: 7, Detector: "key-material",
		Author: "mallory", Severity: guard.Critical, Message: "private key added"})
	bob, carol, dave := e.signInAs("bob"), e.signInAs("carol"), e.signInAs("dave")
	api := func(u user, action string) int {
		return e.do(req{method: "POST", target: fmt.Sprintf("/api/v1/anomalies/%d/%s", id, action), user: &u,
			json: `{"reason":"rotated"}`, header: map[string]string{"X-CSRF-Token": u.csrf}}).Code
	}
	if got := api(dave, "resolve"); got != http.StatusForbidden {
		t.Errorf("a contributor resolves: %d, want 403", got)
	}
	if got := api(bob, "resolve"); got != http.StatusAccepted {
		t.Errorf("bob asks: %d, want 202", got)
	}
	page := e.do(req{target: fmt.Sprintf("/anomalies/%d", id), user: &carol}).Body.String()
	for _, want := range []string{`id="pending-release"`, "Resolution asked by bob", "Confirm the resolution", "Withdraw the release"} {
		if !strings.Contains(page, want) {
			t.Errorf("anomaly page lacks %q", want)
		}
	}
	if got := api(bob, "resolve"); got != http.StatusForbidden {
		t.Errorf("bob confirms his own: %d, want 403", got)
	}
	if len(e.resolved) != 0 {
		t.Errorf("OnResolve ran before the release: %v", e.resolved)
	}
	form := e.do(req{method: "POST", target: fmt.Sprintf("/anomalies/%d/resolve", id), user: &carol, form: carol.form()})
	wantStatus(t, form, http.StatusSeeOther)
	a, _ := e.store.Anomaly(context.Background(), id)
	if a.Status != guard.StatusResolved || a.Release != nil || len(e.resolved) != 1 {
		t.Errorf("after carol confirms: %s, release %+v, OnResolve %v", a.Status, a.Release, e.resolved)
	}
}

// TestOwnEmailForbidden: an anomaly keyed by an email of the triager's
// identity is theirs.
func TestOwnEmailForbidden(t *testing.T) {
	e := newEnv(t)
	e.store.PutIdentity(guard.Identity{Key: "bob", Login: "bob", Emails: []string{"bob@home.example"}})
	id := e.store.AddAnomaly(guard.Anomaly{Repo: "acme/a", Detector: "d", Author: "bob@home.example", Severity: guard.Low, Message: "m"})
	bob := e.signInAs("bob")
	rec := e.do(req{method: "POST", target: fmt.Sprintf("/anomalies/%d/dismiss", id), user: &bob, form: bob.form("reason", "fine")})
	wantStatus(t, rec, http.StatusForbidden)
}

// TestApproveSuppression: a suppression waits for a second triager's
// approval, which its creator may not give, and nobody may suppress an
// open finding of their own.
func TestApproveSuppression(t *testing.T) {
	e := newEnv(t)
	e.store.AddAnomaly(guard.Anomaly{Repo: "acme/a", PullRequest: 3, Detector: "key-material", Author: "mallory",
		Path: "deploy/keys/a.pem", Severity: guard.Critical, Message: "key"})
	bob, carol, mallory := e.signInAs("bob"), e.signInAs("carol"), e.signInAs("mallory")
	create := func(u user) *http.Response {
		return e.do(req{method: "POST", target: "/api/v1/suppressions", user: &u, header: map[string]string{"X-CSRF-Token": u.csrf},
			json: `{"detector":"key-material","path_glob":"deploy/**","reason":"fixtures","expires_at":"2026-05-01T00:00:00Z"}`}).Result()
	}
	if got := create(mallory).StatusCode; got != http.StatusForbidden {
		t.Errorf("mallory suppresses her own finding: %d, want 403", got)
	}
	if got := create(bob).StatusCode; got != http.StatusCreated {
		t.Fatalf("bob: %d", got)
	}
	list := e.do(req{target: "/suppressions", user: &carol}).Body.String()
	if !strings.Contains(list, `id="pending-1"`) || !strings.Contains(list, `id="approve-1"`) {
		t.Errorf("the list does not show the suppression waiting for approval:\n%s", list)
	}
	approve := func(u user) int {
		return e.do(req{method: "POST", target: "/api/v1/suppressions/1/approve", user: &u,
			header: map[string]string{"X-CSRF-Token": u.csrf}}).Code
	}
	for who, u := range map[string]user{"its creator": bob, "someone it covers": mallory} {
		if got := approve(u); got != http.StatusForbidden {
			t.Errorf("%s approves: %d, want 403", who, got)
		}
	}
	wantStatus(t, e.do(req{method: "POST", target: "/suppressions/1/approve", user: &carol, form: carol.form()}), http.StatusSeeOther)
	if got := approve(carol); got != http.StatusBadRequest {
		t.Errorf("approved twice: %d, want 400", got)
	}
	l := decode[struct{ Suppressions []guard.Suppression }](t, e.do(req{target: "/api/v1/suppressions", user: &carol}))
	if len(l.Suppressions) != 1 || l.Suppressions[0].ApprovedBy != "carol" {
		t.Errorf("suppressions %+v", l.Suppressions)
	}
}

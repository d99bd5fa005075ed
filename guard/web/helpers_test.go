package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/web"
	"github.com/repoguard/repoguard/guard/web/webtest"
)

var _ web.Store = (*webtest.MemStore)(nil)

// epoch is the tests' "now".
var epoch = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

const cookieName = "__Host-repoguard_session"

// env is a handler over a memory store.
type env struct {
	t        testing.TB
	store    *webtest.MemStore
	h        http.Handler
	local    *web.LocalLogin
	resolved []int64
}

func newEnv(t testing.TB, opts ...func(*web.Config)) *env {
	t.Helper()
	e := &env{t: t, store: webtest.NewMemStore(), local: web.NewLocalLogin()}
	e.store.Now = func() time.Time { return epoch }
	cfg := web.Config{Store: e.store, SignIn: []web.SignIn{e.local}, Now: e.store.Now,
		Logger: discardLogger(),
		OnResolve: func(_ context.Context, a *guard.Anomaly) {
			e.resolved = append(e.resolved, a.ID)
		}}
	for _, o := range opts {
		o(&cfg)
	}
	h, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.h = h
	return e
}

// user is a signed-in browser session.
type user struct {
	cookie *http.Cookie
	csrf   string
}

func (e *env) signIn(role string) user {
	e.t.Helper()
	ctx := context.Background()
	tok, err := e.store.CreateSession(ctx, "alice", role, time.Hour)
	if err != nil {
		e.t.Fatal(err)
	}
	s, err := e.store.Session(ctx, tok)
	if err != nil {
		e.t.Fatal(err)
	}
	return user{cookie: &http.Cookie{Name: cookieName, Value: tok}, csrf: s.CSRF}
}

// req describes a request.
type req struct {
	method, target string
	user           *user
	form           url.Values
	json           string
	header         map[string]string
}

func (e *env) do(r req) *httptest.ResponseRecorder {
	e.t.Helper()
	if r.method == "" {
		r.method = http.MethodGet
	}
	var body io.Reader
	switch {
	case r.form != nil:
		body = strings.NewReader(r.form.Encode())
	case r.json != "":
		body = strings.NewReader(r.json)
	}
	hr := httptest.NewRequest(r.method, r.target, body)
	if r.form != nil {
		hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if r.json != "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.user != nil {
		hr.AddCookie(r.user.cookie)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, hr)
	return rec
}

// form returns form values with the user's CSRF token.
func (u user) form(kv ...string) url.Values {
	v := url.Values{"csrf": {u.csrf}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func wantStatus(t testing.TB, rec *httptest.ResponseRecorder, want int) {
	t.Helper()
	if rec.Code != want {
		t.Fatalf("status %d, want %d; body:\n%s", rec.Code, want, rec.Body.String())
	}
}

func decode[T any](t testing.TB, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("decode %q: %v", rec.Body.String(), err)
	}
	return v
}

// seed adds a few anomalies across repos, severities and statuses, in
// three cases: mallory's commit to acme/wallet (1, 2; on GitHub),
// bob's to acme/infra (3, 4) and carol's (5).
func (e *env) seed() {
	add := func(repo, det, author string, sev guard.Severity, st guard.AnomalyStatus, msg string, ago time.Duration) {
		commit := fmt.Sprintf("%x%036x", author, 0)[:40]
		url := ""
		if repo == "acme/wallet" {
			url = "https://github.com/acme/wallet/commit/" + commit
		}
		e.store.AddAnomaly(guard.Anomaly{Repo: repo, Detector: det, Author: author, Severity: sev, Status: st,
			Message: msg, CreatedAt: epoch.Add(-ago), Commit: commit, URL: url, Path: "deploy/run.sh", Line: 7})
	}
	add("acme/wallet", "key-material", "mallory", guard.Critical, guard.StatusOpen, "private key added", time.Hour)
	add("acme/wallet", "odd-hours", "mallory", guard.Medium, guard.StatusOpen, "first commit at 03:00", 2*time.Hour)
	add("acme/infra", "odd-hours", "bob", guard.Low, guard.StatusOpen, "late commit in infra", 3*time.Hour)
	add("acme/infra", "new-zone", "bob", guard.High, guard.StatusAcknowledged, "new time zone", 30*time.Hour)
	add("acme/infra", "new-zone", "carol", guard.High, guard.StatusDismissed, "travel", 72*time.Hour)
}

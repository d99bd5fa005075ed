package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/guard"
)

func TestNoSession(t *testing.T) {
	e := newEnv(t)
	e.seed()
	for _, tc := range []struct {
		method, target string
		status         int
		location       string
	}{
		{"GET", "/", http.StatusSeeOther, "/login?next=%2F"},
		{"GET", "/anomalies/1?x=1", http.StatusSeeOther, "/login?next=%2Fanomalies%2F1%3Fx%3D1"},
		{"GET", "/authors/mallory", http.StatusSeeOther, "/login?next=%2Fauthors%2Fmallory"},
		{"GET", "/suppressions", http.StatusSeeOther, "/login?next=%2Fsuppressions"},
		{"POST", "/anomalies/1/ack", http.StatusSeeOther, "/login?next=%2F"},
		{"GET", "/api/v1/anomalies", http.StatusUnauthorized, ""},
		{"GET", "/api/v1/anomalies/1", http.StatusUnauthorized, ""},
		{"POST", "/api/v1/anomalies/1/ack", http.StatusUnauthorized, ""},
		{"DELETE", "/api/v1/suppressions/1", http.StatusUnauthorized, ""},
		{"GET", "/api/v1/nope", http.StatusUnauthorized, ""},
	} {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			rec := e.do(req{method: tc.method, target: tc.target})
			wantStatus(t, rec, tc.status)
			if got := rec.Header().Get("Location"); got != tc.location {
				t.Errorf("Location %q, want %q", got, tc.location)
			}
			if tc.status == http.StatusUnauthorized {
				if b := decode[map[string]string](t, rec); b["error"] == "" {
					t.Errorf("no JSON error: %s", rec.Body)
				}
			}
		})
	}
	// A forged or expired cookie is no session either.
	rec := e.do(req{target: "/api/v1/anomalies", user: &user{cookie: &http.Cookie{Name: cookieName, Value: "forged"}}})
	wantStatus(t, rec, http.StatusUnauthorized)
	wantStatus(t, e.do(req{target: "/login"}), http.StatusOK)
	wantStatus(t, e.do(req{target: "/static/style.css"}), http.StatusOK)
}

func TestLocalLogin(t *testing.T) {
	e := newEnv(t)
	wantStatus(t, e.do(req{target: "/login/local?token=wrong"}), http.StatusForbidden)
	wantStatus(t, e.do(req{method: "HEAD", target: "/login/local?token=" + e.local.Token()}), http.StatusBadRequest)

	rec := e.do(req{target: "/login/local?next=%2F%2Fevil.example&token=" + e.local.Token()})
	wantStatus(t, rec, http.StatusSeeOther)
	if loc := rec.Header().Get("Location"); loc != "/" {
		t.Errorf("open redirect: Location %q", loc)
	}
	c := rec.Result().Cookies()
	if len(c) != 1 || c[0].Name != cookieName || !c[0].HttpOnly || !c[0].Secure ||
		c[0].SameSite != http.SameSiteLaxMode || c[0].Path != "/" {
		t.Fatalf("session cookie %+v", c)
	}
	u := user{cookie: c[0]}
	me := decode[map[string]string](t, e.do(req{target: "/api/v1/me", user: &u}))
	if me["login"] != "local" || me["role"] != guard.RoleTriage {
		t.Errorf("me = %v", me)
	}
	// The link works once.
	wantStatus(t, e.do(req{target: "/login/local?token=" + e.local.Token()}), http.StatusForbidden)
	// A renewed link works again and keeps next.
	rec = e.do(req{target: "/login/local?next=%2Fsuppressions&token=" + e.local.Renew()})
	if loc := rec.Header().Get("Location"); loc != "/suppressions" {
		t.Errorf("Location %q", loc)
	}
	if !strings.HasPrefix(e.local.Link("http://127.0.0.1:8080/"), "http://127.0.0.1:8080/login/local?token=") {
		t.Errorf("link %q", e.local.Link("http://127.0.0.1:8080/"))
	}
}

func TestCSRF(t *testing.T) {
	e := newEnv(t)
	e.seed()
	u := e.signIn(guard.RoleTriage)
	for _, tc := range []struct {
		name   string
		r      req
		status int
	}{
		{"form without token", req{form: map[string][]string{}}, http.StatusForbidden},
		{"form with wrong token", req{form: map[string][]string{"csrf": {"x" + u.csrf}}}, http.StatusForbidden},
		{"cross-site with token", req{form: u.form(), header: map[string]string{"Sec-Fetch-Site": "cross-site"}}, http.StatusForbidden},
		{"same-site subdomain", req{form: u.form(), header: map[string]string{"Sec-Fetch-Site": "same-site"}}, http.StatusForbidden},
		{"foreign origin", req{form: u.form(), header: map[string]string{"Origin": "https://evil.example"}}, http.StatusForbidden},
		{"API without header", req{target: "/api/v1/anomalies/1/ack"}, http.StatusForbidden},
		{"same-origin with token", req{form: u.form(), header: map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://example.com"}}, http.StatusSeeOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.r
			r.method, r.user = "POST", &u
			if r.target == "" {
				r.target = "/anomalies/2/ack"
			}
			wantStatus(t, e.do(r), tc.status)
		})
	}
	a, _ := e.store.Anomaly(t.Context(), 2)
	if a.Status != guard.StatusAcknowledged {
		t.Errorf("status %s after one valid ack", a.Status)
	}
	rec := e.do(req{method: "POST", target: "/api/v1/anomalies/3/ack", user: &u,
		header: map[string]string{"X-CSRF-Token": u.csrf}})
	wantStatus(t, rec, http.StatusOK)
}

func TestReadOnlyCannotTriage(t *testing.T) {
	e := newEnv(t)
	e.seed()
	u := e.signIn(guard.RoleRead)
	wantStatus(t, e.do(req{method: "POST", target: "/anomalies/1/ack", user: &u, form: u.form()}), http.StatusForbidden)
	wantStatus(t, e.do(req{method: "POST", target: "/suppressions", user: &u, form: u.form()}), http.StatusForbidden)
	wantStatus(t, e.do(req{method: "POST", target: "/api/v1/anomalies/1/ack", user: &u,
		header: map[string]string{"X-CSRF-Token": u.csrf}}), http.StatusForbidden)
	e.store.AddToken("rgt_read", guard.APIToken{Name: "dash", Role: guard.RoleRead})
	wantStatus(t, e.do(req{method: "POST", target: "/api/v1/anomalies/1/resolve",
		header: map[string]string{"Authorization": "Bearer rgt_read"}}), http.StatusForbidden)

	rec := e.do(req{target: "/anomalies/1", user: &u})
	wantStatus(t, rec, http.StatusOK)
	if strings.Contains(rec.Body.String(), "btn-ack") {
		t.Error("read-only user sees triage buttons")
	}
	if a, _ := e.store.Anomaly(t.Context(), 1); a.Status != guard.StatusOpen {
		t.Errorf("status changed to %s", a.Status)
	}
	// Signing out is allowed to everyone.
	wantStatus(t, e.do(req{method: "POST", target: "/logout", user: &u, form: u.form()}), http.StatusSeeOther)
	wantStatus(t, e.do(req{target: "/api/v1/me", user: &u}), http.StatusUnauthorized)
}

func TestBearerToken(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.store.AddToken("rgt_good", guard.APIToken{Name: "soar", Role: guard.RoleTriage})
	bearer := map[string]string{"Authorization": "Bearer rgt_good"}
	rec := e.do(req{target: "/api/v1/anomalies", header: bearer})
	wantStatus(t, rec, http.StatusOK)
	if l := decode[struct{ Total int }](t, rec); l.Total != 5 {
		t.Errorf("total %d, want 5", l.Total)
	}
	wantStatus(t, e.do(req{target: "/api/v1/anomalies", header: map[string]string{"Authorization": "Bearer rgt_bad"}}),
		http.StatusUnauthorized)
	// No CSRF token needed with a bearer token.
	rec = e.do(req{method: "POST", target: "/api/v1/anomalies/1/dismiss", header: bearer, json: `{"reason":"test key"}`})
	wantStatus(t, rec, http.StatusOK)
	if a := decode[guard.Anomaly](t, rec); a.Status != guard.StatusDismissed || a.Reason != "test key" {
		t.Errorf("anomaly %+v", a)
	}
	h, _ := e.store.History(t.Context(), 1)
	if len(h) != 1 || h[0].Actor != "token:soar" {
		t.Errorf("history %+v", h)
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	u := e.signIn(guard.RoleTriage)
	rec := e.do(req{target: "/", user: &u})
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options"} {
		if rec.Header().Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
}

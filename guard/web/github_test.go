package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/web"
)

// fakeGitHub answers the token exchange, /user and team memberships:
// code "code-<login>" yields a token for <login>; members maps
// "org/team" to its logins.
func fakeGitHub(t *testing.T, members map[string][]string) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login/oauth/access_token", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("client_secret") != "secret" || r.FormValue("code_verifier") == "" {
			json.NewEncoder(w).Encode(map[string]string{"error": "incorrect_client_credentials"})
			return
		}
		login, ok := strings.CutPrefix(r.FormValue("code"), "code-")
		if !ok {
			json.NewEncoder(w).Encode(map[string]string{"error": "bad_verification_code"})
			return
		}
		json.NewEncoder(w).Encode(map[string]string{"access_token": "tok-" + login, "token_type": "bearer"})
	})
	login := func(r *http.Request) string {
		l, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer tok-")
		return l
	}
	mux.HandleFunc("GET /user", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{"login": login(r)})
	})
	mux.HandleFunc("GET /orgs/{org}/teams/{team}/memberships/{user}", func(w http.ResponseWriter, r *http.Request) {
		for _, m := range members[r.PathValue("org")+"/"+r.PathValue("team")] {
			if m == r.PathValue("user") && m == login(r) {
				json.NewEncoder(w).Encode(map[string]string{"state": "active", "role": "member"})
				return
			}
		}
		http.NotFound(w, r)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestGitHubLogin(t *testing.T) {
	gh := fakeGitHub(t, map[string][]string{"acme/security": {"alice"}, "acme/eng": {"bob", "alice"}})
	gl, err := web.NewGitHubLogin(web.GitHubConfig{ClientID: "id", ClientSecret: "secret",
		AuthorizeURL: gh.URL + "/login/oauth/authorize", TokenURL: gh.URL + "/login/oauth/access_token",
		APIURL: gh.URL, TriageTeams: []string{"acme/security"}, ReadTeams: []string{"acme/eng"}})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(c *web.Config) {
		c.SignIn = []web.SignIn{gl}
		c.BaseURL = "https://guard.example.com"
	})
	if body := e.do(req{target: "/login?next=/suppressions"}).Body.String(); !strings.Contains(body, `href="/login/github?next=%2Fsuppressions"`) {
		t.Errorf("login page lacks the GitHub button:\n%s", body)
	}
	// begin returns the authorize redirect and the state cookie.
	begin := func(t *testing.T) (*http.Cookie, url.Values) {
		rec := e.do(req{target: "/login/github?next=/suppressions"})
		wantStatus(t, rec, http.StatusFound)
		u, _ := url.Parse(rec.Header().Get("Location"))
		q := u.Query()
		if !strings.HasPrefix(u.String(), gh.URL+"/login/oauth/authorize?") || q.Get("client_id") != "id" ||
			q.Get("redirect_uri") != "https://guard.example.com/login/github/callback" ||
			q.Get("state") == "" || q.Get("code_challenge_method") != "S256" {
			t.Fatalf("authorize redirect %s", u)
		}
		c := rec.Result().Cookies()
		if len(c) != 1 || !c[0].HttpOnly || !c[0].Secure || c[0].SameSite != http.SameSiteLaxMode {
			t.Fatalf("state cookie %+v", c)
		}
		return c[0], q
	}
	callback := func(c *http.Cookie, state, code string) *httptest.ResponseRecorder {
		r := req{target: "/login/github/callback?" + url.Values{"state": {state}, "code": {code}}.Encode(),
			user: &user{cookie: c}}
		return e.do(r)
	}
	for _, tc := range []struct {
		login, role string
		status      int
	}{{"alice", guard.RoleTriage, http.StatusSeeOther}, {"bob", guard.RoleRead, http.StatusSeeOther}, {"mallory", "", http.StatusForbidden}} {
		t.Run(tc.login, func(t *testing.T) {
			c, q := begin(t)
			rec := callback(c, q.Get("state"), "code-"+tc.login)
			wantStatus(t, rec, tc.status)
			if tc.status != http.StatusSeeOther {
				return
			}
			if loc := rec.Header().Get("Location"); loc != "/suppressions" {
				t.Errorf("Location %q", loc)
			}
			var sess *http.Cookie
			for _, c := range rec.Result().Cookies() {
				if c.Name == cookieName {
					sess = c
				}
			}
			if sess == nil {
				t.Fatal("no session cookie")
			}
			me := decode[map[string]string](t, e.do(req{target: "/api/v1/me", user: &user{cookie: sess}}))
			if me["login"] != tc.login || me["role"] != tc.role {
				t.Errorf("me = %v", me)
			}
		})
	}
	t.Run("open redirect", func(t *testing.T) {
		// A next that http.Redirect would clean to /\evil.example/phish
		// (another origin to a browser) comes back as "/".
		rec := e.do(req{target: "/login/github?next=" + url.QueryEscape(`/./\evil.example/phish`)})
		wantStatus(t, rec, http.StatusFound)
		u, _ := url.Parse(rec.Header().Get("Location"))
		rec = callback(rec.Result().Cookies()[0], u.Query().Get("state"), "code-alice")
		wantStatus(t, rec, http.StatusSeeOther)
		if loc := rec.Header().Get("Location"); loc != "/" {
			t.Errorf("Location %q, want /", loc)
		}
	})
	t.Run("state mismatch", func(t *testing.T) {
		c, _ := begin(t)
		wantStatus(t, callback(c, "forged", "code-alice"), http.StatusBadRequest)
	})
	t.Run("no state cookie", func(t *testing.T) {
		_, q := begin(t)
		wantStatus(t, e.do(req{target: "/login/github/callback?state=" + q.Get("state") + "&code=code-alice"}), http.StatusBadRequest)
	})
	t.Run("denied", func(t *testing.T) {
		c, q := begin(t)
		wantStatus(t, e.do(req{target: "/login/github/callback?error=access_denied&state=" + q.Get("state"),
			user: &user{cookie: c}}), http.StatusForbidden)
	})
}

func TestNewGitHubLoginChecks(t *testing.T) {
	for name, cfg := range map[string]web.GitHubConfig{
		"no secret": {ClientID: "id", TriageTeams: []string{"a/b"}},
		"no teams":  {ClientID: "id", ClientSecret: "s"},
		"bad team":  {ClientID: "id", ClientSecret: "s", ReadTeams: []string{"justateam"}},
	} {
		if _, err := web.NewGitHubLogin(cfg); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestNewChecks(t *testing.T) {
	e := newEnv(t)
	for name, cfg := range map[string]web.Config{
		"no store":                {SignIn: []web.SignIn{web.NewLocalLogin()}},
		"no sign-in":              {Store: e.store},
		"insecure on a real host": {Store: e.store, SignIn: []web.SignIn{web.NewLocalLogin()}, InsecureCookies: true, BaseURL: "http://guard.example.com"},
	} {
		if _, err := web.New(cfg); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := web.New(web.Config{Store: e.store, SignIn: []web.SignIn{web.NewLocalLogin()},
		InsecureCookies: true, BaseURL: "http://127.0.0.1:8080"}); err != nil {
		t.Error(err)
	}
}

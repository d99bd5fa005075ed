package web_test

import (
	"context"
	"errors"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard/web"
)

// setupEnv is the setup page over TLS (its cookie is Secure), with a
// Register that records its codes.
type setupEnv struct {
	t     *testing.T
	srv   *httptest.Server
	setup *web.Setup
	now   atomic.Pointer[time.Time]

	mu        sync.Mutex
	codes     []string
	orgs      []string
	app       *web.RegisteredApp
	failWith  error
	registerc chan struct{} // when set, Register waits on it
}

func newSetupEnv(t *testing.T, publicURL string) *setupEnv {
	t.Helper()
	e := &setupEnv{t: t}
	start := epoch
	e.now.Store(&start)
	s, err := web.NewSetup(web.SetupConfig{
		PublicURL: publicURL,
		GitHubURL: "https://github.test/",
		Manifest: func(org string) ([]byte, error) {
			e.mu.Lock()
			e.orgs = append(e.orgs, org)
			e.mu.Unlock()
			return []byte(`{"name": "repoguard", "url": "` + publicURL + `", "x": "<&>"}`), nil
		},
		Register:   e.register,
		Registered: e.registered,
		Logger:     discardLogger(),
		Now:        func() time.Time { return *e.now.Load() },
	})
	if err != nil {
		t.Fatal(err)
	}
	e.setup = s
	e.srv = httptest.NewTLSServer(s)
	t.Cleanup(e.srv.Close)
	return e
}

func (e *setupEnv) register(ctx context.Context, code string) (*web.RegisteredApp, error) {
	if e.registerc != nil {
		<-e.registerc
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.codes = append(e.codes, code)
	if e.failWith != nil {
		return nil, e.failWith
	}
	if e.app != nil {
		return nil, web.ErrRegistered
	}
	e.app = &web.RegisteredApp{Name: "repoguard-acme", Slug: "repoguard-acme", Owner: "acme",
		InstallURL: "https://github.test/apps/repoguard-acme/installations/new"}
	return e.app, nil
}

func (e *setupEnv) registered() *web.RegisteredApp {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.app
}

func (e *setupEnv) registerCalls() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.codes...)
}

// browser is a client with its own cookies that does not follow
// redirects.
func (e *setupEnv) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	c := *e.srv.Client() // the server's client is one: copy it
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// get fetches path (or a whole URL) and returns the status, headers and
// body.
func (e *setupEnv) get(c *http.Client, path string) (int, http.Header, string) {
	e.t.Helper()
	if !strings.HasPrefix(path, "https://") {
		path = e.srv.URL + path
	}
	resp, err := c.Get(path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// open opens the one-time link in c and wants a session.
func (e *setupEnv) open(c *http.Client) {
	e.t.Helper()
	st, h, body := e.get(c, e.setup.Link(e.srv.URL))
	if st != http.StatusSeeOther || h.Get("Location") != "/setup" {
		e.t.Fatalf("link: %d to %q, want 303 to /setup\n%s", st, h.Get("Location"), body)
	}
}

var (
	formAction   = regexp.MustCompile(`<form method="post" action="([^"]+)">`)
	formManifest = regexp.MustCompile(`name="manifest" value="([^"]*)"`)
)

// form reads the registration form of the setup page: where it posts
// and the manifest it carries.
func (e *setupEnv) form(c *http.Client, query string) (action *url.URL, manifest string) {
	e.t.Helper()
	st, _, body := e.get(c, "/setup"+query)
	a, m := formAction.FindStringSubmatch(body), formManifest.FindStringSubmatch(body)
	if st != http.StatusOK || a == nil || m == nil {
		e.t.Fatalf("setup page: %d, no registration form:\n%s", st, body)
	}
	u, err := url.Parse(html.UnescapeString(a[1]))
	if err != nil {
		e.t.Fatal(err)
	}
	return u, html.UnescapeString(m[1])
}

// TestSetupFlow: the one-time link opens a session; its page posts the
// manifest to GitHub with a state; the way back with that state and a
// code registers the App once, and the page then links to its
// installation.
func TestSetupFlow(t *testing.T) {
	e := newSetupEnv(t, "https://rg.example.com")
	stranger := e.browser()
	for _, path := range []string{"/setup", "/setup/callback?code=c0de&state=x", "/setup?token=guess"} {
		if st, _, body := e.get(stranger, path); st != http.StatusForbidden || !strings.Contains(body, "setup link") {
			t.Errorf("stranger GET %s: %d, want 403 about the setup link\n%s", path, st, body)
		}
	}

	admin := e.browser()
	e.open(admin)
	if st, _, _ := e.get(e.browser(), e.setup.Link(e.srv.URL)); st != http.StatusForbidden {
		t.Errorf("the link opened twice: %d, want 403", st)
	}
	_, h, _ := e.get(admin, "/setup")
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' https://github.test;") {
		t.Errorf("CSP %q does not allow posting to GitHub only", csp)
	}
	action, manifest := e.form(admin, "")
	if action.Scheme+"://"+action.Host+action.Path != "https://github.test/settings/apps/new" || action.Query().Get("state") == "" {
		t.Errorf("form posts to %s, want GitHub's new App page with a state", action)
	}
	if manifest != `{"name": "repoguard", "url": "https://rg.example.com", "x": "<&>"}` {
		t.Errorf("manifest %q", manifest)
	}
	orgAction, _ := e.form(admin, "?org=acme")
	if orgAction.Path != "/organizations/acme/settings/apps/new" || e.orgs[len(e.orgs)-1] != "acme" {
		t.Errorf("organization form posts to %s (manifests for %q)", orgAction, e.orgs)
	}
	if st, _, body := e.get(admin, "/setup?org=../../evil"); st != http.StatusBadRequest || !strings.Contains(body, "not a GitHub organization") {
		t.Errorf("bad organization: %d\n%s", st, body)
	}

	// The way back needs this browser's state.
	if st, _, _ := e.get(admin, "/setup/callback?code=c0de&state=forged"); st != http.StatusBadRequest {
		t.Errorf("forged state: %d, want 400", st)
	}
	if st, _, _ := e.get(stranger, "/setup/callback?code=c0de&state="+orgAction.Query().Get("state")); st != http.StatusForbidden {
		t.Errorf("another browser with the state: %d, want 403", st)
	}
	if calls := e.registerCalls(); len(calls) != 0 {
		t.Fatalf("registered with %v before a valid way back", calls)
	}
	state := action.Query().Get("state")
	st, h, body := e.get(admin, "/setup/callback?code=c0de&state="+url.QueryEscape(state))
	if st != http.StatusSeeOther || h.Get("Location") != "/setup" {
		t.Fatalf("way back: %d to %q\n%s", st, h.Get("Location"), body)
	}
	if calls := e.registerCalls(); len(calls) != 1 || calls[0] != "c0de" {
		t.Errorf("Register calls %v, want [c0de]", calls)
	}
	_, _, body = e.get(admin, "/setup")
	if !strings.Contains(body, `href="https://github.test/apps/repoguard-acme/installations/new"`) || formAction.MatchString(body) {
		t.Errorf("after registration the page does not link to the installation:\n%s", body)
	}
	// A state works once, and no App replaces the first.
	if st, _, _ := e.get(admin, "/setup/callback?code=c0de&state="+url.QueryEscape(state)); st != http.StatusBadRequest {
		t.Errorf("a state used twice: %d, want 400", st)
	}
	if st, _, body := e.get(admin, "/setup/callback?code=other&state="+url.QueryEscape(orgAction.Query().Get("state"))); st != http.StatusConflict ||
		!strings.Contains(body, "refused") {
		t.Errorf("a second App: %d, want 409\n%s", st, body)
	}
	if calls := e.registerCalls(); len(calls) != 1 {
		t.Errorf("Register calls %v after the App was registered, want one", calls)
	}
}

// TestSetupRegistersOnce: two ways back at once register one App; the
// other is refused without reaching GitHub.
func TestSetupRegistersOnce(t *testing.T) {
	e := newSetupEnv(t, "https://rg.example.com")
	admin := e.browser()
	e.open(admin)
	a1, _ := e.form(admin, "")
	a2, _ := e.form(admin, "")
	e.registerc = make(chan struct{})
	statuses := make(chan int, 2)
	for _, a := range []*url.URL{a1, a2} {
		go func() {
			st, _, _ := e.get(admin, "/setup/callback?code=c0de&state="+url.QueryEscape(a.Query().Get("state")))
			statuses <- st
		}()
	}
	time.Sleep(50 * time.Millisecond)
	close(e.registerc)
	got := map[int]int{<-statuses: 1}
	got[<-statuses]++
	if got[http.StatusSeeOther] != 1 || got[http.StatusConflict] != 1 || len(e.registerCalls()) != 1 {
		t.Errorf("statuses %v with Register calls %v, want one 303, one 409 and one call", got, e.registerCalls())
	}
}

// TestSetupRefusals: the link expires; a failed registration says why
// and may start again; without a public URL the page says to set it.
func TestSetupRefusals(t *testing.T) {
	e := newSetupEnv(t, "https://rg.example.com")
	later := epoch.Add(61 * time.Minute)
	e.now.Store(&later)
	if st, _, body := e.get(e.browser(), e.setup.Link(e.srv.URL)); st != http.StatusForbidden || !strings.Contains(body, "expired") {
		t.Errorf("expired link: %d\n%s", st, body)
	}

	e = newSetupEnv(t, "https://rg.example.com")
	e.failWith = errors.New("manifest conversion: GitHub answered 404 Not Found")
	admin := e.browser()
	e.open(admin)
	action, _ := e.form(admin, "")
	st, _, body := e.get(admin, "/setup/callback?code=c0de&state="+url.QueryEscape(action.Query().Get("state")))
	if st != http.StatusBadGateway || !strings.Contains(body, "GitHub answered 404 Not Found") || !strings.Contains(body, `href="/setup"`) {
		t.Errorf("failed registration: %d\n%s", st, body)
	}
	e.failWith = nil
	action, _ = e.form(admin, "")
	if st, _, _ := e.get(admin, "/setup/callback?code=c1de&state="+url.QueryEscape(action.Query().Get("state"))); st != http.StatusSeeOther {
		t.Errorf("registration after a failure: %d, want 303", st)
	}

	e = newSetupEnv(t, "")
	admin = e.browser()
	e.open(admin)
	if _, _, body := e.get(admin, "/setup"); !strings.Contains(body, "REPOGUARD_PUBLIC_URL") || formAction.MatchString(body) {
		t.Errorf("no public URL: the page does not ask for it:\n%s", body)
	}
	if st, _, body := e.get(e.browser(), "/setup/installed?installation_id=1&setup_action=install"); st != http.StatusOK ||
		!strings.Contains(body, "make the check required") {
		t.Errorf("installed page: %d\n%s", st, body)
	}
}

package main

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/configs"
	"github.com/repoguard/repoguard/guard/github/githubtest"
)

// noApp are the overrides that start serve without App credentials.
var noApp = []string{"REPOGUARD_APP_ID=", "REPOGUARD_PRIVATE_KEY_FILE=", "REPOGUARD_WEBHOOK_SECRET="}

// setupBrowser is the admin's browser on the setup page, behind the TLS
// proxy of the public URL: it keeps the cookies the server sets (Secure,
// for https://repoguard.acme.test) and does not follow redirects.
type setupBrowser struct {
	t       *testing.T
	ls      *liveServer
	cookies map[string]*http.Cookie
}

// get fetches a URL of the public address (or a path) from the server
// and returns the answer and its body.
func (b *setupBrowser) get(target string) (*http.Response, string) {
	b.t.Helper()
	target = strings.TrimPrefix(target, e2ePublicURL)
	req, err := http.NewRequest(http.MethodGet, b.ls.url+target, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("X-Forwarded-For", "203.0.113.7") // the proxy's client
	for _, c := range b.cookies {
		req.AddCookie(c)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, c := range resp.Cookies() {
		b.cookies[c.Name] = c
	}
	return resp, string(body)
}

var (
	setupAction   = regexp.MustCompile(`<form method="post" action="([^"]+)">`)
	setupManifest = regexp.MustCompile(`name="manifest" value="([^"]*)"`)
)

// registerForm reads the setup page's form: where it posts and the
// manifest (submit posts it to the fake GitHub, which plays github.com).
func (b *setupBrowser) registerForm(query string) (action *url.URL, manifest string) {
	b.t.Helper()
	resp, body := b.get("/setup" + query)
	a, m := setupAction.FindStringSubmatch(body), setupManifest.FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || a == nil || m == nil {
		b.t.Fatalf("setup page: %d, no registration form\n%s", resp.StatusCode, body)
	}
	action, err := url.Parse(html.UnescapeString(a[1]))
	if err != nil {
		b.t.Fatal(err)
	}
	return action, html.UnescapeString(m[1])
}

// submit posts the form's manifest to the fake GitHub, which registers
// the App and answers with the way back to the server.
func submit(t *testing.T, gh *githubtest.Server, action *url.URL, manifest string) string {
	t.Helper()
	resp, err := noRedirect.PostForm(gh.URL+action.RequestURI(), url.Values{"manifest": {manifest}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("GitHub refused the manifest: %d", resp.StatusCode)
	}
	return resp.Header.Get("Location")
}

// TestServeSetupRegistersTheApp is the install from the server: started
// without App credentials, serve hands out a one-time setup link; its
// page posts the manifest to GitHub for the organization; GitHub's way
// back is exchanged for the App's credentials, stored in the data
// directory, and the server answers webhooks signed with the new secret
// and judges a pull request as the App, without a restart. A second App
// is refused before its code reaches GitHub; a restart serves as the
// stored App.
func TestServeSetupRegistersTheApp(t *testing.T) {
	e := newE2E(t)
	ls := e.start(append(noApp, "REPOGUARD_TRIAGE_TEAMS=acme/security")...)
	if ls.setup == nil || ls.app != nil {
		t.Fatal("serve without App credentials has no setup page")
	}
	head, base := e.contractsPR(1)
	opened := e.pullRequest("opened", 1, "alice", head, base, "alice")
	if code, body := post(t, ls.url, opened, e2eSecret); code != http.StatusServiceUnavailable || !strings.Contains(body, "setup page") {
		t.Fatalf("a delivery before the App was registered: %d %q, want 503 naming the setup page", code, body)
	}
	link := ls.setup.Link(e2ePublicURL)
	waitFor(t, "the setup link on serve's output", func() bool {
		return strings.Contains(ls.out.String(), "repoguard: register the GitHub App at "+link+" ")
	})

	admin := &setupBrowser{t: t, ls: ls, cookies: map[string]*http.Cookie{}}
	if resp, _ := admin.get(link); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("setup link: %d, want 303", resp.StatusCode)
	}
	action, manifest := admin.registerForm("?org=acme")
	if want := e.GitServer.URL + "/organizations/acme/settings/apps/new"; action.Scheme+"://"+action.Host+action.Path != want {
		t.Errorf("the form posts to %s, want %s", action, want)
	}
	spare, _ := admin.registerForm("?org=acme") // a second tab, used after the App exists
	back := submit(t, e.GH, action, manifest)
	resp, body := admin.get(back)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("way back %s: %d\n%s", back, resp.StatusCode, body)
	}
	apps := e.GH.ManifestApps()
	if len(apps) != 1 || !apps[0].Converted || apps[0].Org != "acme" || apps[0].Manifest.HookAttributes.URL != e2ePublicURL+"/webhook" ||
		apps[0].Manifest.RedirectURL != e2ePublicURL+"/setup/callback" || apps[0].Manifest.SetupURL != e2ePublicURL+"/setup/installed" {
		t.Fatalf("registered on GitHub: %+v", apps)
	}
	issued := apps[0]

	// The page links to the installation; the credentials are stored,
	// owner-only, and never logged.
	_, body = admin.get("/setup")
	if install := e.GitServer.URL + "/apps/repoguard-acme/installations/new"; !strings.Contains(body, `href="`+install+`"`) {
		t.Errorf("registered page does not link to %s:\n%s", install, body)
	}
	dir := configs.StoredAppDir(e.dataDir)
	for _, f := range []string{"app.json", "private-key.pem", "webhook-secret", "client-secret"} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, want a file of mode 0600", f, err)
		}
	}
	logs := ls.logs.String()
	for _, secret := range []string{issued.WebhookSecret, issued.ClientSecret, "PRIVATE KEY", ls.setup.Link("")} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log shows a secret (%.12s…)", secret)
		}
	}
	wantLog(t, logs, map[string]string{"msg": "serving as the GitHub App registered by the setup page",
		"app": "map[app_id:4242 owner:acme slug:repoguard-acme]"})

	// The App judges the pull request with the credentials it received.
	if code, _ := post(t, ls.url, opened, e2eSecret); code != http.StatusUnauthorized {
		t.Errorf("a delivery signed with another secret: %d, want 401", code)
	}
	if code, body := post(t, ls.url, opened, issued.WebhookSecret); code != http.StatusAccepted {
		t.Fatalf("a delivery signed with the App's secret: %d %s", code, body)
	}
	cr := e.waitCheck(head, "action_required", completed("action_required", 2))
	if cr.DetailsURL != e2ePublicURL+"/pulls/acme/widgets/1" {
		t.Errorf("details link %q", cr.DetailsURL)
	}
	if _, body := ls.get("/login"); !strings.Contains(body, "Sign in with GitHub") {
		t.Errorf("no GitHub sign-in after registration:\n%s", body)
	}

	// A second App is refused before its code reaches GitHub.
	back = submit(t, e.GH, spare, manifest)
	if resp, body := admin.get(back); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "refused") {
		t.Errorf("a second App: %d, want 409\n%s", resp.StatusCode, body)
	}
	if apps := e.GH.ManifestApps(); len(apps) != 2 || apps[1].Converted {
		t.Errorf("the second code was exchanged: %+v", apps)
	}

	// A restart serves as the stored App.
	if err := ls.stop(); err != nil {
		t.Fatal(err)
	}
	ls = e.start(noApp...)
	if ls.app == nil || ls.setup != nil {
		t.Fatal("restart: not serving as the stored App")
	}
	if code, body := post(t, ls.url, e.pullRequest("synchronize", 1, "alice", head, base, "alice"), issued.WebhookSecret); code != http.StatusAccepted {
		t.Errorf("after a restart, a delivery signed with the App's secret: %d %s", code, body)
	}
}

// TestServeSetupRefusesABadAnswer: a conversion answer that is not a
// whole App stores nothing and leaves the server as it was.
func TestServeSetupRefusesABadAnswer(t *testing.T) {
	e := newE2E(t)
	ls := e.start(noApp...)
	admin := &setupBrowser{t: t, ls: ls, cookies: map[string]*http.Cookie{}}
	admin.get(ls.setup.Link(e2ePublicURL))
	action, manifest := admin.registerForm("")
	back := submit(t, e.GH, action, manifest)
	e.GH.Inject(githubtest.Fault{Method: http.MethodPost, PathPrefix: "/app-manifests/", Status: http.StatusCreated,
		Body: `{"id": 4242, "slug": "repoguard", "pem": "not a key", "webhook_secret": "w", "client_id": "c", "client_secret": "s"}`})
	resp, body := admin.get(back)
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(body, "no valid pem") {
		t.Errorf("bad answer: %d\n%s", resp.StatusCode, body)
	}
	if _, err := os.Stat(configs.StoredAppDir(e.dataDir)); !os.IsNotExist(err) {
		t.Errorf("something was stored: %v", err)
	}
	if ls.currentApp() != nil {
		t.Error("the server became an App")
	}
}

package githubtest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

var noFollow = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// postManifest posts a manifest form as a browser does and returns the
// answer.
func postManifest(t *testing.T, target, manifest string) *http.Response {
	t.Helper()
	resp, err := noFollow.PostForm(target, url.Values{"manifest": {manifest}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

const testManifest = `{"name": "Repo Guard (acme)", "url": "https://rg.test", "hook_attributes": {"url": "https://rg.test/webhook"},
	"redirect_url": "https://rg.test/setup/callback?x=1", "default_events": ["push"], "default_permissions": {"checks": "write"}}`

// TestManifestFlow: the form redirects to redirect_url with a code and
// the state; the code is exchanged once for the fake's own App, whose
// key the fake accepts.
func TestManifestFlow(t *testing.T) {
	s := NewServer(t)
	resp := postManifest(t, s.URL+"/organizations/acme/settings/apps/new?state=st4te", testManifest)
	back, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil || back.Host != "rg.test" || back.Path != "/setup/callback" ||
		back.Query().Get("state") != "st4te" || back.Query().Get("x") != "1" {
		t.Fatalf("form: %d to %q, want a redirect to the redirect_url with code and state", resp.StatusCode, resp.Header.Get("Location"))
	}
	code := back.Query().Get("code")
	st, _, body := do(t, "POST", s.URL+"/api/v3/app-manifests/"+code+"/conversions", "", "")
	var app struct {
		ID                                int64
		Slug, ClientID, ClientSecret, PEM string
		WebhookSecret                     string `json:"webhook_secret"`
	}
	if err := json.Unmarshal([]byte(body), &app); err != nil || st != http.StatusCreated {
		t.Fatalf("conversion: %d %s", st, body)
	}
	apps := s.ManifestApps()
	if app.ID != s.AppID || !strings.Contains(body, `"pem":"-----BEGIN RSA PRIVATE KEY-----`) || len(apps) != 1 ||
		apps[0].Org != "acme" || apps[0].Slug != "repo-guard-acme" || apps[0].WebhookSecret != app.WebhookSecret || app.WebhookSecret == "" {
		t.Errorf("conversion: %+v\napps %+v", app, apps)
	}
	if st, _, _ := do(t, "POST", s.URL+"/app-manifests/"+code+"/conversions", "", ""); st != http.StatusNotFound {
		t.Errorf("second conversion of a code: %d, want 404", st)
	}
	resp = postManifest(t, s.URL+"/settings/apps/new", testManifest)
	code = strings.SplitN(resp.Header.Get("Location"), "code=", 2)[1]
	s.ExpireManifestCodes()
	if st, _, _ := do(t, "POST", s.URL+"/app-manifests/"+code+"/conversions", "", ""); st != http.StatusNotFound {
		t.Errorf("conversion of a code over an hour old: %d, want 404", st)
	}
}

// TestManifestRefused: the form refuses what GitHub refuses.
func TestManifestRefused(t *testing.T) {
	s := NewServer(t)
	for name, m := range map[string]string{
		"not JSON":           `{`,
		"no redirect":        `{"url": "https://rg.test", "hook_attributes": {"url": "https://rg.test/webhook"}}`,
		"installation event": strings.Replace(testManifest, `["push"]`, `["push", "installation"]`, 1),
		"relative hook":      strings.Replace(testManifest, `"https://rg.test/webhook"`, `"/webhook"`, 1),
	} {
		if resp := postManifest(t, s.URL+"/settings/apps/new", m); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", name, resp.StatusCode)
		}
	}
	if resp := postManifest(t, s.URL+"/organizations/-bad/settings/apps/new", testManifest); resp.StatusCode != http.StatusNotFound {
		t.Errorf("bad organization: %d, want 404", resp.StatusCode)
	}
	if len(s.ManifestApps()) != 0 {
		t.Errorf("refused manifests registered: %+v", s.ManifestApps())
	}
}

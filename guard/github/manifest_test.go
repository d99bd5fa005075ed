package github

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/guard/github/githubtest"
	"github.com/repoguard/repoguard/guard/keytest"
)

// registerOnFake posts a manifest to the fake's form and returns the code
// it sends back.
func registerOnFake(t *testing.T, s *githubtest.Server) string {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	m := `{"name": "repoguard", "url": "https://rg.test", "hook_attributes": {"url": "https://rg.test/webhook"},
		"redirect_url": "https://rg.test/setup/callback"}`
	resp, err := client.PostForm(s.URL+"/settings/apps/new?state=s", url.Values{"manifest": {m}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || back.Query().Get("code") == "" {
		t.Fatalf("form: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return back.Query().Get("code")
}

// TestConvertManifest: the code GitHub sends back converts once into the
// App, whose key then authenticates as the App; nothing printed of the
// registration shows a secret.
func TestConvertManifest(t *testing.T) {
	s := githubtest.NewServer(t)
	code := registerOnFake(t, s)
	ctx := context.Background()
	reg, err := ConvertManifest(ctx, nil, s.EnterpriseBaseURL(), code)
	if err != nil {
		t.Fatal(err)
	}
	issued := s.ManifestApps()[0]
	if reg.ID != s.AppID || reg.Slug != "repoguard" || reg.WebhookSecret != issued.WebhookSecret ||
		reg.ClientID != issued.ClientID || reg.ClientSecret != issued.ClientSecret || reg.Owner != "octocat" {
		t.Errorf("registration %+v, issued %+v", reg, issued)
	}
	app, err := NewApp(AppConfig{AppID: reg.ID, PrivateKeyPEM: reg.PrivateKeyPEM, BaseURL: s.BaseURL(), Retry: fastRetry})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.Token(ctx, 1); err != nil {
		t.Errorf("the App's key is refused: %v", err)
	}
	var logged strings.Builder
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("registered", "app", reg)
	for _, shown := range []string{fmt.Sprint(reg), fmt.Sprintf("%+v %#v %v", *reg, reg, reg), logged.String()} {
		for _, secret := range []string{reg.WebhookSecret, reg.ClientSecret, "PRIVATE KEY"} {
			if strings.Contains(shown, secret) {
				t.Errorf("printed registration shows a secret: %s", shown)
			}
		}
	}
	_, err = ConvertManifest(ctx, nil, s.BaseURL(), code)
	if err == nil || !strings.Contains(err.Error(), "404") || !strings.Contains(err.Error(), "a code works once, within an hour") ||
		strings.Contains(err.Error(), code) {
		t.Errorf("second conversion: %v, want a 404 that says why and hides the code", err)
	}
}

// conversionJSON is a valid answer with fields overridden.
func conversionJSON(t testing.TB, over map[string]any) string {
	t.Helper()
	m := map[string]any{"id": 12, "slug": "repoguard-acme", "name": "repoguard (acme)", "owner": map[string]any{"login": "acme"},
		"html_url": "https://github.com/apps/repoguard-acme", "client_id": "Iv1.0a1b2c", "client_secret": "cs-SECRET-1",
		"webhook_secret": "wh-SECRET-2", "pem": string(keytest.RSAPEM(keytest.RSA(t, 1024)))}
	for k, v := range over {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// TestConvertManifestChecksTheAnswer: an answer that is not a whole App
// is refused, naming the field and never quoting a secret.
func TestConvertManifestChecksTheAnswer(t *testing.T) {
	for _, tc := range []struct {
		name, ctype, body string
		status            int
		want              string
	}{
		{"valid", "application/json; charset=utf-8", conversionJSON(t, nil), 201, ""},
		{"refused", "application/json", `{"message": "Validation Failed\nnow"}`, 422, "GitHub answered 422 Unprocessable Entity: Validation Failed now (a code works once"},
		{"server error", "text/html", "<html>", 502, "GitHub answered 502 Bad Gateway"},
		{"not JSON", "text/html", conversionJSON(t, nil), 201, `answer is "text/html", want application/json`},
		{"garbage", "application/json", `{"id": 12, "slug": `, 201, "answer is not the JSON object of an App"},
		{"two values", "application/json", conversionJSON(t, nil) + "{}", 201, "more than one JSON value"},
		{"too big", "application/json", `{"name": "` + strings.Repeat("x", 1<<20) + `"}`, 201, "answer over 1 MiB"},
		{"no id", "application/json", conversionJSON(t, map[string]any{"id": nil}), 201, "no valid id"},
		{"bad slug", "application/json", conversionJSON(t, map[string]any{"slug": "../../evil"}), 201, "no valid slug"},
		{"bad owner", "application/json", conversionJSON(t, map[string]any{"owner": map[string]any{"login": "a b"}}), 201, "no valid owner.login"},
		{"script url", "application/json", conversionJSON(t, map[string]any{"html_url": "javascript:alert(1)"}), 201, "no valid html_url"},
		{"no client id", "application/json", conversionJSON(t, map[string]any{"client_id": ""}), 201, "no valid client_id"},
		{"secret with a space", "application/json", conversionJSON(t, map[string]any{"client_secret": "cs SECRET"}), 201, "no valid client_secret"},
		{"no webhook secret", "application/json", conversionJSON(t, map[string]any{"webhook_secret": nil}), 201, "no valid webhook_secret"},
		{"EC key", "application/json", conversionJSON(t, map[string]any{"pem": keytest.ECPEM(t)}), 201, "no valid pem"},
		{"no key", "application/json", conversionJSON(t, map[string]any{"pem": "SECRET-3"}), 201, "no valid pem: not PEM-encoded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodPost || r.URL.Path != "/api/v3/app-manifests/c0de/conversions" || r.Header.Get("Authorization") != "" {
					t.Errorf("request %s %s", r.Method, r.URL.Path)
				}
				w.Header().Set("Content-Type", tc.ctype)
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
			}))
			defer srv.Close()
			reg, err := ConvertManifest(context.Background(), srv.Client(), srv.URL+"/api/v3", "c0de")
			switch {
			case tc.want == "" && (err != nil || reg.ID != 12 || reg.Owner != "acme" || reg.ClientSecret != "cs-SECRET-1"):
				t.Errorf("valid answer: %v %v", reg, err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("error %v, want it to say %q", err, tc.want)
			case err != nil && strings.Contains(err.Error(), "SECRET"):
				t.Errorf("error quotes a secret: %v", err)
			}
		})
	}
}

// TestConvertManifestCode: a code that GitHub could not have made never
// reaches a URL.
func TestConvertManifestCode(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request %s", r.URL)
	}))
	defer srv.Close()
	for _, code := range []string{"", "../../user", "a/b", "a?b", "a%2Fb", strings.Repeat("a", 129)} {
		if _, err := ConvertManifest(context.Background(), srv.Client(), srv.URL, code); err == nil {
			t.Errorf("code %q accepted", code)
		}
	}
}

// FuzzParseRegistration: no answer panics the parser, and whatever it
// accepts is a whole App.
func FuzzParseRegistration(f *testing.F) {
	f.Add([]byte(conversionJSON(f, nil)))
	f.Add([]byte(`{"id": 1, "slug": "a", "client_id": "b", "client_secret": "c", "webhook_secret": "d", "pem": "e"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		reg, err := parseRegistration(body)
		if err != nil {
			return
		}
		if reg.ID <= 0 || !appSlug.MatchString(reg.Slug) || reg.WebhookSecret == "" || reg.ClientSecret == "" {
			t.Fatalf("accepted %+v", reg)
		}
		if _, err := parseKey(reg.PrivateKeyPEM); err != nil {
			t.Fatalf("accepted a bad key: %v", err)
		}
	})
}

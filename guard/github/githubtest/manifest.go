package githubtest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// GitHub's manifest flow, both halves: the web form that registers an
// App from a manifest (POST /settings/apps/new for a personal account,
// /organizations/ORG/settings/apps/new for an organization) redirects to
// the manifest's redirect_url with a code and the state; the API
// exchanges the code, once and within an hour, for the App
// (POST /app-manifests/{code}/conversions, without credentials). The App
// it hands out is the fake's own (AppID, AppKeyPEM), so that its JWTs
// are accepted afterwards.

// manifestCodeTTL is how long GitHub honours a manifest code.
const manifestCodeTTL = time.Hour

// Manifest is the part of an App manifest the fake checks.
type Manifest struct {
	Name           string `json:"name"`
	URL            string `json:"url"`
	HookAttributes struct {
		URL    string `json:"url"`
		Active *bool  `json:"active"`
	} `json:"hook_attributes"`
	RedirectURL        string            `json:"redirect_url"`
	SetupURL           string            `json:"setup_url"`
	CallbackURLs       []string          `json:"callback_urls"`
	Public             bool              `json:"public"`
	DefaultPermissions map[string]string `json:"default_permissions"`
	DefaultEvents      []string          `json:"default_events"`
}

// ManifestApp is an App registered from a manifest on the fake: what the
// form posted and, once converted, the secrets handed out.
type ManifestApp struct {
	// Org is the organization that owns the App, "" for a personal
	// account.
	Org string
	// State is the form's state parameter, sent back with the code.
	State    string
	Manifest Manifest
	Code     string
	// Converted is whether the code was exchanged; the secrets below
	// are set then.
	Converted     bool
	Slug          string
	ClientID      string
	ClientSecret  string
	WebhookSecret string

	created time.Time
}

// ManifestApps returns the Apps registered from manifests, in order.
func (s *Server) ManifestApps() []ManifestApp {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ManifestApp, 0, len(s.manifestOrder))
	for _, code := range s.manifestOrder {
		out = append(out, *s.manifests[code])
	}
	return out
}

// ExpireManifestCodes makes every code not yet exchanged older than an
// hour, as a browser that came back late would find it.
func (s *Server) ExpireManifestCodes() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.manifests {
		m.created = m.created.Add(-manifestCodeTTL)
	}
}

// isManifestFlow reports whether path is one of the flow's, which take no
// credentials.
func isManifestFlow(path string) bool {
	return strings.HasPrefix(path, "/app-manifests/") || path == "/settings/apps/new" ||
		(strings.HasPrefix(path, "/organizations/") && strings.HasSuffix(path, "/settings/apps/new"))
}

func (s *Server) manifestRoutes() {
	s.mux.HandleFunc("POST /settings/apps/new", s.handleNewApp)
	s.mux.HandleFunc("POST /organizations/{org}/settings/apps/new", s.handleNewApp)
	s.mux.HandleFunc("POST /app-manifests/{code}/conversions", s.handleConversion)
}

// unsubscribable are events GitHub refuses in a manifest.
var unsubscribable = map[string]bool{"installation": true, "installation_repositories": true}

var orgLogin = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,38}$`)

// handleNewApp is the web form: it checks the manifest as GitHub does
// before showing its "Create GitHub App" page, and answers as that page
// does once confirmed: a redirect to redirect_url with a code.
func (s *Server) handleNewApp(w http.ResponseWriter, r *http.Request) {
	org := r.PathValue("org")
	if org != "" && !orgLogin.MatchString(org) {
		http.Error(w, "no such organization", http.StatusNotFound)
		return
	}
	var m Manifest
	if err := json.Unmarshal([]byte(r.PostFormValue("manifest")), &m); err != nil {
		http.Error(w, "Invalid GitHub App configuration: the manifest is not JSON", http.StatusUnprocessableEntity)
		return
	}
	if msg := checkManifest(&m); msg != "" {
		http.Error(w, "Invalid GitHub App configuration: "+msg, http.StatusUnprocessableEntity)
		return
	}
	back, _ := url.Parse(m.RedirectURL)
	code := randomHex(10)
	state := r.URL.Query().Get("state")
	q := back.Query()
	q.Set("code", code)
	if state != "" {
		q.Set("state", state)
	}
	back.RawQuery = q.Encode()
	s.mu.Lock()
	s.manifests[code] = &ManifestApp{Org: org, State: state, Manifest: m, Code: code, created: time.Now()}
	s.manifestOrder = append(s.manifestOrder, code)
	s.mu.Unlock()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// checkManifest returns what GitHub would refuse in m, "" when nothing.
func checkManifest(m *Manifest) string {
	abs := func(u string) bool {
		p, err := url.Parse(u)
		return err == nil && (p.Scheme == "https" || p.Scheme == "http") && p.Host != ""
	}
	switch {
	case !abs(m.URL):
		return "url must be an absolute URL"
	case !abs(m.HookAttributes.URL):
		return "hook_attributes.url must be an absolute URL"
	case !abs(m.RedirectURL):
		return "redirect_url must be an absolute URL"
	case m.SetupURL != "" && !abs(m.SetupURL):
		return "setup_url must be an absolute URL"
	case len(m.CallbackURLs) > 10:
		return "at most 10 callback_urls"
	}
	for _, e := range m.DefaultEvents {
		if unsubscribable[e] {
			return fmt.Sprintf("default_events: %s is not a valid event", e)
		}
	}
	return ""
}

// handleConversion exchanges a code for the App, once, within an hour.
func (s *Server) handleConversion(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	m := s.manifests[r.PathValue("code")]
	if m == nil || m.Converted || time.Since(m.created) > manifestCodeTTL {
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	m.Converted = true
	m.Slug = slugOf(m.Manifest.Name)
	m.ClientID, m.ClientSecret, m.WebhookSecret = "Iv1."+randomHex(8), randomHex(20), randomHex(20)
	app := *m
	s.mu.Unlock()
	owner := app.Org
	if owner == "" {
		owner = "octocat"
	}
	now := time.Now().UTC().Format(time.RFC3339)
	writeJSON(w, http.StatusCreated, map[string]any{
		"id": s.AppID, "slug": app.Slug, "node_id": "MDM6QXBwNDI0Mg==", "name": app.Manifest.Name,
		"owner":       map[string]any{"login": owner, "type": "Organization"},
		"description": "", "external_url": app.Manifest.URL, "html_url": s.URL + "/apps/" + app.Slug,
		"created_at": now, "updated_at": now,
		"permissions": app.Manifest.DefaultPermissions, "events": app.Manifest.DefaultEvents,
		"client_id": app.ClientID, "client_secret": app.ClientSecret, "webhook_secret": app.WebhookSecret,
		"pem": string(s.AppKeyPEM()),
	})
}

// slugOf makes an App's slug from its name, as GitHub does.
func slugOf(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	if slug := strings.TrimSuffix(b.String(), "-"); slug != "" {
		return slug
	}
	return "app"
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

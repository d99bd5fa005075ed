package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
)

// SetupConfig configures the setup page, which registers the GitHub App
// with GitHub's manifest flow while the server has none: the page posts
// the App's manifest to GitHub, GitHub registers the App and sends the
// browser back with a code, and Register turns the code into the App.
type SetupConfig struct {
	// PublicURL is the server's public URL: the manifest puts the App's
	// webhook under it and GitHub sends the browser back to it. Without
	// it the page says to set REPOGUARD_PUBLIC_URL.
	PublicURL string
	// GitHubURL is GitHub's web base, where the manifest is posted:
	// https://github.com, or https://HOST for GitHub Enterprise Server.
	GitHubURL string
	// Manifest returns the App's manifest (JSON) for an App owned by the
	// organization org, or by the admin's account when org is "".
	Manifest func(org string) ([]byte, error)
	// Register finishes the flow with the code GitHub sent back: it
	// exchanges it for the App's credentials, stores them and serves as
	// the App. It returns an error wrapping ErrRegistered when the server
	// has an App already. Calls never overlap.
	Register func(ctx context.Context, code string) (*RegisteredApp, error)
	// Registered returns the App the server serves as, nil while none.
	Registered func() *RegisteredApp
	// LinkTTL is how long the one-time link is valid; zero means an hour.
	LinkTTL time.Duration
	// Logger receives the flow's steps, never a secret; nil means
	// slog.Default().
	Logger *slog.Logger
	// Now is the clock (tests); nil means time.Now.
	Now func() time.Time
}

// RegisteredApp is the App a server serves as, as the setup page shows
// it.
type RegisteredApp struct {
	Name  string
	Slug  string
	Owner string
	// InstallURL is the App's installation page on GitHub.
	InstallURL string
}

// ErrRegistered is Register's error when the server has an App already.
var ErrRegistered = errors.New("this server has a GitHub App already: registering another is refused")

// Lifetimes of the setup's secrets: GitHub's code lasts an hour too.
const (
	setupSessionTTL = 2 * time.Hour
	setupStateTTL   = time.Hour
	maxSetupStates  = 16
	registerTimeout = 45 * time.Second // within the server's write timeout
)

// orgName is a GitHub organization's login.
var orgName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,38}$`)

// Setup is the handler of the setup page, under /setup. Only the browser
// that opened the one-time link (Link) may use it: the link starts a
// session (a cookie), and each form posted to GitHub carries a state
// bound to that session, which the way back must return.
type Setup struct {
	cfg    SetupConfig
	log    *slog.Logger
	now    func() time.Time
	ui     *server // renders with the UI's layout
	secure bool
	link   oneTimeLink
	routes http.Handler

	mu             sync.Mutex
	session        string
	sessionExpires time.Time
	states         map[string]time.Time

	// registering serialises Register: a second code waits, then finds
	// the App registered and is refused.
	registering sync.Mutex
}

// NewSetup returns the setup page with a fresh one-time link.
func NewSetup(cfg SetupConfig) (*Setup, error) {
	if cfg.Manifest == nil || cfg.Register == nil || cfg.Registered == nil {
		return nil, errors.New("web: setup needs Manifest, Register and Registered")
	}
	gh, err := url.Parse(cfg.GitHubURL)
	if err != nil || (gh.Scheme != "https" && gh.Scheme != "http") || gh.Host == "" {
		return nil, fmt.Errorf("web: setup: GitHub URL %q is not an absolute http(s) URL", cfg.GitHubURL)
	}
	cfg.GitHubURL = strings.TrimRight(cfg.GitHubURL, "/")
	if cfg.LinkTTL <= 0 {
		cfg.LinkTTL = time.Hour
	}
	s := &Setup{cfg: cfg, log: cfg.Logger, now: cfg.Now, secure: strings.HasPrefix(cfg.PublicURL, "https://"),
		states: map[string]time.Time{}}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.link.now = s.now
	s.ui = &server{log: s.log, now: s.now}
	if s.ui.pages, err = s.ui.parsePages(); err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /setup", s.page)
	mux.HandleFunc("GET /setup/callback", s.callback)
	mux.HandleFunc("GET /setup/installed", s.installed)
	mux.HandleFunc("/setup/", func(w http.ResponseWriter, r *http.Request) {
		s.show(w, r, http.StatusNotFound, &setupData{Heading: "Not found", Message: "No such setup page."})
	})
	s.routes = withSecurityHeaders(mux, cspWith(gh.Scheme+"://"+gh.Host))
	s.link.renew(cfg.LinkTTL)
	return s, nil
}

// Link returns the one-time link under baseURL that opens the setup
// page. Whoever can read it can register an App into the server: print
// it where only the admin can.
func (s *Setup) Link(baseURL string) string {
	return strings.TrimRight(baseURL, "/") + "/setup?token=" + url.QueryEscape(s.link.current())
}

// ServeHTTP serves /setup, /setup/callback (the manifest's redirect URL)
// and /setup/installed (its setup URL).
func (s *Setup) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.routes.ServeHTTP(w, r) }

// setupData is the setup page.
type setupData struct {
	common
	Registered *RegisteredApp
	// Installed is the page GitHub sends the admin to after installing.
	Installed bool
	// Heading and Message explain a refusal; Again offers a new start.
	Heading, Message string
	Again            bool
	NoPublicURL      bool
	// The registration form.
	Org, Action, Manifest string
}

func (s *Setup) show(w http.ResponseWriter, r *http.Request, status int, d *setupData) {
	d.Title = "Set up"
	s.ui.render(w, r, status, "setup", d)
}

// refuse shows why a step of the setup was refused.
func (s *Setup) refuse(w http.ResponseWriter, r *http.Request, status int, msg string, again bool) {
	s.show(w, r, status, &setupData{Heading: http.StatusText(status), Message: msg, Again: again})
}

// page opens a session from the one-time link, else shows the
// registration form (or the App registered) to that session.
func (s *Setup) page(w http.ResponseWriter, r *http.Request) {
	if token := r.URL.Query().Get("token"); token != "" {
		s.openSession(w, r, token)
		return
	}
	if !s.inSession(r) {
		s.refuse(w, r, http.StatusForbidden, "Open the one-time setup link that repoguard serve printed when it started.", false)
		return
	}
	if app := s.cfg.Registered(); app != nil {
		s.show(w, r, http.StatusOK, &setupData{Registered: app})
		return
	}
	if s.cfg.PublicURL == "" {
		s.show(w, r, http.StatusOK, &setupData{NoPublicURL: true})
		return
	}
	org := strings.TrimSpace(r.URL.Query().Get("org"))
	if org != "" && !orgName.MatchString(org) {
		s.refuse(w, r, http.StatusBadRequest, fmt.Sprintf("%q is not a GitHub organization name.", org), true)
		return
	}
	manifest, err := s.cfg.Manifest(org)
	if err != nil {
		s.log.ErrorContext(r.Context(), "setup: manifest", slog.Any("err", err))
		s.refuse(w, r, http.StatusInternalServerError, "The App's manifest could not be made: "+err.Error(), false)
		return
	}
	target := s.cfg.GitHubURL + "/settings/apps/new"
	if org != "" {
		target = s.cfg.GitHubURL + "/organizations/" + org + "/settings/apps/new"
	}
	s.show(w, r, http.StatusOK, &setupData{Org: org, Manifest: string(manifest),
		Action: target + "?state=" + url.QueryEscape(s.newState())})
}

// openSession spends the one-time link and starts the setup session,
// then drops the token from the address bar.
func (s *Setup) openSession(w http.ResponseWriter, r *http.Request, token string) {
	if !s.link.use(token) {
		s.refuse(w, r, http.StatusForbidden, "This setup link is wrong, used or expired: restart repoguard serve for a new one.", false)
		return
	}
	id := rand.Text()
	s.mu.Lock()
	s.session, s.sessionExpires = id, s.now().Add(setupSessionTTL)
	clear(s.states)
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: id, Path: "/", MaxAge: int(setupSessionTTL.Seconds()),
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	s.log.InfoContext(r.Context(), "setup: link opened")
	http.Redirect(w, r, "/setup", http.StatusSeeOther)
}

// cookieName is the setup session's cookie; __Host- binds it to this
// origin over HTTPS.
func (s *Setup) cookieName() string {
	if s.secure {
		return "__Host-repoguard_setup"
	}
	return "repoguard_setup"
}

// inSession reports whether r comes from the browser that opened the
// link, within the session's lifetime.
func (s *Setup) inSession(r *http.Request) bool {
	c, err := r.Cookie(s.cookieName())
	if err != nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.session != "" && subtle.ConstantTimeCompare([]byte(c.Value), []byte(s.session)) == 1 &&
		s.now().Before(s.sessionExpires)
}

// newState mints a state for one form of the session.
func (s *Setup) newState() string {
	st := rand.Text()
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for k, exp := range s.states {
		if !now.Before(exp) || len(s.states) >= maxSetupStates {
			delete(s.states, k)
		}
	}
	s.states[st] = now.Add(setupStateTTL)
	return st
}

// takeState spends a state the session minted; false when it did not or
// it expired.
func (s *Setup) takeState(got string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for st, exp := range s.states {
		if subtle.ConstantTimeCompare([]byte(got), []byte(st)) == 1 {
			delete(s.states, st)
			return s.now().Before(exp)
		}
	}
	return false
}

// callback is where GitHub sends the browser back with the code of the
// App it registered.
func (s *Setup) callback(w http.ResponseWriter, r *http.Request) {
	if !s.inSession(r) {
		s.refuse(w, r, http.StatusForbidden, "Open the one-time setup link that repoguard serve printed when it started, in this browser.", false)
		return
	}
	q := r.URL.Query()
	if !s.takeState(q.Get("state")) {
		s.refuse(w, r, http.StatusBadRequest, "The setup state does not match this browser's: start again from the setup page.", true)
		return
	}
	code := q.Get("code")
	if code == "" || len(code) > 128 {
		s.refuse(w, r, http.StatusBadRequest, "GitHub sent no code back.", true)
		return
	}
	s.registering.Lock()
	defer s.registering.Unlock()
	if s.cfg.Registered() != nil {
		s.refuse(w, r, http.StatusConflict, ErrRegistered.Error()+".", false)
		return
	}
	// The exchange goes on when the browser gives up: GitHub honours a
	// code once, and the App it registered must not be lost.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), registerTimeout)
	defer cancel()
	app, err := s.cfg.Register(ctx, code)
	switch {
	case errors.Is(err, ErrRegistered):
		s.refuse(w, r, http.StatusConflict, ErrRegistered.Error()+".", false)
	case err != nil:
		s.log.WarnContext(r.Context(), "setup: registration failed", slog.Any("err", err))
		s.refuse(w, r, http.StatusBadGateway, "GitHub's App could not be taken over: "+err.Error(), true)
	default:
		s.log.InfoContext(r.Context(), "setup: GitHub App registered", slog.String("slug", app.Slug), slog.String("owner", app.Owner))
		http.Redirect(w, r, "/setup", http.StatusSeeOther)
	}
}

// installed is the manifest's setup URL: GitHub sends the admin there
// after installing the App. It shows the next step, to anyone.
func (s *Setup) installed(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, http.StatusOK, &setupData{Installed: true})
}

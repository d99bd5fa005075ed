package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// Config configures the web UI and API.
type Config struct {
	// Store is required.
	Store Store
	// PullRequests feeds the pull request pages; nil answers them with
	// 404.
	PullRequests PullRequests
	// OnResolve is called after an anomaly of at least ResolveSeverity
	// was released (resolved or dismissed; not when the release only
	// waits for a second triager), so that the App can release a check
	// run it blocked, and after one was reopened, so that the check
	// blocks again. It runs before the response, with a context that
	// is not canceled when the client goes away.
	OnResolve func(ctx context.Context, a *guard.Anomaly)
	// ResolveSeverity is the lowest severity whose resolution calls
	// OnResolve; zero means guard.Critical.
	ResolveSeverity guard.Severity
	// SignIn lists the sign-in methods, in the order the login page
	// offers them (see NewGitHubLogin and NewLocalLogin). At least one
	// is required.
	SignIn []SignIn
	// InsecureCookies drops the Secure attribute of cookies, for plain
	// HTTP on a loopback address only: New refuses it when BaseURL names
	// another host.
	InsecureCookies bool
	// SessionTTL is how long a session lasts; zero means 12 hours.
	SessionTTL time.Duration
	// BaseURL is the external URL of the UI ("https://guard.example.com");
	// its origin is trusted for state-changing requests behind a proxy
	// that rewrites Host.
	BaseURL string
	// GitHubURL is the web URL of GitHub for links; zero means
	// https://github.com.
	GitHubURL string
	// DetectorDocs explains each detector in a sentence or two, shown on
	// the anomaly page (optional).
	DetectorDocs map[string]string
	// Logger receives one line per request; nil means slog.Default().
	Logger *slog.Logger
	// Now is the clock (tests); nil means time.Now.
	Now func() time.Time
}

// server holds the handlers' shared state.
type server struct {
	cfg     Config
	store   Store
	log     *slog.Logger
	pages   *pages
	cop     *http.CrossOriginProtection
	signIns map[string]SignIn
	github  string
	now     func() time.Time
}

// New returns the handler of the UI and the API.
func New(cfg Config) (http.Handler, error) {
	if cfg.Store == nil {
		return nil, errors.New("web: no store")
	}
	if len(cfg.SignIn) == 0 {
		return nil, errors.New("web: no sign-in method")
	}
	if err := checkCookieConfig(cfg); err != nil {
		return nil, err
	}
	s := &server{cfg: cfg, store: cfg.Store, log: cfg.Logger, now: cfg.Now,
		cop: http.NewCrossOriginProtection(), signIns: map[string]SignIn{},
		github: strings.TrimRight(cfg.GitHubURL, "/")}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.github == "" {
		s.github = "https://github.com"
	}
	if s.cfg.SessionTTL <= 0 {
		s.cfg.SessionTTL = 12 * time.Hour
	}
	if s.cfg.ResolveSeverity == guard.SeverityNone {
		s.cfg.ResolveSeverity = guard.Critical
	}
	for _, m := range cfg.SignIn {
		if _, dup := s.signIns[m.Name()]; dup || m.Name() == "" {
			return nil, fmt.Errorf("web: sign-in method %q is empty or given twice", m.Name())
		}
		s.signIns[m.Name()] = m
	}
	if cfg.BaseURL != "" {
		u, err := url.Parse(cfg.BaseURL)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("web: base URL %q is not an absolute URL", cfg.BaseURL)
		}
		if err := s.cop.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			return nil, fmt.Errorf("web: base URL: %w", err)
		}
	}
	s.cop.SetDenyHandler(http.HandlerFunc(s.crossOriginDenied))
	var err error
	if s.pages, err = s.parsePages(); err != nil {
		return nil, err
	}
	return s.routes(), nil
}

// checkCookieConfig allows cookies without Secure only on loopback.
func checkCookieConfig(cfg Config) error {
	if !cfg.InsecureCookies || cfg.BaseURL == "" {
		return nil
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil {
		return fmt.Errorf("web: base URL: %w", err)
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
		return nil
	}
	return fmt.Errorf("web: cookies without Secure are only allowed on localhost, not %s", host)
}

// routes registers every route; the handlers check access themselves
// through page, action and api.
func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /static/", staticHandler())
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("GET /login/{method}", s.beginSignIn)
	mux.HandleFunc("GET /login/{method}/callback", s.finishSignIn)
	mux.Handle("POST /logout", s.action(s.logout, false))

	mux.Handle("GET /{$}", s.page(s.queuePage))
	mux.Handle("GET /anomalies/{id}", s.page(s.anomalyPage))
	mux.Handle("POST /anomalies/{id}/{action}", s.action(s.triageForm, true))
	mux.Handle("GET /cases/{id}", s.page(s.casePage))
	mux.Handle("POST /cases/{id}/{action}", s.action(s.caseTriageForm, true))
	mux.Handle("GET /authors/{key}", s.page(s.authorPage))
	mux.Handle("GET /pulls/{owner}/{repo}/{number}", s.page(s.pullPage))
	mux.Handle("GET /suppressions", s.page(s.suppressionsPage))
	mux.Handle("POST /suppressions", s.action(s.addSuppressionForm, true))
	mux.Handle("POST /suppressions/{id}/delete", s.action(s.removeSuppressionForm, true))
	mux.Handle("POST /suppressions/{id}/approve", s.action(s.approveSuppressionForm, true))
	mux.Handle("/", s.page(func(http.ResponseWriter, *http.Request) error {
		return notFound("no such page")
	}))

	mux.Handle("GET /api/v1/me", s.api(s.apiMe))
	mux.Handle("GET /api/v1/anomalies", s.api(s.apiAnomalies))
	mux.Handle("GET /api/v1/anomalies/{id}", s.api(s.apiAnomaly))
	mux.Handle("POST /api/v1/anomalies/{id}/{action}", s.api(s.apiTriage))
	mux.Handle("GET /api/v1/cases", s.api(s.apiCases))
	mux.Handle("GET /api/v1/cases/{id}", s.api(s.apiCase))
	mux.Handle("POST /api/v1/cases/{id}/triage", s.api(s.apiCaseTriage))
	mux.Handle("GET /api/v1/suppressions", s.api(s.apiSuppressions))
	mux.Handle("POST /api/v1/suppressions", s.api(s.apiAddSuppression))
	mux.Handle("DELETE /api/v1/suppressions/{id}", s.api(s.apiRemoveSuppression))
	mux.Handle("POST /api/v1/suppressions/{id}/approve", s.api(s.apiApproveSuppression))
	mux.Handle("GET /api/v1/authors/{key}", s.api(s.apiAuthor))
	mux.Handle("GET /api/v1/pulls/{owner}/{repo}/{number}", s.api(s.apiPull))
	mux.Handle("/api/", s.api(func(http.ResponseWriter, *http.Request) error {
		return notFound("no such API endpoint")
	}))
	return s.logRequests(securityHeaders(s.cop.Handler(mux)))
}

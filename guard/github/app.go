package github

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/bradleyfalzon/ghinstallation/v2"
	gh "github.com/google/go-github/v62/github"
)

// DefaultBaseURL is the API base of github.com.
const DefaultBaseURL = "https://api.github.com/"

// AppConfig configures a GitHub App client.
type AppConfig struct {
	// AppID is the numeric ID of the GitHub App.
	AppID int64
	// PrivateKeyPEM is the App's private key as downloaded from its
	// settings page (PKCS#1 or PKCS#8 RSA, PEM). It is parsed once and
	// never logged or quoted in errors.
	PrivateKeyPEM []byte
	// BaseURL is the REST API base: DefaultBaseURL when empty, or
	// https://HOST/api/v3/ for GitHub Enterprise Server.
	BaseURL string
	// Transport is the underlying HTTP transport, shared by every
	// installation; http.DefaultTransport when nil.
	Transport http.RoundTripper
	// Retry tunes retries and rate-limit waits; zero fields take defaults.
	Retry RetryConfig
	// Logger receives retries and rate-limit waits; slog.Default when nil.
	Logger *slog.Logger
	// Metrics observes every API call and the remaining rate limit; nil
	// for none.
	Metrics Metrics
}

// String describes the configuration without the private key.
func (c AppConfig) String() string {
	return fmt.Sprintf("github.AppConfig{AppID: %d, BaseURL: %q, PrivateKeyPEM: [redacted]}", c.AppID, c.BaseURL)
}

// GoString is like String, so that %#v does not print the key either.
func (c AppConfig) GoString() string { return c.String() }

// LogValue implements slog.LogValuer without the private key.
func (c AppConfig) LogValue() slog.Value {
	return slog.GroupValue(slog.Int64("app_id", c.AppID), slog.String("base_url", c.BaseURL))
}

// App is an authenticated GitHub App. It hands out installation clients
// and is safe for concurrent use.
type App struct {
	id      int64
	key     *rsa.PrivateKey
	baseURL *url.URL
	base    http.RoundTripper
	retry   RetryConfig
	log     *slog.Logger
	metrics Metrics

	mu      sync.Mutex
	clients map[int64]*Client
}

// NewApp parses the App's private key and checks the configuration.
func NewApp(cfg AppConfig) (*App, error) {
	if cfg.AppID <= 0 {
		return nil, fmt.Errorf("github app: app id must be positive, got %d", cfg.AppID)
	}
	key, err := parseKey(cfg.PrivateKeyPEM)
	if err != nil {
		return nil, fmt.Errorf("github app %d: private key: %w", cfg.AppID, err)
	}
	base, err := parseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("github app %d: %w", cfg.AppID, err)
	}
	a := &App{
		id:      cfg.AppID,
		key:     key,
		baseURL: base,
		base:    cfg.Transport,
		retry:   cfg.Retry.withDefaults(),
		log:     cfg.Logger,
		metrics: cfg.Metrics,
		clients: map[int64]*Client{},
	}
	if a.base == nil {
		a.base = http.DefaultTransport
	}
	if a.log == nil {
		a.log = slog.Default()
	}
	if a.metrics == nil {
		a.metrics = MetricsFuncs{}
	}
	return a, nil
}

// ID returns the App's ID.
func (a *App) ID() int64 { return a.id }

// Installation returns the client of an installation. Clients are cached:
// the same installation shares one token and one rate-limit state.
func (a *App) Installation(id int64) *Client {
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.clients[id]; ok {
		return c
	}
	log := a.log.With("installation", id)
	rt := &retryTransport{
		basePath: a.baseURL.Path,
		next:     &observer{next: a.base, metrics: a.metrics, basePath: a.baseURL.Path},
		cfg:      a.retry,
		log:      log,
		metrics:  a.metrics,
	}
	// One AppsTransport per installation: ghinstallation writes to it on
	// every token refresh, so sharing it would race.
	atr := ghinstallation.NewAppsTransportFromPrivateKey(rt, a.id, a.key)
	itr := ghinstallation.NewFromAppsTransport(atr, id)
	itr.BaseURL = strings.TrimSuffix(a.baseURL.String(), "/")

	api := gh.NewClient(&http.Client{Transport: itr})
	api.BaseURL = a.baseURL
	api.UserAgent = "repoguard"
	c := &Client{api: api, tokens: itr, installation: id, appID: a.id, retry: a.retry, log: log}
	a.clients[id] = c
	return c
}

// Token returns an installation access token, for example to clone over
// HTTPS as user "x-access-token". Tokens are cached until a minute before
// they expire; never log them.
func (a *App) Token(ctx context.Context, installationID int64) (string, error) {
	return a.Installation(installationID).Token(ctx)
}

// parseKey parses an RSA private key in PEM. Its errors never quote the
// key.
func parseKey(pemBytes []byte) (*rsa.PrivateKey, error) {
	if len(pemBytes) == 0 {
		return nil, errors.New("empty")
	}
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("not PEM-encoded (want the RSA key downloaded from the App settings)")
	}
	if _, enc := block.Headers["DEK-Info"]; enc {
		return nil, errors.New("encrypted PEM is not supported")
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New(`PEM block "RSA PRIVATE KEY" is not a valid PKCS#1 key`)
		}
		return k, nil
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New(`PEM block "PRIVATE KEY" is not a valid PKCS#8 key`)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("PKCS#8 key is %T, want RSA", k)
		}
		return rk, nil
	}
	return nil, fmt.Errorf("PEM block %q is not an RSA private key", truncate(block.Type, 40))
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func parseBaseURL(s string) (*url.URL, error) {
	if s == "" {
		s = DefaultBaseURL
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("base url %q: want an absolute http(s) URL", s)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	u.RawPath, u.RawQuery, u.Fragment = "", "", ""
	return u, nil
}

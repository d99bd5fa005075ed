package configs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/repoguard/repoguard/guard"
)

// Server is the configuration of `repoguard serve`. Every setting can be
// given in the YAML file or overridden from the environment (see
// ServerEnv), so that a container needs no file at all.
type Server struct {
	// Listen is the host:port of the HTTP server.
	Listen string `yaml:"listen"`
	// DataDir holds the database, the repository cache, the credentials
	// of an App registered from the setup page and anything else the
	// server writes (default: like `repoguard scan`, see DefaultDataDir).
	DataDir string `yaml:"data_dir"`
	// DB is the database file (default DataDir/repoguard.db).
	DB string `yaml:"db"`
	// PublicURL is where GitHub and people reach the server: the base of
	// the App's webhook, setup and sign-in URLs and of the details links
	// of check runs. It is https (http only on a loopback host).
	PublicURL string `yaml:"public_url"`
	GitHub    GitHub `yaml:"github"`
	// ProtectedBranches are path.Match patterns of branches that, like
	// the default branch, are guarded: rewriting or deleting one is a
	// finding, and a pull request into one is judged against it alone
	// (a pull request into any other branch is also judged for what its
	// head would bring to the default branch).
	ProtectedBranches []string `yaml:"protected_branches"`
	// Workers is the number of inbox workers.
	Workers int `yaml:"workers"`
	// CacheMaxBytes bounds the size of the repository cache; the least
	// recently used clones are removed beyond it (0: unbounded).
	CacheMaxBytes int64 `yaml:"cache_max_bytes"`
	// ShutdownGrace is how long a shutdown waits for jobs in hand.
	ShutdownGrace time.Duration `yaml:"shutdown_grace"`
	// JobLease is how long a worker's claim of an inbox job lasts; it is
	// renewed every third of it while the job runs. The jobs of a server
	// that died without giving them back are taken over once it lapses
	// (at least 1s: leases are kept in whole seconds).
	JobLease time.Duration `yaml:"job_lease"`
	// InboxRetention is how long the webhook inbox keeps the bodies of
	// finished deliveries (at least 1s); a prune at start and hourly
	// drops older ones. Their delivery ids and body hashes are kept
	// for InboxReplayWindow: redeliveries are still answered as
	// duplicates and replays refused.
	InboxRetention time.Duration `yaml:"inbox_retention"`
	// InboxReplayWindow is how long the inbox keeps the id and body hash
	// of a finished delivery (at least InboxRetention): within it, a body
	// resent under a new delivery id is refused as a replay; after it,
	// the delivery is forgotten, so that the inbox does not grow without
	// bound.
	InboxReplayWindow time.Duration `yaml:"inbox_replay_window"`
	// JobDeadline bounds each attempt of an inbox job: an evaluation
	// still running then is stopped, its check concludes as a failure
	// ("evaluation timed out") and the job is not retried.
	JobDeadline time.Duration `yaml:"job_deadline"`
	// LogLevel is debug, info, warn or error.
	LogLevel string `yaml:"log_level"`
	// AuditKeyFile holds a key that makes the audit log's hash chain an
	// HMAC chain: without the key, someone with write access to the
	// database cannot re-forge it. Set it before the first entry.
	AuditKeyFile string `yaml:"audit_key_file"`
	// AuditAnchor says how often the head of the audit log is anchored
	// outside the database.
	AuditAnchor AuditAnchor `yaml:"audit_anchor"`
	// Notify sends new anomalies to an outgoing webhook.
	Notify Notify `yaml:"notify"`
}

// AuditAnchor anchors the audit log's head (its newest seq and hash)
// outside the database: a JSON log line "audit.head" and, when a notify
// URL is set, a signed notification. Deleting the newest entries then
// fails `repoguard audit verify --expect`.
type AuditAnchor struct {
	// Every anchors the head each time this many entries were appended.
	Every int64 `yaml:"every"`
	// Interval anchors the head at this interval when it moved.
	Interval time.Duration `yaml:"interval"`
}

// Notify is one outgoing webhook for new anomalies.
type Notify struct {
	// URL (or URLFile, for a Slack webhook URL, which is a secret)
	// receives the notifications; none are sent when both are empty.
	URL     string `yaml:"url"`
	URLFile string `yaml:"url_file"`
	// SecretFile holds the HMAC key of the X-Repoguard-Signature-256
	// header.
	SecretFile string `yaml:"secret_file"`
	// MinSeverity is the lowest severity notified (default high).
	MinSeverity string `yaml:"min_severity"`
	// Format is json or slack.
	Format string `yaml:"format"`
}

// GitHub is how the server reaches GitHub as an App.
type GitHub struct {
	// APIURL is the REST API base (https://api.github.com/ or
	// https://HOST/api/v3/ for GitHub Enterprise Server).
	APIURL         string `yaml:"api_url"`
	AppID          int64  `yaml:"app_id"`
	PrivateKeyFile string `yaml:"private_key_file"`
	// WebhookSecret is accepted from the environment only in practice;
	// prefer WebhookSecretFile. It is never printed.
	WebhookSecret     string `yaml:"webhook_secret"`
	WebhookSecretFile string `yaml:"webhook_secret_file"`
	// WebURL is GitHub's web and git base (https://github.com, or
	// https://HOST for GitHub Enterprise Server); derived from APIURL
	// when empty.
	WebURL string `yaml:"web_url"`
	// ClientID and ClientSecret(File) are the App's OAuth credentials for
	// signing in to the web UI.
	ClientID         string `yaml:"client_id"`
	ClientSecret     string `yaml:"client_secret"`
	ClientSecretFile string `yaml:"client_secret_file"`
	// TriageTeams and ReadTeams ("org/slug") decide who may sign in and
	// with which role.
	TriageTeams []string `yaml:"triage_teams"`
	ReadTeams   []string `yaml:"read_teams"`
	// StoredApp is the folder of the App credentials that the setup page
	// stored (see StoredAppDir) when they are in use, else "". It is not
	// a setting: LoadServer fills it.
	StoredApp string `yaml:"-"`
}

// ServerEnv lists every setting with the environment variable that
// overrides it and how the variable's text is read.
var ServerEnv = []EnvSetting{
	{"REPOGUARD_LISTEN", "listen", text(func(c *Server) *string { return &c.Listen })},
	{"REPOGUARD_DATA_DIR", "data_dir", text(func(c *Server) *string { return &c.DataDir })},
	{"REPOGUARD_DB", "db", text(func(c *Server) *string { return &c.DB })},
	{"REPOGUARD_PUBLIC_URL", "public_url", text(func(c *Server) *string { return &c.PublicURL })},
	{"REPOGUARD_GITHUB_API_URL", "github.api_url", text(func(c *Server) *string { return &c.GitHub.APIURL })},
	{"REPOGUARD_APP_ID", "github.app_id", integer(func(c *Server) *int64 { return &c.GitHub.AppID })},
	{"REPOGUARD_PRIVATE_KEY_FILE", "github.private_key_file", text(func(c *Server) *string { return &c.GitHub.PrivateKeyFile })},
	{"REPOGUARD_WEBHOOK_SECRET", "github.webhook_secret", text(func(c *Server) *string { return &c.GitHub.WebhookSecret })},
	{"REPOGUARD_WEBHOOK_SECRET_FILE", "github.webhook_secret_file", text(func(c *Server) *string { return &c.GitHub.WebhookSecretFile })},
	{"REPOGUARD_GITHUB_URL", "github.web_url", text(func(c *Server) *string { return &c.GitHub.WebURL })},
	{"REPOGUARD_GITHUB_CLIENT_ID", "github.client_id", text(func(c *Server) *string { return &c.GitHub.ClientID })},
	{"REPOGUARD_GITHUB_CLIENT_SECRET", "github.client_secret", text(func(c *Server) *string { return &c.GitHub.ClientSecret })},
	{"REPOGUARD_GITHUB_CLIENT_SECRET_FILE", "github.client_secret_file", text(func(c *Server) *string { return &c.GitHub.ClientSecretFile })},
	{"REPOGUARD_PROTECTED_BRANCHES", "protected_branches", list(func(c *Server) *[]string { return &c.ProtectedBranches })},
	{"REPOGUARD_TRIAGE_TEAMS", "github.triage_teams", list(func(c *Server) *[]string { return &c.GitHub.TriageTeams })},
	{"REPOGUARD_READ_TEAMS", "github.read_teams", list(func(c *Server) *[]string { return &c.GitHub.ReadTeams })},
	{"REPOGUARD_WORKERS", "workers", func(c *Server, v string) (err error) { c.Workers, err = strconv.Atoi(v); return err }},
	{"REPOGUARD_CACHE_MAX_BYTES", "cache_max_bytes", integer(func(c *Server) *int64 { return &c.CacheMaxBytes })},
	{"REPOGUARD_SHUTDOWN_GRACE", "shutdown_grace", duration(func(c *Server) *time.Duration { return &c.ShutdownGrace })},
	{"REPOGUARD_JOB_LEASE", "job_lease", duration(func(c *Server) *time.Duration { return &c.JobLease })},
	{"REPOGUARD_INBOX_RETENTION", "inbox_retention", duration(func(c *Server) *time.Duration { return &c.InboxRetention })},
	{"REPOGUARD_INBOX_REPLAY_WINDOW", "inbox_replay_window", duration(func(c *Server) *time.Duration { return &c.InboxReplayWindow })},
	{"REPOGUARD_JOB_DEADLINE", "job_deadline", duration(func(c *Server) *time.Duration { return &c.JobDeadline })},
	{"REPOGUARD_LOG_LEVEL", "log_level", text(func(c *Server) *string { return &c.LogLevel })},
	{"REPOGUARD_AUDIT_KEY_FILE", "audit_key_file", text(func(c *Server) *string { return &c.AuditKeyFile })},
	{"REPOGUARD_AUDIT_ANCHOR_EVERY", "audit_anchor.every", integer(func(c *Server) *int64 { return &c.AuditAnchor.Every })},
	{"REPOGUARD_AUDIT_ANCHOR_INTERVAL", "audit_anchor.interval", duration(func(c *Server) *time.Duration { return &c.AuditAnchor.Interval })},
	{"REPOGUARD_NOTIFY_URL", "notify.url", text(func(c *Server) *string { return &c.Notify.URL })},
	{"REPOGUARD_NOTIFY_URL_FILE", "notify.url_file", text(func(c *Server) *string { return &c.Notify.URLFile })},
	{"REPOGUARD_NOTIFY_SECRET_FILE", "notify.secret_file", text(func(c *Server) *string { return &c.Notify.SecretFile })},
	{"REPOGUARD_NOTIFY_MIN_SEVERITY", "notify.min_severity", text(func(c *Server) *string { return &c.Notify.MinSeverity })},
	{"REPOGUARD_NOTIFY_FORMAT", "notify.format", text(func(c *Server) *string { return &c.Notify.Format })},
}

// EnvSetting is one setting that an environment variable overrides.
type EnvSetting struct {
	Name    string // the variable
	Setting string // the setting, as the YAML file spells it
	set     func(c *Server, v string) error
}

func text(field func(*Server) *string) func(*Server, string) error {
	return func(c *Server, v string) error { *field(c) = v; return nil }
}

func list(field func(*Server) *[]string) func(*Server, string) error {
	return func(c *Server, v string) error { *field(c) = splitList(v); return nil }
}

func integer(field func(*Server) *int64) func(*Server, string) error {
	return func(c *Server, v string) (err error) { *field(c), err = strconv.ParseInt(v, 10, 64); return err }
}

func duration(field func(*Server) *time.Duration) func(*Server, string) error {
	return func(c *Server, v string) (err error) { *field(c), err = time.ParseDuration(v); return err }
}

// DefaultServer returns the settings used when neither file nor
// environment says otherwise.
func DefaultServer() Server {
	return Server{
		Listen:         "127.0.0.1:8080",
		GitHub:         GitHub{APIURL: "https://api.github.com/"},
		Workers:        4,
		CacheMaxBytes:  20 << 30,
		ShutdownGrace:  25 * time.Second,
		JobLease:       time.Minute,
		InboxRetention: 7 * 24 * time.Hour,
		// A quarter of a year of ids and hashes: about 200 bytes a
		// delivery, 180 MB at 10,000 deliveries a day.
		InboxReplayWindow: 90 * 24 * time.Hour,
		JobDeadline:       2 * time.Minute,
		LogLevel:          "info",
		AuditAnchor:       AuditAnchor{Every: 100, Interval: 5 * time.Minute},
	}
}

// LoadServer reads the configuration file (none when path is ""), applies
// the environment given by getenv, fills in defaults and validates. Then,
// when the configuration names no App credentials, it takes those the
// setup page stored in the data directory (see UseStoredApp). Errors name
// the file and line, or the variable.
func LoadServer(path string, getenv func(string) string) (*Server, error) {
	cfg, err := readServer(path, getenv)
	if err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := cfg.UseStoredApp(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// readServer applies the file and the environment over the defaults and
// fills in the data directory and database, without validating.
func readServer(path string, getenv func(string) string) (*Server, error) {
	cfg := DefaultServer()
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read config: %w", err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: %s", path, strings.TrimPrefix(err.Error(), "yaml: "))
		}
	}
	if err := cfg.applyEnv(getenv); err != nil {
		return nil, err
	}
	if cfg.DataDir == "" {
		dir, err := DefaultDataDir(getenv)
		if err != nil {
			return nil, err
		}
		cfg.DataDir = dir
	}
	if cfg.DB == "" {
		cfg.DB = filepath.Join(cfg.DataDir, "repoguard.db")
	}
	return &cfg, nil
}

func (c *Server) applyEnv(getenv func(string) string) error {
	for _, e := range ServerEnv {
		v := getenv(e.Name)
		if v == "" {
			continue
		}
		if err := e.set(c, v); err != nil {
			return fmt.Errorf("environment %s: %s: %q is not a valid value", e.Name, e.Setting, v)
		}
	}
	return nil
}

// splitList splits a comma-separated environment value.
func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// GitHubWebURL returns GitHub's web base: WebURL, else derived from the
// API URL (api.github.com gives https://github.com; https://HOST/api/v3/
// gives https://HOST).
func (c *Server) GitHubWebURL() string {
	if c.GitHub.WebURL != "" {
		return strings.TrimSuffix(c.GitHub.WebURL, "/")
	}
	u, err := url.Parse(c.GitHub.APIURL)
	if err != nil {
		return "https://github.com"
	}
	if u.Host == "api.github.com" {
		return "https://github.com"
	}
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/api/v3")
	return strings.TrimSuffix(u.String(), "/")
}

// ClientSecretValue returns the OAuth client secret ("" when none is set).
func (c *Server) ClientSecretValue() (string, error) {
	if c.GitHub.ClientSecret != "" || c.GitHub.ClientSecretFile == "" {
		return c.GitHub.ClientSecret, nil
	}
	b, err := os.ReadFile(c.GitHub.ClientSecretFile)
	if err != nil {
		return "", fmt.Errorf("read client secret: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// Validate reports the first invalid setting.
func (c *Server) Validate() error {
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return fmt.Errorf("listen %q: want host:port", c.Listen)
	}
	if c.PublicURL != "" {
		if err := CheckPublicURL(c.PublicURL); err != nil {
			return fmt.Errorf("public_url %w", err)
		}
	}
	if u, err := url.Parse(c.GitHub.APIURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("github.api_url %q: want an absolute http(s) URL", c.GitHub.APIURL)
	}
	if c.GitHub.AppID < 0 {
		return fmt.Errorf("github.app_id %d: want a positive number", c.GitHub.AppID)
	}
	if err := c.GitHub.validate(); err != nil {
		return err
	}
	if c.Workers < 1 || c.Workers > 256 {
		return fmt.Errorf("workers %d: want 1 to 256", c.Workers)
	}
	if c.JobLease < time.Second {
		return fmt.Errorf("job_lease %s: want 1s or more", c.JobLease)
	}
	if c.AuditAnchor.Every < 1 {
		return fmt.Errorf("audit_anchor.every %d: want 1 or more entries", c.AuditAnchor.Every)
	}
	if c.AuditAnchor.Interval < time.Second {
		return fmt.Errorf("audit_anchor.interval %s: want 1s or more", c.AuditAnchor.Interval)
	}
	for _, pat := range c.ProtectedBranches {
		if _, err := path.Match(pat, ""); err != nil || pat == "" {
			return fmt.Errorf("protected_branches %q: not a branch pattern (path.Match syntax, such as release/*)", pat)
		}
	}
	if c.InboxRetention < time.Second {
		return fmt.Errorf("inbox_retention %s: want 1s or more", c.InboxRetention)
	}
	if c.InboxReplayWindow < c.InboxRetention {
		return fmt.Errorf("inbox_replay_window %s: want at least inbox_retention (%s)", c.InboxReplayWindow, c.InboxRetention)
	}
	if c.JobDeadline < time.Second {
		return fmt.Errorf("job_deadline %s: want 1s or more", c.JobDeadline)
	}
	if c.CacheMaxBytes < 0 {
		return fmt.Errorf("cache_max_bytes %d: want 0 (unbounded) or more", c.CacheMaxBytes)
	}
	if c.Notify.MinSeverity != "" {
		if _, err := guard.ParseSeverity(c.Notify.MinSeverity); err != nil {
			return fmt.Errorf("notify.min_severity: %w", err)
		}
	}
	if f := c.Notify.Format; f != "" && f != "json" && f != "slack" {
		return fmt.Errorf("notify.format %q: want json or slack", f)
	}
	if c.Notify.URL != "" && c.Notify.URLFile != "" {
		return errors.New("notify: set url or url_file, not both")
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return fmt.Errorf("log_level %q: want debug, info, warn or error", c.LogLevel)
	}
	return nil
}

// AppConfigured reports whether GitHub App credentials are set (Validate
// makes sure they come all together).
func (c *Server) AppConfigured() bool {
	return c.GitHub.AppID != 0 && c.GitHub.PrivateKeyFile != ""
}

// Secret returns the webhook secret from the environment/file setting or
// from the secret file, with surrounding whitespace trimmed.
func (c *Server) Secret() ([]byte, error) {
	if c.GitHub.WebhookSecret != "" {
		return []byte(c.GitHub.WebhookSecret), nil
	}
	if c.GitHub.WebhookSecretFile == "" {
		return nil, errors.New("no webhook secret: set REPOGUARD_WEBHOOK_SECRET or REPOGUARD_WEBHOOK_SECRET_FILE")
	}
	b, err := os.ReadFile(c.GitHub.WebhookSecretFile)
	if err != nil {
		return nil, fmt.Errorf("read webhook secret: %w", err)
	}
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil, fmt.Errorf("webhook secret file %s is empty", c.GitHub.WebhookSecretFile)
	}
	return b, nil
}

// LogValue logs the settings that are safe to show: never the webhook
// secret or key paths' contents.
func (c Server) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("listen", c.Listen), slog.String("data_dir", c.DataDir), slog.String("db", c.DB),
		slog.String("public_url", c.PublicURL), slog.String("github_api_url", c.GitHub.APIURL),
		slog.Int64("app_id", c.GitHub.AppID), slog.Int("workers", c.Workers), slog.Duration("job_lease", c.JobLease),
		slog.Duration("inbox_retention", c.InboxRetention), slog.Duration("inbox_replay_window", c.InboxReplayWindow), slog.Duration("job_deadline", c.JobDeadline),
		slog.Bool("webhook_secret_set", c.GitHub.WebhookSecret != "" || c.GitHub.WebhookSecretFile != ""),
		slog.String("stored_app", c.GitHub.StoredApp),
	)
}

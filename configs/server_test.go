package configs

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadServerExampleAndEnv(t *testing.T) {
	cfg, err := LoadServer("examples/server.yml", envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != "0.0.0.0:8080" || cfg.GitHub.AppID != 123456 || cfg.DB != "/data/repoguard.db" || cfg.ShutdownGrace != 25*time.Second ||
		cfg.InboxRetention != 7*24*time.Hour || cfg.JobDeadline != 2*time.Minute {
		t.Errorf("example: %+v", cfg)
	}
	cfg, err = LoadServer("examples/server.yml", envOf(map[string]string{
		"REPOGUARD_LISTEN": "127.0.0.1:9000", "REPOGUARD_APP_ID": "7", "REPOGUARD_DB": "/tmp/x.db",
		"REPOGUARD_GITHUB_API_URL": "https://ghe.example.com/api/v3/", "REPOGUARD_WORKERS": "2",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != "127.0.0.1:9000" || cfg.GitHub.AppID != 7 || cfg.DB != "/tmp/x.db" || cfg.Workers != 2 ||
		cfg.GitHub.APIURL != "https://ghe.example.com/api/v3/" {
		t.Errorf("env overrides not applied: %+v", cfg)
	}
	// No file at all: defaults plus environment.
	cfg, err = LoadServer("", envOf(map[string]string{"REPOGUARD_DATA_DIR": "/var/lib/rg"}))
	if err != nil || cfg.DB != "/var/lib/rg/repoguard.db" {
		t.Errorf("no file: %v %+v", err, cfg)
	}
	// No data directory anywhere: the one `repoguard scan` uses.
	for env, want := range map[string]string{
		"HOME=/home/ann":                           "/home/ann/.local/share/repoguard",
		"XDG_DATA_HOME=/xdg":                       "/xdg/repoguard",
		"REPOGUARD_DB=/x.db":                       "", // a data directory is still needed, for clones
		"REPOGUARD_DATA_DIR=/d REPOGUARD_DB=/x.db": "/d",
	} {
		m := map[string]string{}
		for _, kv := range strings.Fields(env) {
			k, v, _ := strings.Cut(kv, "=")
			m[k] = v
		}
		cfg, err := LoadServer("", envOf(m))
		switch {
		case want == "" && (err == nil || !strings.Contains(err.Error(), "no data directory: set --data, REPOGUARD_DATA_DIR")):
			t.Errorf("%s: %v, want an error naming --data", env, err)
		case want != "" && (err != nil || cfg.DataDir != want):
			t.Errorf("%s: data dir %v (%v), want %s", env, cfg, err, want)
		}
	}
}

func TestLoadServerErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o600)
		return p
	}
	for _, tc := range []struct {
		name, file string
		env        map[string]string
		want       string
	}{
		{"unknown key", write("a.yml", "listen: :80\nlistne: x\n"), nil, "line 2: field listne not found"},
		{"bad listen", write("b.yml", "listen: nowhere\n"), nil, `listen "nowhere"`},
		{"bad env number", "", map[string]string{"REPOGUARD_APP_ID": "twelve"}, "REPOGUARD_APP_ID"},
		{"bad public url", "", map[string]string{"REPOGUARD_PUBLIC_URL": "example.com"}, "public_url"},
		{"plain http public url", "", map[string]string{"REPOGUARD_PUBLIC_URL": "http://rg.example.com"}, `public_url "http://rg.example.com": want https (http only on localhost)`},
		{"public url with a query", "", map[string]string{"REPOGUARD_PUBLIC_URL": "https://rg.example.com/?a=b"}, "want an absolute https URL"},
		{"both secrets", "", map[string]string{"REPOGUARD_WEBHOOK_SECRET": "s", "REPOGUARD_WEBHOOK_SECRET_FILE": "/f"}, "not both"},
		{"missing file", filepath.Join(dir, "nope.yml"), nil, "nope.yml"},
		{"no anchor count", "", map[string]string{"REPOGUARD_AUDIT_ANCHOR_EVERY": "0"}, "audit_anchor.every"},
		{"anchor too often", write("c.yml", "audit_anchor:\n  interval: 10ms\n"), nil, "audit_anchor.interval"},
		{"bad retention", "", map[string]string{"REPOGUARD_INBOX_RETENTION": "7d"}, "REPOGUARD_INBOX_RETENTION: inbox_retention"},
		{"replay window shorter", "", map[string]string{"REPOGUARD_INBOX_REPLAY_WINDOW": "24h"}, "inbox_replay_window 24h0m0s: want at least inbox_retention (168h0m0s)"},
		{"bad branch pattern", "", map[string]string{"REPOGUARD_PROTECTED_BRANCHES": "release/["}, `protected_branches "release/[": not a branch pattern`},
		{"zero retention", write("r.yml", "inbox_retention: 0s\n"), nil, "inbox_retention 0s: want 1s or more"},
		{"short job deadline", "", map[string]string{"REPOGUARD_JOB_DEADLINE": "500ms"}, "job_deadline 500ms: want 1s or more"},
	} {
		if tc.env == nil {
			tc.env = map[string]string{}
		}
		tc.env["HOME"] = dir
		_, err := LoadServer(tc.file, envOf(tc.env))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want it to mention %q", tc.name, err, tc.want)
		}
	}
}

func TestServerSecretNeverLogged(t *testing.T) {
	cfg := DefaultServer()
	cfg.GitHub.WebhookSecret = "s3cr3t-value"
	if v := cfg.LogValue().String(); strings.Contains(v, "s3cr3t") {
		t.Errorf("LogValue leaks the secret: %s", v)
	}
	b, err := cfg.Secret()
	if err != nil || string(b) != "s3cr3t-value" {
		t.Errorf("Secret: %q %v", b, err)
	}
}

func TestGitHubWebURL(t *testing.T) {
	for api, want := range map[string]string{
		"https://api.github.com/":         "https://github.com",
		"https://ghe.example.com/api/v3/": "https://ghe.example.com",
		"http://127.0.0.1:4000/api/v3":    "http://127.0.0.1:4000",
	} {
		c := DefaultServer()
		c.GitHub.APIURL = api
		if got := c.GitHubWebURL(); got != want {
			t.Errorf("%s: %s, want %s", api, got, want)
		}
	}
	c := DefaultServer()
	c.GitHub.WebURL = "http://git.local/"
	if c.GitHubWebURL() != "http://git.local" {
		t.Error("explicit web URL not used")
	}
}

// TestServerEnvCoversFile checks each environment variable against the
// YAML setting it names: writing the variable's value must give the same
// configuration as writing the setting in a file (before validation,
// which wants some settings together).
func TestServerEnvCoversFile(t *testing.T) {
	home := map[string]string{"HOME": t.TempDir()}
	none, err := readServer("", envOf(home))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ServerEnv {
		val := map[string]string{"github.app_id": "7", "workers": "3", "cache_max_bytes": "9",
			"shutdown_grace": "7s", "job_lease": "9s", "job_deadline": "3m", "inbox_retention": "72h", "inbox_replay_window": "960h", "log_level": "debug", "listen": "127.0.0.1:9",
			"public_url": "https://x.test", "github.api_url": "https://ghe.test/api/v3/",
			"notify.min_severity": "high", "notify.format": "slack",
			"audit_anchor.every": "7", "audit_anchor.interval": "7s"}[e.Setting]
		if val == "" {
			val = "v1"
		}
		fileVal := val
		if strings.HasSuffix(e.Setting, "_teams") || e.Setting == "protected_branches" {
			fileVal = "[" + val + "]"
		}
		path := filepath.Join(t.TempDir(), "c.yml")
		parts := strings.Split(e.Setting, ".")
		body := parts[0] + ": " + fileVal + "\n"
		if len(parts) == 2 {
			body = parts[0] + ":\n  " + parts[1] + ": " + fileVal + "\n"
		}
		os.WriteFile(path, []byte(body), 0o600)
		fromFile, errF := readServer(path, envOf(home))
		fromEnv, errE := readServer("", envOf(map[string]string{"HOME": home["HOME"], e.Name: val}))
		if errF != nil || errE != nil {
			t.Errorf("%s / %s: %v / %v", e.Name, e.Setting, errF, errE)
			continue
		}
		if fmt.Sprintf("%+v", *fromFile) != fmt.Sprintf("%+v", *fromEnv) {
			t.Errorf("%s does not set %s:\nfile %+v\nenv  %+v", e.Name, e.Setting, *fromFile, *fromEnv)
		}
		if fmt.Sprintf("%+v", *fromEnv) == fmt.Sprintf("%+v", *none) {
			t.Errorf("%s changed nothing", e.Name)
		}
	}
}

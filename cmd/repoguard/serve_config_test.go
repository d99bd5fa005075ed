package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/configs"
	"github.com/repoguard/repoguard/guard/logtest"
)

// TestServeRefusesHalfAnApp: serve given part of the App's credentials
// (or of GitHub sign-in) does not start as the anomaly queue alone: it
// exits 2 with one line naming what is missing.
func TestServeRefusesHalfAnApp(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"id without key", map[string]string{"REPOGUARD_APP_ID": "7", "REPOGUARD_WEBHOOK_SECRET": "s"}, "REPOGUARD_PRIVATE_KEY_FILE (github.private_key_file) missing"},
		{"key without id", map[string]string{"REPOGUARD_PRIVATE_KEY_FILE": "/k.pem", "REPOGUARD_WEBHOOK_SECRET": "s"}, "REPOGUARD_APP_ID (github.app_id) missing"},
		{"no webhook secret", map[string]string{"REPOGUARD_APP_ID": "7", "REPOGUARD_PRIVATE_KEY_FILE": "/k.pem"}, "REPOGUARD_WEBHOOK_SECRET_FILE or REPOGUARD_WEBHOOK_SECRET"},
		{"client id alone", map[string]string{"REPOGUARD_GITHUB_CLIENT_ID": "Iv1.x"}, "REPOGUARD_GITHUB_CLIENT_SECRET_FILE or REPOGUARD_GITHUB_CLIENT_SECRET"},
		{"plain http public URL", map[string]string{"REPOGUARD_PUBLIC_URL": "http://rg.example.com"}, "want https (http only on localhost)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("REPOGUARD_DATA_DIR", t.TempDir())
			t.Setenv("REPOGUARD_LISTEN", "127.0.0.1:0")
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			// A server that starts anyway is stopped after a while, to fail
			// rather than hang.
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			var stdout, errOut strings.Builder
			code := run(&env{ctx: ctx, stdout: &stdout, stderr: &errOut}, []string{"serve"})
			stderr := errOut.String()
			if code != exitError || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want 2 and one line naming %q", code, stderr, tc.want)
			}
		})
	}
}

// TestServeDataFlags: serve takes --data and --db like scan, over the
// variables.
func TestServeDataFlags(t *testing.T) {
	t.Setenv("REPOGUARD_LISTEN", "127.0.0.1:0")
	t.Setenv("REPOGUARD_DATA_DIR", filepath.Join(t.TempDir(), "from-env"))
	data, db := filepath.Join(t.TempDir(), "data"), filepath.Join(t.TempDir(), "other.db")
	for _, tc := range []struct {
		args   []string
		wantDB string
	}{
		{[]string{"--data", data}, filepath.Join(data, "repoguard.db")},
		{[]string{"--data", data, "--db", db}, db},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan int, 1)
		var stderr logtest.Buffer
		go func() {
			done <- run(&env{ctx: ctx, stdout: io.Discard, stderr: &stderr}, append([]string{"serve"}, tc.args...))
		}()
		waitFor(t, "serving", func() bool { return strings.Contains(stderr.String(), `"msg":"serving"`) })
		cancel()
		if code := <-done; code != exitOK {
			t.Errorf("serve %v: exit %d\n%s", tc.args, code, stderr.String())
		}
		if _, err := os.Stat(tc.wantDB); err != nil {
			t.Errorf("serve %v: %v", tc.args, err)
		}
		if _, err := os.Stat(filepath.Join(os.Getenv("REPOGUARD_DATA_DIR"), "repoguard.db")); err == nil {
			t.Errorf("serve %v used $REPOGUARD_DATA_DIR", tc.args)
		}
	}
}

// TestServeWarnsWithoutPublicURL: an App without a public URL says at
// start that its check runs will have no details link.
func TestServeWarnsWithoutPublicURL(t *testing.T) {
	e := newE2E(t)
	ls := e.start("REPOGUARD_PUBLIC_URL=")
	wantLog(t, ls.logs.String(), map[string]string{"level": "WARN",
		"msg": "no public URL: check runs will have no details link to the server's pull request page"})
}

// TestServeLogsHumanDurations: durations in the server's log read as in
// its configuration, not as nanoseconds.
func TestServeLogsHumanDurations(t *testing.T) {
	cfg, err := configs.LoadServer("", func(k string) string {
		return map[string]string{"REPOGUARD_DATA_DIR": t.TempDir(), "REPOGUARD_LISTEN": "127.0.0.1:0",
			"REPOGUARD_JOB_LEASE": "60s", "REPOGUARD_LOG_LEVEL": "debug"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	ls := startServer(t, cfg, nil)
	seen := map[string]bool{}
	for _, line := range strings.Split(ls.logs.String(), "\n") {
		var rec struct {
			Msg    string
			Took   any
			Config map[string]any
		}
		if json.Unmarshal([]byte(line), &rec) != nil {
			continue
		}
		seen[rec.Msg] = true
		switch rec.Msg {
		case "serving":
			if rec.Config["job_lease"] != "1m" || rec.Config["inbox_retention"] != "168h" {
				t.Errorf("serving: %v", rec.Config)
			}
		case "inbox pruned":
			if s, ok := rec.Took.(string); !ok || s == "" {
				t.Errorf("inbox pruned: took %v, want a duration as text", rec.Took)
			}
		}
	}
	// Both are logged before the server listens, so before startServer returns.
	for _, msg := range []string{"serving", "inbox pruned"} {
		if !seen[msg] {
			t.Errorf("no %q record in the log:\n%s", msg, ls.logs)
		}
	}
	for d, want := range map[time.Duration]string{
		time.Minute: "1m", 1500 * time.Millisecond: "1.5s", 168 * time.Hour: "168h", 90 * time.Minute: "1h30m",
		2*time.Hour + 5*time.Second: "2h0m5s", 0: "0s", 250 * time.Microsecond: "250µs",
	} {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", d, got, want)
		} else if back, err := time.ParseDuration(got); err != nil || back != d {
			t.Errorf("%q reads back as %v %v", got, back, err)
		}
	}
}

package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/sqlite"
)

func TestQueueName(t *testing.T) {
	for in, want := range map[string]string{
		"/tmp/xz":      "xz",
		"/src/vault/":  "vault",
		"acme/vault":   "acme/vault",
		"my-name":      "my-name",
		"/srv/git/a.b": "a.b",
	} {
		if got := queueName(in); got != want {
			t.Errorf("queueName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGitHubWebOf(t *testing.T) {
	for in, want := range map[string]string{
		"https://github.com/acme/vault.git":              "https://github.com/acme/vault",
		"git@github.com:acme/vault.git":                  "https://github.com/acme/vault",
		"ssh://git@GitHub.com:22/acme/vault":             "https://github.com/acme/vault",
		"https://x-access-token@github.com/acme/v":       "https://github.com/acme/v",
		"https://gitlab.com/acme/vault.git":              "",
		"git@gitlab.com:acme/vault.git":                  "",
		"https://github.com.evil.example/acme/vault.git": "",
		"https://ghe.example.com/acme/vault":             "",
		"/srv/git/acme/vault.git":                        "",
		"file:///srv/git/acme/vault.git":                 "",
		"":                                               "",
	} {
		if got := githubWebOf(in); got != want {
			t.Errorf("githubWebOf(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestScanQueueCase: a scan records each commit's findings as a case
// with its subject, date and risk, named by the folder of a repository
// without a remote and by owner/name of one with an origin; its commits
// link to GitHub only when that origin is on github.com.
func TestScanQueueCase(t *testing.T) {
	r, _ := repoWithKey(t)
	head := r.git("rev-parse", "HEAD")
	date, err := time.Parse(time.RFC3339, r.git("log", "-1", "--format=%aI"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		origin, repo, url string
	}{
		{"", filepath.Base(r.dir), ""},
		{"git@gitlab.com:acme/vault.git", "acme/vault", ""},
		{"https://github.com/acme/vault.git", "acme/vault", "https://github.com/acme/vault/commit/" + head},
	} {
		t.Run(tc.repo+" "+tc.origin, func(t *testing.T) {
			if tc.origin != "" {
				r.git("config", "remote.origin.url", tc.origin)
			}
			db := filepath.Join(t.TempDir(), "rg.db")
			if code, _, stderr := runCmd(t, "scan", "--db", db, "--fail-on", "none", r.dir); code != exitOK {
				t.Fatalf("scan: %s", stderr)
			}
			store, err := sqlite.Open(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			cs, _, err := store.Cases(context.Background(), guard.AnomalyFilter{Detector: "key-material"})
			if err != nil {
				t.Fatal(err)
			}
			if len(cs) != 1 {
				t.Fatalf("%d cases, want 1: %+v", len(cs), cs)
			}
			c := cs[0]
			if c.Repo != tc.repo || c.Commit != head || c.Subject != "add deploy key" || !c.Date.Equal(date) ||
				c.Risk < 50 || c.URL != tc.url || c.AuthorEmail != "alice@example.com" {
				t.Errorf("case %+v\nwant repo %s, commit %s, subject %q, date %s, risk over 50, url %q",
					c, tc.repo, head, "add deploy key", date, tc.url)
			}
		})
	}
}

package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/sqlite"
	"github.com/repoguard/repoguard/guard/web"
)

// seedQueueDB creates a database in a temporary directory holding four
// anomalies in two cases, and so audit entries 1 to 4:
//
//	c1 acme/wallet commit 0123456789 by mallory, risk 90
//	   1 critical key-material (with evidence)
//	   2 medium   odd-hours (a terminal escape in its message)
//	c2 acme/infra#12 by bob, risk 60
//	   3 high     ci-tamper
//	   4 low      odd-hours
func seedQueueDB(t *testing.T, key []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "repoguard.db")
	db := sqlite.NewDB(p)
	db.AuditKey = key
	ctx := context.Background()
	if err := db.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, rec := range []guard.FindingRecord{
		{Repo: "acme/wallet", Commit: "0123456789abcdef0123456789abcdef01234567", Author: "mallory",
			AuthorName: "Mallory", AuthorEmail: "mallory@example.com", Queue: guard.Low,
			URL:     "https://github.com/acme/wallet/commit/0123456789abcdef0123456789abcdef01234567",
			Subject: "Add deploy key", Date: time.Date(2024, 5, 1, 3, 0, 0, 0, time.UTC), Risk: 90,
			Findings: []guard.Finding{
				{Detector: "key-material", Severity: guard.Critical, Score: 0.9, Path: "deploy/key.pem", Line: 1,
					Message: "private key added", Evidence: []string{"RSA private key (redacted)"}},
				{Detector: "odd-hours", Severity: guard.Medium, Score: 0.4, Message: "first commit at 03:00\x1b[2J"},
			}},
		{Repo: "acme/infra", Commit: "fedcba9876543210fedcba9876543210fedcba98", PullRequest: 12, Author: "bob",
			Queue: guard.Low, Subject: "CI: faster builds", Date: time.Date(2024, 5, 2, 10, 0, 0, 0, time.UTC), Risk: 60,
			Findings: []guard.Finding{
				{Detector: "ci-tamper", Severity: guard.High, Path: ".github/workflows/ci.yml", Message: "workflow pipes curl to sh"},
				{Detector: "odd-hours", Severity: guard.Low, Message: "late commit"},
			}},
	} {
		if _, err := db.RecordFindings(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// mustRun runs repoguard and fails the test unless it exits with want.
func mustRun(t *testing.T, want int, args ...string) (string, string) {
	t.Helper()
	code, out, errOut := runCmd(t, args...)
	if code != want {
		t.Fatalf("repoguard %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, want, out, errOut)
	}
	return out, errOut
}

func wantContains(t *testing.T, what, got string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(got, s) {
			t.Errorf("%s lacks %q:\n%s", what, s, got)
		}
	}
}

func listIDs(t *testing.T, out string) []int64 {
	t.Helper()
	var p web.AnomalyPage
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("list JSON: %v\n%s", err, out)
	}
	ids := []int64{}
	for _, a := range p.Anomalies {
		ids = append(ids, a.ID)
	}
	return ids
}

func TestQueueLocal(t *testing.T) {
	t.Setenv("REPOGUARD_SERVER", "")
	t.Setenv("USER", "carol")
	db := seedQueueDB(t, nil)

	out, _ := mustRun(t, exitOK, "queue", "list", "--db", db, "--anomalies")
	wantContains(t, "list", out, "ID", "SEVERITY", "key-material", "acme/wallet", "mallory", "private key added", "1 to 4 of 4")
	if strings.Contains(out, "\x1b") || !strings.Contains(out, `\u001b[2J`) {
		t.Errorf("the terminal escape of anomaly 2 is not escaped:\n%q", out)
	}
	out, _ = mustRun(t, exitOK, "queue", "list", "--db", db, "--anomalies", "--severity", "high", "--format", "json")
	if ids := listIDs(t, out); len(ids) != 2 || ids[0] != 1 || ids[1] != 3 {
		t.Errorf("--severity high: ids %v, want [1 3]", ids)
	}
	out, _ = mustRun(t, exitOK, "queue", "list", "--db", db, "--anomalies", "--repo", "acme/infra", "--sort", "severity", "--format", "json")
	if ids := listIDs(t, out); len(ids) != 2 || ids[0] != 4 {
		t.Errorf("--repo acme/infra --sort severity (ascending): ids %v, want [4 3]", ids)
	}
	_, errOut := mustRun(t, exitError, "queue", "list", "--db", db, "--status", "bogus")
	wantContains(t, "bad status", errOut, `unknown status "bogus"`)

	out, _ = mustRun(t, exitOK, "queue", "show", "1", "--db", db)
	wantContains(t, "show", out, "anomaly 1  CRITICAL  open", "case      c1", "deploy/key.pem:1", "Mallory <mallory@example.com>",
		"RSA private key (redacted)", "history", "anomaly.created")

	_, errOut = mustRun(t, exitError, "queue", "dismiss", "3", "--db", db)
	wantContains(t, "dismiss without reason", errOut, "--reason")
	out, _ = mustRun(t, exitOK, "queue", "dismiss", "3", "--reason", "expected CI change", "--actor", "alice", "--db", db)
	wantContains(t, "dismiss", out, "anomaly 3: dismissed")
	_, errOut = mustRun(t, exitError, "queue", "ack", "3", "--db", db)
	wantContains(t, "ack dismissed", errOut, "cannot ack anomaly 3: it is dismissed")
	_, errOut = mustRun(t, exitError, "queue", "dismiss", "1", "--reason", "mine", "--actor", "mallory", "--db", db)
	wantContains(t, "self-dismiss", errOut, "they took part in the change")

	mustRun(t, exitOK, "queue", "ack", "2", "--db", db) // as $USER
	out, _ = mustRun(t, exitOK, "queue", "assign", "1", "--to", "bob", "--actor", "alice", "--db", db)
	wantContains(t, "assign", out, "anomaly 1: assigned to bob")
	_, errOut = mustRun(t, exitError, "queue", "assign", "1", "--db", db)
	wantContains(t, "assign without --to", errOut, "--to")
	defer func(r io.Reader) { queueStdin = r }(queueStdin)
	queueStdin = strings.NewReader("looks real\nescalating to IR\n")
	out, _ = mustRun(t, exitOK, "queue", "comment", "1", "--body", "-", "--actor", "alice", "--db", db)
	wantContains(t, "comment", out, "anomaly 1: comment added")
	mustRun(t, exitError, "queue", "comment", "1", "--body", " ", "--db", db)

	out, _ = mustRun(t, exitOK, "queue", "show", "1", "--db", db, "--format", "json")
	var v web.AnomalyDetail
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if v.Anomaly.Assignee != "bob" || len(v.Comments) != 1 || v.Comments[0].Body != "looks real\nescalating to IR" ||
		v.Comments[0].Author != "alice" || len(v.History) != 3 || v.History[2].Action != "anomaly.commented" {
		t.Errorf("show 1 after triage: %+v", v)
	}
	out, _ = mustRun(t, exitOK, "queue", "show", "2", "--db", db)
	wantContains(t, "ack as $USER", out, "carol", "anomaly.acknowledged")

	_, errOut = mustRun(t, exitError, "queue", "show", "99", "--db", db)
	wantContains(t, "not found", errOut, "anomaly 99 not found")
	_, errOut = mustRun(t, exitError, "queue", "show", "x", "--db", db)
	wantContains(t, "bad id", errOut, `bad id "x": want a case (c12) or an anomaly (a34, or 34)`)
	_, errOut = mustRun(t, exitError, "queue", "list", "--db", filepath.Join(t.TempDir(), "none.db"))
	wantContains(t, "no database", errOut, "no database at")

	out, _ = mustRun(t, exitOK, "queue", "resolve", "4", "--actor", "alice", "--db", db)
	wantContains(t, "resolve", out, "anomaly 4: resolved")
	if n := strings.Count(strings.TrimSpace(out), "\n"); n != 0 {
		t.Errorf("resolve printed %d lines:\n%s", n+1, out)
	}
}

func TestQueueExport(t *testing.T) {
	db := seedQueueDB(t, nil)
	out, _ := mustRun(t, exitOK, "queue", "export", "--db", db)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("export: %d lines, want 4:\n%s", len(lines), out)
	}
	for i, l := range lines {
		var a guard.Anomaly
		if err := json.Unmarshal([]byte(l), &a); err != nil || a.ID != int64(i+1) {
			t.Errorf("line %d: %v %+v", i, err, a)
		}
	}
	out, _ = mustRun(t, exitOK, "queue", "export", "--db", db, "--since", "2999-01-01")
	if out != "" {
		t.Errorf("export since 2999: %q", out)
	}
}

// apiServer serves guard/web over the database at path and returns its
// URL, a triage token and a read token.
func apiServer(t *testing.T, path string) (string, string, string) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	triage, _, err := db.CreateToken(ctx, "ci", guard.RoleTriage, "admin")
	if err != nil {
		t.Fatal(err)
	}
	read, _, err := db.CreateToken(ctx, "dashboard", guard.RoleRead, "admin")
	if err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Config{Store: db, SignIn: []web.SignIn{web.NewLocalLogin()}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL, triage, read
}

func TestQueueAPI(t *testing.T) {
	srv, token, readToken := apiServer(t, seedQueueDB(t, nil))
	t.Setenv("REPOGUARD_SERVER", srv)
	t.Setenv("REPOGUARD_TOKEN", token)
	run := func(want int, args ...string) (string, string) {
		t.Helper()
		out, errOut := mustRun(t, want, append([]string{"queue"}, args...)...)
		if strings.Contains(out+errOut, token) || strings.Contains(out+errOut, readToken) {
			t.Fatalf("queue %v printed a token", args)
		}
		return out, errOut
	}

	out, _ := run(exitOK, "list", "--anomalies")
	wantContains(t, "list", out, "key-material", "ci-tamper", "1 to 4 of 4")
	out, _ = run(exitOK, "list", "--anomalies", "--severity", "high", "--format", "json")
	if ids := listIDs(t, out); len(ids) != 2 || ids[0] != 1 || ids[1] != 3 {
		t.Errorf("--severity high: ids %v, want [1 3]", ids)
	}
	out, _ = run(exitOK, "list", "--anomalies", "--limit", "1", "--offset", "1", "--status", "all")
	wantContains(t, "paging", out, "2 to 2 of 4 (next: --offset 2)")

	out, _ = run(exitOK, "show", "1")
	wantContains(t, "show", out, "anomaly 1  CRITICAL  open", "RSA private key (redacted)", "anomaly.created")
	_, errOut := run(exitError, "show", "99")
	wantContains(t, "not found", errOut, "anomaly 99 not found")

	out, _ = run(exitOK, "dismiss", "3", "--reason", "expected CI change")
	wantContains(t, "dismiss", out, "anomaly 3: dismissed")
	_, errOut = run(exitError, "ack", "3")
	wantContains(t, "ack dismissed", errOut, "cannot ack anomaly 3")
	run(exitOK, "assign", "1", "--to", "alice")
	run(exitOK, "comment", "1", "--body", "escalated")
	out, _ = run(exitOK, "show", "1", "--format", "json")
	var v web.AnomalyDetail
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if v.Anomaly.Assignee != "alice" || len(v.Comments) != 1 || v.Comments[0].Author != "token:ci" ||
		len(v.History) != 3 || v.History[1].Actor != "token:ci" {
		t.Errorf("show 1 after triage: %+v", v)
	}

	_, errOut = run(exitError, "ack", "1", "--actor", "alice")
	wantContains(t, "--actor", errOut, "--actor applies to the database only")
	_, errOut = run(exitError, "list", "--server", srv, "--db", "x.db")
	wantContains(t, "both", errOut, "not both")
	_, errOut = run(exitError, "list", "--server", "http://guard.example.com")
	wantContains(t, "plain http", errOut, "plain http")

	t.Setenv("REPOGUARD_TOKEN", readToken)
	run(exitOK, "list")
	_, errOut = run(exitError, "ack", "1")
	wantContains(t, "read role", errOut, "may only read")
	t.Setenv("REPOGUARD_TOKEN", "rgt_forged")
	_, errOut = run(exitError, "list")
	wantContains(t, "forged token", errOut, "refused the API token")
	t.Setenv("REPOGUARD_TOKEN", "")
	_, errOut = run(exitError, "list")
	wantContains(t, "no token", errOut, "no API token")
}

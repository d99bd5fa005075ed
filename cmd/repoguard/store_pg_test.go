package main

import (
	"context"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/guard/sqlite"
	"github.com/repoguard/repoguard/guard/sqlite/pgtest"
)

// TestDBFlagSelectsPostgres: --db postgres://… makes a command use that
// database: the audit log written there verifies through the CLI.
func TestDBFlagSelectsPostgres(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	db, err := sqlite.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	for _, subject := range []string{"pr/acme/vault#1", "pr/acme/vault#2", "pr/acme/vault#3"} {
		if _, err := db.AppendAudit(ctx, "repoguard", "verdict.posted", subject, "success"); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	out, _ := mustRun(t, exitOK, "audit", "verify", "--db", url)
	wantContains(t, "verify on PostgreSQL", out, "audit log ok: entries 1 to 3 verified")
}

// TestDBFlagPostgresErrorHidesPassword: a PostgreSQL that cannot be
// reached fails the command with a line that does not show the URL's
// password.
func TestDBFlagPostgresErrorHidesPassword(t *testing.T) {
	code, out, errOut := runCmd(t, "audit", "verify", "--db", "postgres://rg:s3cret@127.0.0.1:1/repoguard?connect_timeout=2")
	if code != exitError || errOut == "" {
		t.Fatalf("code %d, stderr %q, want an error", code, errOut)
	}
	if strings.Contains(out+errOut, "s3cret") {
		t.Errorf("the output shows the password: %s%s", out, errOut)
	}
}

package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/sqlite"
)

func TestToken(t *testing.T) {
	t.Setenv("USER", "admin")
	db := seedQueueDB(t, nil)
	secret, errOut := mustRun(t, exitOK, "token", "create", "--name", "siem", "--role", "triage", "--db", db)
	secret = strings.TrimSpace(secret)
	if !strings.HasPrefix(secret, sqlite.TokenPrefix) || strings.Contains(secret, "\n") {
		t.Fatalf("stdout is not the secret alone: %q", secret)
	}
	wantContains(t, "create notes", errOut, "created token 1", "will not be shown again")

	ctx := context.Background()
	store, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	tok, err := store.TokenAuth(ctx, secret)
	if err != nil || tok.Name != "siem" || tok.Role != guard.RoleTriage || tok.CreatedBy != "admin" {
		t.Fatalf("TokenAuth: %+v %v", tok, err)
	}

	out, _ := mustRun(t, exitOK, "token", "list", "--db", db)
	wantContains(t, "list", out, "siem", "triage", "admin")
	if strings.Contains(out, secret) {
		t.Error("list shows the secret")
	}
	out, _ = mustRun(t, exitOK, "token", "list", "--db", db, "--format", "json")
	var ts []guard.APIToken
	if err := json.Unmarshal([]byte(out), &ts); err != nil || len(ts) != 1 || ts[0].ID != 1 {
		t.Fatalf("list JSON: %v %s", err, out)
	}

	out, _ = mustRun(t, exitOK, "token", "revoke", "1", "--actor", "alice", "--db", db)
	wantContains(t, "revoke", out, "token 1 revoked")
	if _, err := store.TokenAuth(ctx, secret); err == nil {
		t.Error("a revoked token still authenticates")
	}
	_, errOut = mustRun(t, exitError, "token", "revoke", "1", "--db", db)
	wantContains(t, "revoke twice", errOut, "token 1 not found")
	out, _ = mustRun(t, exitOK, "token", "list", "--db", db)
	wantContains(t, "list after revoke", out, "no API tokens")

	es, err := store.AuditEntries(ctx, 5, 10)
	if err != nil || len(es) != 2 || es[0].Action != "token.created" || es[0].Actor != "admin" ||
		es[1].Action != "token.revoked" || es[1].Actor != "alice" || es[1].Subject != "token/1" {
		t.Errorf("audit entries: %+v %v", es, err)
	}

	_, errOut = mustRun(t, exitError, "token", "create", "--name", "x", "--role", "admin", "--db", db)
	wantContains(t, "bad role", errOut, `unknown role "admin"`)
	_, errOut = mustRun(t, exitError, "token", "create", "--db", db)
	wantContains(t, "no name", errOut, "--name")
	t.Setenv("USER", "")
	_, errOut = mustRun(t, exitError, "token", "create", "--name", "x", "--db", db)
	wantContains(t, "no actor", errOut, "--actor")
}

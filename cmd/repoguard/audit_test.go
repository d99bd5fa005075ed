package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/guard"

	_ "modernc.org/sqlite" // the driver guard/sqlite uses, registered as "sqlite"
)

// tamper runs an UPDATE on the database file behind the store's back.
func tamper(t *testing.T, path, stmt string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := db.ExecContext(context.Background(), stmt)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("%s: %d rows changed", stmt, n)
	}
}

func TestAuditVerify(t *testing.T) {
	t.Setenv("REPOGUARD_AUDIT_KEY_FILE", "")
	db := seedQueueDB(t, nil)
	out, _ := mustRun(t, exitOK, "audit", "verify", "--db", db)
	wantContains(t, "verify", out, "audit log ok: entries 1 to 4 verified; last hash ")

	tamper(t, db, `UPDATE audit SET detail='x' WHERE seq=2`)
	out, _ = mustRun(t, exitFindings, "audit", "verify", "--db", db)
	wantContains(t, "verify after edit", out, "BROKEN at entry 2", "entry 2 was altered")

	_, errOut := mustRun(t, exitError, "audit", "verify", "--db", filepath.Join(t.TempDir(), "none.db"))
	wantContains(t, "no database", errOut, "no database at")
	mustRun(t, exitError, "audit", "verify", "--db", db, "extra")
	mustRun(t, exitError, "audit", "frobnicate")
}

func TestAuditKeyed(t *testing.T) {
	t.Setenv("REPOGUARD_AUDIT_KEY_FILE", "")
	key := "k3y-for-the-audit-chain"
	keyFile := filepath.Join(t.TempDir(), "audit.key")
	if err := os.WriteFile(keyFile, []byte(key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	db := seedQueueDB(t, []byte(key))
	mustRun(t, exitOK, "audit", "verify", "--db", db, "--audit-key-file", keyFile)
	out, _ := mustRun(t, exitFindings, "audit", "verify", "--db", db)
	wantContains(t, "verify without the key", out, "BROKEN at entry 1", "check the audit key")

	// A change through the CLI extends the keyed chain under the key from
	// the environment.
	t.Setenv("REPOGUARD_AUDIT_KEY_FILE", keyFile)
	mustRun(t, exitOK, "queue", "ack", "1", "--actor", "alice", "--db", db)
	mustRun(t, exitOK, "token", "create", "--name", "ci", "--actor", "alice", "--db", db)
	out, _ = mustRun(t, exitOK, "audit", "verify", "--db", db)
	wantContains(t, "verify keyed", out, "entries 1 to 6 verified")

	empty := filepath.Join(t.TempDir(), "empty.key")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errOut := mustRun(t, exitError, "audit", "verify", "--db", db, "--audit-key-file", empty)
	wantContains(t, "empty key", errOut, "is empty")
	_, errOut = mustRun(t, exitError, "audit", "verify", "--db", db, "--audit-key-file", keyFile+".missing")
	wantContains(t, "missing key", errOut, "read audit key")
}

func TestAuditExport(t *testing.T) {
	db := seedQueueDB(t, nil)
	mustRun(t, exitOK, "queue", "ack", "1", "--actor", "alice", "--db", db)
	out, _ := mustRun(t, exitOK, "audit", "export", "--db", db)
	var es []guard.AuditEntry
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var e guard.AuditEntry
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		es = append(es, e)
	}
	if len(es) != 5 || es[4].Action != "anomaly.acknowledged" || es[4].Actor != "alice" {
		t.Fatalf("export: %+v", es)
	}
	if i, why := guard.VerifyChain("", es); i != -1 {
		t.Errorf("exported chain does not verify: %s", why)
	}
	out, _ = mustRun(t, exitOK, "audit", "export", "--since-seq", "4", "--db", db)
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 2 || !strings.Contains(lines[0], `"seq":4`) {
		t.Errorf("--since-seq 4:\n%s", out)
	}
}

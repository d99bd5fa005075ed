package main

import (
	"context"
	"testing"

	"github.com/repoguard/repoguard/guard/sqlite"
)

// blockAtHigh saves an evaluation of acme/infra#12, by bob, whose check
// fails at high.
func blockAtHigh(t *testing.T, path string) {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	err = db.SavePullStateJSON(context.Background(), "acme/infra", 12, "fedcba98", "",
		[]byte(`{"author":"bob","contributors":["bob"],"policy":{"thresholds":{"block":"high"}}}`))
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
}

// TestQueueBlockingReleaseCLI: from the command line too, resolving a
// finding that fails a pull request's check is asked for until a second
// triager resolves it as well.
func TestQueueBlockingReleaseCLI(t *testing.T) {
	t.Setenv("REPOGUARD_AUDIT_KEY_FILE", "")
	path := seedQueueDB(t, nil) // anomaly 3: high, acme/infra#12 by bob
	blockAtHigh(t, path)
	_, errOut := mustRun(t, exitError, "queue", "resolve", "3", "--actor", "bob", "--db", path)
	wantContains(t, "the author resolves", errOut, "they took part in the change")
	out, _ := mustRun(t, exitOK, "queue", "resolve", "3", "--reason", "reverted", "--actor", "carol", "--db", path)
	wantContains(t, "carol asks", out, "anomaly 3: open, resolve asked by carol", "a second triager must confirm it (queue resolve 3)")
	out, _ = mustRun(t, exitOK, "queue", "show", "3", "--db", path)
	wantContains(t, "show", out, "pending", "resolve asked by carol", "reverted")
	_, errOut = mustRun(t, exitError, "queue", "resolve", "3", "--actor", "carol", "--db", path)
	wantContains(t, "carol confirms", errOut, "a second triager must confirm it")
	out, _ = mustRun(t, exitOK, "queue", "resolve", "3", "--actor", "dave", "--db", path)
	wantContains(t, "dave confirms", out, "anomaly 3: resolved")
}

package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestInboxQueryPlans checks that no statement of the Inbox reads the
// whole inbox table or sorts: their cost must not grow with the done jobs
// kept for deduplication.
func TestInboxQueryPlans(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []struct {
		name, sql string
		args      []any
	}{
		{"enqueue", enqueueSQL, []any{"d", "k", 1, "push", "", 1, "o/r", 1, "s", 1, []byte("h"), []byte("{}")}},
		{"hash owner", hashOwnerSQL, []any{[]byte("h")}},
		{"lookup", lookupSQL, []any{"d"}},
		{"revive", reviveSQL, []any{"d", 1, []byte("{}"), []byte("h")}},
		{"demote", demoteSQL, []any{"k", 1}},
		{"claim", claimSQL, []any{"w", 2, 1}},
		{"leave", leaveSQL, []any{1, "w", "done", 1, ""}},
		{"promote", promoteSQL, []any{"k"}},
		{"retry", retrySQL, []any{1, "w", 1, "e"}},
		{"extend", extendSQL, []any{1, "w", 1}},
		{"release", releaseSQL, []any{"w", 1}},
		{"depth", depthSQL, nil},
		{"status", statusSQL, []any{"d"}},
		{"prune", pruneSQL, []any{1, 10}},
	} {
		plan := queryPlan(t, db, q.sql, q.args...)
		t.Logf("%s:\n\t%s", q.name, strings.Join(plan, "\n\t"))
		for _, step := range plan {
			if (strings.HasPrefix(step, "SCAN ") && !strings.Contains(step, " USING ") && step != "SCAN CONSTANT ROW") ||
				strings.Contains(step, "TEMP B-TREE") {
				t.Errorf("%s reads the whole table or sorts: %s", q.name, step)
			}
		}
	}
}

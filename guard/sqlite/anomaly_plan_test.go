package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// TestQueuePlansUseCoveringIndexes checks the plan of every queue query
// for each filter alone and each order: reading the anomalies table row
// by row is what would blow the queue's time budget, so apart from
// fetching the page's rows by id, every query must be answered from a
// covering index. (The planner has no statistics, so the plan does not
// depend on the data.) BenchmarkAnomaliesPage measures the time.
func TestQueuePlansUseCoveringIndexes(t *testing.T) {
	ctx := context.Background()
	db := NewDB(filepath.Join(t.TempDir(), "plan.db"))
	if err := db.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	filters := []guard.AnomalyFilter{
		{},
		{Status: []guard.AnomalyStatus{guard.StatusOpen}},
		{Status: []guard.AnomalyStatus{guard.StatusOpen, guard.StatusAcknowledged}},
		{MinSeverity: guard.High},
		{Repo: "acme/vault"},
		{Author: "alice"},
		{Detector: "late-hour"},
		{Since: time.Unix(1e9, 0), Until: time.Unix(2e9, 0)},
		{Status: []guard.AnomalyStatus{guard.StatusOpen}, MinSeverity: guard.High, Repo: "acme/vault",
			Author: "alice", Detector: "late-hour", Since: time.Unix(1e9, 0), Offset: 1000},
	}
	for _, f := range filters {
		for _, sort := range []string{"", "severity", "created", "updated", "score", "repo"} {
			for _, supp := range []bool{false, true} {
				f.Sort, f.IncludeSuppressed = sort, supp
				q, err := queueQueries(f)
				if err != nil {
					t.Fatal(err)
				}
				counts, cargs := countsQuery(f)
				checkPlan(t, db, q.page, q.pageArgs)
				checkPlan(t, db, q.count, q.args)
				checkPlan(t, db, counts, cargs)
			}
		}
	}
}

// checkPlan fails the test when the plan of query reads the anomalies
// table other than by id.
func checkPlan(t *testing.T, db *DB, query string, args []any) {
	t.Helper()
	plan := queryPlan(t, db, query, args...)
	for _, step := range plan {
		if (strings.HasPrefix(step, "SCAN") || strings.HasPrefix(step, "SEARCH")) &&
			!strings.Contains(step, "COVERING INDEX") && !strings.Contains(step, "INTEGER PRIMARY KEY (rowid=?)") {
			t.Errorf("%s\nreads the table: %s", query, strings.Join(plan, " | "))
			return
		}
	}
}

// queryPlan returns the steps of SQLite's plan for query (the details of
// EXPLAIN QUERY PLAN), in order.
func queryPlan(t *testing.T, db *DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.db.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatalf("explain %s: %v", query, err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return plan
}

// TestCasePlansUseCoveringIndexes: the total and the counts by status
// of the queue's cases, for each filter alone and all together, are
// answered from covering indexes, never by reading table rows.
func TestCasePlansUseCoveringIndexes(t *testing.T) {
	ctx := context.Background()
	db := NewDB(filepath.Join(t.TempDir(), "plan.db"))
	if err := db.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	open := []guard.AnomalyStatus{guard.StatusOpen}
	for _, f := range []guard.AnomalyFilter{
		{},
		{Status: open},
		{MinSeverity: guard.High},
		{Repo: "vault"},
		{Author: "alice"},
		{Detector: "late"},
		{Since: time.Unix(1e9, 0), Until: time.Unix(2e9, 0)},
		{Status: open, MinSeverity: guard.High, Repo: "vault", Author: "alice", Detector: "late", Since: time.Unix(1e9, 0)},
	} {
		for _, supp := range []bool{false, true} {
			f.IncludeSuppressed = supp
			q, err := dialect{}.caseQueries(f)
			if err != nil {
				t.Fatal(err)
			}
			counts, cargs := dialect{}.caseCountsQuery(f)
			checkPlan(t, db, q.count, q.args)
			checkPlan(t, db, counts, cargs)
		}
	}
}

package sqlite_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/costtest"
	"github.com/repoguard/repoguard/guard/sqlite"
)

// queueSize is how many anomalies the queue benchmark seeds.
const queueSize = 100_000

// seedQueue inserts n synthetic anomalies in one transaction with a
// prepared statement: 40 repositories, 400 authors, 15 detectors, a
// year of creation times, severities, statuses and 5% suppressed spread
// as a real queue might be.
func seedQueue(tb testing.TB, db *sqlite.DB, n int) {
	tb.Helper()
	ctx := context.Background()
	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, `INSERT INTO anomalies (key, repo, detector, commit_sha, pull_request,
		author, author_name, author_email, severity, score, path, line, message, evidence, url,
		status, suppressed, seen, created, updated)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`)
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	r := rand.New(rand.NewPCG(1, 2))
	severities := []guard.Severity{guard.Info, guard.Info, guard.Info, guard.Low, guard.Low, guard.Medium,
		guard.Medium, guard.High, guard.High, guard.Critical}
	statuses := []guard.AnomalyStatus{guard.StatusOpen, guard.StatusOpen, guard.StatusOpen, guard.StatusOpen,
		guard.StatusOpen, guard.StatusAcknowledged, guard.StatusDismissed, guard.StatusDismissed,
		guard.StatusResolved, guard.StatusConfirmed}
	start := epoch.Add(-365 * 24 * time.Hour).Unix()
	for i := range n {
		repo := fmt.Sprintf("acme/repo%02d", r.IntN(40))
		det := fmt.Sprintf("detector%02d", r.IntN(15))
		author := fmt.Sprintf("user%03d", r.IntN(400))
		commit := fmt.Sprintf("%040x", i+1)
		path := fmt.Sprintf("src/pkg%d/file%d.go", r.IntN(50), r.IntN(200))
		msg := fmt.Sprintf("First change to %s by %s in %d commits over %d days", path, author, r.IntN(500), r.IntN(900))
		evidence, _ := json.Marshal([]string{fmt.Sprintf("hour=%d", r.IntN(24)), "commits=" + fmt.Sprint(r.IntN(900))})
		pr := 0
		if r.IntN(2) == 0 {
			pr = r.IntN(5000) + 1
		}
		created := start + int64(i)*315 + r.Int64N(300)
		suppressed := r.IntN(20) == 0
		_, err := st.ExecContext(ctx, guard.AnomalyKey(repo, det, commit, pr, path, msg), repo, det, commit, pr,
			author, "User "+author, author+"@example.com", int64(severities[r.IntN(len(severities))]), r.Float64(),
			path, r.IntN(400), msg, string(evidence), "https://github.com/"+repo+"/commit/"+commit,
			string(statuses[r.IntN(len(statuses))]), suppressed, 1+r.IntN(3), created, created+r.Int64N(30*86400))
		if err != nil {
			tb.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}

// queueFilters are the views the benchmark and the query plan test
// measure: the queue's default view and each filter and order alone.
func queueFilters() []struct {
	name string
	f    guard.AnomalyFilter
} {
	return []struct {
		name string
		f    guard.AnomalyFilter
	}{
		{"none", guard.AnomalyFilter{}},
		{"status=open", guard.AnomalyFilter{Status: []guard.AnomalyStatus{guard.StatusOpen}}},
		{"status=open,ack", guard.AnomalyFilter{Status: []guard.AnomalyStatus{guard.StatusOpen, guard.StatusAcknowledged}}},
		{"repo", guard.AnomalyFilter{Repo: "acme/repo07"}},
		{"author", guard.AnomalyFilter{Author: "user123"}},
		{"detector", guard.AnomalyFilter{Detector: "detector03"}},
		{"severity>=high", guard.AnomalyFilter{MinSeverity: guard.High}},
		{"date-range", guard.AnomalyFilter{Since: epoch.Add(-60 * 24 * time.Hour), Until: epoch.Add(-30 * 24 * time.Hour)}},
		{"sort=score", guard.AnomalyFilter{Sort: "score", Desc: true}},
		{"sort=updated", guard.AnomalyFilter{Sort: "updated", Desc: true}},
		{"sort=repo", guard.AnomalyFilter{Sort: "repo"}},
		{"suppressed-too", guard.AnomalyFilter{IncludeSuppressed: true}},
		{"open+high+repo", guard.AnomalyFilter{Status: []guard.AnomalyStatus{guard.StatusOpen}, MinSeverity: guard.High, Repo: "acme/repo07"}},
		{"open,page=100", guard.AnomalyFilter{Status: []guard.AnomalyStatus{guard.StatusOpen}, Offset: 99 * 50}},
	}
}

// BenchmarkAnomaliesPage renders one page of the queue, with its total
// and the counts by status, over 100,000 anomalies, for each filter.
// The budget is 200 ms per page. cpu-ms/op is the CPU time, which a
// busy machine inflates less than ms/op.
func BenchmarkAnomaliesPage(b *testing.B) {
	ctx := context.Background()
	db := openDB(b)
	t0 := time.Now()
	seedQueue(b, db, queueSize)
	b.Logf("seeded %d anomalies in %s", queueSize, time.Since(t0).Round(time.Millisecond))
	for _, c := range queueFilters() {
		b.Run(c.name, func(b *testing.B) {
			cpu0 := costtest.ProcessCPU()
			for b.Loop() {
				page, total, err := db.Anomalies(ctx, c.f)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := db.AnomalyCounts(ctx, c.f); err != nil {
					b.Fatal(err)
				}
				if len(page) == 0 || total == 0 {
					b.Fatalf("empty page (total %d)", total)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
			b.ReportMetric(float64((costtest.ProcessCPU()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
}

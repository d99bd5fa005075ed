package sqlite_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/costtest"
	"github.com/repoguard/repoguard/guard/sqlite"
	"github.com/repoguard/repoguard/guard/web"
)

// BenchmarkQueuePageHTML serves the queue page through the real web
// handler, signed in, over the cases of 100,000 anomalies in a file
// database: the store's queries and the server-side rendering together,
// for each filter of the UI. The budget is 200 ms per page.
func BenchmarkQueuePageHTML(b *testing.B) {
	ctx := context.Background()
	db := seededCases(b)
	h, err := web.New(web.Config{Store: db, SignIn: []web.SignIn{web.NewLocalLogin()},
		BaseURL: "http://127.0.0.1:8080", InsecureCookies: true, Now: func() time.Time { return epoch }})
	if err != nil {
		b.Fatal(err)
	}
	token, err := db.CreateSession(ctx, "analyst", guard.RoleTriage, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	for _, v := range []struct{ name, query string }{
		{"default (open)", ""},
		{"all statuses", "?status=all"},
		{"repo", "?repo=repo07"},
		{"author", "?author=user123"},
		{"detector", "?detector=detector03"},
		{"severity>=high", "?severity=high"},
		{"date range", "?since=2023-06-01&until=2023-07-01"},
		{"sort=date", "?sort=date"},
		{"open+high+repo", "?repo=repo07&severity=high"},
		{"page 100", "?page=100"},
	} {
		b.Run(v.name, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:8080/"+v.query, nil)
				req.AddCookie(&http.Cookie{Name: "repoguard_session", Value: token})
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("GET /%s: %d %s", v.query, rec.Code, rec.Body.String()[:min(200, rec.Body.Len())])
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
		})
	}
}

// seededCases returns an open database holding the 100,000 anomalies of
// seedQueue grouped into cases, as the migration that adds cases groups
// the anomalies recorded before it (most anomalies are of a commit of
// their own: about 95,000 cases).
func seededCases(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db := newDB(tb)
	if err := sqlite.OpenUpTo(context.Background(), db, sqlite.CasesMigration()-1); err != nil {
		tb.Fatal(err)
	}
	t0 := time.Now()
	seedQueue(tb, db, queueSize)
	db = reopenDB(tb, db)
	tb.Logf("seeded %d anomalies and grouped them in %s", queueSize, time.Since(t0).Round(time.Millisecond))
	return db
}

// BenchmarkCasesPage reads one page of cases, with its total and the
// counts by status, over the cases of 100,000 anomalies, for each filter
// and order. The budget is 200 ms per page.
func BenchmarkCasesPage(b *testing.B) {
	ctx := context.Background()
	db := seededCases(b)
	open := []guard.AnomalyStatus{guard.StatusOpen}
	for _, c := range []struct {
		name string
		f    guard.AnomalyFilter
	}{
		{"none", guard.AnomalyFilter{}},
		{"status=open", guard.AnomalyFilter{Status: open}},
		{"repo", guard.AnomalyFilter{Status: open, Repo: "repo07"}},
		{"author", guard.AnomalyFilter{Status: open, Author: "user123"}},
		{"detector", guard.AnomalyFilter{Status: open, Detector: "detector03"}},
		{"severity>=high", guard.AnomalyFilter{Status: open, MinSeverity: guard.High}},
		{"date-range", guard.AnomalyFilter{Since: epoch.Add(-60 * 24 * time.Hour), Until: epoch.Add(-30 * 24 * time.Hour)}},
		{"sort=date", guard.AnomalyFilter{Status: open, Sort: "date", Desc: true}},
		{"sort=updated", guard.AnomalyFilter{Status: open, Sort: "updated", Desc: true}},
		{"sort=repo", guard.AnomalyFilter{Status: open, Sort: "repo"}},
		{"open,page=100", guard.AnomalyFilter{Status: open, Offset: 99 * 50}},
	} {
		b.Run(c.name, func(b *testing.B) {
			cpu0 := costtest.ProcessCPU()
			for b.Loop() {
				page, total, err := db.Cases(ctx, c.f)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := db.CaseCounts(ctx, c.f); err != nil {
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

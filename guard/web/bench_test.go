package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// BenchmarkQueuePage renders a full queue page of 50 rows (out of 500)
// from the memory store, through authentication and the template.
func BenchmarkQueuePage(b *testing.B) {
	e := newEnv(b)
	for i := range 500 {
		e.store.AddAnomaly(guard.Anomaly{Repo: fmt.Sprintf("acme/repo%d", i%7), Detector: "odd-hours",
			Author: fmt.Sprintf("dev%d", i%40), Severity: guard.Severity(1 + i%5), Score: float64(i%100) / 100,
			Message:   fmt.Sprintf("First commit between 01:00 and 05:00 UTC in %d commits over 3 years <b>", 400+i),
			CreatedAt: epoch.Add(-time.Duration(i) * time.Minute)})
	}
	u := e.signIn(guard.RoleTriage)
	r := httptest.NewRequest(http.MethodGet, "/?status=all", nil)
	r.AddCookie(u.cookie)
	b.ReportAllocs()
	start := time.Now()
	n := 0
	for b.Loop() {
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, r)
		if rec.Code != http.StatusOK || rows(rec.Body.String()) != 50 {
			b.Fatalf("status %d, %d rows", rec.Code, rows(rec.Body.String()))
		}
		n++
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(n), "ms/op")
}

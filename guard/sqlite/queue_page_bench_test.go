package sqlite_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/web"
)

// BenchmarkQueuePageHTML serves the queue page through the real web
// handler, signed in, over 100,000 anomalies in a file database: the
// store's queries and the server-side rendering together, for each
// filter of the UI. The budget is 200 ms per page.
func BenchmarkQueuePageHTML(b *testing.B) {
	ctx := context.Background()
	db := openDB(b)
	seedQueue(b, db, queueSize)
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
		{"repo", "?repo=acme/repo07"},
		{"author", "?author=user123"},
		{"detector", "?detector=detector03"},
		{"severity>=high", "?severity=high"},
		{"date range", "?since=2024-01-01&until=2024-02-01"},
		{"sort=score", "?sort=score"},
		{"open+high+repo", "?repo=acme/repo07&severity=high"},
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

package sqlite_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/sqlite"
)

// filterCases are the filters, orders and their combinations the queue
// test checks against a brute-force evaluation.
var filterCases = []struct {
	name string
	f    guard.AnomalyFilter
}{
	{"default", guard.AnomalyFilter{}},
	{"open", guard.AnomalyFilter{Status: []guard.AnomalyStatus{guard.StatusOpen}}},
	{"open+dismissed", guard.AnomalyFilter{Status: []guard.AnomalyStatus{guard.StatusOpen, guard.StatusDismissed}}},
	{"high", guard.AnomalyFilter{MinSeverity: guard.High}},
	{"repo", guard.AnomalyFilter{Repo: "acme/api"}},
	{"author", guard.AnomalyFilter{Author: "bob"}},
	{"detector", guard.AnomalyFilter{Detector: "late-hour"}},
	{"dates", guard.AnomalyFilter{Since: epoch.Add(20 * time.Hour), Until: epoch.Add(50 * time.Hour)}},
	{"suppressed", guard.AnomalyFilter{IncludeSuppressed: true}},
	{"suppressed-author", guard.AnomalyFilter{IncludeSuppressed: true, Author: "carol", Sort: "created"}},
	{"created", guard.AnomalyFilter{Sort: "created"}},
	{"created-desc", guard.AnomalyFilter{Sort: "created", Desc: true}},
	{"updated-desc", guard.AnomalyFilter{Sort: "updated", Desc: true}},
	{"score-desc", guard.AnomalyFilter{Sort: "score", Desc: true}},
	{"repo-sort", guard.AnomalyFilter{Sort: "repo"}},
	{"severity-asc", guard.AnomalyFilter{Sort: "severity"}},
	{"combined", guard.AnomalyFilter{Status: []guard.AnomalyStatus{guard.StatusOpen}, MinSeverity: guard.Medium,
		Repo: "acme/vault", Sort: "score"}},
}

// matches evaluates f on a as the store must.
func matches(f guard.AnomalyFilter, a guard.Anomaly, withStatus bool) bool {
	return (f.IncludeSuppressed || !a.Suppressed) &&
		(!withStatus || len(f.Status) == 0 || slices.Contains(f.Status, a.Status)) &&
		a.Severity >= f.MinSeverity &&
		(f.Repo == "" || a.Repo == f.Repo) && (f.Author == "" || a.Author == f.Author) &&
		(f.Detector == "" || a.Detector == f.Detector) &&
		(f.Since.IsZero() || !a.CreatedAt.Before(f.Since)) && (f.Until.IsZero() || a.CreatedAt.Before(f.Until))
}

// compare orders a and b as f sorts them.
func compare(f guard.AnomalyFilter, a, b guard.Anomaly) int {
	sort, desc := f.Sort, f.Desc
	if sort == "" {
		sort, desc = "severity", true
	}
	var c int
	switch sort {
	case "severity":
		c = cmp.Or(cmp.Compare(a.Severity, b.Severity), a.CreatedAt.Compare(b.CreatedAt))
	case "created":
		c = a.CreatedAt.Compare(b.CreatedAt)
	case "updated":
		c = a.UpdatedAt.Compare(b.UpdatedAt)
	case "score":
		c = cmp.Or(cmp.Compare(a.Score, b.Score), a.CreatedAt.Compare(b.CreatedAt))
	case "repo":
		c = cmp.Or(cmp.Compare(a.Repo, b.Repo), a.CreatedAt.Compare(b.CreatedAt))
	}
	c = cmp.Or(c, cmp.Compare(a.ID, b.ID))
	if desc {
		return -c
	}
	return c
}

func TestAnomaliesFiltersPagesAndCounts(t *testing.T) {
	ctx := context.Background()
	db, clock := openQueue(t)
	if _, err := db.AddSuppression(ctx, guard.Suppression{Detector: "late-hour", Author: "carol",
		Reason: "works nights", CreatedBy: "sec", ExpiresAt: epoch.Add(1000 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	repos := []string{"acme/api", "acme/vault", "acme/web"}
	authors := []string{"alice", "bob", "carol"}
	detectors := []string{"late-hour", "new-path", "key-material"}
	for i := range 90 {
		clock.advance(time.Hour)
		sev := guard.Severity(1 + i*7%5)
		f := finding(detectors[i%3], sev, fmt.Sprintf("dir%d/f.go", i%4), fmt.Sprintf("finding %d", i))
		f.Score = float64(i*37%100) / 100
		rec := pushRecord(fmt.Sprintf("c%03d", i), f)
		rec.Repo, rec.Author, rec.Queue = repos[i/3%3], authors[i/9%3], guard.Info
		record(t, db, rec)
	}
	kinds := []guard.TriageAction{{Kind: "ack"}, {Kind: "dismiss", Reason: "noise"}, {Kind: "confirm"}, {Kind: "resolve"}}
	for i, id := 0, int64(1); id <= 90; i, id = i+1, id+3 {
		clock.advance(time.Minute)
		if _, err := db.Triage(ctx, id, "sec", kinds[i%len(kinds)]); err != nil {
			t.Fatal(err)
		}
	}
	all := allAnomalies(t, db)
	if n := len(all); n != 90 {
		t.Fatalf("%d anomalies", n)
	}

	for _, c := range filterCases {
		t.Run(c.name, func(t *testing.T) {
			f := c.f
			var want []int64
			wantCounts := map[guard.AnomalyStatus]int{}
			for _, s := range guard.Statuses() {
				wantCounts[s] = 0
			}
			sorted := slices.Clone(all)
			slices.SortFunc(sorted, func(a, b guard.Anomaly) int { return compare(f, a, b) })
			for _, a := range sorted {
				if matches(f, a, true) {
					want = append(want, a.ID)
				}
				if matches(f, a, false) {
					wantCounts[a.Status]++
				}
			}
			if len(want) == 0 {
				t.Fatal("the filter selects nothing: a useless case")
			}
			var got []int64
			for f.Offset = 0; f.Offset < len(want)+7; f.Offset += 7 {
				f.Limit = 7
				page, total, err := db.Anomalies(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				if total != len(want) {
					t.Fatalf("total %d, want %d", total, len(want))
				}
				if len(page) > 7 {
					t.Fatalf("page of %d", len(page))
				}
				for _, a := range page {
					got = append(got, a.ID)
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("pages\n got %v\nwant %v", got, want)
			}
			counts, err := db.AnomalyCounts(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(counts) != fmt.Sprint(wantCounts) {
				t.Fatalf("counts %v, want %v", counts, wantCounts)
			}
		})
	}

	page, total, err := db.Anomalies(ctx, guard.AnomalyFilter{})
	if err != nil || len(page) != sqlite.DefaultPageSize || total != 90-9 { // carol's 9 late-hour findings are suppressed
		t.Fatalf("default page: %d of %d, %v", len(page), total, err)
	}
	for _, bad := range []guard.AnomalyFilter{{Status: []guard.AnomalyStatus{"gone"}}, {Sort: "author"}} {
		if _, _, err := db.Anomalies(ctx, bad); !errors.Is(err, guard.ErrInvalid) {
			t.Errorf("Anomalies(%+v): %v, want ErrInvalid", bad, err)
		}
	}
}

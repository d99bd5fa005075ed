package sqlite_test

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/sqlite"
)

// caseRecord is pushRecord with what a case needs.
func caseRecord(commit, subject string, date time.Time, fs ...guard.Finding) guard.FindingRecord {
	r := pushRecord(commit, fs...)
	r.Subject, r.Date, r.Risk = subject, date, guard.Risk(fs)
	return r
}

// cases returns the cases f selects, failing the test on an error.
func cases(t *testing.T, db *sqlite.DB, f guard.AnomalyFilter) []guard.Case {
	t.Helper()
	cs, total, err := db.Cases(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	if total != len(cs) && f.Limit == 0 {
		t.Errorf("total %d, page of %d", total, len(cs))
	}
	return cs
}

func TestRecordFindingsGroupsCases(t *testing.T) {
	db, clock := openQueue(t)
	ctx := context.Background()
	day := time.Date(2024, 2, 1, 3, 0, 0, 0, time.UTC)
	key, odd := finding("key-material", guard.Critical, "k.pem", "private key"), finding("odd-hours", guard.Medium, "", "03:00")
	record(t, db, caseRecord("c1", "Add deploy key", day, key, odd, finding("info", guard.Info, "", "below the queue")))
	record(t, db, caseRecord("c2", "Fix typo", day.Add(time.Hour), odd))

	pr := prRecord("h1", odd)
	pr.Subject, pr.Date, pr.Risk = "Release 1.0", day, 80
	record(t, db, pr)
	clock.advance(time.Hour)
	pr = prRecord("h2", key)
	pr.Subject, pr.Date, pr.Risk = "Release 1.0.1", day.Add(2*time.Hour), 60
	record(t, db, pr)
	stamp := prRecord("h2", guard.Finding{Detector: guard.RubberStampDetector, Severity: guard.Medium, Message: "fast"})
	stamp.Author, stamp.AuthorName, stamp.AuthorEmail = "bob", "", ""
	record(t, db, stamp)

	cs := cases(t, db, guard.AnomalyFilter{})
	type view struct {
		Key, Commit, Subject, Author string
		PR, Findings                 int
		Date                         time.Time
		Risk                         float64
		Detectors                    []string
	}
	var got []view
	for _, c := range cs {
		got = append(got, view{c.Key, c.Commit, c.Subject, c.Author, c.PullRequest, c.Findings, c.Date, math.Round(c.Risk),
			c.Detectors})
	}
	// The pull request keeps its first author (not the rubber stamp's
	// reviewer) and its highest risk, and takes its latest head, title
	// and date.
	want := []view{
		{"acme/vault|c1", "c1", "Add deploy key", "alice", 0, 2, day, math.Round(guard.Risk([]guard.Finding{key, odd,
			finding("info", guard.Info, "", "")})), []string{"key-material", "odd-hours"}},
		{"acme/vault|pr#9", "h2", "Release 1.0.1", "alice", 9, 3, day.Add(2 * time.Hour), 80,
			[]string{"key-material", "odd-hours", guard.RubberStampDetector}},
		{"acme/vault|c2", "c2", "Fix typo", "alice", 0, 1, day.Add(time.Hour), math.Round(guard.Risk([]guard.Finding{odd})),
			[]string{"odd-hours"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("cases, riskiest first:\n got %+v\nwant %+v", got, want)
	}
	for _, c := range cs {
		as, err := db.CaseAnomalies(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(as) != c.Findings {
			t.Errorf("case %s: %d anomalies, summary says %d", c.Key, len(as), c.Findings)
		}
		for _, a := range as {
			if a.CaseID != c.ID {
				t.Errorf("anomaly %d of case %d says case %d", a.ID, c.ID, a.CaseID)
			}
		}
	}
	if _, err := db.Case(ctx, 99); !errors.Is(err, guard.ErrNotFound) {
		t.Errorf("missing case: %v", err)
	}
}

// TestCaseRiskBounds: a risk out of 0 to 100 is recorded as the nearest
// bound, NaN as 0.
func TestCaseRiskBounds(t *testing.T) {
	db, _ := openQueue(t)
	odd := finding("odd-hours", guard.Medium, "", "03:00")
	for commit, risk := range map[string]float64{"nan": math.NaN(), "huge": 1e9, "negative": -3, "half": 50} {
		r := caseRecord(commit, commit, epoch, odd)
		r.Risk = risk
		record(t, db, r)
	}
	got := map[string]float64{}
	for _, c := range cases(t, db, guard.AnomalyFilter{}) {
		got[c.Commit] = c.Risk
	}
	if want := map[string]float64{"nan": 0, "huge": 100, "negative": 0, "half": 50}; !reflect.DeepEqual(got, want) {
		t.Errorf("risks %v, want %v", got, want)
	}
}

func TestCasesFilterAndSort(t *testing.T) {
	db, _ := openQueue(t)
	ctx := context.Background()
	day := time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)
	add := func(repo, commit, author, name string, date time.Time, fs ...guard.Finding) {
		r := caseRecord(commit, "subject "+commit, date, fs...)
		r.Repo, r.Author, r.AuthorName, r.AuthorEmail = repo, author, name, author+"@example.com"
		record(t, db, r)
	}
	add("acme/Vault", "a", "jia", "Jia Tan", day, finding("binary-in-source", guard.Critical, "t.xz", "blob"))
	add("acme/infra", "b", "bob", "Bob", day.Add(24*time.Hour), finding("odd-hours", guard.Medium, "", "late"))
	add("acme/infra", "c", "carol", "Carol_1", day.Add(48*time.Hour), finding("odd-hours", guard.High, "", "late"),
		finding("ci-tampering", guard.High, "ci.yml", "curl"))
	sup, err := db.AddSuppression(ctx, guard.Suppression{Detector: "size-outlier", Author: "dave", Reason: "bot",
		CreatedBy: "erin", ExpiresAt: day.AddDate(1, 0, 0)})
	if err != nil || sup == 0 {
		t.Fatal(sup, err)
	}
	add("acme/web", "d", "dave", "Dave", day, finding("size-outlier", guard.High, "", "big"))
	cb, _, _ := db.Cases(ctx, guard.AnomalyFilter{Repo: "infra", Sort: "date"})
	if _, _, err := db.TriageCase(ctx, cb[0].ID, "erin", guard.TriageAction{Kind: "ack"}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		f    guard.AnomalyFilter
		want string // commits, in order
	}{
		{"riskiest first", guard.AnomalyFilter{}, "a c b"},
		{"repository, any case, substring", guard.AnomalyFilter{Repo: "VAULT"}, "a"},
		{"author by name", guard.AnomalyFilter{Author: "tan"}, "a"},
		{"author by email", guard.AnomalyFilter{Author: "bob@"}, "b"},
		{"an underscore is no wildcard", guard.AnomalyFilter{Author: "l_1"}, "c"},
		{"a percent is no wildcard", guard.AnomalyFilter{Author: "%"}, ""},
		{"detector of any finding", guard.AnomalyFilter{Detector: "TAMPER"}, "c"},
		{"status", guard.AnomalyFilter{Status: []guard.AnomalyStatus{guard.StatusAcknowledged}}, "b"},
		{"min severity", guard.AnomalyFilter{MinSeverity: guard.High}, "a c"},
		{"date range", guard.AnomalyFilter{Since: day.Add(time.Hour), Until: day.Add(48 * time.Hour)}, "b"},
		{"by date", guard.AnomalyFilter{Sort: "date"}, "a b c"},
		{"by date, newest first", guard.AnomalyFilter{Sort: "date", Desc: true}, "c b a"},
		{"by repository", guard.AnomalyFilter{Sort: "repo"}, "a b c"},
		{"suppressed too", guard.AnomalyFilter{IncludeSuppressed: true, Repo: "web"}, "d"},
		{"page", guard.AnomalyFilter{Limit: 1, Offset: 1}, "c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, c := range cases(t, db, tt.f) {
				got = append(got, c.Commit)
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	counts, err := db.CaseCounts(ctx, guard.AnomalyFilter{Repo: "infra", Status: []guard.AnomalyStatus{guard.StatusOpen}})
	if err != nil {
		t.Fatal(err)
	}
	if counts[guard.StatusOpen] != 1 || counts[guard.StatusAcknowledged] != 1 || counts[guard.StatusResolved] != 0 {
		t.Errorf("counts %v", counts)
	}
	if _, _, err := db.Cases(ctx, guard.AnomalyFilter{Sort: "severity"}); !errors.Is(err, guard.ErrInvalid) {
		t.Errorf("unknown sort: %v", err)
	}
}

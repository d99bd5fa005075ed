package dependencyhandover_test

import (
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/detectors/dependencyhandover"
	"github.com/repoguard/repoguard/detectors/detectortest"
	"github.com/repoguard/repoguard/guard"
)

// TestAcrossRepositories judges an author's profile here apart from
// their profile across the organization, which the cases cannot: one
// repository's history learns both the same.
func TestAcrossRepositories(t *testing.T) {
	now := time.Date(2024, 3, 5, 11, 0, 0, 0, time.UTC)
	org := detectortest.Profile(1000, now.AddDate(-3, 0, 0), 24*time.Hour)
	tests := []struct {
		name     string
		here     *guard.Profile
		all      *guard.Profile
		want     guard.Severity
		contains string
	}{
		{"an established colleague starts on this repository", guard.NewProfile("k", "r"), detectortest.Profile(300, now.AddDate(0, -4, 0), 24*time.Hour),
			guard.SeverityNone, ""},
		{"both: a colleague silent for a year starts on this repository", guard.NewProfile("k", "r"), detectortest.Profile(300, now.AddDate(-2, 0, 0), 24*time.Hour),
			guard.High, "First commit by this author in this repository, who returns after 14 months"},
		{"two old commits here, back after two years: returning, not new", detectortest.Profile(2, now.AddDate(-2, 0, 0), 24*time.Hour),
			detectortest.Profile(80, now.AddDate(-2, 0, 0), 24*time.Hour), guard.Medium, "Author returns after 21 months"},
		{"new in the organization too", guard.NewProfile("k", "r"), guard.NewProfile("k", ""),
			guard.Medium, "(none in any repository)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := detectortest.Commit("package.json", `    "flatmap-stream": "^0.1.1",`)
			c.Author.When, c.Committer = now, c.Author
			c.Files[0].Status = guard.Modified
			eng := guard.Engine{Detectors: []*guard.Detector{dependencyhandover.Detector}}
			fs, err := eng.Judge(guard.Subject{Commit: c, Baseline: &guard.Baseline{Author: tt.here, AuthorAll: tt.all, Org: org}})
			if err != nil {
				t.Fatal(err)
			}
			got := guard.MaxSeverity(fs)
			if got != tt.want || len(fs) > 0 && !strings.Contains(fs[0].Message, tt.contains) {
				t.Fatalf("got %s %v, want %s with %q", got, fs, tt.want, tt.contains)
			}
		})
	}
}

package guard

import (
	"testing"
	"time"
)

// TestProfileLocalHours: a commit counts at its UTC hour of the week and
// at its hour of the day where its author is; merging adds both.
func TestProfileLocalHours(t *testing.T) {
	tests := []struct {
		name      string
		at        time.Time
		utc, hour int
	}{
		{"3 a.m. at +11:00 is 16:00 UTC the day before", time.Date(2025, 1, 10, 3, 24, 0, 0, time.FixedZone("", 11*3600)), 3*24 + 16, 3},
		{"3 a.m. at -05:00 is 08:00 UTC", time.Date(2025, 1, 10, 3, 24, 0, 0, time.FixedZone("", -5*3600)), 4*24 + 8, 3},
		{"noon UTC", time.Date(2025, 1, 10, 12, 0, 0, 0, time.UTC), 4*24 + 12, 12},
	}
	org := NewProfile(OrgKey, "")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewProfile("a", "")
			p.Learn(&Commit{Author: Person{When: tt.at}, Committer: Person{When: tt.at}}, nil)
			if p.HourOfWeek[tt.utc] != 1 || p.LocalHours[tt.hour] != 1 {
				t.Fatalf("hour of week %d: %d, local hour %d: %d; want 1 and 1", tt.utc, p.HourOfWeek[tt.utc], tt.hour, p.LocalHours[tt.hour])
			}
			org.Merge(p)
		})
	}
	if org.LocalHours[3] != 2 || org.LocalHours[12] != 1 {
		t.Errorf("merged local hours %v, want two at 3 and one at 12", org.LocalHours)
	}
}

// TestBaselineEveryone: the repository's profile of everyone, else the
// organization's.
func TestBaselineEveryone(t *testing.T) {
	org, repo := NewProfile(OrgKey, ""), NewProfile(OrgKey, "r")
	org.Commits = 10
	if got := (&Baseline{Org: org}).Everyone(); got != org {
		t.Error("without a repository profile, Everyone is not the organization's")
	}
	if got := (&Baseline{Org: org, Repo: repo}).Everyone(); got != org {
		t.Error("with an empty repository profile, Everyone is not the organization's")
	}
	repo.Commits = 3
	if got := (&Baseline{Org: org, Repo: repo}).Everyone(); got != repo {
		t.Error("Everyone is not the repository's profile")
	}
}

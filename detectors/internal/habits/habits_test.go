package habits

import (
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/detectors/detectortest"
	"github.com/repoguard/repoguard/guard"
)

func TestReturns(t *testing.T) {
	start := time.Date(2023, 1, 2, 10, 0, 0, 0, time.UTC) // ten commits, the last on 2023-01-11
	a := detectortest.Profile(10, start, 24*time.Hour)
	at := func(days int) time.Time { return a.LastSeen.Add(time.Duration(days) * 24 * time.Hour) }
	tests := []struct {
		name      string
		author    time.Time
		committed time.Time
		committer string
		minN      int
		want      bool
	}{
		{"silent 200 days", at(200), at(200), "author@example.com", 3, true},
		{"silent 100 days", at(100), at(100), "author@example.com", 3, false},
		{"too little history", at(200), at(200), "author@example.com", 11, false},
		{"backdated by the author: the commit date counts", at(10), at(200), "author@example.com", 3, true},
		{"committed later by someone else: the author date counts", at(10), at(200), "b@x", 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &guard.Commit{Author: guard.Person{Email: "author@example.com", When: tt.author},
				Committer: guard.Person{Email: tt.committer, When: tt.committed}}
			r, ok := Returns(a, c, 120, tt.minN)
			if ok != tt.want {
				t.Fatalf("Returns = %v (%s), want %v", ok, r.Silence, tt.want)
			}
		})
	}
	if _, ok := Returns(guard.NewProfile("b", ""), &guard.Commit{}, 120, 0); ok {
		t.Error("an author with no history returns")
	}
}

func TestNearHour(t *testing.T) {
	a := detectortest.Profile(10, time.Date(2023, 1, 2, 23, 30, 0, 0, time.UTC), 24*time.Hour) // every day at 23 UTC
	tests := []struct {
		at     time.Time
		want   int
		window string
	}{
		{time.Date(2024, 5, 1, 1, 0, 0, 0, time.UTC), 10, "between 23:00 and 04:00 UTC"},
		{time.Date(2024, 5, 1, 2, 0, 0, 0, time.UTC), 0, "between 00:00 and 05:00 UTC"},
		{time.Date(2024, 5, 1, 22, 0, 0, 0, time.FixedZone("", -3600)), 10, "between 21:00 and 02:00 UTC"},
	}
	for _, tt := range tests {
		if got := NearHour(a, tt.at, 2); got != tt.want {
			t.Errorf("NearHour(%s) = %d, want %d", tt.at, got, tt.want)
		}
		if got := Window(tt.at, 2); got != tt.window {
			t.Errorf("Window(%s) = %q, want %q", tt.at, got, tt.window)
		}
	}
}

// TestReturnsStillComing: an author who came back after a long silence
// lately, with few commits since, is still returning; one back for long
// or with many commits since is not.
func TestReturnsStillComing(t *testing.T) {
	start := time.Date(2023, 1, 2, 10, 0, 0, 0, time.UTC)
	commit := func(at time.Time) *guard.Commit {
		return &guard.Commit{Author: guard.Person{Email: "author@example.com", When: at},
			Committer: guard.Person{Email: "author@example.com", When: at}}
	}
	tests := []struct {
		name   string
		silent int // days of silence before coming back (0: none)
		since  int // commits since, a day apart
		after  int // days from the last of them to the commit judged
		want   bool
	}{
		{"back 200 days silent, 1 commit, 10 days ago", 200, 1, 10, true},
		{"back 200 days silent, 3 commits since", 200, 3, 2, true},
		{"back 200 days silent, 4 commits since", 200, 4, 2, false},
		{"back 200 days silent, 40 days ago", 200, 1, 40, false},
		{"back 100 days silent", 100, 1, 10, false},
		{"never silent", 0, 1, 10, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := detectortest.Profile(10, start, 24*time.Hour)
			at := a.LastSeen.Add(24 * time.Hour)
			if tt.silent > 0 {
				at = a.LastSeen.Add(time.Duration(tt.silent) * 24 * time.Hour)
			}
			for range tt.since {
				a.Learn(commit(at), nil)
				at = at.Add(24 * time.Hour)
			}
			c := commit(a.LastSeen.Add(time.Duration(tt.after) * 24 * time.Hour))
			r, ok := Returns(a, c, 180, 5)
			if ok != tt.want {
				t.Fatalf("Returns = %v (%s), want %v", ok, r, tt.want)
			}
			if ok && (r.Silence != time.Duration(tt.silent)*24*time.Hour || !strings.HasPrefix(r.String(), "came back")) {
				t.Errorf("return %q, silence %s: want the silence before coming back", r, r.Silence)
			}
		})
	}
}

func TestNightBetween(t *testing.T) {
	for _, tt := range []struct {
		w, h int
		want string
	}{
		{1, 3, "between 02:00 and 05:00"},
		{1, 0, "between 23:00 and 02:00"},
		{2, 23, "between 21:00 and 02:00"},
		{-1, 4, "between 04:00 and 05:00"},
	} {
		if got := (Night{Window: tt.w}).Between(tt.h); got != tt.want {
			t.Errorf("Night{Window: %d}.Between(%d) = %q, want %q", tt.w, tt.h, got, tt.want)
		}
	}
}

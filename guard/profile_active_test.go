package guard

import (
	"testing"
	"time"
)

// TestProfileActiveSince checks that a profile keeps when the author's
// current run of activity began: a silence of ActiveGap or more starts a
// new one, shorter gaps do not, and Clone and Merge keep it.
func TestProfileActiveSince(t *testing.T) {
	day := func(n int) time.Time { return time.Date(2020, 1, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, n) }
	tests := []struct {
		name string
		days []int
		want int
	}{
		{"one commit", []int{0}, 0},
		{"steady", []int{0, 30, 60, 90, 200}, 0},
		{"back after a long silence", []int{0, 10, 400, 410}, 400},
		{"gap of exactly ActiveGap", []int{0, 120}, 120},
		{"two returns", []int{0, 200, 210, 500}, 500},
	}
	for _, tt := range tests {
		p := NewProfile("alice", "r")
		for _, d := range tt.days {
			p.Learn(&Commit{Author: Person{When: day(d)}, Committer: Person{When: day(d)}}, nil)
		}
		if !p.ActiveSince.Equal(day(tt.want)) {
			t.Errorf("%s: ActiveSince %s, want %s", tt.name, p.ActiveSince.Format(time.DateOnly),
				day(tt.want).Format(time.DateOnly))
		}
		if c := p.Clone(); !c.ActiveSince.Equal(p.ActiveSince) {
			t.Errorf("%s: clone has ActiveSince %s, want %s", tt.name, c.ActiveSince, p.ActiveSince)
		}
	}
	// Merging two profiles with history keeps the later start (the
	// shorter run of activity), whichever side holds it.
	early, late := NewProfile("alice", "r"), NewProfile("alice", "s")
	for _, d := range []int{0, 10} {
		early.Learn(&Commit{Author: Person{When: day(d)}, Committer: Person{When: day(d)}}, nil)
	}
	for _, d := range []int{0, 300, 310} {
		late.Learn(&Commit{Author: Person{When: day(d)}, Committer: Person{When: day(d)}}, nil)
	}
	for _, pair := range [][2]*Profile{{early, late}, {late, early}} {
		m := pair[0].Clone()
		m.Merge(pair[1])
		if !m.ActiveSince.Equal(day(300)) {
			t.Errorf("merged ActiveSince %s, want %s", m.ActiveSince.Format(time.DateOnly), day(300).Format(time.DateOnly))
		}
	}
}

package guard

import "testing"

// TestAssessGivesContentTheBaseline checks that content detectors judged
// through Assess see the baseline the behaviour judgement was made
// against, as it was then (a later learn of the store's profile does not
// reach it), and none for a judgement without one.
func TestAssessGivesContentTheBaseline(t *testing.T) {
	var seen []int // the author's commits each run saw; -1 for no baseline
	content := &Detector{Name: "content", Doc: "d", Severity: Low, Run: func(p *Pass) {
		if p.Baseline == nil || p.Baseline.Author == nil {
			seen = append(seen, -1)
			return
		}
		seen = append(seen, p.Baseline.Author.Commits)
	}}
	eng := &Engine{Detectors: []*Detector{content}}
	author := NewProfile("alice", "r")
	author.Commits = 7
	b := &Baseline{Author: author, AuthorAll: NewProfile("alice", ""), Org: NewProfile(OrgKey, "")}
	c := &Commit{Hash: "c"}
	j, err := eng.Behaviour(Subject{Commit: c, Baseline: b})
	if err != nil {
		t.Fatal(err)
	}
	author.Commits++ // the store learns the commit before its content is judged
	tests := []struct {
		name string
		j    *Judgement
		want int
	}{
		{"judgement made now", j, 7},
		{"judgement from the store", &Judgement{}, -1},
		{"no judgement", nil, -1},
	}
	for _, tt := range tests {
		seen = nil
		if _, err := eng.Assess(Subject{Commit: c}, tt.j); err != nil {
			t.Fatal(err)
		}
		if len(seen) != 1 || seen[0] != tt.want {
			t.Errorf("%s: content saw %v, want [%d]", tt.name, seen, tt.want)
		}
	}
}

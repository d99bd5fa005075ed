package app

import (
	"fmt"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/app/apptest"
	"github.com/repoguard/repoguard/guard/github"
)

func TestSummaryStaysUnderGitHubsLimit(t *testing.T) {
	st := &PullState{Repo: apptest.FullName, Number: 1, HeadSHA: strings.Repeat("a", 40), PolicySource: "built-in defaults",
		Policy: &guard.Policy{Thresholds: guard.Thresholds{Review: 40, Block: guard.Critical}}}
	for i := range 5000 {
		st.Findings = append(st.Findings, guard.Finding{Detector: "obfuscation", Severity: guard.Severity(1 + i%5),
			Path: fmt.Sprintf("src/file%04d.go", i), Line: i + 1, Message: strings.Repeat("long message ", 40),
			Evidence: []string{strings.Repeat("evidence ", 100)}})
	}
	v := guard.Decide(st.Policy, nil, st.Findings, guard.ReviewContext{}, nil)
	s := renderSummary(st, &outcome{verdict: v}, publicURL)
	if len(s) > github.MaxOutputLen {
		t.Fatalf("summary is %d bytes, over %d", len(s), github.MaxOutputLen)
	}
	for _, want := range []string{"Blocked", "**Critical (1000)**", "more critical findings", "**Info (1000)**"} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
}

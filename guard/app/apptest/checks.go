package apptest

import (
	"strings"
	"testing"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/github/githubtest"
)

// CheckRuns returns the check runs on head, oldest first.
func (w *World) CheckRuns(head string) []githubtest.CheckRun {
	var out []githubtest.CheckRun
	for _, cr := range w.GH.CheckRuns() {
		if cr.HeadSHA == head {
			out = append(out, cr)
		}
	}
	return out
}

// OnlyCheck returns the only check run on head, and fails the test when
// there is none or more.
func (w *World) OnlyCheck(head string) githubtest.CheckRun {
	w.T.Helper()
	runs := w.CheckRuns(head)
	if len(runs) != 1 {
		w.T.Fatalf("%d check runs on %s, want 1: %+v", len(runs), guard.ShortHash(head), runs)
	}
	return runs[0]
}

// WantCheck fails the test unless cr is completed with conclusion and its
// summary holds each of inSummary.
func WantCheck(t testing.TB, cr githubtest.CheckRun, conclusion string, inSummary ...string) {
	t.Helper()
	if cr.Status != "completed" || cr.Conclusion != conclusion {
		t.Fatalf("check run %s/%s, want completed/%s\n%s\n%s", cr.Status, cr.Conclusion, conclusion, cr.Title, cr.Summary)
	}
	for _, s := range inSummary {
		if !strings.Contains(cr.Summary, s) {
			t.Errorf("check run summary lacks %q:\n%s", s, cr.Summary)
		}
	}
}

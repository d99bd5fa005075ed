package app

import (
	"fmt"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/app/apptest"
	"github.com/repoguard/repoguard/guard/github"
	"github.com/repoguard/repoguard/guard/github/githubtest"
)

// sensitiveTitle is the title of the category notices.
const sensitiveTitle = "Sensitive file: needs independent review"

// TestSummaryListsCategoryFiles: a pull request adding eleven contracts,
// editing one from its third line and deleting one gets a summary that
// lists the first ten files of the category with a count of the rest,
// and one notice per file still there on its first changed line; a
// re-evaluation does not send them again.
func TestSummaryListsCategoryFiles(t *testing.T) {
	e := newEnv(t)
	e.Commit("alice", "Add policy and contracts", map[string]string{guard.PolicyPath: onePolicy,
		"contracts/Old.sol": "contract Old {}\n", "contracts/Edit.sol": "contract Edit {\n  uint a;\n}\n"})
	e.Push("main")
	e.Git("checkout", "-q", "-b", "feature")
	files := map[string]string{"contracts/Old.sol": "", "contracts/Edit.sol": "contract Edit {\n  uint a;\n  uint b;\n}\n"}
	for i := range 11 {
		files[fmt.Sprintf("contracts/C%02d.sol", i)] = fmt.Sprintf("contract C%02d {}\n", i)
	}
	e.Commit("alice", "More contracts", files)
	head, base := e.OpenPR(1, "alice", "feature")
	if err := e.pullRequestEvent("opened", 1, "alice", head, base, "alice"); err != nil {
		t.Fatal(err)
	}
	cr := e.OnlyCheck(head)
	apptest.WantCheck(t, cr, "action_required", "**Files in the sensitive categories**",
		"- **contracts**: `contracts/C00.sol` (added), ", "`contracts/C09.sol` (added) and 3 more files")
	notices := categoryNotices(cr)
	if len(notices) != 12 || notices["contracts/Edit.sol"] != 3 || notices["contracts/C00.sol"] != 1 {
		t.Errorf("category notices (path: line) %v, want 12: the added files at 1, Edit.sol at 3", notices)
	}
	if _, ok := notices["contracts/Old.sol"]; ok {
		t.Error("a notice on a deleted file")
	}
	sent := len(cr.Annotations)
	e.GH.AddReview(apptest.Owner, apptest.Name, 1, githubtest.Review{User: "bob", State: "APPROVED", CommitID: head})
	if err := e.reviewEvent(1, "alice", head, base, "bob"); err != nil {
		t.Fatal(err)
	}
	cr = e.OnlyCheck(head)
	apptest.WantCheck(t, cr, "success", "and 3 more files")
	if len(cr.Annotations) != sent {
		t.Errorf("a re-evaluation sent annotations again: %d, want %d", len(cr.Annotations), sent)
	}
}

// categoryNotices maps the paths of a run's category notices to their
// lines.
func categoryNotices(cr githubtest.CheckRun) map[string]int {
	out := map[string]int{}
	for _, a := range cr.Annotations {
		if a.Title == sensitiveTitle {
			if a.Level != "notice" || !strings.Contains(a.Message, "sensitive category contracts") {
				out["bad "+a.Path] = a.StartLine
				continue
			}
			out[a.Path] = a.StartLine
		}
	}
	return out
}

// TestAnnotationsOrderAndCap: failures and warnings come first, then the
// category notices (one per file, naming each of its categories, none
// for a category without approvals), then the findings' notices, cut at
// the cap.
func TestAnnotationsOrderAndCap(t *testing.T) {
	pol := &guard.Policy{Categories: []guard.Category{{Name: "keys", Approvals: 2, Description: "Key material."},
		{Name: "deploy", Approvals: 1, Teams: []string{"acme/ops"}}, {Name: "docs"}}}
	st := &PullState{Policy: pol,
		Sensitive: []CategoryFiles{
			{Category: "keys", Total: 2, Files: []SensitiveFile{{Path: "deploy/id.pem", Line: 1}, {Path: "old.pem", Status: guard.Deleted}}},
			{Category: "deploy", Total: 1, Files: []SensitiveFile{{Path: "deploy/id.pem", Line: 1}}},
			{Category: "docs", Total: 1, Files: []SensitiveFile{{Path: "README.md", Line: 4}}}},
		Findings: []guard.Finding{
			{Detector: "unusual-time", Severity: guard.Low, Path: "a.go", Line: 2, Message: "late"},
			{Detector: "obfuscation", Severity: guard.Medium, Path: "b.js", Line: 9, Message: "eval"},
			{Detector: "key-material", Severity: guard.Critical, Path: "deploy/id.pem", Line: 1, Message: "key"},
		}}
	for _, tc := range []struct {
		max  int
		want []string
	}{
		{10, []string{"failure key-material (critical)", "warning obfuscation (medium)", "notice " + sensitiveTitle, "notice unusual-time (low)"}},
		{3, []string{"failure key-material (critical)", "warning obfuscation (medium)", "notice " + sensitiveTitle}},
		{1, []string{"failure key-material (critical)"}},
	} {
		got := annotations(st, tc.max)
		var titles []string
		for _, a := range got {
			titles = append(titles, string(a.Level)+" "+a.Title)
		}
		if strings.Join(titles, "|") != strings.Join(tc.want, "|") {
			t.Errorf("max %d: %q, want %q", tc.max, titles, tc.want)
		}
	}
	n := categoryAnnotations(st)
	want := "This file puts the change in the sensitive category keys (Key material): it needs 2 approvals by reviewers " +
		"who neither wrote nor pushed its commits.\nThis file puts the change in the sensitive category deploy: it needs " +
		"1 approval from acme/ops by reviewers who neither wrote nor pushed its commits."
	if len(n) != 1 || n[0].Path != "deploy/id.pem" || n[0].Message != want || n[0].Level != github.LevelNotice {
		t.Errorf("category annotations %+v, want one on deploy/id.pem:\n%s", n, want)
	}
}

// TestListFiles covers the notes and the count of the rest.
func TestListFiles(t *testing.T) {
	for _, tc := range []struct {
		cf   CategoryFiles
		want string
	}{
		{CategoryFiles{Total: 1, Files: []SensitiveFile{{Path: "ci.yml", Status: guard.Modified}}}, "`ci.yml`"},
		{CategoryFiles{Total: 2, Files: []SensitiveFile{{Path: "b.yml", OldPath: "a.yml", Status: guard.Renamed},
			{Path: "c|d.yml", Status: guard.Deleted}}}, "`b.yml` (renamed from `a.yml`), `c\\|d.yml` (deleted)"},
		{CategoryFiles{Total: 250, Files: make([]SensitiveFile, 200)}, "and 240 more files"},
		{CategoryFiles{Total: 11, Files: make([]SensitiveFile, 11)}, "and 1 more file"},
	} {
		if got := listFiles(&tc.cf); !strings.HasSuffix(got, tc.want) {
			t.Errorf("listFiles(%+v) = %q, want …%q", tc.cf, got, tc.want)
		}
	}
}

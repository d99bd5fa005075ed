package dependencyhandover

import (
	"fmt"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/repoguard/repoguard/detectors/dependencychange"
	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/detectors/internal/habits"
	"github.com/repoguard/repoguard/detectors/internal/testpath"
	"github.com/repoguard/repoguard/detectors/internal/vendorpath"
	"github.com/repoguard/repoguard/guard"
)

// Settings are the detector's tunable parameters, with their defaults in
// Detector; a policy overrides them under detectors.dependency-handover.settings.
type Settings struct {
	// new_commits and new_days: an author with fewer earlier commits in
	// this repository, the first of them less than new_days ago, is new
	// here (an occasional contributor of years is not)...
	NewCommits int `setting:"new_commits"`
	NewDays    int `setting:"new_days"`
	// established_commits: ...unless they have at least this many
	// across the organization and are not returning.
	EstablishedCommits int `setting:"established_commits"`
	// min_org_commits: while the organization has fewer commits, everyone
	// is new (a repository's founding) and nothing is said.
	MinOrgCommits int `setting:"min_org_commits"`
	// dormant_days of silence in every repository make an author with
	// at least min_commits earlier commits a returning one.
	DormantDays int `setting:"dormant_days"`
	MinCommits  int `setting:"min_commits"`
}

// Detector is the dependency-handover detector.
var Detector = &guard.Detector{
	Name: "dependency-handover",
	Doc: "Reports a dependency added, pointed at another source, given a wider version range or an " +
		"install script by an author new to the repository or back after months of silence: the " +
		"hand-over of event-stream 2018. Medium; high when both hold, or the dependency comes from " +
		"git or a URL, or runs an install script.",
	Severity:  guard.Medium,
	Behaviour: true,
	Rule:      true,
	// No hunk: registry files (.npmrc, pip.conf) may carry auth tokens.
	NoContext: true,
	Settings: &Settings{
		NewCommits:         5,
		NewDays:            30,
		EstablishedCommits: 50,
		MinOrgCommits:      50,
		DormantDays:        180,
		MinCommits:         5,
	},
	Run: run,
}

// dhSkip matches manifests that do not reach the build users get: those
// of examples and docs (vendored code: vendorpath; tests and fixtures:
// testpath).
var dhSkip = regexp.MustCompile(`(^|/)(examples?|docs?)/`)

// dhInstallHooks are the npm scripts that run when the package is
// installed as a dependency; prepare and prepack run in its own checkout
// (husky, a build), which newcomers set up all the time.
var dhInstallHooks = map[string]bool{"preinstall": true, "install": true, "postinstall": true}

// dhChange is a dependency change and the manifest it is in.
type dhChange struct {
	dependencychange.Change
	path string
}

func run(pass *guard.Pass) {
	set := pass.Settings().(*Settings)
	b, c := pass.Baseline, pass.Commit
	if b == nil || c == nil || c.IsMerge() || b.Bot || guard.IsBot(c.Author) || b.Author == nil || b.AuthorAll == nil {
		return
	}
	back, returns := habits.Returns(b.AuthorAll, c, set.DormantDays, max(set.MinCommits, 1))
	isNew := dhNew(set, b, c, returns)
	if !isNew && !returns {
		return
	}
	changes := dhNewCode(pass.Tree, pass.Files, dhChanges(pass.Files))
	if len(changes) == 0 {
		return
	}
	f := guard.Finding{
		Severity: guard.Medium, Score: 0.6,
		Path: changes[0].path, Line: changes[0].Line,
		Message: fmt.Sprintf("%s; %s.", dhWho(isNew, returns, back, b, c), dhWhat(changes)),
	}
	if isNew {
		f.Evidence = append(f.Evidence, fmt.Sprintf("new here means fewer than %d earlier commits in this repository, "+
			"the first less than %d days before, and fewer than %d in the organization; the organization has %s",
			set.NewCommits, set.NewDays, set.EstablishedCommits, guard.Thousands(b.Org.Commits)))
	}
	if returns {
		f.Evidence = append(f.Evidence, fmt.Sprintf("returning means no commit in any repository for %d days after %d or more",
			set.DormantDays, set.MinCommits))
	}
	if why := dhHigh(isNew && returns, changes); why != "" {
		f.Severity, f.Score = guard.High, 0.8
		f.Evidence = append(f.Evidence, "high: "+why)
	}
	pass.Report(f)
}

// dhNew reports whether the author is new to the repository, in a
// repository past its founding: few commits here, the first of them
// recent, and no long history in the organization unless they return
// from a long silence.
func dhNew(set *Settings, b *guard.Baseline, c *guard.Commit, returns bool) bool {
	a := b.Author
	if b.Org == nil || b.Org.Commits < set.MinOrgCommits || a.Commits >= set.NewCommits {
		return false
	}
	if a.Commits > 0 && c.Author.When.Sub(a.FirstSeen) >= time.Duration(set.NewDays)*24*time.Hour {
		return false
	}
	return returns || b.AuthorAll.Commits < set.EstablishedCommits
}

// dhChanges returns the dependency changes of the files that reach the
// build.
func dhChanges(files []guard.FileChange) []dhChange {
	var out []dhChange
	for i := range files {
		f := &files[i]
		if testpath.Match(f.Path) || vendorpath.Match(f.Path) || dhSkip.MatchString(f.Path) {
			continue
		}
		for _, ch := range dependencychange.Changes(f) {
			if dhCounts(ch) {
				out = append(out, dhChange{ch, f.Path})
			}
		}
	}
	return out
}

// dhCounts reports whether a change can hand the package's users code
// from someone else: not a dependency on the tree's own code, nor a plain
// development dependency (it is not installed with the package), nor a
// script that runs only in the project's own checkout.
func dhCounts(ch dependencychange.Change) bool {
	switch {
	case ch.Local:
		return false
	case ch.Kind == dependencychange.Script:
		return dhInstallHooks[ch.Name]
	case ch.Kind == dependencychange.Added && ch.Source == "":
		return !strings.Contains(strings.ToLower(ch.Section), "dev")
	}
	return true
}

// dhWho says who the author is: new here, returning, or both.
func dhWho(isNew, returns bool, back habits.Return, b *guard.Baseline, c *guard.Commit) string {
	a := b.Author
	switch {
	case isNew && returns && a.Commits == 0:
		return "First commit by this author in this repository, who " + back.String()
	case isNew && returns:
		return fmt.Sprintf("Author with only %s in this repository, who %s", explain.Plural(a.Commits, "earlier commit"), back)
	case returns:
		return "Author " + back.String()
	case a.Commits > 0:
		return fmt.Sprintf("Author with only %s in this repository, the first %s before this one",
			explain.Plural(a.Commits, "earlier commit"), explain.Duration(c.Author.When.Sub(a.FirstSeen)))
	case b.AuthorAll.Commits > 0:
		return fmt.Sprintf("First commit by this author in this repository (%s in the organization)",
			explain.History(b.AuthorAll))
	}
	return "First commit by this author in this repository (none in any repository)"
}

// dhWhat lists the changes, at most three.
func dhWhat(changes []dhChange) string {
	parts := make([]string, 0, len(changes))
	for _, ch := range changes {
		parts = append(parts, dhDescribe(ch))
	}
	return explain.List(parts, 3)
}

// dhDescribe words one change: "adds the dependency flatmap-stream
// "^0.1.1" to package.json".
func dhDescribe(ch dhChange) string {
	in := path.Base(ch.path)
	from := ""
	if ch.Source != "" {
		from = " from " + ch.Source
	}
	switch ch.Kind {
	case dependencychange.Added:
		if in == ".gitmodules" {
			return fmt.Sprintf("adds the submodule %s from %s to %s", ch.Name, ch.Spec, in)
		}
		return fmt.Sprintf("adds the dependency %s %s%s to %s", ch.Name, dependencychange.Quote(ch.Spec), from, in)
	case dependencychange.Repointed:
		if ch.Old == "" {
			return fmt.Sprintf("overrides the dependency %s with %s%s in %s", ch.Name, dependencychange.Quote(ch.Spec), from, in)
		}
		return fmt.Sprintf("points the dependency %s at %s%s instead of %s in %s", ch.Name, dependencychange.Quote(ch.Spec), from,
			dependencychange.Quote(ch.Old), in)
	case dependencychange.Widened:
		return fmt.Sprintf("widens the version range of %s from %s to %s in %s", ch.Name, dependencychange.Quote(ch.Old),
			dependencychange.Quote(ch.Spec), in)
	case dependencychange.Script:
		return fmt.Sprintf("sets the install script %s to %s in %s", ch.Name, dependencychange.Quote(ch.Spec), in)
	}
	// A registry setting's value is not quoted: it may hold a token.
	return fmt.Sprintf("sets %s in %s, where packages come from", ch.Name, in)
}

// dhHigh says why the finding is high, "" when it is not.
func dhHigh(both bool, changes []dhChange) string {
	if both {
		return "the author is both new here and back from a long silence"
	}
	for _, ch := range changes {
		switch {
		case ch.Source != "":
			return fmt.Sprintf("%s comes from %s, outside its registry", ch.Name, ch.Source)
		case ch.Kind == dependencychange.Script:
			return fmt.Sprintf("the install script %s runs on every install", ch.Name)
		case ch.Kind == dependencychange.Registry:
			return "packages may now come from another registry"
		}
	}
	return ""
}

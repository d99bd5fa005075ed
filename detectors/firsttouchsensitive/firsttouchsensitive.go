package firsttouchsensitive

import (
	"fmt"
	"math"
	"slices"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/guard"
)

// Settings are the detector's tunable parameters, with their defaults in
// Detector; a policy overrides them under detectors.first-touch-sensitive.settings.
type Settings struct {
	// min_commits is the history (in this repository, else in all)
	// below which nothing is said.
	MinCommits int `setting:"min_commits"`
	// long_history is the history from which a first touch of a
	// high category is high.
	LongHistory    int      `setting:"long_history"`
	HighCategories []string `setting:"high_categories"`
	// low_categories are first-touched often and reported low.
	LowCategories []string `setting:"low_categories"`
	// top_dirs reports (low) first changes under a top-level directory
	// that others have changed before.
	TopDirs bool `setting:"top_dirs"`
}

// name is the detector's name, which its events start with.
const name = "first-touch-sensitive"

// Detector is the first-touch-sensitive detector.
var Detector = &guard.Detector{
	Name: name,
	Doc: "Reports an author with an established history who changes a sensitive category, or a " +
		"top-level directory others work in, for the first time. Brand-new authors are " +
		"new-author-sensitive's concern; merge commits are left to the commits they merge.",
	Severity:  guard.Medium,
	Behaviour: true,
	Settings: &Settings{
		MinCommits:     20,
		LongHistory:    100,
		HighCategories: []string{guard.CategoryKeys, guard.CategoryContracts, guard.CategoryCI},
		LowCategories:  []string{guard.CategoryDependencies},
		TopDirs:        true,
	},
	Run: run,
}

func run(pass *guard.Pass) {
	set := pass.Settings().(*Settings)
	b, c := pass.Baseline, pass.Commit
	if b == nil || c == nil || c.IsMerge() || b.Author == nil || b.AuthorAll == nil {
		return
	}
	minN := set.MinCommits
	a, scope, repoScope := b.Author, "in this repository", true
	if a.Commits < minN {
		a, scope, repoScope = b.AuthorAll, "across all repositories", false
	}
	if a.Commits < minN {
		return
	}
	covered := ftCategories(pass, set, a, scope, repoScope)
	if repoScope && set.TopDirs {
		ftDirs(pass, a, covered)
	}
}

// ftCategories reports each category of the change the author never
// changed before and returns the indexes of the files in them. Judged in
// one repository, a category the author changes in others is only low.
func ftCategories(pass *guard.Pass, set *Settings, a *guard.Profile, scope string, repoScope bool) map[int]bool {
	order, files := ftNewCategories(pass, a)
	covered := map[int]bool{}
	for _, cat := range order {
		idx := files[cat]
		names := make([]string, len(idx))
		for j, i := range idx {
			names[j] = explain.Change(&pass.Files[i])
			covered[i] = true
		}
		sev, score := ftSeverity(set, a, cat)
		evidence := []string{
			fmt.Sprintf("organization commits in %s: %d", cat, ftOrg(pass).Categories[cat]),
			"author's categories: " + explain.Counts(a.Categories),
			"author's top directories: " + explain.Counts(a.Dirs),
		}
		if n := pass.Baseline.AuthorAll.Categories[cat]; repoScope && n > 0 {
			sev, score = guard.Low, 0.3
			evidence = append(evidence, fmt.Sprintf("the author changed %s in other repositories: %s", cat, explain.Plural(n, "commit")))
		}
		pass.Report(guard.Finding{
			Severity: sev, Score: score, Path: pass.Files[idx[0]].Path, Event: name + "/" + cat,
			Message: fmt.Sprintf("First change to the %s category by this author, after %s %s: %s.",
				cat, explain.History(a), scope, explain.List(names, 3)),
			Evidence: evidence,
		})
	}
	return covered
}

// ftNewCategories returns the categories of the change the author never
// changed, in order of appearance, with the indexes of their files.
func ftNewCategories(pass *guard.Pass, a *guard.Profile) (order []string, files map[string][]int) {
	files = map[string][]int{}
	for i := range pass.Files {
		for _, cat := range pass.Categories[i] {
			if a.Categories[cat] > 0 {
				continue
			}
			if files[cat] == nil {
				order = append(order, cat)
			}
			files[cat] = append(files[cat], i)
		}
	}
	return order, files
}

// ftSeverity is high for a high category after a long history, low for a
// low category, else medium; the score grows with the history.
func ftSeverity(set *Settings, a *guard.Profile, cat string) (guard.Severity, float64) {
	score := math.Min(1, 0.5+0.1*math.Log2(float64(a.Commits)/float64(max(set.MinCommits, 1))))
	switch {
	case slices.Contains(set.LowCategories, cat):
		return guard.Low, 0.3
	case slices.Contains(set.HighCategories, cat) && a.Commits >= set.LongHistory:
		return guard.High, score
	}
	return guard.Medium, score
}

// ftDirs reports, in one low finding, the top-level directories outside
// the covered files that the author never changed but others did.
func ftDirs(pass *guard.Pass, a *guard.Profile, covered map[int]bool) {
	org := ftOrg(pass)
	var dirs, evidence []string
	first := -1
	for i := range pass.Files {
		d := guard.TopDir(pass.Files[i].Path)
		if covered[i] || a.Dirs[d] > 0 || org.Dirs[d] == 0 || slices.Contains(dirs, d) {
			continue
		}
		if first < 0 {
			first = i
		}
		dirs = append(dirs, d)
		evidence = append(evidence, fmt.Sprintf("%s: %d organization commits", ftDirName(d), org.Dirs[d]))
	}
	if len(dirs) == 0 {
		return
	}
	names := make([]string, len(dirs))
	for i, d := range dirs {
		names[i] = ftDirName(d)
	}
	pass.Report(guard.Finding{
		Severity: guard.Low, Score: 0.3, Path: pass.Files[first].Path, Event: name + "/directories",
		Message: fmt.Sprintf("First change under %s by this author, after %s in this repository; others work there.",
			explain.List(names, 3), explain.History(a)),
		Evidence: append(evidence, "author's top directories: "+explain.Counts(a.Dirs)),
	})
}

// ftDirName renders a top-level directory, "dir/" or "the repository root".
func ftDirName(d string) string {
	if d == "." {
		return "the repository root"
	}
	return d + "/"
}

// ftOrg returns the organization profile, empty when unknown.
func ftOrg(pass *guard.Pass) *guard.Profile {
	if pass.Baseline.Org == nil {
		return guard.NewProfile(guard.OrgKey, "")
	}
	return pass.Baseline.Org
}

package dormantreactivation

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/detectors/internal/habits"
	"github.com/repoguard/repoguard/guard"
)

// Settings are the detector's tunable parameters, with their defaults in
// Detector; a policy overrides them under detectors.dormant-reactivation.settings.
type Settings struct {
	// dormant_days of silence make an author dormant.
	DormantDays int `setting:"dormant_days"`
	// min_commits is the history needed before the silence.
	MinCommits int      `setting:"min_commits"`
	Categories []string `setting:"categories"`
	// high_categories make the finding high.
	HighCategories []string `setting:"high_categories"`
}

// Detector is the dormant-reactivation detector.
var Detector = &guard.Detector{
	Name: "dormant-reactivation",
	Doc: "Reports an author silent for months (in every repository) who returns with changes to " +
		"sensitive paths or dependencies: the pattern of a taken-over or sold account.",
	Severity:  guard.Medium,
	Behaviour: true,
	Settings: &Settings{
		DormantDays: 120,
		MinCommits:  3,
		Categories: []string{guard.CategoryKeys, guard.CategoryContracts, guard.CategoryDeploy,
			guard.CategoryCI, guard.CategoryBuild, guard.CategoryAccess, guard.CategoryDependencies},
		HighCategories: []string{guard.CategoryKeys, guard.CategoryContracts, guard.CategoryDeploy,
			guard.CategoryCI, guard.CategoryAccess},
	},
	Run: run,
}

func run(pass *guard.Pass) {
	set := pass.Settings().(*Settings)
	b, c := pass.Baseline, pass.Commit
	if b == nil || c == nil || c.IsMerge() {
		return
	}
	r, ok := habits.Returns(b.AuthorAll, c, set.DormantDays, set.MinCommits)
	if !ok {
		return
	}
	cats, files, first := drTouched(pass, set.Categories)
	if len(cats) == 0 {
		return
	}
	dormant := time.Duration(set.DormantDays) * 24 * time.Hour
	f := guard.Finding{
		Severity: guard.Medium,
		Score:    math.Min(1, 0.5+0.25*math.Log2(float64(r.Silence)/float64(dormant))),
		Path:     first,
		Message:  fmt.Sprintf("%s and changes %s: %s.", explain.Capital(r.String()), strings.Join(cats, ", "), explain.List(files, 3)),
		Evidence: []string{fmt.Sprintf("dormant means no commit in any repository for %d days", set.DormantDays)},
	}
	if !r.At.Equal(c.Author.When) {
		f.Evidence = append(f.Evidence, fmt.Sprintf("authored %s but committed by the author %s: the commit date counts",
			c.Author.When.Format(time.DateOnly), r.At.Format(time.DateOnly)))
	}
	high := set.HighCategories
	if slices.ContainsFunc(cats, func(c string) bool { return slices.Contains(high, c) }) {
		f.Severity = guard.High
	}
	pass.Report(f)
}

// drTouched returns the listed categories the change touches, the files
// in them, and the first such file's path.
func drTouched(pass *guard.Pass, watched []string) (cats, files []string, first string) {
	for i := range pass.Files {
		in := false
		for _, cat := range pass.Categories[i] {
			if slices.Contains(watched, cat) {
				in = true
				if !slices.Contains(cats, cat) {
					cats = append(cats, cat)
				}
			}
		}
		if in {
			if first == "" {
				first = pass.Files[i].Path
			}
			files = append(files, explain.Change(&pass.Files[i]))
		}
	}
	return cats, files, first
}

package sizeoutlier

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/guard"
)

// Settings are the detector's tunable parameters, with their defaults in
// Detector; a policy overrides them under detectors.size-outlier.settings.
type Settings struct {
	// min_commits is the author history needed (in this repository,
	// else in all).
	MinCommits int `setting:"min_commits"`
	// quantile of the author's sizes whose bucket's upper bound,
	// times factor, is the threshold.
	Quantile float64 `setting:"quantile"`
	Factor   float64 `setting:"factor"`
	// min_lines is the smallest threshold.
	MinLines int `setting:"min_lines"`
	// medium_categories raise the finding to medium when the author
	// changed them in less than rare_share of their commits.
	MediumCategories []string `setting:"medium_categories"`
	RareShare        float64  `setting:"rare_share"`
}

// Detector is the size-outlier detector.
var Detector = &guard.Detector{
	Name: "size-outlier",
	Doc: "Reports a commit changing far more lines than its author's own commits do (beyond a high " +
		"quantile of their sizes times a factor, and an absolute minimum). Low; medium when it " +
		"touches a sensitive category the author seldom changes, where a large diff hides a small " +
		"change best.",
	Severity:  guard.Low,
	Behaviour: true,
	Settings: &Settings{
		MinCommits: 30,
		Quantile:   0.99,
		Factor:     3.0,
		MinLines:   500,
		MediumCategories: []string{guard.CategoryKeys, guard.CategoryContracts, guard.CategoryDeploy,
			guard.CategoryCI, guard.CategoryBuild, guard.CategoryAccess},
		RareShare: 0.1,
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
	a, scope := b.Author, ""
	if a.Commits < minN {
		a, scope = b.AuthorAll, " across all repositories"
	}
	if a.Commits < minN {
		return
	}
	n := guard.LinesChanged(pass.Files)
	q := set.Quantile
	_, qHi := guard.SizeBucketRange(guard.SizeBucket(a.SizeQuantile(q)))
	threshold := max(int(math.Min(float64(qHi)*set.Factor, math.MaxInt32)), set.MinLines)
	if n <= threshold {
		return
	}
	f := guard.Finding{
		Severity: guard.Low,
		Score:    math.Min(1, 0.3+0.2*math.Log2(float64(n)/float64(threshold))),
		Message: fmt.Sprintf("Changes %s lines, far beyond this author's usual (threshold %s): median %s lines, and %.0f%% of their %s%s change fewer than %s.",
			guard.Thousands(n), guard.Thousands(threshold), soBucket(guard.SizeBucket(a.SizeQuantile(0.5))), 100*q,
			explain.History(a), scope, guard.Thousands(qHi)),
		Evidence: []string{"largest before: " + soBucket(soLargest(a)) + " lines", "largest files: " + soLargestFiles(pass.Files)},
	}
	if cats := soSensitive(pass, a, set); len(cats) > 0 {
		f.Severity = guard.Medium
		f.Evidence = append(f.Evidence, "seldom-changed sensitive categories touched: "+explain.List(cats, 5))
	}
	pass.Report(f)
}

// soSensitive lists the medium categories the change touches that the
// author changed in less than rare_share of their commits.
func soSensitive(pass *guard.Pass, a *guard.Profile, set *Settings) []string {
	medium, rare := set.MediumCategories, set.RareShare*float64(a.Commits)
	var out []string
	for i := range pass.Files {
		for _, cat := range pass.Categories[i] {
			if slices.Contains(medium, cat) && float64(a.Categories[cat]) < rare && !slices.Contains(out, cat) {
				out = append(out, cat)
			}
		}
	}
	return out
}

// soLargest returns the highest non-empty size bucket.
func soLargest(p *guard.Profile) int {
	for b := guard.SizeBuckets - 1; b > 0; b-- {
		if p.Sizes[b] > 0 {
			return b
		}
	}
	return 0
}

// soBucket renders a size bucket as "32–63" (or "0", or "8,388,608 or more").
func soBucket(b int) string {
	lo, hi := guard.SizeBucketRange(b)
	switch {
	case hi == math.MaxInt:
		return guard.Thousands(lo) + " or more"
	case hi-lo == 1:
		return guard.Thousands(lo)
	}
	return guard.Thousands(lo) + "–" + guard.Thousands(hi-1)
}

// soLargestFiles lists the three files with the most changed lines.
func soLargestFiles(files []guard.FileChange) string {
	idx := make([]int, len(files))
	for i := range idx {
		idx[i] = i
	}
	lines := func(i int) int { return files[i].Added + files[i].Deleted }
	sort.SliceStable(idx, func(i, j int) bool { return lines(idx[i]) > lines(idx[j]) })
	parts := make([]string, 0, len(idx))
	for _, i := range idx {
		parts = append(parts, fmt.Sprintf("%s (+%d −%d)", files[i].Path, files[i].Added, files[i].Deleted))
	}
	return explain.List(parts, 3)
}

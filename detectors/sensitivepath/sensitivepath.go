package sensitivepath

import (
	"fmt"
	"sort"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/guard"
)

// Detector is the sensitive-path detector.
var Detector = &guard.Detector{
	Name: "sensitive-path",
	Doc: "Reports each sensitive category (contracts, keys, deploy, ci, build, dependencies, access, " +
		"or one the policy defines) that the change touches, with the files in it; the App turns " +
		"this into a review requirement.",
	Severity: guard.Low,
	Run:      run,
}

func run(pass *guard.Pass) {
	byCat := map[string][]int{}
	for i := range pass.Files {
		for _, c := range pass.Categories[i] {
			byCat[c] = append(byCat[c], i)
		}
	}
	if len(byCat) == 0 {
		return
	}
	names := make([]string, 0, len(byCat))
	for n := range byCat {
		names = append(names, n)
	}
	order := map[string]int{}
	if pass.Policy != nil {
		for i, c := range pass.Policy.Categories {
			order[c.Name] = i
		}
	}
	sort.Slice(names, func(i, j int) bool { return order[names[i]] < order[names[j]] })
	for _, name := range names {
		idx := byCat[name]
		sev, approvals, desc := guard.Medium, 1, name
		if pass.Policy != nil {
			if c := pass.Policy.Category(name); c != nil {
				if c.Severity != guard.SeverityNone {
					sev = c.Severity
				}
				approvals = c.Approvals
				if c.Description != "" {
					desc = c.Description
				}
			}
		}
		first := pass.Files[idx[0]]
		files := make([]string, 0, len(idx))
		for _, i := range idx {
			files = append(files, explain.Change(&pass.Files[i]))
		}
		msg := fmt.Sprintf("Touches the %s category (%s): %s; it needs %s before merge.",
			name, strings.TrimSuffix(desc, "."), explain.List(files, 3), explain.Plural(approvals, "independent approval"))
		pass.Report(guard.Finding{
			Severity: sev,
			Score:    0.3,
			Path:     first.Path,
			Message:  msg,
			Evidence: append([]string{"category: " + name}, files...),
		})
	}
}

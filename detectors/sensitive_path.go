package detectors

import (
	"fmt"
	"sort"
	"strings"

	"github.com/repoguard/repoguard/guard"
)

func init() {
	guard.Register(&guard.Detector{
		Name: "sensitive-path",
		Doc: "Reports each sensitive category (contracts, keys, deploy, ci, build, dependencies, access, " +
			"or one the policy defines) that the change touches, with the files in it; the App turns " +
			"this into a review requirement.",
		Severity: guard.Low,
		Run:      runSensitivePath,
	})
}

func runSensitivePath(pass *guard.Pass) {
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
			files = append(files, describeChange(&pass.Files[i]))
		}
		msg := fmt.Sprintf("Touches the %s category (%s): %s; it needs %s before merge.",
			name, strings.TrimSuffix(desc, "."), summarizeList(files, 3), plural(approvals, "independent approval"))
		pass.Report(guard.Finding{
			Severity: sev,
			Score:    0.3,
			Path:     first.Path,
			Message:  msg,
			Evidence: append([]string{"category: " + name}, files...),
		})
	}
}

// describeChange renders "path (status)" with the old path of a rename.
func describeChange(f *guard.FileChange) string {
	if f.Status == guard.Renamed {
		return fmt.Sprintf("%s (renamed from %s)", f.Path, f.OldPath)
	}
	return fmt.Sprintf("%s (%s)", f.Path, f.Status)
}

// summarizeList joins up to max items and says how many more there are.
func summarizeList(items []string, max int) string { return summarizeCount(items, len(items), max) }

// summarizeCount joins up to max of items, the first of a list of n,
// and says how many more the list has.
func summarizeCount(items []string, n, max int) string {
	shown := items[:min(len(items), max, n)]
	if n <= max {
		return strings.Join(shown, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(shown, ", "), n-len(shown))
}

// plural renders "1 thing" or "n things".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

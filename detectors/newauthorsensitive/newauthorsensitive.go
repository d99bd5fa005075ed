package newauthorsensitive

import (
	"fmt"
	"slices"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/guard"
)

// Settings are the detector's tunable parameters, with their defaults in
// Detector; a policy overrides them under detectors.new-author-sensitive.settings.
type Settings struct {
	// max_commits: authors with fewer earlier commits are new.
	MaxCommits int `setting:"max_commits"`
	// min_org_commits: while the organization has fewer commits,
	// everyone is new (a repository's founding) and nothing is said.
	MinOrgCommits int      `setting:"min_org_commits"`
	Categories    []string `setting:"categories"`
}

// name is the detector's name, which its events start with.
const name = "new-author-sensitive"

// Detector is the new-author-sensitive detector.
var Detector = &guard.Detector{
	Name: name,
	Doc: "Reports an author with little or no history (in any repository) who changes keys, " +
		"contracts, deploy, CI or build files: the first weeks of a false-identity hire.",
	Severity:  guard.High,
	Behaviour: true,
	Settings: &Settings{
		MaxCommits:    10,
		MinOrgCommits: 200,
		Categories: []string{guard.CategoryKeys, guard.CategoryContracts, guard.CategoryDeploy,
			guard.CategoryCI, guard.CategoryBuild},
	},
	Run: run,
}

func run(pass *guard.Pass) {
	set := pass.Settings().(*Settings)
	b, c := pass.Baseline, pass.Commit
	if b == nil || c == nil || c.IsMerge() || b.AuthorAll == nil {
		return
	}
	a, maxN := b.AuthorAll, set.MaxCommits
	if a.Commits >= maxN || b.Org == nil || b.Org.Commits < set.MinOrgCommits {
		return
	}
	cats, files, first := naTouched(pass, set.Categories)
	if len(cats) == 0 {
		return
	}
	who := "First commit by this author (no history in any repository)"
	if a.Commits > 0 {
		who = fmt.Sprintf("Author with only %s, the first %s before this one,",
			explain.Plural(a.Commits, "earlier commit"), explain.Duration(c.Author.When.Sub(a.FirstSeen)))
	}
	evidence := make([]string, 0, len(cats)+1)
	for _, cat := range cats {
		evidence = append(evidence, cat+": "+explain.List(files[cat], 5))
	}
	evidence = append(evidence, fmt.Sprintf("new means fewer than %d earlier commits; the organization has %d",
		maxN, b.Org.Commits))
	pass.Report(guard.Finding{
		Score: 1 - 0.5*float64(a.Commits)/float64(maxN),
		Path:  first,
		// The event is the most sensitive category changed: its own base
		// rate, not that of every category (new authors change contracts
		// all the time in an open library, keys rarely).
		Event: name + "/" + naMostSensitive(cats, set.Categories),
		Message: fmt.Sprintf("%s changes %s: %s.", who, strings.Join(cats, ", "),
			explain.List(naAll(cats, files), 3)),
		Evidence: evidence,
	})
}

// naTouched returns the watched categories the change touches, in order
// of first appearance, their files, and the first such file's path.
func naTouched(pass *guard.Pass, watched []string) (cats []string, files map[string][]string, first string) {
	files = map[string][]string{}
	for i := range pass.Files {
		for _, cat := range pass.Categories[i] {
			if !slices.Contains(watched, cat) {
				continue
			}
			if files[cat] == nil {
				cats = append(cats, cat)
			}
			if first == "" {
				first = pass.Files[i].Path
			}
			files[cat] = append(files[cat], explain.Change(&pass.Files[i]))
		}
	}
	return cats, files, first
}

// naAll lists the files of the categories once each.
func naAll(cats []string, files map[string][]string) []string {
	var out []string
	for _, cat := range cats {
		for _, f := range files[cat] {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

// naMostSensitive returns the category of cats that comes first in
// watched (the settings list them most sensitive first).
func naMostSensitive(cats, watched []string) string {
	for _, w := range watched {
		if slices.Contains(cats, w) {
			return w
		}
	}
	return cats[0]
}

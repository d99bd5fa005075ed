package newcomersigning

import (
	"fmt"
	"slices"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/detectors/internal/habits"
	"github.com/repoguard/repoguard/guard"
)

// Settings are the detector's tunable parameters, with their defaults in
// Detector; a policy overrides them under
// detectors.newcomer-signing.settings.
type Settings struct {
	// new_commits: an author with fewer earlier commits in every
	// repository is new.
	NewCommits int `setting:"new_commits"`
	// min_org_commits: while the organization has fewer commits,
	// everyone is new (a repository's founding) and nothing is said.
	MinOrgCommits int `setting:"min_org_commits"`
	// categories whose change is key or signing code.
	Categories []string `setting:"categories"`
	// night_start, night_end, local_window, local_quiet and
	// min_repo_commits make a quiet night hour, as for unusual-time: an
	// hour in [night_start, night_end) where the author is at which the
	// hours within local_window of it hold at most local_quiet times
	// their even share of the repository's commits (once it has
	// min_repo_commits).
	NightStart     int     `setting:"night_start"`
	NightEnd       int     `setting:"night_end"`
	LocalWindow    int     `setting:"local_window"`
	LocalQuiet     float64 `setting:"local_quiet"`
	MinRepoCommits int     `setting:"min_repo_commits"`
	// rare_zone: a zone at most this share of the repository's commits
	// used (one commit always) is new to it, as for timezone-change. A
	// night hour in such a zone is enough where the repository's own
	// nights are not quiet; a new zone in the day is not (contributors
	// live everywhere).
	RareZone float64 `setting:"rare_zone"`
}

// name is the detector's name.
const name = "newcomer-signing"

// Detector is the newcomer-signing detector.
var Detector = &guard.Detector{
	Name: name,
	Doc: "Reports an author new to every repository who changes key or signing code at a night hour " +
		"(where they are) when the repository is quiet, or from a time zone it never used: a " +
		"false-identity hire or a taken-over new account. A rule: medium whatever the budget.",
	Severity:  guard.Medium,
	Behaviour: true,
	Rule:      true,
	Settings: &Settings{
		NewCommits:     5,
		MinOrgCommits:  200,
		Categories:     []string{guard.CategoryKeys},
		NightStart:     0,
		NightEnd:       6,
		LocalWindow:    1,
		LocalQuiet:     0.5,
		MinRepoCommits: 100,
		RareZone:       0.001,
	},
	Run: run,
}

func run(pass *guard.Pass) {
	set := pass.Settings().(*Settings)
	b, c := pass.Baseline, pass.Commit
	if b == nil || c == nil || c.IsMerge() || b.Bot || guard.IsBot(c.Author) || b.AuthorAll == nil ||
		b.Org == nil || b.Org.Commits < set.MinOrgCommits {
		return
	}
	a, here := b.AuthorAll, b.Everyone()
	if a.Commits >= set.NewCommits || here == nil || here.Commits < set.MinRepoCommits {
		return
	}
	files, first := signingFiles(pass, set.Categories)
	if len(files) == 0 {
		return
	}
	at := c.Author.When
	o := c.Author.Offset()
	q := habits.Night{Start: set.NightStart, End: set.NightEnd, Window: set.LocalWindow,
		MinCommits: set.MinRepoCommits, Quiet: set.LocalQuiet}
	if !q.Hour(at.Hour()) {
		return
	}
	n, total, quiet := q.QuietNight(here, a, at)
	strange := habits.StrangeZone(here, a, o, set.RareZone)
	if !quiet && !strange {
		return
	}
	when := []string{fmt.Sprintf("at %s their time, a night hour where they are", at.Format("15:04"))}
	if quiet {
		when[0] = fmt.Sprintf("at %s their time, when this repository is quiet (%s of its %s commits "+
			"%s where their authors were)", at.Format("15:04"), explain.Few(n),
			guard.Thousands(total), q.Between(at.Hour()))
	}
	if strange {
		when = append(when, fmt.Sprintf("in the time zone %s, which %s used", explain.Offset(o), habits.ZoneUse(here, o)))
	}
	who := "First commit by this author (no history in any repository)"
	if a.Commits > 0 {
		who = fmt.Sprintf("Author with only %s in every repository", explain.Plural(a.Commits, "earlier commit"))
	}
	pass.Report(guard.Finding{
		Score: 0.7,
		Path:  first,
		Message: fmt.Sprintf("%s changes key or signing code %s: %s.", who, strings.Join(when, ", and "),
			explain.List(files, 3)),
		Evidence: []string{
			fmt.Sprintf("new means fewer than %d earlier commits in every repository; key or signing code is the %s "+
				"categor%s", set.NewCommits, strings.Join(set.Categories, ", "), plural(len(set.Categories))),
			"each alone is common; together they are the pattern of a false-identity hire or a taken-over new account",
		},
	})
}

// signingFiles returns the changed files in the categories, and the
// first one's path.
func signingFiles(pass *guard.Pass, cats []string) (files []string, first string) {
	for i := range pass.Files {
		if !slices.ContainsFunc(pass.Categories[i], func(c string) bool { return slices.Contains(cats, c) }) {
			continue
		}
		if first == "" {
			first = pass.Files[i].Path
		}
		files = append(files, explain.Change(&pass.Files[i]))
	}
	return files, first
}

func plural(n int) string {
	if n == 1 {
		return "y"
	}
	return "ies"
}

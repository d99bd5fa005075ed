package timezonechange

import (
	"fmt"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/detectors/internal/habits"
	"github.com/repoguard/repoguard/guard"
)

// newAuthorZone is the event of a new author's commit in a zone none of
// the repository's commits used (or at most rare_zone of them): its own
// base rate.
const newAuthorZone = "timezone-change/new-author-zone"

// tzNewAuthorZone judges the zone of an author with too few commits to
// have a zone of their own against everyone's here. UTC is left out: web
// editors and tools often record it.
func tzNewAuthorZone(set *Settings, b *guard.Baseline, c *guard.Commit) (guard.Finding, bool) {
	a, here, o := b.AuthorAll, b.Everyone(), c.Author.Offset()
	if here == nil || here.Commits < set.MinRepoCommits || !habits.StrangeZone(here, a, o, set.RareZone) {
		return guard.Finding{}, false
	}
	who := "First commit by this author"
	if a.Commits > 0 {
		who = fmt.Sprintf("Author with only %s (zones: %s)", explain.Plural(a.Commits, "earlier commit"), tzUsed(a.AuthorZones))
	}
	return guard.Finding{
		Severity: guard.Low,
		Score:    0.4,
		Event:    newAuthorZone,
		Message:  fmt.Sprintf("%s, in the time zone %s, which %s used.", who, explain.Offset(o), habits.ZoneUse(here, o)),
		Evidence: []string{"zones used here: " + tzUsed(here.AuthorZones),
			fmt.Sprintf("new means fewer than %d earlier commits in every repository; a zone is strange here when "+
				"at most %g%% of the repository's commits (or one) used it", set.MinSwitchCommits, 100*set.RareZone)},
	}, true
}

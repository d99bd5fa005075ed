package unusualtime

import (
	"fmt"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/detectors/internal/habits"
	"github.com/repoguard/repoguard/guard"
)

// newAuthorHour is the event of a new author's commit at an hour of the
// day (in their own zone) at which almost no one here commits: its own
// base rate, apart from the author-hour findings.
const newAuthorHour = "unusual-time/new-author-hour"

// newAuthorHourNewZone is the event of a new author's commit at such an
// hour in a time zone none of the repository's commits used: the two
// together are much rarer in a repository than either (a newcomer far
// from everyone, or one whose clock is not where they claim to be), so
// they have their own base rate.
const newAuthorHourNewZone = "unusual-time/new-author-hour-new-zone"

// utNewAuthorHour judges the hour of the day of a new author's commit,
// where they are, against everyone's in this repository: a new author
// has no hours of their own to compare with, but 3 a.m. where they are is
// an hour at which few people anywhere commit.
func utNewAuthorHour(set *Settings, b *guard.Baseline, c *guard.Commit) (guard.Finding, bool) {
	a, here := b.AuthorAll, b.Everyone()
	if a.Commits >= set.NewCommits || here == nil {
		return guard.Finding{}, false
	}
	at := c.Author.When
	w := max(set.LocalWindow, 0)
	q := habits.Night{Start: set.NightStart, End: set.NightEnd, Window: set.LocalWindow,
		MinCommits: set.MinRepoCommits, Quiet: set.LocalQuiet}
	n, total, ok := q.QuietNight(here, a, at)
	if !ok {
		return guard.Finding{}, false
	}
	who := "First commit by this author"
	if a.Commits > 0 {
		who = fmt.Sprintf("Author with only %s", explain.Plural(a.Commits, "earlier commit"))
	}
	window := q.Between(at.Hour())
	event, zone := newAuthorHour, ""
	if o := c.Author.Offset(); habits.StrangeZone(here, a, o, set.RareZone) {
		event, zone = newAuthorHourNewZone, fmt.Sprintf(", and %s used the time zone %s", explain.Few(here.AuthorZones[o]), explain.Offset(o))
	}
	return guard.Finding{
		Severity: guard.Low,
		Score:    0.4,
		Event:    event,
		Message: fmt.Sprintf("%s, at %s their time (%s): %s of this repository's %s commits were made %s where their authors were%s%s.",
			who, at.Format("15:04"), explain.Offset(c.Author.Offset()), explain.Few(n), guard.Thousands(total), window,
			utShare(n, total, 2*w+1), zone),
		Evidence: []string{
			fmt.Sprintf("new means fewer than %d earlier commits in every repository; a night hour (%02d:00 to %02d:00 "+
				"where the author is) is quiet here when the hours within %s of it hold at most %s of their even share "+
				"(1/24 an hour) of the repository's commits", set.NewCommits, set.NightStart, set.NightEnd,
				explain.Plural(w, "hour"), utPercent(set.LocalQuiet)),
		},
	}, true
}

// utShare compares n of total commits in a window of hours with an even
// spread over the day: " (4.7%, against 12.5% for 3 hours of an even
// day)"; "" when n is 0.
func utShare(n, total, hours int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (%s, against %s for %s of an even day)", utPercent(float64(n)/float64(total)),
		utPercent(float64(hours)/24), explain.Plural(hours, "hour"))
}

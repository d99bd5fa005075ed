// Package habits reads an author's habits from their profile: whether
// the author of a commit returns after a long silence in every
// repository, and how many of their commits fell near the hour of the
// day of this one. These are the signals of a taken-over or sold account
// that the behaviour detectors share.
package habits

import (
	"fmt"
	"time"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/guard"
)

// ActiveAt is when the author of c was active: the author date, or the
// commit date when the author committed it themselves and it is later (an
// author date moved back does not hide the return).
func ActiveAt(c *guard.Commit) time.Time {
	if guard.NormalizeEmail(c.Committer.Email) == guard.NormalizeEmail(c.Author.Email) && c.Committer.When.After(c.Author.When) {
		return c.Committer.When
	}
	return c.Author.When
}

// Return is an author's return after a silence.
type Return struct {
	// Silence is the time from the author's last commit (in any
	// repository) to this one.
	Silence time.Duration
	// Last is the author's profile across every repository.
	Last *guard.Profile
	// At is when the author was active again (ActiveAt).
	At time.Time
}

// Returns reports the return of the author of c, whose profile across
// every repository is a, when they have at least minCommits earlier
// commits and none in the days before c.
func Returns(a *guard.Profile, c *guard.Commit, days, minCommits int) (Return, bool) {
	if a == nil || a.Commits == 0 || a.Commits < minCommits || days <= 0 {
		return Return{}, false
	}
	at := ActiveAt(c)
	r := Return{Silence: at.Sub(a.LastSeen), Last: a, At: at}
	return r, r.Silence >= time.Duration(days)*24*time.Hour
}

// String explains the return: "returns after 19 months of silence in
// every repository (last commit 2021-05-25, after 19 commits over 2.7
// years)".
func (r Return) String() string {
	return fmt.Sprintf("returns after %s of silence in every repository (last commit %s, after %s)",
		explain.Duration(r.Silence), r.Last.LastSeen.Format(time.DateOnly), explain.History(r.Last))
}

// NearHour counts the commits of p authored within width hours of the
// UTC hour of t, on any day of the week.
func NearHour(p *guard.Profile, t time.Time, width int) int {
	h, n := t.UTC().Hour(), 0
	for d := range 7 {
		for dh := -width; dh <= width; dh++ {
			n += p.HourOfWeek[d*24+((h+dh)%24+24)%24]
		}
	}
	return n
}

// Window renders the hours within width of the UTC hour of t: "between
// 01:00 and 06:00 UTC".
func Window(t time.Time, width int) string {
	h := t.UTC().Hour()
	return fmt.Sprintf("between %02d:00 and %02d:00 UTC", ((h-width)%24+24)%24, (h+width+1)%24)
}

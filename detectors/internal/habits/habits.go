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
	// repository) before they came back to their first commit after.
	Silence time.Duration
	// Last is the author's profile across every repository.
	Last *guard.Profile
	// At is when the author was active again (ActiveAt).
	At time.Time
	// Back is when they came back, when c is not their first commit
	// after the silence but one of the few (ReturnCommits) that follow
	// it within ReturnDays; zero otherwise.
	Back time.Time
}

// ReturnCommits and ReturnDays: an author whose first commit after a
// silence was at most ReturnDays ago, with at most ReturnCommits commits
// since, is still returning: an account taken over makes more than one
// change, and the first can be harmless.
const (
	ReturnCommits = 3
	ReturnDays    = 30
)

// Returns reports the return of the author of c, whose profile across
// every repository is a, when they have at least minCommits earlier
// commits and none in the days before c, or came back after such a
// silence lately (ReturnCommits, ReturnDays).
func Returns(a *guard.Profile, c *guard.Commit, days, minCommits int) (Return, bool) {
	if a == nil || a.Commits == 0 || a.Commits < minCommits || days <= 0 {
		return Return{}, false
	}
	at, need := ActiveAt(c), time.Duration(days)*24*time.Hour
	r := Return{Silence: at.Sub(a.LastSeen), Last: a, At: at}
	if r.Silence >= need {
		return r, true
	}
	if a.Silence < need || a.SinceReturn > ReturnCommits || at.Sub(a.Returned) > ReturnDays*24*time.Hour ||
		a.Commits-a.SinceReturn < minCommits {
		return r, false
	}
	r.Silence, r.Back = a.Silence, a.Returned
	return r, true
}

// String explains the return: "returns after 19 months of silence in
// every repository (last commit 2021-05-25, after 19 commits over 2.7
// years)"; "came back 16 days ago after 19 months of silence in every
// repository (last commit 2021-05-25, then 1 commit on 2022-12-25)".
func (r Return) String() string {
	if !r.Back.IsZero() {
		n := r.Last.SinceReturn
		return fmt.Sprintf("came back %s ago after %s of silence in every repository (last commit %s, then %s from %s on)",
			explain.Duration(r.At.Sub(r.Back)), explain.Duration(r.Silence), r.Back.Add(-r.Silence).Format(time.DateOnly),
			explain.Plural(n, "commit"), r.Back.Format(time.DateOnly))
	}
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

// StrangeZone reports whether the author zone offset o (seconds east of
// UTC) is strange to a repository whose profile of everyone is here, for
// a new author whose profile is a: not UTC (web editors and tools record
// it), never used by the author, and used by at most share of the
// repository's commits (one commit's worth always counts as rare, so
// that a single earlier visitor from that zone does not make it usual).
func StrangeZone(here, a *guard.Profile, o int, share float64) bool {
	if o == 0 || a.AuthorZones[o] > 0 {
		return false
	}
	return float64(here.AuthorZones[o]) <= max(share*float64(here.Commits), 1)
}

// ZoneUse words how often a repository used a zone: "none of this
// repository's 1,091 commits", "only 1 of this repository's 5,167
// commits".
func ZoneUse(here *guard.Profile, o int) string {
	if n := here.AuthorZones[o]; n > 0 {
		return fmt.Sprintf("only %s of this repository's %s commits", guard.Thousands(n), guard.Thousands(here.Commits))
	}
	return fmt.Sprintf("none of this repository's %s commits", guard.Thousands(here.Commits))
}

// Night says when a new author's hour of the day is a quiet night hour
// in a repository: an hour in [Start, End) where the author is (which may
// wrap past midnight), at which the hours within Window of it hold at
// most Quiet times their even share (1/24 an hour) of the repository's
// commits, each in its author's zone, once it has MinCommits.
type Night struct {
	Start, End, Window, MinCommits int
	Quiet                          float64
}

// QuietNight reports whether at, the time of a commit by the author of
// profile a, is a quiet night hour (see Night) of the repository whose
// profile of everyone is here, and one the author never committed at; n
// and total are the repository's commits within the window and in all.
func (q Night) QuietNight(here, a *guard.Profile, at time.Time) (n, total int, ok bool) {
	h, w := at.Hour(), max(q.Window, 0)
	if here == nil || !q.Hour(h) {
		return 0, 0, false
	}
	n = LocalNear(here, h, w)
	for _, x := range here.LocalHours {
		total += x
	}
	even := float64(total) * float64(2*w+1) / 24
	ok = total >= q.MinCommits && float64(n) <= q.Quiet*even && LocalNear(a, h, w) == 0
	return n, total, ok
}

// Hour reports whether the hour of the day h is a night hour: in
// [Start, End), which may wrap past midnight (22 to 6).
func (q Night) Hour(h int) bool {
	if q.Start <= q.End {
		return h >= q.Start && h < q.End
	}
	return h >= q.Start || h < q.End
}

// Between renders the hours within the window of the hour of the day h,
// where each commit's author was: "between 02:00 and 05:00". (Window
// names the width, so the method is not Window.)
func (q Night) Between(h int) string {
	w := max(q.Window, 0)
	return fmt.Sprintf("between %02d:00 and %02d:00", ((h-w)%24+24)%24, (h+w+1)%24)
}

// LocalNear counts the commits of p within w hours of the hour of the
// day h, in their authors' zones.
func LocalNear(p *guard.Profile, h, w int) int {
	n := 0
	for d := -w; d <= w; d++ {
		n += p.LocalHours[((h+d)%24+24)%24]
	}
	return n
}

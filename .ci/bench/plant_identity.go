package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// whoKind says which kind of person a class plants a commit as.
type whoKind int

const (
	whoActive     whoKind = iota // an active author of the period, at a usual hour
	whoNew                       // a plausible new person, the repository's zone and hours
	whoReturning                 // a real author silent for 180+ days, at a usual hour
	whoNew3am                    // a new person at 3 a.m. in a zone the repository never used
	whoDormantOdd                // a real author silent for 180+ days, at an hour they never used
)

func (k whoKind) String() string {
	return [...]string{"active", "new", "returning", "new-3am", "dormant-odd-hour"}[k]
}

// ident is the author a planted commit is made as, and when in the day.
type ident struct {
	Name, Email string
	Loc         *time.Location
	Hour        int  // the hour of day, local to Loc unless UTC
	UTC         bool // Hour is a UTC hour
	Note        string
}

const (
	dormantAfter = 180 * 24 * time.Hour
	minDormantN  = 10
)

// chooseIdent picks the author of a commit planted at time at; others are
// the commits planted so far.
func chooseIdent(h *history, at time.Time, kind whoKind, others []*plantedCommit, rng *rand.Rand) (ident, error) {
	switch kind {
	case whoNew:
		return newPerson(h, at, rng)
	case whoNew3am:
		id, err := newPerson(h, at, rng)
		if err != nil {
			return id, err
		}
		off, ok := unusedOffset(h.before(at), rng)
		if !ok {
			return id, skipf("every plausible time zone is already used by the repository")
		}
		id.Loc, id.Hour = time.FixedZone("", off), 3
		id.Note = fmt.Sprintf("first-time author at 03:xx %s, a zone the repository never used", fmtOffset(off))
		return id, nil
	case whoReturning, whoDormantOdd:
		return returningAuthor(h, at, kind == whoDormantOdd, others, rng)
	default:
		return activeAuthor(h, at, rng)
	}
}

// activeAuthor draws an author of the 90 days before at (else of the
// year before), weighted by their commits then, at a usual hour and zone.
func activeAuthor(h *history, at time.Time, rng *rand.Rand) (ident, error) {
	prior := h.before(at)
	for _, window := range []time.Duration{90, 365} {
		stats := sortedStats(authorStats(prior, at.Add(-window*24*time.Hour)))
		var pool []*authorStat
		total := 0
		for _, s := range stats {
			if s.recentCount >= 2 {
				pool = append(pool, s)
				total += s.recentCount
			}
		}
		if total == 0 {
			continue
		}
		n := rng.IntN(total)
		for _, s := range pool {
			if n -= s.recentCount; n < 0 {
				return usualIdent(s, rng, fmt.Sprintf("active author (%d commits in the %d days before)", s.recentCount, window)), nil
			}
		}
	}
	return ident{}, skipf("no author active in the year before")
}

// returningAuthor draws a real author with 10+ commits who has been
// silent for 180+ days at at, and whom no other planted commit makes
// active within 180 days of at (either would no longer be a return).
func returningAuthor(h *history, at time.Time, oddHour bool, others []*plantedCommit, rng *rand.Rand) (ident, error) {
	busy := map[string]bool{}
	for _, o := range others {
		if d := o.author.When.Sub(at); d > -dormantAfter && d < dormantAfter {
			busy[identityKey(o.author.Email)] = true
		}
	}
	var pool []*authorStat
	for _, s := range sortedStats(authorStats(h.before(at), at)) {
		if s.count >= minDormantN && at.Sub(s.last.When) >= dormantAfter && !busy[s.key] {
			pool = append(pool, s)
		}
	}
	if len(pool) == 0 {
		return ident{}, skipf("no author with %d+ commits silent for 180+ days", minDormantN)
	}
	s := pool[rng.IntN(len(pool))]
	silent := int(at.Sub(s.last.When).Hours() / 24)
	note := fmt.Sprintf("returning author, %d commits, silent %d days", s.count, silent)
	if !oddHour {
		return usualIdent(s, rng, note), nil
	}
	id := usualIdent(s, rng, note)
	id.Hour, id.UTC = unusedHour(s.utcHours, rng), true
	id.Note += fmt.Sprintf(", at %02d UTC, an hour they never committed at", id.Hour)
	return id, nil
}

// usualIdent is s at their most common zone and an hour drawn from their
// own hours.
func usualIdent(s *authorStat, rng *rand.Rand, note string) ident {
	return ident{
		Name: s.last.Name, Email: s.last.Email,
		Loc:  time.FixedZone("", modeOffset(s.offsets)),
		Hour: drawHour(s.localHours, rng), Note: note,
	}
}

// drawHour draws an hour from a histogram (uniform when it is empty).
func drawHour(hist [24]int, rng *rand.Rand) int {
	total := 0
	for _, n := range hist {
		total += n
	}
	if total == 0 {
		return 9 + rng.IntN(9)
	}
	n := rng.IntN(total)
	for h, c := range hist {
		if n -= c; n < 0 {
			return h
		}
	}
	return 12
}

// unusedHour picks an hour with no commits, as far as possible from the
// used ones (the least used hour when every hour was used).
func unusedHour(hist [24]int, rng *rand.Rand) int {
	bestDist, best := -1, []int{}
	for h := range 24 {
		if hist[h] > 0 {
			continue
		}
		d := 24
		for u := range 24 {
			if hist[u] > 0 {
				d = min(d, min((h-u+24)%24, (u-h+24)%24))
			}
		}
		switch {
		case d > bestDist:
			bestDist, best = d, []int{h}
		case d == bestDist:
			best = append(best, h)
		}
	}
	if len(best) > 0 {
		return best[rng.IntN(len(best))]
	}
	least := 0
	for h := range 24 {
		if hist[h] < hist[least] {
			least = h
		}
	}
	return least
}

// plausibleOffsets are real UTC offsets, in seconds.
var plausibleOffsets = []int{
	8 * 3600, 9 * 3600, 3 * 3600, 5*3600 + 1800, -3 * 3600, 7 * 3600, 10 * 3600,
	-6 * 3600, 4 * 3600, 6 * 3600, -4 * 3600, 11 * 3600, 12 * 3600, -10 * 3600,
	5*3600 + 2700, 3*3600 + 1800, 9*3600 + 1800, -2 * 3600, 13 * 3600,
}

// unusedOffset picks a plausible offset no commit of cs was authored at.
func unusedOffset(cs []commitRec, rng *rand.Rand) (int, bool) {
	used := map[int]bool{}
	for _, c := range cs {
		_, off := c.Author.When.Zone()
		used[off] = true
	}
	var free []int
	for _, off := range plausibleOffsets {
		if !used[off] {
			free = append(free, off)
		}
	}
	if len(free) == 0 {
		return 0, false
	}
	return free[rng.IntN(len(free))], true
}

func fmtOffset(off int) string {
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%c%02d:%02d", sign, off/3600, off%3600/60)
}

// newPerson makes up someone who never committed to the repository, with
// a name and email shaped like those of its recent authors, at its most
// common zone and an hour drawn from its hours.
func newPerson(h *history, at time.Time, rng *rand.Rand) (ident, error) {
	recent := last(h.before(at), 1000)
	stats := sortedStats(authorStats(recent, at))
	if len(stats) == 0 {
		return ident{}, skipf("no human author before this point")
	}
	known := map[string]bool{}
	for _, c := range h.all {
		known[identityKey(c.Author.Email)] = true
		known[strings.ToLower(c.Author.Name)] = true
	}
	offsets, hours := map[int]int{}, [24]int{}
	handles := 0
	for _, s := range stats {
		for off, n := range s.offsets {
			offsets[off] += n
		}
		for hr, n := range s.localHours {
			hours[hr] += n
		}
		if !strings.Contains(strings.TrimSpace(s.last.Name), " ") {
			handles++
		}
	}
	for range 50 {
		model := stats[rng.IntN(len(stats))].last
		name, email := makePerson(model, rng.IntN(len(stats)) < handles, maxNoreplyID(stats), rng)
		if known[identityKey(email)] || known[strings.ToLower(name)] {
			continue
		}
		return ident{
			Name: name, Email: email,
			Loc:  time.FixedZone("", modeOffset(offsets)),
			Hour: drawHour(hours, rng),
			Note: fmt.Sprintf("new author, email shaped like %s's", domainOf(model.Email)),
		}, nil
	}
	return ident{}, fmt.Errorf("could not make up a new author name")
}

func domainOf(email string) string {
	if _, d, ok := strings.Cut(email, "@"); ok {
		return d
	}
	return email
}

func maxNoreplyID(stats []*authorStat) int {
	best := 0
	for _, s := range stats {
		if m := noreplyRE.FindStringSubmatch(s.last.Email); m != nil && m[1] != "" {
			var id int
			fmt.Sscan(m[1], &id)
			best = max(best, id)
		}
	}
	return best
}

// makePerson makes a name and an email of the same shape as model's.
func makePerson(model person, handleName bool, maxID int, rng *rand.Rand) (name, email string) {
	first, lastN := pick(rng, firstNames), pick(rng, lastNames)
	handle := makeHandle(first, lastN, rng)
	name = first + " " + lastN
	if handleName {
		name = handle
	}
	local, domain, _ := strings.Cut(model.Email, "@")
	switch m := noreplyRE.FindStringSubmatch(model.Email); {
	case m != nil && m[1] != "":
		id := max(maxID, 1_000_000)
		id += rng.IntN(id/3 + 1)
		return name, fmt.Sprintf("%d+%s@users.noreply.github.com", id, handle)
	case m != nil:
		return name, handle + "@users.noreply.github.com"
	case strings.Contains(local, "."):
		return name, strings.ToLower(first+"."+lastN) + "@" + domain
	case strings.IndexFunc(local, func(r rune) bool { return r >= '0' && r <= '9' }) >= 0:
		return name, fmt.Sprintf("%s%d@%s", strings.ToLower(first+lastN[:1]), 10+rng.IntN(89), domain)
	default:
		return name, strings.ToLower(first[:1]+lastN) + "@" + domain
	}
}

func makeHandle(first, lastN string, rng *rand.Rand) string {
	f, l := strings.ToLower(first), strings.ToLower(lastN)
	switch rng.IntN(4) {
	case 0:
		return f + l[:min(3, len(l))]
	case 1:
		return f + "-" + l
	case 2:
		return fmt.Sprintf("%s%d", f, 1+rng.IntN(99))
	default:
		return f[:1] + l
	}
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

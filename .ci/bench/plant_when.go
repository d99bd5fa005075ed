package main

import (
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// pickTime returns an instant strictly between lo and hi whose hour in
// loc is hour, or, when the window holds none, the latest such instant
// before hi.
func pickTime(loc *time.Location, hour int, lo, hi time.Time, rng *rand.Rand) time.Time {
	minute, sec := rng.IntN(60), rng.IntN(60)
	at := func(d time.Time) time.Time {
		return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, sec, 0, loc)
	}
	var cands []time.Time
	start, end := lo.In(loc), hi.In(loc)
	for d := start.AddDate(0, 0, -1); !d.After(end.AddDate(0, 0, 1)) && len(cands) < 4000; d = d.AddDate(0, 0, 1) {
		if t := at(d); t.After(lo) && t.Before(hi) {
			cands = append(cands, t)
		}
	}
	if len(cands) > 0 {
		return cands[rng.IntN(len(cands))]
	}
	t := at(end)
	for !t.Before(hi) {
		t = t.AddDate(0, 0, -1)
	}
	return t
}

// committerOf decides who commits a commit planted after chain[idx]: its
// author, unless most first-parent commits around there were committed by
// someone else (GitHub's web-flow, a merge bot), whose shape it mirrors.
func committerOf(chain []commitRec, idx int, author ident) (name, email string, other bool) {
	counts := map[string]int{}
	shown := map[string]person{}
	differ, n := 0, 0
	for _, c := range chain[max(0, idx-29) : idx+1] {
		n++
		if !strings.EqualFold(c.Committer.Email, c.Author.Email) {
			differ++
			k := strings.ToLower(c.Committer.Email)
			counts[k]++
			shown[k] = c.Committer
		}
	}
	if differ*2 <= n {
		return author.Name, author.Email, false
	}
	best := ""
	for k, c := range counts {
		if c > counts[best] || (c == counts[best] && k < best) {
			best = k
		}
	}
	return shown[best].Name, shown[best].Email, true
}

// commitTimes picks the author and committer times of a commit planted
// between lo and hi (the committer times of the commits around it).
func commitTimes(id ident, lo, hi time.Time, otherCommitter bool, rng *rand.Rand) (ta, tc time.Time) {
	if id.UTC {
		ta = pickTime(time.UTC, id.Hour, lo, hi, rng).In(id.Loc)
	} else {
		ta = pickTime(id.Loc, id.Hour, lo, hi, rng)
	}
	tc = ta
	if otherCommitter {
		tc = ta.Add(time.Duration(3+rng.IntN(240)) * time.Minute)
		if tc.After(hi) && hi.After(ta) {
			tc = ta.Add(hi.Sub(ta) / 2)
		}
	}
	switch {
	case !hi.After(lo): // a batch committed in one second: join it
		tc = lo
	case !tc.After(lo):
		tc = lo.Add(time.Duration(1+rng.IntN(600)) * time.Second)
		if !tc.Before(hi) {
			tc = lo.Add(hi.Sub(lo) / 2)
		}
	}
	return ta, tc.In(id.Loc).Truncate(time.Second)
}

var (
	conventionalRE = regexp.MustCompile(`^[a-z]+(\([^)]*\))?!?: `)
	prSuffixRE     = regexp.MustCompile(`\(#(\d+)\)$`)
	prNumberRE     = regexp.MustCompile(`#(\d+)`)
)

// subjectStyle is how a repository writes commit subjects at a point.
type subjectStyle struct {
	conventional, scoped, upper, prSuffix bool
	nextPR                                int
}

// styleAt reads the subject style of the commits before chain[idx].
func styleAt(h *history, idx int, rng *rand.Rand) subjectStyle {
	var s subjectStyle
	conv, scoped, upper, n := 0, 0, 0, 0
	for _, c := range last(h.before(h.chain[idx].Committer.When), 400) {
		if len(c.Parents) > 1 || isBot(c.Author) || c.Subject == "" {
			continue
		}
		n++
		if m := conventionalRE.FindStringSubmatch(c.Subject); m != nil {
			conv++
			if m[1] != "" {
				scoped++
			}
		} else if r := c.Subject[0]; r >= 'A' && r <= 'Z' {
			upper++
		}
		for _, m := range prNumberRE.FindAllStringSubmatch(c.Subject, -1) {
			v, _ := strconv.Atoi(m[1])
			s.nextPR = max(s.nextPR, v)
		}
	}
	s.conventional = conv*10 >= n*4 && conv > 0
	s.scoped = scoped*2 >= conv && conv > 0
	s.upper = upper*2 >= n-conv && upper > 0
	suffix, m := 0, 0
	for _, c := range h.chain[max(0, idx-49) : idx+1] {
		if len(c.Parents) == 1 && !isBot(c.Author) {
			m++
			if prSuffixRE.MatchString(c.Subject) {
				suffix++
			}
		}
	}
	s.prSuffix = suffix*2 > m
	s.nextPR += 1 + rng.IntN(6)
	return s
}

// subject writes a subject in the style: typ and scope are the
// conventional-commit type and scope, text the description.
func (s subjectStyle) subject(typ, scope, text string) string {
	out := text
	switch {
	case s.conventional && s.scoped && scope != "":
		out = typ + "(" + scope + "): " + text
	case s.conventional:
		out = typ + ": " + text
	case s.upper:
		out = strings.ToUpper(text[:1]) + text[1:]
	}
	if s.prSuffix {
		out += " (#" + strconv.Itoa(s.nextPR) + ")"
	}
	return out
}

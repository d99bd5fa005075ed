package main

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// person is an author or committer line.
type person struct {
	Name, Email string
	When        time.Time // in the person's own time zone
}

// commitRec is one commit as git log shows it.
type commitRec struct {
	Hash      string
	Parents   []string
	Author    person
	Committer person
	Subject   string
}

// history is what the planting needs to know of a repository's HEAD.
type history struct {
	headRef string
	all     []commitRec // every commit reachable from HEAD, by committer time
	chain   []commitRec // the first-parent chain of HEAD, oldest first
}

const logFormat = "%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%cn%x1f%ce%x1f%cI%x1f%s%x1e"

func loadHistory(g gitRepo) (*history, error) {
	ref, err := g.text("symbolic-ref", "HEAD")
	if err != nil {
		return nil, fmt.Errorf("HEAD is not a branch: %w", err)
	}
	all, err := readLog(g, "log", "--format="+logFormat, "HEAD")
	if err != nil {
		return nil, err
	}
	chain, err := readLog(g, "log", "--first-parent", "--format="+logFormat, "HEAD")
	if err != nil {
		return nil, err
	}
	for i, j := 0, len(chain)-1; i < j; i, j = i+1, j-1 {
		chain[i], chain[j] = chain[j], chain[i]
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Committer.When.Before(all[j].Committer.When) })
	return &history{headRef: ref, all: all, chain: chain}, nil
}

func readLog(g gitRepo, args ...string) ([]commitRec, error) {
	out, err := g.run(args...)
	if err != nil {
		return nil, err
	}
	var cs []commitRec
	for _, rec := range strings.Split(string(out), "\x1e") {
		rec = strings.TrimLeft(rec, "\n")
		if rec == "" {
			continue
		}
		c, err := parseLogRecord(rec)
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	if len(cs) == 0 {
		return nil, fmt.Errorf("git %s: no commits", strings.Join(args, " "))
	}
	return cs, nil
}

func parseLogRecord(rec string) (commitRec, error) {
	f := strings.Split(rec, "\x1f")
	if len(f) != 9 {
		return commitRec{}, fmt.Errorf("git log: unexpected record %.80q", rec)
	}
	at, err := time.Parse(time.RFC3339, f[4])
	if err != nil {
		return commitRec{}, fmt.Errorf("commit %s: author date: %w", f[0], err)
	}
	ct, err := time.Parse(time.RFC3339, f[7])
	if err != nil {
		return commitRec{}, fmt.Errorf("commit %s: committer date: %w", f[0], err)
	}
	return commitRec{
		Hash: f[0], Parents: strings.Fields(f[1]),
		Author:    person{f[2], f[3], at},
		Committer: person{f[5], f[6], ct},
		Subject:   f[8],
	}, nil
}

// before returns the commits of HEAD committed at or before t.
func (h *history) before(t time.Time) []commitRec {
	n := sort.Search(len(h.all), func(i int) bool { return h.all[i].Committer.When.After(t) })
	return h.all[:n]
}

// last returns at most n of the newest commits in cs.
func last(cs []commitRec, n int) []commitRec {
	if len(cs) > n {
		return cs[len(cs)-n:]
	}
	return cs
}

var noreplyRE = regexp.MustCompile(`(?i)^(?:(\d+)\+)?([^@]+)@users\.noreply\.github\.com$`)

// identityKey is who a commit's author is, as repoguard keys it: the
// GitHub login of a noreply address, else the email.
func identityKey(email string) string {
	if m := noreplyRE.FindStringSubmatch(email); m != nil {
		return "login:" + strings.ToLower(m[2])
	}
	return strings.ToLower(email)
}

var botRE = regexp.MustCompile(`(?i)\[bot\]|^dependabot|^renovate|github-actions|^github$|merge-script|^web-flow$|^copilot$`)

// isBot reports whether a name or email is an automation account.
func isBot(p person) bool {
	return botRE.MatchString(p.Name) || strings.EqualFold(p.Email, "noreply@github.com") ||
		strings.Contains(strings.ToLower(p.Email), "[bot]")
}

// authorStat sums up one author's commits.
type authorStat struct {
	key         string
	last        person // the newest author line
	first       time.Time
	count       int
	offsets     map[int]int // author UTC offsets in seconds
	localHours  [24]int
	utcHours    [24]int
	recentCount int
}

// authorStats sums up the human authors of cs; commits authored after
// recentSince also count in recentCount.
func authorStats(cs []commitRec, recentSince time.Time) map[string]*authorStat {
	m := map[string]*authorStat{}
	for _, c := range cs {
		if isBot(c.Author) {
			continue
		}
		k := identityKey(c.Author.Email)
		s := m[k]
		if s == nil {
			s = &authorStat{key: k, first: c.Author.When, offsets: map[int]int{}}
			m[k] = s
		}
		s.count++
		if !c.Author.When.Before(s.last.When) {
			s.last = c.Author
		}
		if c.Author.When.Before(s.first) {
			s.first = c.Author.When
		}
		_, off := c.Author.When.Zone()
		s.offsets[off]++
		s.localHours[c.Author.When.Hour()]++
		s.utcHours[c.Author.When.UTC().Hour()]++
		if c.Author.When.After(recentSince) {
			s.recentCount++
		}
	}
	return m
}

// sortedStats returns the stats in key order, for determinism.
func sortedStats(m map[string]*authorStat) []*authorStat {
	ss := make([]*authorStat, 0, len(m))
	for _, s := range m {
		ss = append(ss, s)
	}
	sort.Slice(ss, func(i, j int) bool { return ss[i].key < ss[j].key })
	return ss
}

// modeOffset returns the most common offset of a histogram (ties: the
// smallest), and 0 for an empty one.
func modeOffset(offsets map[int]int) int {
	best, bestN := 0, -1
	for off, n := range offsets {
		if n > bestN || (n == bestN && off < best) {
			best, bestN = off, n
		}
	}
	return best
}

package guard

import (
	"math"
	"path"
	"sort"
	"strings"
	"time"
)

// HoursPerWeek is the number of hour-of-week buckets (Monday 00:00 UTC is 0).
const HoursPerWeek = 7 * 24

// SizeBuckets is the number of buckets of the lines-changed histogram.
// Bucket 0 holds commits changing no lines; bucket i (i >= 1) holds
// commits changing [2^(i-1), 2^i) lines; the last bucket holds the rest.
const SizeBuckets = 24

// GapBuckets is the number of buckets of the author-to-commit-date gap
// histogram; see GapBucket for their bounds.
const GapBuckets = 8

// gapBounds are the upper bounds of the gap buckets but the last.
var gapBounds = [GapBuckets - 1]time.Duration{
	time.Minute, time.Hour, 24 * time.Hour, 7 * 24 * time.Hour,
	30 * 24 * time.Hour, 180 * 24 * time.Hour, 365 * 24 * time.Hour,
}

// Profile summarizes the normal behaviour of an author (or of everyone,
// when Key is OrgKey) in one repository, or across the organization when
// Repo is empty. Every field is a count or a mergeable summary, so the
// profile of a team is the sum of its members' profiles.
type Profile struct {
	// Key identifies the author: the GitHub login when known, otherwise
	// the normalized email; OrgKey for the profile of everyone.
	Key  string `json:"key"`
	Repo string `json:"repo,omitempty"`

	Commits   int       `json:"commits"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	// ActiveSince is when the author's current run of activity began:
	// the first commit learned after a silence of ActiveGap or more (zero
	// when unknown, for profiles learned before it was kept).
	ActiveSince time.Time `json:"active_since,omitzero"`

	// HourOfWeek counts author dates by UTC hour of the week.
	HourOfWeek [HoursPerWeek]int `json:"hour_of_week"`
	// LocalHours counts author dates by hour of the day in the author's
	// own zone (3 a.m. where they are). Profiles learned before it was
	// kept count fewer than Commits.
	LocalHours [24]int `json:"local_hours"`
	// AuthorZones and CommitterZones count time-zone offsets (seconds east
	// of UTC) of author and committer dates, kept apart.
	AuthorZones    map[int]int `json:"author_zones"`
	CommitterZones map[int]int `json:"committer_zones"`
	// LastAuthorZone and LastCommitterZone are the offsets of the latest
	// commit, to notice sudden switches.
	LastAuthorZone    int `json:"last_author_zone"`
	LastCommitterZone int `json:"last_committer_zone"`

	// Dirs counts commits by top-level directory ("." for files at the
	// root), Categories by sensitive category, Extensions by file
	// extension ("" for none). A commit counts once per key.
	Dirs       map[string]int `json:"dirs"`
	Categories map[string]int `json:"categories"`
	Extensions map[string]int `json:"extensions"`

	// Sizes is the histogram of lines changed (added + deleted) per commit.
	Sizes [SizeBuckets]int `json:"sizes"`
	// Signed counts signed commits.
	Signed int `json:"signed"`
	// Emails and Names count the author emails and names used.
	Emails map[string]int `json:"emails"`
	Names  map[string]int `json:"names"`
	// Committers counts the committer emails of the author's commits (the
	// author/committer pairs).
	Committers map[string]int `json:"committers"`
	// Gaps is the histogram of committer date minus author date.
	Gaps [GapBuckets]int `json:"gaps"`

	// Returned is the author date of the latest commit that followed a
	// silence of at least ReturnSilence, Silence that silence, and
	// SinceReturn the commits from it on (it included): whether an
	// author is still coming back from a long silence.
	Returned    time.Time     `json:"returned,omitzero"`
	Silence     time.Duration `json:"silence,omitempty"`
	SinceReturn int           `json:"since_return,omitempty"`
}

// ReturnSilence is the shortest silence after which a commit is a return
// (Profile.Returned).
const ReturnSilence = 90 * 24 * time.Hour

// OrgKey is the Key of the profile of everyone in a repository or the
// organization.
const OrgKey = "*"

// NewProfile returns an empty profile.
func NewProfile(key, repo string) *Profile {
	return &Profile{
		Key: key, Repo: repo,
		AuthorZones: map[int]int{}, CommitterZones: map[int]int{},
		Dirs: map[string]int{}, Categories: map[string]int{}, Extensions: map[string]int{},
		Emails: map[string]int{}, Names: map[string]int{}, Committers: map[string]int{},
	}
}

// HourOfWeek returns the UTC hour-of-week bucket of t (Monday 00:00 is 0).
func HourOfWeek(t time.Time) int {
	u := t.UTC()
	wd := (int(u.Weekday()) + 6) % 7 // Monday = 0
	return wd*24 + u.Hour()
}

// SizeBucket returns the lines-changed bucket of n.
func SizeBucket(n int) int {
	if n <= 0 {
		return 0
	}
	b := 1
	for n > 1 && b < SizeBuckets-1 {
		n >>= 1
		b++
	}
	return b
}

// SizeBucketRange returns the lines-changed range [lo, hi) of bucket b;
// hi is math.MaxInt for the last bucket.
func SizeBucketRange(b int) (lo, hi int) {
	switch {
	case b <= 0:
		return 0, 1
	case b >= SizeBuckets-1:
		return 1 << (SizeBuckets - 2), math.MaxInt
	}
	return 1 << (b - 1), 1 << b
}

// GapBucket returns the bucket of a committer-minus-author gap: < 1 min,
// < 1 h, < 1 day, < 1 week, < 30 days, < 180 days, < 1 year, more.
// Negative gaps (committed before authored) fall in the first bucket.
func GapBucket(d time.Duration) int {
	for i, b := range gapBounds {
		if d < b {
			return i
		}
	}
	return GapBuckets - 1
}

// TopDir returns the top-level directory of a path, "." for root files.
func TopDir(p string) string {
	if i := strings.IndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return "."
}

// Ext returns the lowercase extension of a path without the dot.
func Ext(p string) string {
	return strings.TrimPrefix(strings.ToLower(path.Ext(p)), ".")
}

// LinesChanged returns added plus deleted lines over the files.
func LinesChanged(files []FileChange) int {
	n := 0
	for _, f := range files {
		n += f.Added + f.Deleted
	}
	return n
}

// ActiveGap is the silence after which an author's next commit starts a
// new run of activity (Profile.ActiveSince).
const ActiveGap = 120 * 24 * time.Hour

// Learn adds one commit to the profile. categories[i] are the sensitive
// categories of c.Files[i] (nil or shorter when unknown).
func (p *Profile) Learn(c *Commit, categories [][]string) {
	p.ensureMaps()
	at := c.Author.When
	if p.Commits == 0 || at.Before(p.FirstSeen) {
		p.FirstSeen = at
	}
	if gap := at.Sub(p.LastSeen); p.Commits > 0 && gap >= ReturnSilence {
		p.Returned, p.Silence, p.SinceReturn = at, gap, 0
	}
	if !p.Returned.IsZero() {
		p.SinceReturn++
	}
	if p.Commits == 0 || at.Sub(p.LastSeen) >= ActiveGap {
		p.ActiveSince = at
	}
	if at.After(p.LastSeen) || p.Commits == 0 {
		p.LastSeen = at
		p.LastAuthorZone = c.Author.Offset()
		p.LastCommitterZone = c.Committer.Offset()
	}
	p.Commits++
	p.HourOfWeek[HourOfWeek(at)]++
	p.LocalHours[at.Hour()]++
	p.AuthorZones[c.Author.Offset()]++
	p.CommitterZones[c.Committer.Offset()]++
	seen := map[string]bool{}
	for i, f := range c.Files {
		countOnce(p.Dirs, seen, "d:", TopDir(f.Path))
		countOnce(p.Extensions, seen, "e:", Ext(f.Path))
		if i < len(categories) {
			for _, cat := range categories[i] {
				countOnce(p.Categories, seen, "c:", cat)
			}
		}
	}
	if c.Unknown == "" {
		p.Sizes[SizeBucket(LinesChanged(c.Files))]++
	}
	if c.Signed {
		p.Signed++
	}
	p.Emails[NormalizeEmail(c.Author.Email)]++
	p.Names[c.Author.Name]++
	p.Committers[NormalizeEmail(c.Committer.Email)]++
	p.Gaps[GapBucket(c.Committer.When.Sub(c.Author.When))]++
}

func countOnce(m map[string]int, seen map[string]bool, kind, key string) {
	if seen[kind+key] {
		return
	}
	seen[kind+key] = true
	m[key]++
}

func (p *Profile) ensureMaps() {
	if p.AuthorZones == nil {
		q := NewProfile(p.Key, p.Repo)
		p.AuthorZones, p.CommitterZones = q.AuthorZones, q.CommitterZones
		p.Dirs, p.Categories, p.Extensions = q.Dirs, q.Categories, q.Extensions
		p.Emails, p.Names, p.Committers = q.Emails, q.Names, q.Committers
	}
}

// Merge adds the counts of q into p (for team and organization profiles).
func (p *Profile) Merge(q *Profile) {
	p.ensureMaps()
	if q.Commits == 0 {
		return
	}
	if p.Commits == 0 || q.FirstSeen.Before(p.FirstSeen) {
		p.FirstSeen = q.FirstSeen
	}
	if p.Commits == 0 || q.ActiveSince.After(p.ActiveSince) {
		p.ActiveSince = q.ActiveSince // the shorter run: the later start
	}
	if p.Commits == 0 || q.LastSeen.After(p.LastSeen) {
		p.LastSeen = q.LastSeen
		p.LastAuthorZone, p.LastCommitterZone = q.LastAuthorZone, q.LastCommitterZone
	}
	if q.Returned.After(p.Returned) {
		p.Returned, p.Silence, p.SinceReturn = q.Returned, q.Silence, q.SinceReturn
	}
	p.Commits += q.Commits
	p.Signed += q.Signed
	for i := range p.HourOfWeek {
		p.HourOfWeek[i] += q.HourOfWeek[i]
	}
	for i := range p.LocalHours {
		p.LocalHours[i] += q.LocalHours[i]
	}
	for i := range p.Sizes {
		p.Sizes[i] += q.Sizes[i]
	}
	for i := range p.Gaps {
		p.Gaps[i] += q.Gaps[i]
	}
	addInts(p.AuthorZones, q.AuthorZones)
	addInts(p.CommitterZones, q.CommitterZones)
	for _, pair := range [][2]map[string]int{{p.Dirs, q.Dirs}, {p.Categories, q.Categories},
		{p.Extensions, q.Extensions}, {p.Emails, q.Emails}, {p.Names, q.Names}, {p.Committers, q.Committers}} {
		for k, v := range pair[1] {
			pair[0][k] += v
		}
	}
}

func addInts(dst, src map[int]int) {
	for k, v := range src {
		dst[k] += v
	}
}

// Clone returns a deep copy of the profile.
func (p *Profile) Clone() *Profile {
	q := NewProfile(p.Key, p.Repo)
	q.Merge(p)
	return q
}

// SizeQuantile returns an estimate of the q-quantile (0..1) of lines
// changed per commit: the lower bound of the bucket holding it.
func (p *Profile) SizeQuantile(q float64) int {
	if p.Commits == 0 {
		return 0
	}
	target := int(math.Ceil(q * float64(p.Commits)))
	target = max(target, 1)
	run := 0
	for b, n := range p.Sizes {
		run += n
		if run >= target {
			lo, _ := SizeBucketRange(b)
			return lo
		}
	}
	lo, _ := SizeBucketRange(SizeBuckets - 1)
	return lo
}

// SortedKeys returns the keys of a count map, most frequent first.
func SortedKeys[K comparable](m map[K]int, less func(a, b K) bool) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		if m[out[i]] != m[out[j]] {
			return m[out[i]] > m[out[j]]
		}
		return less(out[i], out[j])
	})
	return out
}

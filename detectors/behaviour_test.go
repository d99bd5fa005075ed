package detectors

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// btDetectors are the behaviour detectors, which judge a change against
// the author's baseline.
var btDetectors = []string{"unusual-time", "timezone-change", "first-touch-sensitive", "size-outlier",
	"new-author-sensitive", "identity-mismatch", "dormant-reactivation"}

// btClassifier is a fixed classifier, so that these tests do not depend
// on the default policy.
type btClassifier struct{}

func (btClassifier) Categories(p string) []string {
	var out []string
	add := func(ok bool, cat string) {
		if ok {
			out = append(out, cat)
		}
	}
	add(strings.HasPrefix(p, "contracts/"), guard.CategoryContracts)
	add(strings.HasPrefix(p, "keys/") || strings.Contains(p, "/keys/"), guard.CategoryKeys)
	add(strings.HasPrefix(p, "deploy/"), guard.CategoryDeploy)
	add(strings.HasPrefix(p, ".github/workflows/"), guard.CategoryCI)
	add(p == "Makefile" || strings.HasPrefix(p, "build/"), guard.CategoryBuild)
	add(p == "go.mod" || p == "go.sum", guard.CategoryDependencies)
	add(p == ".github/CODEOWNERS", guard.CategoryAccess)
	return out
}

func (btClassifier) Ignored(string) bool { return false }
func (btClassifier) Asset(string) bool   { return false }

// btAuthor describes how one simulated person works.
type btAuthor struct {
	login, name      string
	emails           []string // the first is the usual one
	altEmail         float64  // share of commits under the other emails
	zone             func(time.Time) int
	start, end       time.Time
	rate             float64 // commits per working day
	dayStart, dayEnd float64 // local working hours
	night, weekend   float64 // share of late-night commits, weekend rate factor
	dirs             []string
	other            float64 // share of files outside their own directories
	signs            float64 // share of signed commits
	rebases          bool
	sizeMu           float64 // log of the median lines changed
	maintainer       *btAuthor
	patched          float64 // share of commits a maintainer applies
	away             [][2]time.Time
	trip             [2]time.Time
	tripZone         int
}

// btT0 is the first day of the simulated history, a Monday.
var btT0 = time.Date(2022, 1, 3, 0, 0, 0, 0, time.UTC)

// btDay returns day n of the simulated history.
func btDay(n int) time.Time { return btT0.AddDate(0, 0, n) }

// btFixed returns a zone without daylight saving, h hours east of UTC.
func btFixed(h float64) func(time.Time) int {
	return func(time.Time) int { return int(h * 3600) }
}

// btBerlin is +01:00 with EU summer time (+02:00 from the last Sunday of
// March to the last Sunday of October, 01:00 UTC).
func btBerlin(t time.Time) int {
	last := func(m time.Month) time.Time {
		d := time.Date(t.Year(), m+1, 1, 1, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
		return d.AddDate(0, 0, -int(d.Weekday()))
	}
	if !t.Before(last(time.March)) && t.Before(last(time.October)) {
		return 7200
	}
	return 3600
}

// btPeople returns the simulated team: six people from the start and one
// who joins after a year and a half.
func btPeople() []*btAuthor {
	end := btDay(3 * 365)
	alice := &btAuthor{login: "alice", name: "Alice Meyer", emails: []string{"alice@corp.example"},
		zone: btBerlin, start: btT0, end: end, rate: 1.6, dayStart: 9, dayEnd: 18, night: 0.02, weekend: 0.04,
		dirs: []string{"contracts", "src", "src", "test"}, other: 0.1, signs: 1, sizeMu: math.Log(40)}
	return []*btAuthor{
		alice,
		{login: "bob", name: "Bob Ortiz", emails: []string{"bob@corp.example", "bob.ortiz@gmail.example"}, altEmail: 0.05,
			zone: btFixed(-5), start: btT0, end: end, rate: 1.4, dayStart: 10, dayEnd: 19, night: 0.05, weekend: 0.08,
			dirs: []string{"api", "web", "api", "go.mod"}, other: 0.15, signs: 0, rebases: true, sizeMu: math.Log(60)},
		{login: "carol", name: "Carol Iyer", emails: []string{"carol@corp.example"},
			zone: btFixed(5.5), start: btT0, end: end, rate: 1.1, dayStart: 11, dayEnd: 20, night: 0.03, weekend: 0.03,
			dirs: []string{"deploy", ".github/workflows", "scripts", "Makefile"}, other: 0.1, signs: 0.6, sizeMu: math.Log(25),
			away: [][2]time.Time{{btDay(400), btDay(550)}}},
		{login: "dave", name: "Dave Tan", emails: []string{"dave@corp.example"},
			zone: btFixed(8), start: btT0, end: end, rate: 1.0, dayStart: 9, dayEnd: 18, night: 0.02, weekend: 0.02,
			dirs: []string{"keys", "wallet", "wallet", "src"}, other: 0.1, signs: 1, sizeMu: math.Log(35),
			trip: [2]time.Time{btDay(600), btDay(607)}, tripZone: -7 * 3600},
		{login: "erin", name: "Erin Walsh", emails: []string{"erin@corp.example"},
			zone: btFixed(0), start: btT0, end: end, rate: 0.8, dayStart: 8, dayEnd: 17, night: 0.01, weekend: 0.01,
			dirs: []string{"docs", "web", "build"}, other: 0.1, signs: 0, sizeMu: math.Log(20)},
		{login: "frank", name: "Frank Souza", emails: []string{"frank@contractor.example"},
			zone: btFixed(-3), start: btT0, end: end, rate: 0.6, dayStart: 9, dayEnd: 18, night: 0.08, weekend: 0.1,
			dirs: []string{"api", "src", "test"}, other: 0.1, signs: 1, sizeMu: math.Log(50),
			maintainer: alice, patched: 0.3},
		{login: "grace", name: "Grace Kim", emails: []string{"grace@corp.example"},
			zone: btFixed(-8), start: btDay(550), end: end, rate: 1.0, dayStart: 9, dayEnd: 18, night: 0.02, weekend: 0.03,
			dirs: []string{"deploy", "infra", "infra"}, other: 0.1, signs: 1, sizeMu: math.Log(30)},
	}
}

// btOtherDirs are where people go outside their own directories: shared
// code, docs, dependencies, and now and then CI.
var btOtherDirs = []string{"src", "src", "api", "web", "docs", "test", "scripts", "tools", "go.mod", "go.mod", ".github/workflows"}

// btPoisson draws from a Poisson distribution (Knuth; small means).
func btPoisson(r *rand.Rand, mean float64) int {
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= r.Float64()
		if p < l {
			return k
		}
		k++
	}
}

// btHistory simulates three years of the team's commits, in date order.
func btHistory(r *rand.Rand, people []*btAuthor) []guard.Commit {
	var out []guard.Commit
	for _, a := range people {
		for d := a.start; d.Before(a.end); d = d.AddDate(0, 0, 1) {
			if a.isAway(d) {
				continue
			}
			mean := a.rate
			if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
				mean *= a.weekend
			}
			for range btPoisson(r, mean) {
				out = append(out, a.commit(r, d))
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Author.When.Before(out[j].Author.When) })
	for i := range out {
		out[i].Hash = fmt.Sprintf("%040x", i+1)
	}
	return out
}

func (a *btAuthor) isAway(d time.Time) bool {
	for _, p := range a.away {
		if !d.Before(p[0]) && d.Before(p[1]) {
			return true
		}
	}
	return false
}

// offset returns the author's zone offset on day d, away on a trip.
func (a *btAuthor) offset(d time.Time) int {
	if !d.Before(a.trip[0]) && d.Before(a.trip[1]) {
		return a.tripZone
	}
	return a.zone(d.Add(12 * time.Hour))
}

// commit simulates one commit on local day d.
func (a *btAuthor) commit(r *rand.Rand, d time.Time) guard.Commit {
	hour := a.dayStart + r.NormFloat64()*0.7 + r.Float64()*(a.dayEnd-a.dayStart)
	if r.Float64() < a.night {
		hour = 20 + r.Float64()*6
	}
	off := a.offset(d)
	loc := time.FixedZone("", off)
	at := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc).Add(time.Duration(hour * float64(time.Hour)))
	email := a.emails[0]
	if len(a.emails) > 1 && r.Float64() < a.altEmail {
		email = a.emails[1+r.IntN(len(a.emails)-1)]
	}
	c := guard.Commit{
		Author:  guard.Person{Name: a.name, Email: email, When: at},
		Signed:  r.Float64() < a.signs,
		Message: "change",
		Files:   a.files(r),
	}
	c.Committer = c.Author
	switch {
	case a.maintainer != nil && r.Float64() < a.patched:
		m := a.maintainer
		when := at.Add(time.Duration(1+r.IntN(48)) * time.Hour)
		c.Committer = guard.Person{Name: m.name, Email: m.emails[0], When: when.In(time.FixedZone("", m.offset(when)))}
		c.Signed = true
	case a.rebases && r.Float64() < 0.15:
		c.Committer.When = at.Add(time.Duration(1+r.IntN(20*24)) * time.Hour)
	case r.Float64() < 0.05:
		c.Committer.When = at.Add(time.Duration(r.IntN(300)) * time.Minute)
	}
	return c
}

// files simulates the files of one commit: mostly the author's own
// directories, log-normal sizes, and now and then a bulk change.
func (a *btAuthor) files(r *rand.Rand) []guard.FileChange {
	n := 1 + btPoisson(r, 1.2)
	lines := int(math.Exp(a.sizeMu + 1.1*r.NormFloat64()))
	if r.Float64() < 0.002 {
		lines = 1500 + r.IntN(6000)
	}
	var out []guard.FileChange
	for i := range n {
		dir := a.dirs[r.IntN(len(a.dirs))]
		if r.Float64() < a.other {
			dir = btOtherDirs[r.IntN(len(btOtherDirs))]
		}
		p := dir
		if !strings.Contains(dir, ".") && dir != "Makefile" || strings.HasPrefix(dir, ".github") {
			p = fmt.Sprintf("%s/f%d.go", dir, r.IntN(30))
		}
		if slices.ContainsFunc(out, func(f guard.FileChange) bool { return f.Path == p }) {
			continue
		}
		share := lines / n
		if i == 0 {
			share += lines % n
		}
		add := share * 2 / 3
		out = append(out, guard.FileChange{Path: p, Status: guard.Modified, Added: add, Deleted: share - add})
	}
	return out
}

// btState holds the profiles and identities learned so far.
type btState struct {
	authors   map[string]*guard.Profile
	org       *guard.Profile
	idents    map[string]*guard.Identity
	emailKeys map[string]map[string]bool
	loginOf   map[string]string // email -> login
}

func newBTState(people []*btAuthor) *btState {
	s := &btState{authors: map[string]*guard.Profile{}, org: guard.NewProfile(guard.OrgKey, ""),
		idents: map[string]*guard.Identity{}, emailKeys: map[string]map[string]bool{}, loginOf: map[string]string{}}
	for _, a := range people {
		for _, e := range a.emails {
			s.loginOf[e] = a.login
		}
	}
	return s
}

// baseline returns the author's baseline before c, under login.
func (s *btState) baseline(c *guard.Commit, login string) *guard.Baseline {
	p := s.authors[login]
	if p == nil {
		p = guard.NewProfile(login, "")
	}
	b := &guard.Baseline{Author: p, AuthorAll: p, Org: s.org, Identity: s.idents[login]}
	for k := range s.emailKeys[guard.NormalizeEmail(c.Author.Email)] {
		if k != login {
			b.EmailKeys = append(b.EmailKeys, k)
		}
	}
	return b
}

// learn adds c to the profiles and identities, after it was judged.
func (s *btState) learn(c *guard.Commit, login string) {
	cats := make([][]string, len(c.Files))
	for i, f := range c.Files {
		cats[i] = btClassifier{}.Categories(f.Path)
	}
	p := s.authors[login]
	if p == nil {
		p = guard.NewProfile(login, "")
		s.authors[login] = p
	}
	p.Learn(c, cats)
	s.org.Learn(c, cats)
	id := s.idents[login]
	if id == nil {
		id = &guard.Identity{Key: login, Login: login}
		s.idents[login] = id
	}
	email := guard.NormalizeEmail(c.Author.Email)
	if !slices.Contains(id.Emails, email) {
		id.Emails = append(id.Emails, email)
	}
	if !slices.Contains(id.Names, c.Author.Name) {
		id.Names = append(id.Names, c.Author.Name)
	}
	if s.emailKeys[email] == nil {
		s.emailKeys[email] = map[string]bool{}
	}
	s.emailKeys[email][login] = true
}

func btEngine(t *testing.T) *guard.Engine {
	t.Helper()
	var ds []*guard.Detector
	for _, d := range All() {
		if slices.Contains(btDetectors, d.Name) {
			ds = append(ds, d)
		}
	}
	if len(ds) != len(btDetectors) {
		t.Fatalf("found %d of the %d behaviour detectors", len(ds), len(btDetectors))
	}
	return &guard.Engine{Detectors: ds, Classifier: btClassifier{}}
}

// btReplay judges every commit of the history against the baseline
// before it, then learns it, and calls seen with the findings.
func btReplay(t *testing.T, eng *guard.Engine, s *btState, history []guard.Commit, seen func(*guard.Commit, []guard.Finding)) {
	t.Helper()
	for i := range history {
		c := &history[i]
		login := s.loginOf[c.Author.Email]
		fs, err := eng.Judge(guard.Subject{Commit: c, Baseline: s.baseline(c, login)})
		if err != nil {
			t.Fatal(err)
		}
		seen(c, fs)
		s.learn(c, login)
	}
}

// TestBehaviourOrdinaryHistory replays three years of an ordinary team's
// commits (about 5,500: seven people in six zones, one with daylight
// saving, late nights and weekends, a trip, a long leave, a joiner, a
// rebaser, a maintainer applying a contractor's patches, bulk commits) and
// requires that fewer than 1% of them get a behaviour finding at medium or
// above. Run with -v to see each such finding.
func TestBehaviourOrdinaryHistory(t *testing.T) {
	people := btPeople()
	history := btHistory(rand.New(rand.NewPCG(1, 2)), people)
	s := newBTState(people)
	eng := btEngine(t)
	flagged := 0
	counts := map[string]*[guard.Critical + 1]int{}
	btReplay(t, eng, s, history, func(c *guard.Commit, fs []guard.Finding) {
		if guard.MaxSeverity(fs) >= guard.Medium {
			flagged++
		}
		for _, f := range fs {
			if counts[f.Detector] == nil {
				counts[f.Detector] = &[guard.Critical + 1]int{}
			}
			counts[f.Detector][f.Severity]++
			if f.Severity >= guard.Medium && testing.Verbose() {
				t.Logf("%s %s %s %s: %s", c.Author.When.Format(time.RFC3339), s.loginOf[c.Author.Email], f.Severity, f.Detector, f.Message)
			}
		}
	})
	for _, name := range btDetectors {
		if n := counts[name]; n != nil {
			t.Logf("%-22s info %3d  low %3d  medium %3d  high %3d", name, n[guard.Info], n[guard.Low], n[guard.Medium], n[guard.High])
		}
	}
	rate := float64(flagged) / float64(len(history))
	t.Logf("%d of %d ordinary commits (%.2f%%) flagged at medium or above", flagged, len(history), 100*rate)
	if len(history) < 4000 {
		t.Errorf("history has %d commits, want about 5,000", len(history))
	}
	if rate >= 0.01 {
		t.Errorf("%.2f%% of ordinary commits flagged at medium or above, want under 1%%", 100*rate)
	}
}

// btPlant builds a commit of 20 added lines per file, authored and
// committed at local time h:00 on day d in the zone off (seconds east).
func btPlant(name, email string, d time.Time, h int, off int, signed bool, files ...string) guard.Commit {
	at := time.Date(d.Year(), d.Month(), d.Day(), h, 0, 0, 0, time.FixedZone("", off))
	c := guard.Commit{Hash: strings.Repeat("f", 40), Author: guard.Person{Name: name, Email: email, When: at},
		Signed: signed, Message: "planted"}
	c.Committer = c.Author
	for _, p := range files {
		c.Files = append(c.Files, guard.FileChange{Path: p, Status: guard.Modified, Added: 20})
	}
	return c
}

// TestBehaviourPlantedAnomalies replays the ordinary history, then judges
// one anomalous commit per behaviour against the final baselines and
// requires the detector made for it to report it.
func TestBehaviourPlantedAnomalies(t *testing.T) {
	people := btPeople()
	history := btHistory(rand.New(rand.NewPCG(1, 2)), people)
	s := newBTState(people)
	eng := btEngine(t)
	btReplay(t, eng, s, history, func(*guard.Commit, []guard.Finding) {})
	day := s.org.LastSeen.UTC().Truncate(24*time.Hour).AddDate(0, 0, 7)
	for day.Weekday() != time.Tuesday {
		day = day.AddDate(0, 0, 1)
	}
	berlin := btBerlin(day)
	big := btPlant("Bob Ortiz", "bob@corp.example", day, 14, -5*3600, false, "api/handler.go")
	big.Files[0].Added, big.Files[0].Deleted = 4000, 1000
	backdated := btPlant("Erin Walsh", "erin@corp.example", day, 11, 0, false, "docs/guide.md")
	backdated.Author.When = backdated.Author.When.AddDate(0, 0, -30)
	patched := btPlant("Carol Iyer", "carol@corp.example", day, 14, 19800, true, "scripts/run.sh")
	patched.Committer = guard.Person{Name: "Dave Tan", Email: "dave@corp.example", When: patched.Author.When}
	frank := s.authors["frank"]
	tests := []struct {
		name, login, detector string
		min                   guard.Severity
		commit                guard.Commit
	}{
		{"3am commit from an 8-to-5 author", "erin", "unusual-time", guard.Medium,
			btPlant("Erin Walsh", "erin@corp.example", day, 3, 0, false, "docs/guide.md")},
		{"never-used time zone", "bob", "timezone-change", guard.Medium,
			btPlant("Bob Ortiz", "bob@corp.example", day, 11, 9*3600, false, "api/handler.go")},
		{"first touch of contracts", "erin", "first-touch-sensitive", guard.Medium,
			btPlant("Erin Walsh", "erin@corp.example", day, 11, 0, false, "contracts/Vault.sol")},
		{"5,000-line commit", "bob", "size-outlier", guard.Low, big},
		{"new author touching keys", "mallory", "new-author-sensitive", guard.High,
			btPlant("Mallory", "mallory@corp.example", day, 11, 0, false, "keys/signer.go")},
		{"first-time author at 3 a.m. in a zone nobody here used, touching keys", "mallory", "unusual-time", guard.Low,
			btPlant("Mallory", "mallory@corp.example", day, 3, 20700, false, "keys/signer.go")},
		{"new email under a known login", "alice", "identity-mismatch", guard.Medium,
			btPlant("Alice Meyer", "alice@protonmail.example", day, 11, berlin, true, "src/app.go")},
		{"email of another identity", "mallory", "identity-mismatch", guard.High,
			btPlant("Bob Ortiz", "bob@corp.example", day, 14, -5*3600, false, "api/handler.go")},
		{"unsigned commit from an always-signer", "dave", "identity-mismatch", guard.Medium,
			btPlant("Dave Tan", "dave@corp.example", day, 11, 8*3600, false, "wallet/send.go")},
		{"backdated 30 days", "erin", "identity-mismatch", guard.Medium, backdated},
		{"committer never seen with the author", "carol", "identity-mismatch", guard.Low, patched},
		{"return after 200 days touching deploy", "frank", "dormant-reactivation", guard.High,
			btPlant("Frank Souza", "frank@contractor.example", frank.LastSeen.AddDate(0, 0, 200), 11, -3*3600, true, "deploy/prod.sh")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, err := eng.Judge(guard.Subject{Commit: &tt.commit, Baseline: s.baseline(&tt.commit, tt.login)})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, f := range fs {
				t.Logf("%s %s: %s", f.Severity, f.Detector, f.Message)
				for _, e := range f.Evidence {
					t.Logf("\t%s", e)
				}
				found = found || f.Detector == tt.detector && f.Severity >= tt.min
			}
			if !found {
				t.Errorf("%s reported nothing at %s or above", tt.detector, tt.min)
			}
		})
	}
}

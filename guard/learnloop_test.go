package guard

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// fakeHistory is a linear history c1..cN (c3 a merge): rev "cK" walks
// c1..cK, "cJ..cK" walks cJ+1..cK. Every walk hands out fresh commits.
type fakeHistory struct{ n int }

func (h fakeHistory) commits(rev string) ([]*Commit, error) {
	from, to := 0, 0
	if a, b, ok := strings.Cut(rev, ".."); ok {
		fmt.Sscanf(a, "c%d", &from)
		rev = b
	}
	if _, err := fmt.Sscanf(rev, "c%d", &to); err != nil || to > h.n || from > to {
		return nil, fmt.Errorf("bad revision %q", rev)
	}
	var out []*Commit
	for i := from + 1; i <= to; i++ {
		c := &Commit{Hash: fmt.Sprintf("c%d", i), Author: Person{Name: "Old Name", Email: "old@acme.test"},
			Files: []FileChange{{Path: "src/a.go"}}}
		if i == 3 {
			c.Parents = []string{"c2", "side"}
		}
		out = append(out, c)
	}
	return out, nil
}

func (h fakeHistory) Walk(ctx context.Context, rev string, fn func(*Commit) error) error {
	cs, err := h.commits(rev)
	for _, c := range cs {
		if err := fn(c); err != nil {
			return err
		}
	}
	return err
}

func (h fakeHistory) Count(ctx context.Context, rev string) (int, error) {
	cs, err := h.commits(rev)
	return len(cs), err
}

// fakeStore records what the loop does; a Commit is due every second
// commit learned.
type fakeStore struct {
	log      []string
	advanced []Cursor
	learned  int
	locker   *countLocker
	kept     map[string]*Judgement
}

func (s *fakeStore) ResolveIdentity(ctx context.Context, login, email string) (string, error) {
	s.checkLocked("resolve")
	return login + "|" + email, nil
}

func (s *fakeStore) Baseline(ctx context.Context, repo, key, email string) (*Baseline, error) {
	s.checkLocked("baseline")
	return &Baseline{Author: &Profile{Key: key, Commits: s.learned}}, nil
}

func (s *fakeStore) Rates(ctx context.Context, repo string, bot bool) (here, org *Rates, err error) {
	return NewRates(), NewRates(), nil
}

func (s *fakeStore) Judged(ctx context.Context, repo, sha string) (*Judgement, error) {
	s.checkLocked("judged")
	return s.kept[sha], nil
}

func (s *fakeStore) Keep(repo, sha string, j *Judgement) {
	s.checkLocked("keep")
	if s.kept == nil {
		s.kept = map[string]*Judgement{}
	}
	s.kept[sha] = j
}

func (s *fakeStore) Learn(ctx context.Context, repo string, c *Commit, cats [][]string, login string, j *Judgement) error {
	s.checkLocked("learn")
	s.learned++
	var events []string
	if j != nil {
		events = j.Events
	}
	s.log = append(s.log, fmt.Sprintf("learn %s %s <%s> login=%q cats=%v events=%v", c.Hash, c.Author.Name, c.Author.Email, login, cats, events))
	return nil
}

// echo is a behaviour detector that reports the baseline it was given.
var echo = &Detector{Name: "echo", Doc: "echo", Severity: Low, Behaviour: true, Run: func(p *Pass) {
	p.Report(Finding{Message: fmt.Sprintf("%s after %d", p.Baseline.Author.Key, p.Baseline.Author.Commits)})
}}

func (s *fakeStore) Advance(cur Cursor) { s.advanced = append(s.advanced, cur) }
func (s *fakeStore) Due() bool          { return s.learned%2 == 0 }

func (s *fakeStore) Commit(ctx context.Context, cursors ...Cursor) error {
	s.checkLocked("commit")
	s.log = append(s.log, fmt.Sprintf("commit %+v", s.advanced[len(s.advanced)-1]))
	return nil
}

func (s *fakeStore) checkLocked(what string) {
	if s.locker != nil && !s.locker.held {
		s.log = append(s.log, what+" outside the lock")
	}
}

type countLocker struct {
	held bool
	n    int
}

func (l *countLocker) Lock()   { l.held, l.n = true, l.n+1 }
func (l *countLocker) Unlock() { l.held = false }

type oneClass struct{}

func (oneClass) Categories(path string) []string { return []string{"src"} }
func (oneClass) Ignored(path string) bool        { return false }
func (oneClass) Asset(path string) bool          { return false }

// TestLearnWalk: the loop maps every commit through the mailmap, calls
// Seen for those an interrupted walk learned already and counts them
// nowhere, judges the others (merges only when asked) against the
// baseline before them under the lock, learns them, advances the cursor
// with each and commits when due and at the end of each segment.
func TestLearnWalk(t *testing.T) {
	mm, err := ParseMailmap([]byte("New Name <new@acme.test> <old@acme.test>\n"))
	if err != nil {
		t.Fatal(err)
	}
	segs := []LearnSegment{{Base: "", Target: "c4", Skip: 2}, {Base: "c4", Target: "c5"}}
	for _, merges := range []bool{false, true} {
		t.Run(fmt.Sprintf("merges=%v", merges), func(t *testing.T) {
			lk := &countLocker{}
			st := &fakeStore{locker: lk}
			var seen, judged, steps []string
			w := &LearnWalk{Repo: "acme/widgets", Ref: "HEAD", History: fakeHistory{n: 6}, Profiles: st, Lock: lk,
				Mailmap: mm, Classifier: oneClass{}, Logins: map[string]string{"c4": "alice"}, JudgeMerges: merges,
				Engine: &Engine{Detectors: []*Detector{echo}},
				Seen: func(c *Commit) error {
					seen = append(seen, c.Hash+" "+c.Author.Email)
					return nil
				},
				Judge: func(c *Commit, j *Judgement, detErr error) error {
					if detErr != nil || len(j.Findings) != 1 {
						t.Errorf("judgement of %s: %+v, %v", c.Hash, j, detErr)
						return nil
					}
					judged = append(judged, c.Hash+" "+j.Findings[0].Message)
					return nil
				},
				Step: func(c *Commit, n int) error {
					if lk.held {
						t.Errorf("Step of %s under the lock", c.Hash)
					}
					steps = append(steps, fmt.Sprintf("%s:%d", c.Hash, n))
					return nil
				}}
			total, err := w.Count(context.Background(), segs)
			if err != nil {
				t.Fatal(err)
			}
			n, err := w.Run(context.Background(), segs)
			if err != nil {
				t.Fatal(err)
			}
			if total != 3 || n != 3 {
				t.Errorf("Count %d, Run learned %d: want 3 and 3 (the 2 learned already count in neither)", total, n)
			}
			if want := []string{"c1 new@acme.test", "c2 new@acme.test"}; !reflect.DeepEqual(seen, want) {
				t.Errorf("seen %q, want %q", seen, want)
			}
			want := []string{"c4 alice|new@acme.test after 1", "c5 |new@acme.test after 2"}
			if merges {
				want = append([]string{"c3 |new@acme.test after 0"}, want...)
			}
			if !reflect.DeepEqual(judged, want) {
				t.Errorf("judged %q, want %q", judged, want)
			}
			if want := []string{"c3:1", "c4:2", "c5:3"}; !reflect.DeepEqual(steps, want) {
				t.Errorf("steps %q, want %q", steps, want)
			}
			wantLog := []string{
				`learn c3 New Name <new@acme.test> login="" cats=[[src]] events=[]`, // a merge: never in the rates
				`learn c4 New Name <new@acme.test> login="alice" cats=[[src]] events=[echo/low]`,
				`commit {Repo:acme/widgets Ref:HEAD Hash: Target:c4 Done:4}`,
				`commit {Repo:acme/widgets Ref:HEAD Hash:c4 Target: Done:0}`,
				`learn c5 New Name <new@acme.test> login="" cats=[[src]] events=[echo/low]`,
				`commit {Repo:acme/widgets Ref:HEAD Hash:c5 Target: Done:0}`,
			}
			if !reflect.DeepEqual(st.log, wantLog) {
				t.Errorf("store saw\n%s\nwant\n%s", strings.Join(st.log, "\n"), strings.Join(wantLog, "\n"))
			}
			if want := (Cursor{Repo: "acme/widgets", Ref: "HEAD", Target: "c4", Done: 3}); st.advanced[0] != want {
				t.Errorf("first cursor advanced %+v, want %+v", st.advanced[0], want)
			}
		})
	}
}

// TestLearnWalkStops: an error of Judge or Step stops the walk, naming
// the segment, and what was learned before it stays counted.
func TestLearnWalkStops(t *testing.T) {
	errStop := errors.New("stop")
	for _, tc := range []struct {
		name        string
		judge, step int // stop at the commit numbered so
		wantN       int
	}{
		{"judge", 2, 0, 1},
		{"step", 0, 2, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			w := &LearnWalk{Repo: "r", Ref: "HEAD", History: fakeHistory{n: 4}, Profiles: &fakeStore{},
				Judge: func(c *Commit, _ *Judgement, _ error) error {
					if calls++; calls == tc.judge {
						return errStop
					}
					return nil
				},
				Step: func(c *Commit, n int) error {
					if n == tc.step {
						return errStop
					}
					return nil
				}}
			n, err := w.Run(context.Background(), []LearnSegment{{Target: "c4"}})
			if !errors.Is(err, errStop) || !strings.Contains(err.Error(), "learn HEAD c4") || n != tc.wantN {
				t.Errorf("Run = %d, %v; want %d and the stop, naming HEAD c4", n, err, tc.wantN)
			}
		})
	}
}

var _ sync.Locker = (*countLocker)(nil)

// TestLearnWalkReusesKeptJudgement: a commit judged before (a pull
// request's, or by an earlier run) is not judged again when learned: its
// kept judgement is reported and counted in the rates.
func TestLearnWalkReusesKeptJudgement(t *testing.T) {
	st := &fakeStore{kept: map[string]*Judgement{
		"c2": {Findings: []Finding{{Detector: "echo", Message: "kept before"}}, Events: []string{"echo/kept"}},
	}}
	var got []string
	w := &LearnWalk{Repo: "r", Ref: "HEAD", History: fakeHistory{n: 2}, Profiles: st, Classifier: oneClass{},
		Engine: &Engine{Detectors: []*Detector{echo}},
		Judge: func(c *Commit, j *Judgement, _ error) error {
			got = append(got, c.Hash+": "+j.Findings[0].Message)
			return nil
		}}
	if _, err := w.Run(context.Background(), []LearnSegment{{Target: "c2"}}); err != nil {
		t.Fatal(err)
	}
	if want := []string{"c1: |old@acme.test after 0", "c2: kept before"}; !reflect.DeepEqual(got, want) {
		t.Errorf("judged %q, want %q", got, want)
	}
	if !strings.Contains(strings.Join(st.log, "\n"), "learn c2 ") || !strings.Contains(strings.Join(st.log, "\n"), "events=[echo/kept]") {
		t.Errorf("store saw\n%s", strings.Join(st.log, "\n"))
	}
	if st.kept["c1"] == nil {
		t.Error("the judgement of c1 was not kept")
	}
}

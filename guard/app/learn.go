package app

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/repoguard/repoguard/guard"
)

// serialProfiles serializes the App's use of its one Profiles, and keeps
// the cursor of every ref being learned, so that a Commit made by one
// walk also records how far the others got (the store writes everything
// learned on any Commit).
type serialProfiles struct {
	mu      sync.Mutex
	p       Profiles
	pending map[[2]string]guard.Cursor // (repo, ref) -> cursor of what was learned
}

// author is a commit author as a judge needs to know them.
type author struct {
	login, email string
}

// judged is the outcome of judging one commit.
type judged struct {
	findings []guard.Finding
	key      string // the author's identity key
}

// judge runs eng over c with the author's baseline as it is now. The
// Profiles lock is held throughout, as the baseline's profiles are the
// store's own. detErr reports detectors that failed; err the store.
func (s *serialProfiles) judge(ctx context.Context, eng *guard.Engine, repo string, c *guard.Commit, a author) (j judged, detErr, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.judgeLocked(ctx, eng, repo, c, a)
}

func (s *serialProfiles) judgeLocked(ctx context.Context, eng *guard.Engine, repo string, c *guard.Commit, a author) (j judged, detErr, err error) {
	if j.key, err = s.p.ResolveIdentity(ctx, a.login, a.email); err != nil {
		return j, nil, fmt.Errorf("resolve identity of %s: %w", a.email, err)
	}
	b, err := s.p.Baseline(ctx, repo, j.key, a.email)
	if err != nil {
		return j, nil, fmt.Errorf("baseline of %s: %w", j.key, err)
	}
	j.findings, detErr = eng.Judge(guard.Subject{Commit: c, Baseline: b})
	return j, detErr, nil
}

// logins returns the logins of the identity email resolves to and of
// every other identity that has used it, lowercased.
func (s *serialProfiles) logins(ctx context.Context, repo, email string) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key, err := s.p.ResolveIdentity(ctx, "", email)
	if err != nil {
		return nil, err
	}
	b, err := s.p.Baseline(ctx, repo, key, email)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, k := range append([]string{key}, b.EmailKeys...) {
		if k != "" && !strings.Contains(k, "@") {
			out = appendNew(out, strings.ToLower(k))
		}
	}
	return out, nil
}

// judgeAndLearn judges c (unless it is a merge, whose first-parent diff
// is other people's work, or judge is false) and then learns it, with
// cur as the ref's cursor once it is learned. A due Commit is made.
func (s *serialProfiles) judgeAndLearn(ctx context.Context, eng *guard.Engine, repo string, c *guard.Commit,
	a author, judge bool, cur guard.Cursor) (j judged, detErr, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if judge && !c.IsMerge() {
		if j, detErr, err = s.judgeLocked(ctx, eng, repo, c, a); err != nil {
			return j, detErr, err
		}
	}
	if err := s.p.Learn(ctx, repo, c, categoriesOf(eng, c.Files), a.login); err != nil {
		return j, detErr, fmt.Errorf("learn %s: %w", c.ShortHash(), err)
	}
	s.setLocked(cur)
	if s.p.Due() {
		err = s.commitLocked(ctx)
	}
	return j, detErr, err
}

func (s *serialProfiles) setLocked(cur guard.Cursor) {
	if s.pending == nil {
		s.pending = map[[2]string]guard.Cursor{}
	}
	s.pending[[2]string{cur.Repo, cur.Ref}] = cur
}

// finish records a completed walk's cursor and commits.
func (s *serialProfiles) finish(ctx context.Context, cur guard.Cursor) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setLocked(cur)
	return s.commitLocked(ctx)
}

func (s *serialProfiles) commitLocked(ctx context.Context) error {
	if len(s.pending) == 0 {
		return nil
	}
	cs := make([]guard.Cursor, 0, len(s.pending))
	for _, c := range s.pending {
		cs = append(cs, c)
	}
	if err := s.p.Commit(ctx, cs...); err != nil {
		return fmt.Errorf("commit learning: %w", err)
	}
	clear(s.pending)
	return nil
}

// cursor reads a learning cursor, what is learned but not committed
// included.
func (s *serialProfiles) cursor(ctx context.Context, repo, ref string) (guard.Cursor, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.pending[[2]string{repo, ref}]; ok {
		return c, nil
	}
	c, err := s.p.Cursor(ctx, repo, ref)
	if err != nil {
		return c, fmt.Errorf("learning cursor of %s %s: %w", repo, ref, err)
	}
	return c, nil
}

// categoriesOf classifies files as the engine's policy does.
func categoriesOf(eng *guard.Engine, files []guard.FileChange) [][]string {
	if eng.Classifier == nil {
		return make([][]string, len(files))
	}
	return guard.CategoriesOf(eng.Classifier, files)
}

// appendNew appends the names not yet in list.
func appendNew(list []string, names ...string) []string {
	for _, n := range names {
		found := false
		for _, m := range list {
			if m == n {
				found = true
				break
			}
		}
		if !found {
			list = append(list, n)
		}
	}
	return list
}

package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/repoguard/repoguard/guard"
)

// serialProfiles serializes the App's use of its one Profiles: a
// learning walk holds mu for each commit it judges and learns
// (guard.LearnWalk.Lock), judging without learning holds it for each
// commit, as a baseline's profiles are the store's own.
type serialProfiles struct {
	mu sync.Mutex
	p  Profiles
}

// judged is the outcome of judging one commit.
type judged struct {
	findings []guard.Finding
	key      string // the author's identity key
}

// judge assesses c (guard.Engine.Assess): its behaviour judgement, the
// one kept or made now against its author's baseline as it is and kept,
// under the lock; its content outside it. login is the author's GitHub
// login, "" when unknown. detErr reports detectors that failed; err the
// store.
func (s *serialProfiles) judge(ctx context.Context, eng *guard.Engine, repo string, c *guard.Commit, login string) (j judged, detErr, err error) {
	bj, key, detErr, err := s.behaviour(ctx, eng, repo, c, login)
	if err != nil {
		return j, nil, err
	}
	a, cerr := eng.Assess(guard.Subject{Commit: c}, bj)
	return judged{findings: a.Findings, key: key}, errors.Join(detErr, cerr), nil
}

// behaviour returns the behaviour judgement of c and its author's
// identity key, under the lock, and writes what the store keeps when a
// Commit is due.
func (s *serialProfiles) behaviour(ctx context.Context, eng *guard.Engine, repo string, c *guard.Commit, login string) (j *guard.Judgement, key string, detErr, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if j, detErr, err = guard.BehaviourOf(ctx, s.p, eng, repo, c, login); err != nil {
		return nil, "", nil, err
	}
	if key, err = s.p.ResolveIdentity(ctx, login, c.Author.Email); err != nil {
		return nil, "", nil, err
	}
	if s.p.Due() {
		err = s.p.Commit(ctx)
	}
	return j, key, detErr, err
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

// key resolves a commit author to their identity key.
func (s *serialProfiles) key(ctx context.Context, login, email string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.p.ResolveIdentity(ctx, login, email)
}

// cursor reads a learning cursor, what is learned but not committed
// included.
func (s *serialProfiles) cursor(ctx context.Context, repo, ref string) (guard.Cursor, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.p.Cursor(ctx, repo, ref)
	if err != nil {
		return c, fmt.Errorf("learning cursor of %s %s: %w", repo, ref, err)
	}
	return c, nil
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

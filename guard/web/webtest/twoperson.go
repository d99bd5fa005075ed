package webtest

import (
	"context"
	"fmt"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/repoguard/repoguard/guard"
)

// PutPull stores what the two-person rule knows of pull request
// repo#number: who took part and the severity that blocks it.
func (m *MemStore) PutPull(repo string, number int, facts guard.PullFacts) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pulls[fmt.Sprintf("%s#%d", repo, number)] = &facts
}

// pull returns the facts of a's pull request (nil when none); the
// caller holds mu.
func (m *MemStore) pull(a *guard.Anomaly) (*guard.PullFacts, error) {
	return m.pulls[fmt.Sprintf("%s#%d", a.Repo, a.PullRequest)], nil
}

// actor resolves name from the stored identities and tokens, as the
// SQLite store does; the caller holds mu.
func (m *MemStore) actor(name string) *guard.Actor {
	a, _ := guard.ResolveActor(name, guard.ActorLookup{
		TokenOwners: func(n string) ([]string, error) {
			var out []string
			for _, t := range m.tokens {
				if t.Name == n {
					out = append(out, t.CreatedBy)
				}
			}
			return out, nil
		},
		EmailsOf: func(k string) ([]string, error) {
			if id, ok := m.identities[k]; ok {
				return id.Emails, nil
			}
			return nil, nil
		},
		KeysOf: func(e string) ([]string, error) {
			var out []string
			for _, id := range m.identities {
				for _, ie := range id.Emails {
					if strings.EqualFold(ie, e) {
						out = append(out, id.Key)
					}
				}
			}
			return out, nil
		},
	})
	return a
}

// release applies a dismiss or resolve (t) of a by actor under the
// two-person rule and returns the audit detail; the caller holds mu.
func (m *MemStore) release(a *guard.Anomaly, actor string, t guard.TriageAction) (string, error) {
	if a.Status.Closed() || (t.Kind == "dismiss" && a.Status == guard.StatusConfirmed) {
		return "", fmt.Errorf("cannot %s an anomaly that is %s: %w", t.Kind, a.Status, guard.ErrInvalid)
	}
	if t.Kind == "dismiss" && t.Reason == "" {
		return "", fmt.Errorf("dismiss needs a reason: %w", guard.ErrInvalid)
	}
	facts, _ := m.pull(a)
	var asked *guard.Actor
	if a.Release != nil {
		asked = m.actor(a.Release.By)
	}
	step, err := guard.DecideRelease(t.Kind, m.actor(actor), a, facts, asked)
	switch {
	case err != nil:
		return "", err
	case step == guard.ReleaseRequest:
		a.Release = &guard.Release{Kind: t.Kind, By: actor, Reason: t.Reason, At: m.now()}
		return "asked: " + t.Reason, nil
	}
	a.Status, a.Reason, a.Release = guard.StatusDismissed, t.Reason, nil
	if t.Kind == "resolve" {
		a.Status = guard.StatusResolved
	}
	return t.Reason, nil
}

// glob matches doublestar globs, as the SQLite store does.
func glob(pattern, name string) bool {
	ok, err := doublestar.Match(pattern, name)
	return ok && err == nil
}

// checkSuppressor applies guard.CheckSuppressor over every anomaly; the
// caller holds mu.
func (m *MemStore) checkSuppressor(s *guard.Suppression, actor, verb string) error {
	var open []guard.Anomaly
	for _, a := range m.anomalies {
		open = append(open, *a)
	}
	return guard.CheckSuppressor(s, m.actor(actor), verb, open, m.pull, glob)
}

// ApproveSuppression implements web.Store.
func (m *MemStore) ApproveSuppression(_ context.Context, id int64, actor string) (*guard.Suppression, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if id < 1 || int(id) > len(m.suppressions) || m.suppressions[id-1].removed {
		return nil, notFound("suppression", id)
	}
	s := &m.suppressions[id-1].Suppression
	switch {
	case s.ApprovedBy != "":
		return nil, fmt.Errorf("suppression %d is approved already: %w", id, guard.ErrInvalid)
	case m.actor(actor).Same(m.actor(s.CreatedBy)):
		return nil, fmt.Errorf("%s created suppression %d: %w", actor, id, guard.ErrForbidden)
	}
	if err := m.checkSuppressor(s, actor, "approve"); err != nil {
		return nil, err
	}
	s.ApprovedBy, s.ApprovedAt = actor, m.now()
	m.record(actor, "approve", fmt.Sprintf("suppression:%d", id), "")
	c := *s
	return &c, nil
}

package webtest

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// Triage implements web.Store.
func (m *MemStore) Triage(_ context.Context, id int64, actor string, t guard.TriageAction) (*guard.Anomaly, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.anomalies[id]
	if !ok {
		return nil, notFound("anomaly", id)
	}
	detail, err := m.apply(a, actor, t)
	if err != nil {
		return nil, err
	}
	m.record(actor, t.Kind, subject(id), detail)
	c := *a
	return &c, nil
}

// apply makes the change of t to a on behalf of actor and returns the
// audit detail; the caller holds mu.
func (m *MemStore) apply(a *guard.Anomaly, actor string, t guard.TriageAction) (string, error) {
	bad := func() (string, error) {
		return "", fmt.Errorf("cannot %s an anomaly that is %s: %w", t.Kind, a.Status, guard.ErrInvalid)
	}
	detail := ""
	var err error
	switch t.Kind {
	case "ack":
		if a.Status != guard.StatusOpen {
			return bad()
		}
		a.Status = guard.StatusAcknowledged
	case "confirm":
		if a.Status != guard.StatusOpen && a.Status != guard.StatusAcknowledged {
			return bad()
		}
		a.Status, a.Release = guard.StatusConfirmed, nil
	case "dismiss", "resolve":
		if detail, err = m.release(a, actor, t); err != nil {
			return "", err
		}
	case "reopen":
		if a.Status == guard.StatusOpen && a.Release == nil {
			return bad()
		}
		a.Status, a.Reason, a.Release = guard.StatusOpen, "", nil
	case "assign":
		if a.Status.Closed() {
			return bad()
		}
		a.Assignee, detail = t.Assignee, t.Assignee
	case "comment":
		m.comments[a.ID] = append(m.comments[a.ID], guard.Comment{ID: int64(len(m.audit) + 1), AnomalyID: a.ID,
			Author: actor, Body: t.Body, CreatedAt: m.now()})
		detail = t.Body
	default:
		return "", fmt.Errorf("unknown triage action %q: %w", t.Kind, guard.ErrInvalid)
	}
	a.UpdatedAt = m.now()
	return detail, nil
}

// Comments implements web.Store.
func (m *MemStore) Comments(_ context.Context, id int64) ([]guard.Comment, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.anomalies[id]; !ok {
		return nil, notFound("anomaly", id)
	}
	return slices.Clone(m.comments[id]), nil
}

// History implements web.Store.
func (m *MemStore) History(_ context.Context, id int64) ([]guard.AuditEntry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []guard.AuditEntry
	for _, e := range m.audit {
		if e.Subject == subject(id) {
			out = append(out, e)
		}
	}
	return out, nil
}

// AddSuppression implements web.Store.
func (m *MemStore) AddSuppression(_ context.Context, s guard.Suppression) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.checkSuppressor(&s, s.CreatedBy, "create"); err != nil {
		return 0, err
	}
	s.ID = int64(len(m.suppressions) + 1)
	m.suppressions = append(m.suppressions, suppression{Suppression: s})
	m.record(s.CreatedBy, "suppress", fmt.Sprintf("suppression:%d", s.ID), s.Reason)
	return s.ID, nil
}

// RemoveSuppression implements web.Store.
func (m *MemStore) RemoveSuppression(_ context.Context, id int64, actor string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if id < 1 || int(id) > len(m.suppressions) || m.suppressions[id-1].removed {
		return notFound("suppression", id)
	}
	m.suppressions[id-1].removed = true
	m.record(actor, "unsuppress", fmt.Sprintf("suppression:%d", id), "")
	return nil
}

// Suppressions implements web.Store.
func (m *MemStore) Suppressions(_ context.Context, includeExpired bool) ([]guard.Suppression, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []guard.Suppression
	for _, s := range m.suppressions {
		if !s.removed && (includeExpired || s.ExpiresAt.After(m.now())) {
			out = append(out, s.Suppression)
		}
	}
	return out, nil
}

// LoadProfile implements web.Store.
func (m *MemStore) LoadProfile(_ context.Context, repo, key string) (*guard.Profile, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if p, ok := m.profiles[[2]string{repo, key}]; ok {
		return p.Clone(), nil
	}
	if repo == "" { // every repository: merge the author's profiles
		all := guard.NewProfile(key, "")
		for k, p := range m.profiles {
			if k[1] == key {
				all.Merge(p)
			}
		}
		return all, nil
	}
	return guard.NewProfile(key, repo), nil
}

// Identity implements web.Store.
func (m *MemStore) Identity(_ context.Context, key string) (*guard.Identity, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	id, ok := m.identities[key]
	if !ok {
		return nil, notFound("identity", key)
	}
	c := *id
	return &c, nil
}

// CreateSession implements web.Store.
func (m *MemStore) CreateSession(_ context.Context, login, role string, ttl time.Duration) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t := token()
	m.sessions[t] = guard.Session{Login: login, Role: role, ExpiresAt: m.now().Add(ttl), CSRF: token()}
	return t, nil
}

// Session implements web.Store.
func (m *MemStore) Session(_ context.Context, t string) (*guard.Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[t]
	if !ok || !m.now().Before(s.ExpiresAt) {
		return nil, notFound("session", "")
	}
	return &s, nil
}

// DeleteSession implements web.Store.
func (m *MemStore) DeleteSession(_ context.Context, t string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.sessions, t)
	return nil
}

// TokenAuth implements web.Store.
func (m *MemStore) TokenAuth(_ context.Context, secret string) (*guard.APIToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tokens[secret]
	if !ok {
		return nil, notFound("token", "")
	}
	t.LastUsed = m.now()
	m.tokens[secret] = t
	return &t, nil
}

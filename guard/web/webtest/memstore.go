// Package webtest holds an in-memory store for testing the web UI and
// for end-to-end tests of the server without a database.
package webtest

import (
	"cmp"
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// MemStore implements web.Store in memory. It is safe for concurrent
// use. Its triage rules are those of the SQLite store: ack from open,
// confirm from open or acknowledged, dismiss (with a reason) from open or
// acknowledged, resolve from any status not closed, reopen from any
// status but open, assign while not closed; nobody may dismiss or
// resolve an anomaly about a change they took part in, and releasing a
// blocking anomaly waits for a second triager (see PutPull). Its cases
// are those of the SQLite store too: the anomalies of a commit or pull
// request, with the risk, subject and date AddCase gives them, or else
// the risk of their anomalies and the time the first was recorded.
type MemStore struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu           sync.Mutex
	nextID       int64
	anomalies    map[int64]*guard.Anomaly
	comments     map[int64][]guard.Comment
	audit        []guard.AuditEntry
	suppressions []suppression
	profiles     map[[2]string]*guard.Profile
	identities   map[string]*guard.Identity
	sessions     map[string]guard.Session
	tokens       map[string]guard.APIToken
	pulls        map[string]*guard.PullFacts
	cases        map[int64]*memCase
	caseKeys     map[string]int64
}

type suppression struct {
	guard.Suppression
	removed bool
}

// NewMemStore returns an empty store.
func NewMemStore() *MemStore {
	return &MemStore{anomalies: map[int64]*guard.Anomaly{}, comments: map[int64][]guard.Comment{},
		profiles: map[[2]string]*guard.Profile{}, identities: map[string]*guard.Identity{},
		sessions: map[string]guard.Session{}, tokens: map[string]guard.APIToken{}, pulls: map[string]*guard.PullFacts{},
		cases: map[int64]*memCase{}, caseKeys: map[string]int64{}}
}

func (m *MemStore) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// AddAnomaly stores a copy of a, filling in ID, Status, Seen and times
// when zero, and returns its id. An anomaly without a CaseID joins the
// case of its commit or pull request, made when there is none yet.
func (m *MemStore) AddAnomaly(a guard.Anomaly) int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.nextID++
	a.ID = m.nextID
	if a.Status == "" {
		a.Status = guard.StatusOpen
	}
	if a.CreatedAt.IsZero() {
		a.CreatedAt = m.now()
	}
	if a.UpdatedAt.IsZero() {
		a.UpdatedAt = a.CreatedAt
	}
	a.Seen = max(a.Seen, 1)
	if a.CaseID == 0 {
		a.CaseID = m.caseFor(&a)
	}
	m.anomalies[a.ID] = &a
	return a.ID
}

// PutProfile stores a profile under its Repo and Key.
func (m *MemStore) PutProfile(p *guard.Profile) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.profiles[[2]string{p.Repo, p.Key}] = p.Clone()
}

// PutIdentity stores an identity.
func (m *MemStore) PutIdentity(id guard.Identity) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.identities[id.Key] = &id
}

// AddToken makes secret a valid API token.
func (m *MemStore) AddToken(secret string, t guard.APIToken) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tokens[secret] = t
}

func notFound(what string, id any) error {
	return fmt.Errorf("%s %v: %w", what, id, guard.ErrNotFound)
}

// Anomaly implements web.Store.
func (m *MemStore) Anomaly(_ context.Context, id int64) (*guard.Anomaly, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.anomalies[id]
	if !ok {
		return nil, notFound("anomaly", id)
	}
	c := *a
	return &c, nil
}

// match reports whether a passes f, status aside.
func match(a *guard.Anomaly, f guard.AnomalyFilter) bool {
	switch {
	case a.Suppressed && !f.IncludeSuppressed, a.Severity < f.MinSeverity,
		f.Repo != "" && a.Repo != f.Repo, f.Author != "" && a.Author != f.Author,
		f.Detector != "" && a.Detector != f.Detector,
		!f.Since.IsZero() && a.CreatedAt.Before(f.Since), !f.Until.IsZero() && !a.CreatedAt.Before(f.Until):
		return false
	}
	return true
}

// Anomalies implements web.Store.
func (m *MemStore) Anomalies(_ context.Context, f guard.AnomalyFilter) ([]guard.Anomaly, int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []guard.Anomaly
	for _, a := range m.anomalies {
		if match(a, f) && (len(f.Status) == 0 || slices.Contains(f.Status, a.Status)) {
			out = append(out, *a)
		}
	}
	slices.SortFunc(out, func(x, y guard.Anomaly) int {
		c := compare(x, y, f.Sort)
		if f.Desc {
			c = -c
		}
		return cmp.Or(c, -cmp.Compare(x.ID, y.ID))
	})
	page, total := pageOf(out, f)
	return page, total, nil
}

// pageOf returns the page of all that f's Offset and Limit select, and
// the length of all.
func pageOf[T any](all []T, f guard.AnomalyFilter) ([]T, int) {
	out := all[min(f.Offset, len(all)):]
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, len(all)
}

func compare(x, y guard.Anomaly, by string) int {
	switch by {
	case "created":
		return x.CreatedAt.Compare(y.CreatedAt)
	case "updated":
		return x.UpdatedAt.Compare(y.UpdatedAt)
	case "score":
		return cmp.Compare(x.Score, y.Score)
	case "repo":
		return cmp.Compare(x.Repo, y.Repo)
	}
	return cmp.Or(cmp.Compare(x.Severity, y.Severity), x.CreatedAt.Compare(y.CreatedAt))
}

// AnomalyCounts implements web.Store.
func (m *MemStore) AnomalyCounts(_ context.Context, f guard.AnomalyFilter) (map[guard.AnomalyStatus]int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[guard.AnomalyStatus]int{}
	for _, a := range m.anomalies {
		if match(a, f) {
			out[a.Status]++
		}
	}
	return out, nil
}

// AuthorAnomalies implements web.Store.
func (m *MemStore) AuthorAnomalies(ctx context.Context, key string, limit int) ([]guard.Anomaly, error) {
	out, _, err := m.Anomalies(ctx, guard.AnomalyFilter{Author: key, Sort: "created", Desc: true,
		Limit: limit, IncludeSuppressed: true})
	return out, err
}

// AnomaliesForPR implements web.Store.
func (m *MemStore) AnomaliesForPR(_ context.Context, repo string, pr int) ([]guard.Anomaly, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []guard.Anomaly
	for _, a := range m.anomalies {
		if a.Repo == repo && a.PullRequest == pr {
			out = append(out, *a)
		}
	}
	slices.SortFunc(out, func(x, y guard.Anomaly) int { return cmp.Compare(x.ID, y.ID) })
	return out, nil
}

// record appends an audit entry; the caller holds mu.
func (m *MemStore) record(actor, action, subject, detail string) {
	e := guard.AuditEntry{Seq: int64(len(m.audit) + 1), At: m.now(), Actor: actor, Action: action,
		Subject: subject, Detail: detail}
	if len(m.audit) > 0 {
		e.PrevHash = m.audit[len(m.audit)-1].Hash
	}
	e.Hash = e.ComputeHash()
	m.audit = append(m.audit, e)
}

func subject(id int64) string { return "anomaly:" + strconv.FormatInt(id, 10) }

func token() string { return rand.Text() }

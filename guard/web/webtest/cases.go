package webtest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/repoguard/repoguard/guard"
)

// memCase is a stored case; auto when AddAnomaly made it, so that its
// risk is that of its anomalies.
type memCase struct {
	guard.Case
	auto bool
}

// AddCase stores a copy of c, filling in ID, Key and times when zero,
// and returns its id. Anomalies join it by their CaseID, or by its key.
func (m *MemStore) AddCase(c guard.Case) int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.addCase(&memCase{Case: c})
}

// addCase stores c; the caller holds mu.
func (m *MemStore) addCase(c *memCase) int64 {
	c.ID = int64(len(m.cases) + 1)
	if c.Key == "" {
		c.Key = guard.CaseKey(c.Repo, c.Commit, c.PullRequest)
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = m.now()
	}
	if c.Date.IsZero() {
		c.Date = c.CreatedAt
	}
	m.cases[c.ID], m.caseKeys[c.Key] = c, c.ID
	return c.ID
}

// caseFor returns the case of a's commit or pull request, making it when
// there is none; the caller holds mu.
func (m *MemStore) caseFor(a *guard.Anomaly) int64 {
	if id, ok := m.caseKeys[guard.CaseKey(a.Repo, a.Commit, a.PullRequest)]; ok {
		return id
	}
	return m.addCase(&memCase{auto: true, Case: guard.Case{Repo: a.Repo, Commit: a.Commit, PullRequest: a.PullRequest,
		Author: a.Author, AuthorName: a.AuthorName, AuthorEmail: a.AuthorEmail, URL: a.URL, CreatedAt: a.CreatedAt}})
}

// caseAnomalies returns copies of the anomalies of case id, most severe
// first; the caller holds mu.
func (m *MemStore) caseAnomalies(id int64) []guard.Anomaly {
	var out []guard.Anomaly
	for _, a := range m.anomalies {
		if a.CaseID == id {
			out = append(out, *a)
		}
	}
	slices.SortFunc(out, func(x, y guard.Anomaly) int {
		return cmp.Or(-cmp.Compare(x.Severity, y.Severity), -cmp.Compare(x.Score, y.Score), cmp.Compare(x.ID, y.ID))
	})
	return out
}

// caseOf returns case id with the summary of its anomalies; the caller
// holds mu.
func (m *MemStore) caseOf(id int64) (guard.Case, []guard.Anomaly, bool) {
	mc, ok := m.cases[id]
	if !ok {
		return guard.Case{}, nil, false
	}
	c, as := mc.Case, m.caseAnomalies(id)
	c.CaseSummary = guard.Summarize(as)
	if mc.auto {
		c.Risk = guard.AnomalyRisk(as)
	}
	c.UpdatedAt = c.CreatedAt
	for _, a := range as {
		if a.UpdatedAt.After(c.UpdatedAt) {
			c.UpdatedAt = a.UpdatedAt
		}
	}
	return c, as, true
}

// matchCase reports whether case c with anomalies as passes f, status
// aside.
func matchCase(c guard.Case, as []guard.Anomaly, f guard.AnomalyFilter) bool {
	has := func(s, sub string) bool { return strings.Contains(strings.ToLower(s), strings.ToLower(sub)) }
	switch {
	case len(as) == 0, c.Suppressed && !f.IncludeSuppressed, c.Severity < f.MinSeverity,
		!has(c.Repo, f.Repo), !has(c.Author, f.Author) && !has(c.AuthorName, f.Author) && !has(c.AuthorEmail, f.Author),
		!slices.ContainsFunc(as, func(a guard.Anomaly) bool { return has(a.Detector, f.Detector) }),
		!f.Since.IsZero() && c.Date.Before(f.Since), !f.Until.IsZero() && !c.Date.Before(f.Until):
		return false
	}
	return true
}

// Cases implements web.Store.
func (m *MemStore) Cases(_ context.Context, f guard.AnomalyFilter) ([]guard.Case, int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []guard.Case
	for id := range m.cases {
		c, as, _ := m.caseOf(id)
		if matchCase(c, as, f) && (len(f.Status) == 0 || slices.Contains(f.Status, c.Status)) {
			out = append(out, c)
		}
	}
	by, desc := f.Sort, f.Desc
	if by == "" {
		by, desc = "risk", true
	}
	slices.SortFunc(out, func(x, y guard.Case) int {
		c := cmp.Or(compareCases(x, y, by), cmp.Compare(x.ID, y.ID))
		if desc {
			c = -c
		}
		return c
	})
	page, total := pageOf(out, f)
	return page, total, nil
}

func compareCases(x, y guard.Case, by string) int {
	switch by {
	case "date":
		return x.Date.Compare(y.Date)
	case "updated":
		return x.UpdatedAt.Compare(y.UpdatedAt)
	case "repo":
		return cmp.Or(cmp.Compare(x.Repo, y.Repo), x.Date.Compare(y.Date))
	}
	return cmp.Or(cmp.Compare(x.Risk, y.Risk), x.Date.Compare(y.Date))
}

// CaseCounts implements web.Store.
func (m *MemStore) CaseCounts(_ context.Context, f guard.AnomalyFilter) (map[guard.AnomalyStatus]int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[guard.AnomalyStatus]int{}
	for id := range m.cases {
		if c, as, _ := m.caseOf(id); matchCase(c, as, f) {
			out[c.Status]++
		}
	}
	return out, nil
}

// Case implements web.Store.
func (m *MemStore) Case(_ context.Context, id int64) (*guard.Case, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, _, ok := m.caseOf(id)
	if !ok {
		return nil, notFound("case", id)
	}
	return &c, nil
}

// CaseAnomalies implements web.Store.
func (m *MemStore) CaseAnomalies(_ context.Context, id int64) ([]guard.Anomaly, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.cases[id]; !ok {
		return nil, notFound("case", id)
	}
	return m.caseAnomalies(id), nil
}

// CaseHistory implements web.Store.
func (m *MemStore) CaseHistory(_ context.Context, id int64) ([]guard.AuditEntry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.cases[id]; !ok {
		return nil, notFound("case", id)
	}
	subjects := map[string]bool{caseSubject(id): true}
	for _, a := range m.caseAnomalies(id) {
		subjects[subject(a.ID)] = true
	}
	var out []guard.AuditEntry
	for _, e := range m.audit {
		if subjects[e.Subject] {
			out = append(out, e)
		}
	}
	return out, nil
}

func caseSubject(id int64) string { return fmt.Sprintf("case:%d", id) }

// TriageCase implements web.Store: the action applies to each anomaly of
// the case in the queue that it applies to, or to none when the
// two-person rule refuses it for one of them.
func (m *MemStore) TriageCase(_ context.Context, id int64, actor string, t guard.TriageAction) (*guard.Case, []guard.Anomaly, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.cases[id]; !ok {
		return nil, nil, notFound("case", id)
	}
	var targets []*guard.Anomaly
	for _, a := range guard.Queued(m.caseAnomalies(id)) {
		if a.Allows(t.Kind) && (t.Kind != "assign" || a.Assignee != t.Assignee) {
			targets = append(targets, m.anomalies[a.ID])
		}
	}
	if len(targets) == 0 {
		return nil, nil, fmt.Errorf("no finding of case %d can be changed by %s: %w", id, t.Kind, guard.ErrInvalid)
	}
	if err := m.mayRelease(targets, actor, t.Kind); err != nil {
		return nil, nil, err
	}
	var out []guard.Anomaly
	for _, a := range targets {
		detail, err := m.apply(a, actor, t)
		if err != nil {
			return nil, nil, err
		}
		m.record(actor, t.Kind, subject(a.ID), detail)
		out = append(out, *a)
	}
	m.record(actor, t.Kind, caseSubject(id), fmt.Sprintf("%d findings", len(out)))
	c, _, _ := m.caseOf(id)
	return &c, out, nil
}

// mayRelease refuses a dismiss or resolve (kind) of any of as that the
// two-person rule forbids actor, before any is changed; the caller holds
// mu.
func (m *MemStore) mayRelease(as []*guard.Anomaly, actor, kind string) error {
	if kind != "dismiss" && kind != "resolve" {
		return nil
	}
	for _, a := range as {
		facts, _ := m.pull(a)
		var asked *guard.Actor
		if a.Release != nil {
			asked = m.actor(a.Release.By)
		}
		if _, err := guard.DecideRelease(kind, m.actor(actor), a, facts, asked); err != nil {
			return err
		}
	}
	return nil
}

package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/repoguard/repoguard/guard"
)

// RecordFindings implements Store: each finding at or above rec.Queue
// becomes an anomaly, or is merged into the anomaly of its key (seen
// again, severity and score rising, triage status kept).
func (m *MemStore) RecordFindings(ctx context.Context, rec guard.FindingRecord) ([]guard.Anomaly, error) {
	if rec.Repo == "" {
		return nil, errors.New("memstore: record findings: repository required")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	var created []guard.Anomaly
	for _, f := range rec.Findings {
		if f.Severity < rec.Queue {
			continue
		}
		commit := f.Commit
		if commit == "" {
			commit = rec.Commit
		}
		key := guard.AnomalyKey(rec.Repo, f.Detector, commit, rec.PullRequest, f.Path, f.Message)
		if an := m.byKey[key]; an != nil {
			an.Seen++
			an.UpdatedAt = now
			an.Severity, an.Score = max(an.Severity, f.Severity), max(an.Score, f.Score)
			an.Commit, an.Line = commit, f.Line
			if len(f.Evidence) > 0 {
				an.Evidence = append([]string(nil), f.Evidence...)
			}
			continue
		}
		an := &guard.Anomaly{ID: int64(len(m.anomalies) + 1), Key: key, Repo: rec.Repo, Detector: f.Detector,
			Commit: commit, PullRequest: rec.PullRequest, Author: rec.Author, AuthorName: rec.AuthorName,
			AuthorEmail: rec.AuthorEmail, Severity: f.Severity, Score: f.Score, Path: f.Path, Line: f.Line,
			Message: f.Message, Evidence: append([]string(nil), f.Evidence...), URL: rec.URL,
			Status: guard.StatusOpen, Seen: 1, CreatedAt: now, UpdatedAt: now}
		m.anomalies = append(m.anomalies, an)
		m.byKey[key] = an
		created = append(created, *an)
	}
	return created, nil
}

// AnomaliesForPR implements Store.
func (m *MemStore) AnomaliesForPR(ctx context.Context, repo string, pr int) ([]guard.Anomaly, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []guard.Anomaly
	for _, an := range m.anomalies {
		if an.Repo == repo && an.PullRequest == pr {
			out = append(out, *an)
		}
	}
	return out, nil
}

// Anomalies returns a copy of every anomaly, in the order recorded.
func (m *MemStore) Anomalies() []guard.Anomaly {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]guard.Anomaly, len(m.anomalies))
	for i, an := range m.anomalies {
		out[i] = *an
	}
	return out
}

// SetStatus triages anomaly id: a security reviewer resolving or
// dismissing a blocking finding releases the check it fails.
func (m *MemStore) SetStatus(id int64, status guard.AnomalyStatus, reason string) error {
	if !status.Valid() {
		return fmt.Errorf("memstore: invalid status %q", status)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if id < 1 || int(id) > len(m.anomalies) {
		return fmt.Errorf("memstore: anomaly %d: %w", id, guard.ErrNotFound)
	}
	an := m.anomalies[id-1]
	an.Status, an.Reason, an.UpdatedAt = status, reason, m.now()
	return nil
}

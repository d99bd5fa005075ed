package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/app"
	"github.com/repoguard/repoguard/guard/notify"
	"github.com/repoguard/repoguard/guard/sqlite"
	"github.com/repoguard/repoguard/guard/web"
)

// appStore adapts the SQLite store to the App's Store: pull request
// evaluations travel as JSON, findings are counted for the metrics and
// announced by the outgoing webhook; the rest is the database's own.
type appStore struct {
	*sqlite.DB
	metrics *serverMetrics
	notify  *notify.Notifier // nil: no outgoing webhook
}

func (s *appStore) PullState(ctx context.Context, repo string, number int) (*app.PullState, error) {
	b, err := s.PullStateJSON(ctx, repo, number)
	if err != nil || b == nil {
		return nil, err
	}
	var st app.PullState
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("decode state of %s#%d: %w", repo, number, err)
	}
	return &st, nil
}

func (s *appStore) SavePullState(ctx context.Context, st *app.PullState) error {
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("encode state of %s#%d: %w", st.Repo, st.Number, err)
	}
	return s.SavePullStateJSON(ctx, st.Repo, st.Number, st.HeadSHA, st.MergeSHA, b)
}

func (s *appStore) RecordFindings(ctx context.Context, rec guard.FindingRecord) ([]guard.Anomaly, error) {
	for _, f := range rec.Findings {
		s.metrics.findings.WithLabelValues(f.Detector, f.Severity.String()).Inc()
	}
	created, err := s.DB.RecordFindings(ctx, rec)
	if err == nil && s.notify != nil && len(created) > 0 {
		s.notify.Notify(ctx, created)
	}
	return created, err
}

// pullViews serves the web UI's pull request pages from the App's saved
// evaluations.
type pullViews struct{ store *appStore }

func (v pullViews) PullRequestView(ctx context.Context, repo string, number int) (*web.PRView, error) {
	st, err := v.store.PullState(ctx, repo, number)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return nil, guard.ErrNotFound
	}
	view := &web.PRView{Repo: st.Repo, Number: st.Number, Title: st.Title, Author: st.Author, HeadSHA: st.HeadSHA,
		Findings: append(append([]guard.Finding(nil), st.Findings...), st.ReviewFindings...)}
	view.Verdict = st.Verdict
	view.UpdatedAt = st.EvaluatedAt
	return view, nil
}

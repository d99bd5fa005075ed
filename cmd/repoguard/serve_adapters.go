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
// evaluations travel as JSON, findings are counted for the metrics.
type appStore struct {
	db      *sqlite.DB
	metrics *serverMetrics
	notify  *notify.Notifier // nil: no outgoing webhook
}

func (s *appStore) PullState(ctx context.Context, repo string, number int) (*app.PullState, error) {
	b, err := s.db.PullStateJSON(ctx, repo, number)
	if err != nil || b == nil {
		return nil, err
	}
	var st app.PullState
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("decode state of %s#%d: %w", repo, number, err)
	}
	return &st, nil
}

// SavePullState stores the evaluation and, when it posts a new verdict
// (another conclusion, or the same on a new head), appends the verdict to
// the audit log.
func (s *appStore) SavePullState(ctx context.Context, st *app.PullState) error {
	prev, err := s.PullState(ctx, st.Repo, st.Number)
	if err != nil {
		return err
	}
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("encode state of %s#%d: %w", st.Repo, st.Number, err)
	}
	if err := s.db.SavePullStateJSON(ctx, st.Repo, st.Number, st.HeadSHA, st.MergeSHA, b); err != nil {
		return err
	}
	if st.Conclusion == "" || (prev != nil && prev.Conclusion == st.Conclusion && prev.HeadSHA == st.HeadSHA) {
		return nil
	}
	_, err = s.db.AppendAudit(ctx, "repoguard", "verdict.posted", fmt.Sprintf("pr/%s#%d", st.Repo, st.Number),
		fmt.Sprintf("%s on %s: %s", st.Conclusion, guard.ShortHash(st.HeadSHA), st.Verdict.Title))
	return err
}

func (s *appStore) PullForCommit(ctx context.Context, repo, sha string) (int, bool, error) {
	return s.db.PullForCommit(ctx, repo, sha)
}

func (s *appStore) PullsWithHead(ctx context.Context, repo, sha string) ([]int, error) {
	return s.db.PullsWithHead(ctx, repo, sha)
}

func (s *appStore) RecordPushes(ctx context.Context, repo, branch string, pushers, commits []string) error {
	return s.db.RecordPushes(ctx, repo, branch, pushers, commits)
}

func (s *appStore) PushesOf(ctx context.Context, repo string, commits []string) ([]guard.Push, error) {
	return s.db.PushesOf(ctx, repo, commits)
}

func (s *appStore) RefHead(ctx context.Context, repo, ref string) (string, error) {
	return s.db.RefHead(ctx, repo, ref)
}

func (s *appStore) SetRefHead(ctx context.Context, repo, ref, sha string) error {
	return s.db.SetRefHead(ctx, repo, ref, sha)
}

func (s *appStore) RecordFindings(ctx context.Context, rec app.FindingRecord) ([]guard.Anomaly, error) {
	for _, f := range rec.Findings {
		s.metrics.findings.WithLabelValues(f.Detector, f.Severity.String()).Inc()
	}
	created, err := s.db.RecordFindings(ctx, sqlite.FindingRecord(rec))
	if err == nil && s.notify != nil && len(created) > 0 {
		s.notify.Notify(ctx, created)
	}
	return created, err
}

func (s *appStore) AnomaliesForPR(ctx context.Context, repo string, pr int) ([]guard.Anomaly, error) {
	return s.db.AnomaliesForPR(ctx, repo, pr)
}

// appProfiles adapts the store's Learner (and its cursors) to the App's
// Profiles. The App serializes its use.
type appProfiles struct {
	*sqlite.Learner
	db *sqlite.DB
}

func (p appProfiles) Commit(ctx context.Context, cursors ...app.Cursor) error {
	cs := make([]sqlite.Cursor, len(cursors))
	for i, c := range cursors {
		cs[i] = sqlite.Cursor(c)
	}
	return p.Learner.Commit(ctx, cs...)
}

func (p appProfiles) Cursor(ctx context.Context, repo, ref string) (app.Cursor, error) {
	c, err := p.db.Cursor(ctx, repo, ref)
	return app.Cursor(c), err
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

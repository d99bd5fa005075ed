package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/repoguard/repoguard/guard"
)

// authorData is the author page.
type authorData struct {
	common
	Key       string
	Repo      string
	Identity  *guard.Identity
	Profile   *profileSummary
	Anomalies []guard.Anomaly
}

// authorAnomalyLimit bounds the past anomalies shown for an author.
const authorAnomalyLimit = 100

// authorPage shows what is normal for an author: hours, zones, areas of
// the code, and their past anomalies. ?repo= narrows the profile to one
// repository.
func (s *server) authorPage(w http.ResponseWriter, r *http.Request) error {
	d, _, err := s.author(r.Context(), r.PathValue("key"), r.URL.Query().Get("repo"))
	if err != nil {
		return err
	}
	d.Title, d.Nav = d.Key, "queue"
	s.render(w, r, http.StatusOK, "author", d)
	return nil
}

// author loads an author's identity, profile and anomalies.
func (s *server) author(ctx context.Context, key, repo string) (*authorData, *guard.Profile, error) {
	if key == "" {
		return nil, nil, notFound("no author")
	}
	d := &authorData{Key: key, Repo: repo}
	id, err := s.store.Identity(ctx, key)
	if err != nil && !errors.Is(err, guard.ErrNotFound) {
		return nil, nil, err
	}
	d.Identity = id
	p, err := s.profile(ctx, repo, key)
	if err != nil {
		return nil, nil, err
	}
	d.Profile = summarize(p, 15)
	if d.Anomalies, err = s.store.AuthorAnomalies(ctx, key, authorAnomalyLimit); err != nil {
		return nil, nil, err
	}
	if d.Identity == nil && p == nil && len(d.Anomalies) == 0 {
		return nil, nil, notFound("nothing is known about author " + key)
	}
	return d, p, nil
}

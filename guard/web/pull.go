package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/repoguard/repoguard/guard"
)

// pullData is the pull request page, the check run's details link.
type pullData struct {
	common
	PR        *PRView
	GitHubURL string
	Anomalies []guard.Anomaly
}

// pullPage shows the verdict on a pull request: the approvals each
// requirement needs and has, the approvals that did not count and why,
// and the findings.
func (s *server) pullPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.pull(r.Context(), r.PathValue("owner"), r.PathValue("repo"), r.PathValue("number"))
	if err != nil {
		return err
	}
	d.Title = fmt.Sprintf("%s#%d", d.PR.Repo, d.PR.Number)
	s.render(w, r, http.StatusOK, "pull", d)
	return nil
}

// pull loads a pull request's view and its anomalies.
func (s *server) pull(ctx context.Context, owner, name, number string) (*pullData, error) {
	n, err := strconv.Atoi(number)
	if err != nil || n <= 0 {
		return nil, notFound("no such pull request number " + strconv.Quote(number))
	}
	if s.cfg.PullRequests == nil {
		return nil, notFound("pull request pages are not available without the GitHub App")
	}
	repo := owner + "/" + name
	pr, err := s.cfg.PullRequests.PullRequestView(ctx, repo, n)
	if err != nil {
		return nil, err
	}
	if pr == nil {
		return nil, notFound(fmt.Sprintf("repoguard has not judged %s#%d", repo, n))
	}
	d := &pullData{PR: pr, GitHubURL: fmt.Sprintf("%s/%s/pull/%d", s.github, escapeRepo(repo), n)}
	if d.Anomalies, err = s.store.AnomaliesForPR(ctx, repo, n); err != nil {
		return nil, err
	}
	return d, nil
}

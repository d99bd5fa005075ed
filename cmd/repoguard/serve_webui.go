package main

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/repoguard/repoguard/configs"
	"github.com/repoguard/repoguard/detectors"
	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/app"
	"github.com/repoguard/repoguard/guard/web"
)

// webUI builds the anomaly queue of cfg for the App a (nil: none): GitHub
// sign-in when the App's OAuth credentials and teams are set, else a
// one-time local sign-in link (local, or a new one), which it returns.
func (s *server) webUI(cfg *configs.Server, a *app.App, local *web.LocalLogin) (http.Handler, *web.LocalLogin, error) {
	docs := map[string]string{}
	for _, d := range detectors.All() {
		docs[d.Name] = d.Doc
	}
	wc := web.Config{Store: s.db, PullRequests: pullViews{store: s.store}, BaseURL: cfg.PublicURL,
		GitHubURL: cfg.GitHubWebURL(), DetectorDocs: docs, Logger: s.log}
	if a != nil {
		wc.OnResolve = func(ctx context.Context, an *guard.Anomaly) {
			if an.PullRequest == 0 {
				return
			}
			if err := a.Reevaluate(ctx, an.Repo, an.PullRequest); err != nil {
				s.log.Error("re-evaluate after triage", slog.String("repo", an.Repo), slog.Int("pull_request", an.PullRequest),
					slog.String("error", err.Error()))
			}
		}
		wc.ResolveSeverity = guard.Info
	}
	gl, err := s.githubSignIn(cfg)
	if err != nil {
		return nil, nil, err
	}
	if gl != nil {
		wc.SignIn = append(wc.SignIn, gl)
		ui, err := web.New(wc)
		return ui, nil, err
	}
	if local == nil {
		local = web.NewLocalLogin()
	}
	wc.SignIn = append(wc.SignIn, local)
	s.warnLoopbackOnly()
	if wc.BaseURL == "" || !isLoopbackURL(wc.BaseURL) {
		wc.BaseURL = "http://" + loopbackAddr(cfg.Listen)
	}
	wc.InsecureCookies = true
	ui, err := web.New(wc)
	if err != nil {
		return nil, nil, err
	}
	return loopbackOnly(ui), local, nil
}

// githubSignIn is the sign-in with GitHub of cfg, nil when its client id
// and secret or its teams are not set.
func (s *server) githubSignIn(cfg *configs.Server) (*web.GitHubLogin, error) {
	clientSecret, err := cfg.ClientSecretValue()
	if err != nil || cfg.GitHub.ClientID == "" || clientSecret == "" {
		return nil, err
	}
	if len(cfg.GitHub.TriageTeams)+len(cfg.GitHub.ReadTeams) == 0 {
		s.log.Warn("GitHub sign-in is off: no team may sign in",
			slog.String("hint", "set REPOGUARD_TRIAGE_TEAMS (and REPOGUARD_READ_TEAMS) to org/team lists"))
		return nil, nil
	}
	return web.NewGitHubLogin(web.GitHubConfig{ClientID: cfg.GitHub.ClientID, ClientSecret: clientSecret,
		AuthorizeURL: cfg.GitHubWebURL() + "/login/oauth/authorize", TokenURL: cfg.GitHubWebURL() + "/login/oauth/access_token",
		APIURL: cfg.GitHub.APIURL, TriageTeams: cfg.GitHub.TriageTeams, ReadTeams: cfg.GitHub.ReadTeams})
}

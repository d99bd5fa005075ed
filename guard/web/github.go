package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// GitHubConfig configures signing in with GitHub (an OAuth App or the
// GitHub App's user authorization). The URLs default to github.com's;
// tests point them at a fake.
type GitHubConfig struct {
	ClientID     string
	ClientSecret string
	// AuthorizeURL defaults to https://github.com/login/oauth/authorize.
	AuthorizeURL string
	// TokenURL defaults to https://github.com/login/oauth/access_token.
	TokenURL string
	// APIURL defaults to https://api.github.com.
	APIURL string
	// TriageTeams and ReadTeams name teams as "org/team-slug": members
	// of a triage team get the triage role, else members of a read team
	// the read role; anyone else is refused.
	TriageTeams []string
	ReadTeams   []string
	// HTTPClient defaults to a client with a 15 second timeout.
	HTTPClient *http.Client
}

// GitHubLogin signs in with GitHub and grants a role by team membership,
// checked once at sign-in with the user's token, which is then dropped.
type GitHubLogin struct{ c GitHubConfig }

// NewGitHubLogin checks cfg and fills in defaults.
func NewGitHubLogin(cfg GitHubConfig) (*GitHubLogin, error) {
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, errors.New("github sign-in: client id and secret are required")
	}
	if len(cfg.TriageTeams)+len(cfg.ReadTeams) == 0 {
		return nil, errors.New("github sign-in: no triage or read teams: nobody could sign in")
	}
	for _, t := range append(append([]string{}, cfg.TriageTeams...), cfg.ReadTeams...) {
		if org, slug, ok := strings.Cut(t, "/"); !ok || org == "" || slug == "" || strings.Contains(slug, "/") {
			return nil, fmt.Errorf("github sign-in: team %q is not org/team-slug", t)
		}
	}
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
		*s = strings.TrimRight(*s, "/")
	}
	def(&cfg.AuthorizeURL, "https://github.com/login/oauth/authorize")
	def(&cfg.TokenURL, "https://github.com/login/oauth/access_token")
	def(&cfg.APIURL, "https://api.github.com")
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	return &GitHubLogin{c: cfg}, nil
}

// Name implements SignIn.
func (g *GitHubLogin) Name() string { return "github" }

// Label implements SignIn.
func (g *GitHubLogin) Label() string { return "Sign in with GitHub" }

// Begin implements SignIn: it redirects to GitHub's authorization page
// with a random state and a PKCE challenge.
func (g *GitHubLogin) Begin(_ context.Context, _ *http.Request, callback string) (*User, string, string, error) {
	state, verifier := rand.Text(), rand.Text()+rand.Text()
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{
		"client_id": {g.c.ClientID}, "redirect_uri": {callback}, "scope": {"read:org"},
		"state": {state}, "allow_signup": {"false"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
	}
	return nil, g.c.AuthorizeURL + "?" + q.Encode(), state + ":" + verifier, nil
}

// Callback implements SignIn: it checks the state, exchanges the code
// for a user token, reads the user and decides the role by team.
func (g *GitHubLogin) Callback(ctx context.Context, r *http.Request, callback, kept string) (*User, error) {
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		return nil, forbidden("GitHub refused the sign-in: " + e)
	}
	state, verifier, _ := strings.Cut(kept, ":")
	if state == "" || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1 {
		return nil, invalid("sign-in state does not match; try again")
	}
	if q.Get("code") == "" {
		return nil, invalid("GitHub sent no code")
	}
	token, err := g.exchange(ctx, q.Get("code"), callback, verifier)
	if err != nil {
		return nil, err
	}
	var user struct {
		Login string `json:"login"`
	}
	if _, err := g.get(ctx, token, "/user", &user); err != nil {
		return nil, fmt.Errorf("github user: %w", err)
	}
	if user.Login == "" {
		return nil, errors.New("github user: no login")
	}
	for _, role := range []struct {
		name  string
		teams []string
	}{{guard.RoleTriage, g.c.TriageTeams}, {guard.RoleRead, g.c.ReadTeams}} {
		for _, team := range role.teams {
			ok, err := g.member(ctx, token, team, user.Login)
			if err != nil {
				return nil, err
			}
			if ok {
				return &User{Login: user.Login, Role: role.name}, nil
			}
		}
	}
	return nil, forbidden(user.Login + " is not a member of a team allowed to use repoguard")
}

// exchange trades the authorization code for a user access token.
func (g *GitHubLogin) exchange(ctx context.Context, code, callback, verifier string) (string, error) {
	form := url.Values{"client_id": {g.c.ClientID}, "client_secret": {g.c.ClientSecret},
		"code": {code}, "redirect_uri": {callback}, "code_verifier": {verifier}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.c.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("github token: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := g.c.HTTPClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("github token: %w", err)
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("github token: status %d: %v", resp.StatusCode, err)
	}
	if out.Error != "" || out.AccessToken == "" {
		return "", forbidden("GitHub did not grant a token: " + out.Error + " " + out.Description)
	}
	return out.AccessToken, nil
}

// member reports whether login is an active member of "org/slug".
func (g *GitHubLogin) member(ctx context.Context, token, team, login string) (bool, error) {
	org, slug, _ := strings.Cut(team, "/")
	var m struct {
		State string `json:"state"`
	}
	path := "/orgs/" + url.PathEscape(org) + "/teams/" + url.PathEscape(slug) + "/memberships/" + url.PathEscape(login)
	status, err := g.get(ctx, token, path, &m)
	if status == http.StatusNotFound {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("github team %s: %w", team, err)
	}
	return m.State == "active", nil
}

// get calls the REST API with the user's token and decodes a 200 answer.
func (g *GitHubLogin) get(ctx context.Context, token, path string, v any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, g.c.APIURL+path, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	resp, err := g.c.HTTPClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, fmt.Errorf("GET %s: status %d", path, resp.StatusCode)
	}
	return resp.StatusCode, json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(v)
}

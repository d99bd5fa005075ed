package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/repoguard/repoguard/configs"
	"github.com/repoguard/repoguard/guard/app"
	ghapp "github.com/repoguard/repoguard/guard/github"
	"github.com/repoguard/repoguard/guard/web"
)

// The setup page of a server started without an App: GitHub's manifest
// flow registers the App (web.Setup), the code it sends back is
// exchanged here for the App's credentials (ghapp.ConvertManifest),
// which are stored in the data directory (configs.SaveApp, read again at
// every start) before the server becomes the App (becomeApp).

// maxAppName is the longest name GitHub gives an App.
const maxAppName = 34

// newSetup makes the setup page.
func (s *server) newSetup() error {
	setup, err := web.NewSetup(web.SetupConfig{PublicURL: s.cfg.PublicURL, GitHubURL: s.cfg.GitHubWebURL(),
		Manifest: s.manifest, Register: s.registerApp, Registered: s.registered, Logger: s.log})
	if err != nil {
		return err
	}
	s.setup = setup
	return nil
}

// manifest is the App's manifest for the setup page: named after the
// organization that will own it, which GitHub lets the admin change.
func (s *server) manifest(org string) ([]byte, error) {
	name := "repoguard"
	if org != "" {
		name = strings.ToLower(name + "-" + org)[:min(maxAppName, len(name)+1+len(org))]
	}
	m, err := configs.NewAppManifest(name, s.cfg.PublicURL, app.Events().Names())
	if err != nil {
		return nil, err
	}
	return m.JSON()
}

// registerApp exchanges the code GitHub sent back for the App it
// registered, stores its credentials and serves as the App. It refuses
// when the server has an App already, before the code reaches GitHub.
func (s *server) registerApp(ctx context.Context, code string) (*web.RegisteredApp, error) {
	if s.registered() != nil {
		return nil, web.ErrRegistered
	}
	reg, err := ghapp.ConvertManifest(ctx, nil, s.cfg.GitHub.APIURL, code)
	if err != nil {
		return nil, err
	}
	stored := configs.StoredApp{ID: reg.ID, Slug: reg.Slug, Name: reg.Name, Owner: reg.Owner, ClientID: reg.ClientID}
	secrets := configs.AppSecrets{PrivateKeyPEM: reg.PrivateKeyPEM, WebhookSecret: reg.WebhookSecret, ClientSecret: reg.ClientSecret}
	if err := configs.SaveApp(s.cfg.DataDir, stored, secrets); err != nil {
		return nil, fmt.Errorf("GitHub registered the App %s, but %w: delete it in its settings on GitHub and register again", reg.Slug, err)
	}
	next := *s.cfg
	if err := next.UseStoredApp(); err != nil {
		return nil, err
	}
	info := &web.RegisteredApp{Name: reg.Name, Slug: reg.Slug, Owner: reg.Owner, InstallURL: s.installURL(reg)}
	if err := s.becomeApp(&next, info); err != nil {
		return nil, fmt.Errorf("the App %s is stored in %s; restart repoguard serve to serve as it (%w)", reg.Slug, next.GitHub.StoredApp, err)
	}
	s.log.Info("serving as the GitHub App registered by the setup page", slog.Any("app", reg),
		slog.String("stored", next.GitHub.StoredApp))
	return info, nil
}

// installURL is the App's installation page: under its page on GitHub
// when that is on the configured GitHub, else made from its slug.
func (s *server) installURL(reg *ghapp.Registration) string {
	base := s.cfg.GitHubWebURL()
	if strings.HasPrefix(reg.HTMLURL, base+"/") {
		return strings.TrimSuffix(reg.HTMLURL, "/") + "/installations/new"
	}
	return base + "/apps/" + reg.Slug + "/installations/new"
}

// registered is the App the setup page registered, nil while none.
func (s *server) registered() *web.RegisteredApp {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.app == nil {
		return nil
	}
	return s.appInfo
}

// printLinks prints the one-time links of the server on out (standard
// output, never the log: whoever holds one is let in): the queue's
// sign-in without GitHub sign-in, and the setup page without an App.
func (s *server) printLinks(out io.Writer, addr string) {
	local := "http://" + loopbackAddr(addr)
	if s.local != nil {
		fmt.Fprintf(out, "repoguard: sign in at %s\n", s.local.Link(local))
	}
	if s.setup != nil {
		base := s.cfg.PublicURL
		if base == "" {
			base = local
		}
		fmt.Fprintf(out, "repoguard: register the GitHub App at %s (the link works once, for an hour)\n", s.setup.Link(base))
	}
}

package configs

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// AppManifest is a GitHub App manifest: what `repoguard app manifest`
// prints for the manifest flow that registers the App.
type AppManifest struct {
	Name               string            `json:"name"`
	URL                string            `json:"url"`
	Description        string            `json:"description"`
	HookAttributes     map[string]any    `json:"hook_attributes"`
	RedirectURL        string            `json:"redirect_url,omitempty"`
	SetupURL           string            `json:"setup_url,omitempty"`
	CallbackURLs       []string          `json:"callback_urls,omitempty"`
	Public             bool              `json:"public"`
	DefaultPermissions map[string]string `json:"default_permissions"`
	DefaultEvents      []string          `json:"default_events"`
}

// unsubscribed are the events GitHub delivers to every App without a
// subscription; it rejects a manifest that lists them.
var unsubscribed = map[string]bool{"installation": true, "installation_repositories": true}

// ManifestPermissions are the least the App needs: read code and pull
// requests, write check runs, read team membership.
var ManifestPermissions = map[string]string{
	"contents":      "read",
	"pull_requests": "read",
	"checks":        "write",
	"metadata":      "read",
	"members":       "read",
}

// The server's paths that the manifest names.
const (
	// SetupCallbackPath is the manifest's redirect_url: GitHub sends the
	// browser back there with the code of the registered App.
	SetupCallbackPath = "/setup/callback"
	// SetupInstalledPath is the manifest's setup_url: GitHub sends the
	// browser there after the App was installed.
	SetupInstalledPath = "/setup/installed"
	// SignInCallbackPath is where GitHub sends a user back after signing
	// in to the anomaly queue with the App (the manifest's callback_urls).
	SignInCallbackPath = "/login/github/callback"
)

// NewAppManifest returns the manifest for a server reachable at publicURL
// (see CheckPublicURL; its webhook is publicURL/webhook) that handles
// events (app.Events): it subscribes to those that need a subscription,
// in order.
func NewAppManifest(name, publicURL string, events []string) (*AppManifest, error) {
	if err := CheckPublicURL(publicURL); err != nil {
		return nil, fmt.Errorf("public URL %w", err)
	}
	base := strings.TrimSuffix(publicURL, "/")
	perms := make(map[string]string, len(ManifestPermissions))
	for k, v := range ManifestPermissions {
		perms[k] = v
	}
	return &AppManifest{
		Name:        name,
		URL:         base,
		Description: "Second-reviewer guard for sensitive changes: blocks merges of deploy, contract, key, CI and build changes until an independent reviewer approves, and flags changes that do not fit their author.",
		HookAttributes: map[string]any{
			"url":    base + "/webhook",
			"active": true,
		},
		RedirectURL:        base + SetupCallbackPath,
		SetupURL:           base + SetupInstalledPath,
		CallbackURLs:       []string{base + SignInCallbackPath},
		Public:             false,
		DefaultPermissions: perms,
		DefaultEvents:      subscriptions(events),
	}, nil
}

// subscriptions returns the events that need a subscription, sorted.
func subscriptions(events []string) []string {
	out := []string{}
	for _, e := range events {
		if !unsubscribed[e] && !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	slices.Sort(out)
	return out
}

// JSON renders the manifest indented.
func (m *AppManifest) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

package configs

import (
	"encoding/json"
	"fmt"
	"net/url"
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

// NewAppManifest returns the manifest for a server reachable at publicURL
// (its webhook is publicURL/webhook) that handles events (app.Events):
// it subscribes to those that need a subscription, in order.
func NewAppManifest(name, publicURL string, events []string) (*AppManifest, error) {
	u, err := url.Parse(publicURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("public URL %q: want an absolute https URL", publicURL)
	}
	base := strings.TrimSuffix(u.String(), "/")
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
		CallbackURLs:       []string{base + "/auth/callback"},
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

package configs

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
)

func TestAppManifest(t *testing.T) {
	m, err := NewAppManifest("repoguard", "https://rg.example.com/",
		[]string{"push", "installation", "pull_request", "installation_repositories", "check_suite", "push"})
	if err != nil {
		t.Fatal(err)
	}
	// GitHub rejects a manifest that subscribes to the installation
	// events: they reach every App.
	if want := []string{"check_suite", "pull_request", "push"}; !slices.Equal(m.DefaultEvents, want) {
		t.Errorf("events %v, want %v", m.DefaultEvents, want)
	}
	b, _ := m.JSON()
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	hook := got["hook_attributes"].(map[string]any)
	if hook["url"] != "https://rg.example.com/webhook" {
		t.Errorf("hook url %v", hook["url"])
	}
	// GitHub sends the code back to the setup page, the admin there after
	// installing, and a signing-in user to the sign-in's callback.
	for k, want := range map[string]any{
		"redirect_url":  "https://rg.example.com/setup/callback",
		"setup_url":     "https://rg.example.com/setup/installed",
		"callback_urls": []any{"https://rg.example.com/login/github/callback"},
	} {
		if !reflect.DeepEqual(got[k], want) {
			t.Errorf("%s %v, want %v", k, got[k], want)
		}
	}
	perms := got["default_permissions"].(map[string]any)
	for k, v := range map[string]string{"contents": "read", "pull_requests": "read", "checks": "write", "metadata": "read", "members": "read"} {
		if perms[k] != v {
			t.Errorf("permission %s = %v, want %s", k, perms[k], v)
		}
	}
	if len(perms) != 5 {
		t.Errorf("manifest asks for more than it needs: %v", perms)
	}
	if _, err := NewAppManifest("x", "not a url", nil); err == nil {
		t.Error("bad URL accepted")
	}
}

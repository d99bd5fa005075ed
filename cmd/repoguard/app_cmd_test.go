package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// TestAppManifestEvents: the manifest subscribes to the events the App
// handles that need a subscription: check_suite (its "Re-run all checks"
// sends rerequested), not the installation events, which reach every
// App and which GitHub refuses in a manifest.
func TestAppManifestEvents(t *testing.T) {
	code, out, stderr := runCmd(t, "app", "manifest", "--url", "https://rg.example.com")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var m struct {
		Events []string `json:"default_events"`
	}
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	want := []string{"check_run", "check_suite", "merge_group", "pull_request", "pull_request_review", "push"}
	if !slices.Equal(m.Events, want) {
		t.Errorf("default_events %v, want %v", m.Events, want)
	}
}

// TestAppManifestURL: the manifest's URL is https, or http on this
// machine, and the error says so.
func TestAppManifestURL(t *testing.T) {
	for url, ok := range map[string]bool{
		"https://rg.example.com": true, "http://127.0.0.1:8080": true, "http://rg.example.com": false, "rg.example.com": false,
	} {
		code, _, stderr := runCmd(t, "app", "manifest", "--url", url)
		if ok && code != exitOK {
			t.Errorf("%s: exit %d %s", url, code, stderr)
		}
		if !ok && (code != exitError || !strings.Contains(stderr, "https") || strings.Count(stderr, "\n") != 1) {
			t.Errorf("%s: exit %d %q, want 2 and one line wanting https", url, code, stderr)
		}
	}
}

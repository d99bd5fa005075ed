package main

import (
	"encoding/json"
	"slices"
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

package webhookstest_test

import (
	"encoding/json"
	"io/fs"
	"path"
	"testing"

	"github.com/repoguard/repoguard/webhooks/webhookstest"
)

// TestPayloads: every event folder holds examples, each a JSON object,
// and Payload reads one by event and name.
func TestPayloads(t *testing.T) {
	payloads := webhookstest.Payloads()
	events := 0
	err := fs.WalkDir(payloads, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".json" {
			return err
		}
		if path.Dir(p) == "." {
			t.Errorf("%s is not in an event folder", p)
		}
		b, err := fs.ReadFile(payloads, p)
		var v map[string]any
		if err != nil || json.Unmarshal(b, &v) != nil {
			t.Errorf("%s: not a JSON object (%v)", p, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	dirs, _ := fs.ReadDir(payloads, ".")
	for _, d := range dirs {
		if d.IsDir() {
			events++
			if files, _ := fs.Glob(payloads, d.Name()+"/*.json"); len(files) == 0 {
				t.Errorf("no examples of %s", d.Name())
			}
		}
	}
	if events != 12 {
		t.Errorf("%d event folders, want 12", events)
	}
	var ping struct{ Zen string }
	if err := json.Unmarshal(webhookstest.Payload(t, "ping", "payload.json"), &ping); err != nil || ping.Zen == "" {
		t.Errorf("ping/payload.json: zen %q, %v", ping.Zen, err)
	}
}

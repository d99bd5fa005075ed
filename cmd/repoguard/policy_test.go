package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/configs"
	"github.com/repoguard/repoguard/detectors"
)

func TestPolicyCheck(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yml")
	bad := filepath.Join(dir, "bad.yml")
	os.WriteFile(good, []byte("categories:\n  - name: contracts\n    approvals: 3\n"), 0o644)
	os.WriteFile(bad, []byte("thresholds:\n  review: 40\n  blok: high\n"), 0o644)

	code, out, _ := runCmd(t, "policy", "check", good)
	if code != exitOK || !strings.Contains(out, "good.yml: ok") {
		t.Errorf("good: code %d, out %q", code, out)
	}
	code, out, _ = runCmd(t, "policy", "check", good, bad)
	if code != exitFindings || !strings.Contains(out, "bad.yml:3:3:") || !strings.Contains(out, `"blok"`) {
		t.Errorf("bad: code %d, out %q", code, out)
	}
	code, _, stderr := runCmd(t, "policy", "check", filepath.Join(dir, "missing.yml"))
	if code != exitError || !strings.Contains(stderr, "missing.yml") {
		t.Errorf("missing: code %d, stderr %q", code, stderr)
	}
}

func TestPolicyShowRoundTrip(t *testing.T) {
	code, out, stderr := runCmd(t, "policy", "show")
	if code != exitOK {
		t.Fatalf("code %d: %s", code, stderr)
	}
	for _, cat := range []string{"contracts", "keys", "deploy", "ci", "build", "dependencies", "access"} {
		if !strings.Contains(out, "name: "+cat) {
			t.Errorf("policy show lacks category %s", cat)
		}
	}
	p, err := configs.ParsePolicy("shown.yml", []byte(out), detectors.All())
	if err != nil {
		t.Fatalf("shown policy does not parse back: %v", err)
	}
	if len(p.Categories) != len(configs.DefaultPolicy().Categories) {
		t.Errorf("round trip has %d categories", len(p.Categories))
	}

	r := newTestRepo(t)
	r.commit("policy", ".github/repoguard.yml", "categories:\n  - name: contracts\n    approvals: 3\n")
	code, out, _ = runCmd(t, "policy", "show", r.dir)
	if code != exitOK || !strings.Contains(out, ".github/repoguard.yml@HEAD") || !strings.Contains(out, "approvals: 3") {
		t.Errorf("show repo: code %d\n%s", code, out)
	}
}

// TestPolicyShowExplainsTheModel: policy show explains how findings reach
// the queue, and, for a repository the database knows, its threshold and
// base rates now; it creates no database of its own.
func TestPolicyShowExplainsTheModel(t *testing.T) {
	r := newTestRepo(t)
	for i := range 30 {
		r.commit(fmt.Sprintf("change %d", i), "src/main.go", fmt.Sprintf("package main\n\nvar x = %d\n", i))
	}
	db := filepath.Join(t.TempDir(), "rg.db")
	code, out, stderr := runCmd(t, "policy", "show", "--db", db, r.dir)
	if code != exitOK || !strings.Contains(out, "# How a commit reaches the anomaly queue (thresholds.budget 0.005") ||
		strings.Contains(out, "commits learned") {
		t.Fatalf("before a scan: code %d %s\n%s", code, stderr, out)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("policy show created the database: %v", err)
	}
	if code, _, stderr := runCmd(t, "scan", "--db", db, "--fail-on", "none", r.dir); code != exitOK {
		t.Fatalf("scan: %d %s", code, stderr)
	}
	_, out, _ = runCmd(t, "policy", "show", "--db", db, r.dir)
	if !strings.Contains(out, "now: 30 commits learned, 0 brought to the queue by behaviour; queue threshold 7.6 bits") {
		t.Errorf("after a scan:\n%s", out)
	}
	if _, err := configs.ParsePolicy("shown.yml", []byte(out), detectors.All()); err != nil {
		t.Errorf("the explained policy does not parse back: %v", err)
	}
}

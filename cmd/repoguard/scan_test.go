package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pemKey returns a freshly generated PEM private key, so that no key is
// committed to this repository.
func pemKey(t *testing.T) string {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}))
}

// repoWithKey builds a repository whose second commit adds a private key.
func repoWithKey(t *testing.T) (*testRepo, string) {
	r := newTestRepo(t)
	r.commit("initial", "src/main.go", "package main\n\nfunc main() {}\n", "README.md", "# demo\n")
	key := pemKey(t)
	r.commit("add deploy key", "deploy/keys/prod.pem", key)
	return r, key
}

func TestScanClean(t *testing.T) {
	r := newTestRepo(t)
	r.commit("initial", "src/main.go", "package main\n\nfunc main() {}\n")
	r.commit("docs", "README.md", "# demo\n\nHow to build.\n")
	code, out, stderr := runCmd(t, "scan", r.dir)
	if code != exitOK {
		t.Fatalf("code %d, stderr %s", code, stderr)
	}
	if !strings.Contains(out, "Scanned 2 commits") || !strings.Contains(out, "No findings.") {
		t.Errorf("output:\n%s", out)
	}
}

func TestScanKeyMaterialText(t *testing.T) {
	r, key := repoWithKey(t)
	code, out, stderr := runCmd(t, "scan", r.dir)
	if code != exitFindings {
		t.Fatalf("code %d, want %d; stderr %s", code, exitFindings, stderr)
	}
	for _, want := range []string{"add deploy key", "CRITICAL", "key-material", "deploy/keys/prod.pem:1", "alice@example.com", "+0200"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	assertNoSecret(t, out, key)

	code, _, _ = runCmd(t, "scan", r.dir, "--fail-on", "none")
	if code != exitOK {
		t.Errorf("--fail-on none: code %d", code)
	}
}

// scanJSON is what the tests read of a scan's JSON report.
type scanJSON struct {
	Commits int `json:"commits_scanned"`
	Results []struct {
		Hash     string `json:"hash"`
		Findings []struct {
			Detector string `json:"detector"`
			Severity string `json:"severity"`
			Path     string `json:"path"`
			Line     int    `json:"line"`
		} `json:"findings"`
	} `json:"results"`
}

// parseScanJSON decodes the JSON report of a scan.
func parseScanJSON(t *testing.T, out string) scanJSON {
	t.Helper()
	var rep scanJSON
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, out)
	}
	return rep
}

// assertNoSecret fails when any line of the key body appears in out.
func assertNoSecret(t *testing.T, out, key string) {
	t.Helper()
	for _, l := range strings.Split(key, "\n") {
		if len(l) > 20 && !strings.HasPrefix(l, "-----") && strings.Contains(out, l) {
			t.Fatalf("output contains the secret line %q", l)
		}
	}
}

func TestScanJSON(t *testing.T) {
	r, key := repoWithKey(t)
	code, out, stderr := runCmd(t, "scan", "--format", "json", r.dir)
	if code != exitFindings {
		t.Fatalf("code %d; stderr %s", code, stderr)
	}
	assertNoSecret(t, out, key)
	rep := parseScanJSON(t, out)
	if rep.Commits != 2 || len(rep.Results) == 0 {
		t.Fatalf("report: %+v", rep)
	}
	found := false
	for _, f := range rep.Results[0].Findings {
		if f.Detector == "key-material" && f.Severity == "critical" && f.Path == "deploy/keys/prod.pem" && f.Line == 1 {
			found = true
		}
	}
	if !found {
		t.Errorf("no critical key-material finding at deploy/keys/prod.pem:1 in %+v", rep.Results)
	}
}

func TestScanSARIF(t *testing.T) {
	r, _ := repoWithKey(t)
	code, out, stderr := runCmd(t, "scan", r.dir, "--format", "sarif")
	if code != exitFindings {
		t.Fatalf("code %d; stderr %s", code, stderr)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID string `json:"id"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatalf("bad SARIF: %v", err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || log.Runs[0].Tool.Driver.Name != "repoguard" {
		t.Fatalf("SARIF header: %+v", log)
	}
	run := log.Runs[0]
	var hit bool
	for _, res := range run.Results {
		if run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("result %s points at rule %d (%s)", res.RuleID, res.RuleIndex, run.Tool.Driver.Rules[res.RuleIndex].ID)
		}
		if len(res.Locations) == 0 || res.PartialFingerprints["repoguard/v1"] == "" {
			t.Errorf("result %s lacks a location or fingerprint", res.RuleID)
		}
		if res.RuleID == "key-material/critical" && res.Level == "error" &&
			res.Locations[0].PhysicalLocation.ArtifactLocation.URI == "deploy/keys/prod.pem" &&
			res.Locations[0].PhysicalLocation.Region.StartLine == 1 {
			hit = true
		}
	}
	if !hit {
		t.Errorf("no key-material error result in %s", out)
	}
}

func TestScanRangeAndSince(t *testing.T) {
	r, _ := repoWithKey(t)
	first := r.git("rev-list", "--max-parents=0", "HEAD")
	code, out, _ := runCmd(t, "scan", r.dir, "--range", first+"..HEAD")
	if code != exitFindings || !strings.Contains(out, "Scanned 1 commit ") {
		t.Errorf("range: code %d\n%s", code, out)
	}
	code, out, _ = runCmd(t, "scan", r.dir, "--range", "HEAD~1")
	if code != exitOK || !strings.Contains(out, "Scanned 1 commit ") {
		t.Errorf("single ref: code %d\n%s", code, out)
	}
	code, out, _ = runCmd(t, "scan", r.dir, "--since", "2030-01-01")
	if code != exitOK || !strings.Contains(out, "Scanned 0 commits") {
		t.Errorf("since: code %d\n%s", code, out)
	}
}

// TestScanPolicyFromRepository checks that the repository's own policy at
// the scanned tip is used: disabling key-material there silences it.
func TestScanPolicyFromRepository(t *testing.T) {
	r, _ := repoWithKey(t)
	r.commit("policy", ".github/repoguard.yml", "detectors:\n  key-material:\n    disabled: true\n")
	code, out, _ := runCmd(t, "scan", r.dir, "--min-severity", "critical")
	if code != exitOK || strings.Contains(out, "key-material") || !strings.Contains(out, ".github/repoguard.yml@HEAD") {
		t.Errorf("code %d\n%s", code, out)
	}
}

func TestScanBadInput(t *testing.T) {
	r, _ := repoWithKey(t)
	notRepo := t.TempDir()
	empty := newTestRepo(t)
	badPolicy := filepath.Join(t.TempDir(), "policy.yml")
	if err := os.WriteFile(badPolicy, []byte("categories:\n  - name: contracts\n    aprovals: 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	corrupt := corruptRepo(t)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"not a repository", []string{"scan", notRepo}, "not a git repository"},
		{"missing path", []string{"scan", filepath.Join(notRepo, "nope")}, "nope"},
		{"missing ref", []string{"scan", r.dir, "--range", "nosuchbranch"}, `"nosuchbranch"`},
		{"missing ref in range", []string{"scan", r.dir, "--range", "HEAD..nosuch"}, `"nosuch"`},
		{"invalid range", []string{"scan", r.dir, "--range", "a..b..c"}, "a..b..c"},
		{"empty repository", []string{"scan", empty.dir}, "no commits"},
		{"corrupt object", []string{"scan", corrupt}, "corrupt"},
		{"invalid policy", []string{"scan", r.dir, "--policy", badPolicy}, "policy.yml:3:5"},
		{"unreadable policy", []string{"scan", r.dir, "--policy", badPolicy + ".missing"}, "policy.yml.missing"},
		{"bad format", []string{"scan", r.dir, "--format", "xml"}, `--format "xml"`},
		{"bad since", []string{"scan", r.dir, "--since", "yesterday"}, `--since "yesterday"`},
		{"bad fail-on", []string{"scan", r.dir, "--fail-on", "urgent"}, `--fail-on`},
		{"two paths", []string{"scan", r.dir, r.dir}, "one repository path"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runCmd(t, tc.args...)
			if code != exitError {
				t.Errorf("code %d, want %d; stdout %q", code, exitError, out)
			}
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "repoguard: ") || !strings.Contains(lines[0], tc.want) {
				t.Errorf("stderr should be one line naming %q, got:\n%s", tc.want, stderr)
			}
			if strings.Contains(stderr, "goroutine") || strings.Contains(stderr, "panic") {
				t.Errorf("stack trace leaked: %s", stderr)
			}
		})
	}
}

// corruptRepo returns a repository whose blob object has been damaged.
func corruptRepo(t *testing.T) string {
	r := newTestRepo(t)
	r.commit("initial", "src/main.go", "package main\n\nfunc main() {}\n")
	blob := r.git("rev-parse", "HEAD:src/main.go")
	p := filepath.Join(r.dir, ".git", "objects", blob[:2], blob[2:])
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("this is not zlib data at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	return r.dir
}

// TestScanTextEscapesControlCharacters keeps a commit message from
// driving the terminal: escape sequences are shown, not obeyed.
func TestScanTextEscapesControlCharacters(t *testing.T) {
	r := newTestRepo(t)
	r.commit("evil \x1b[2J\x1b[31mclean\u202e subject", ".github/workflows/ci.yml", "on: push\n")
	code, out, _ := runCmd(t, "scan", r.dir, "--fail-on", "none")
	if code != exitOK {
		t.Fatalf("code %d", code)
	}
	if strings.ContainsAny(out, "\x1b\u202e") {
		t.Errorf("output carries raw control characters:\n%q", out)
	}
	if !strings.Contains(out, `\u001b[2J`) {
		t.Errorf("escape not shown escaped:\n%s", out)
	}
}

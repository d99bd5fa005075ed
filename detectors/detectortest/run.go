package detectortest

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/configs"
	"github.com/repoguard/repoguard/guard"
)

var update = flag.Bool("update", false, "rewrite the want sections of detector testdata")

// Run runs the detector over each case in dir/*.txtar (see the package
// documentation for their format) and compares its findings with the
// case's want section; with -update it rewrites the want sections
// instead. Each case is judged under the built-in policy, or the case's
// own, with d the only detector. A folder without cases, or without at
// least one case that expects a finding and one that expects none, fails
// the test.
func Run(t *testing.T, dir string, d *guard.Detector) {
	t.Helper()
	cases, _ := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if len(cases) == 0 {
		t.Fatalf("detector %s has no testdata: add %s/*.txtar", d.Name, dir)
	}
	var positive, negative int
	for _, file := range cases {
		got, want := runCase(t, d, file)
		if *update {
			want, got = got, want
			if got != want {
				rewriteWant(t, file, want)
			}
			got = want
		}
		if want == "" {
			negative++
		} else {
			positive++
		}
		if got != want {
			t.Errorf("%s:\n--- got\n%s--- want\n%s", file, got, want)
		}
	}
	if positive == 0 || negative == 0 {
		t.Errorf("detector %s needs at least one true-positive and one false-positive case (has %d and %d)", d.Name, positive, negative)
	}
}

// runCase judges one case and renders its findings as the want section
// writes them.
func runCase(t *testing.T, d *guard.Detector, file string) (got, want string) {
	t.Helper()
	tc, err := parseCase(file)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	pol := configs.DefaultPolicy()
	if tc.policy != nil {
		if pol, err = configs.ParsePolicy(file+"#policy.yml", tc.policy, []*guard.Detector{d}); err != nil {
			t.Fatalf("%v", err)
		}
	}
	cls, err := configs.NewClassifier(pol)
	if err != nil {
		t.Fatalf("%s: classifier: %v", file, err)
	}
	eng := guard.Engine{Detectors: []*guard.Detector{d}, Policy: pol, Classifier: cls}
	subj := guard.Subject{Commit: &tc.commit}
	if tc.history != nil {
		if subj.Baseline, err = buildBaseline(tc, cls); err != nil {
			t.Fatalf("%s: history: %v", file, err)
		}
	}
	findings, err := eng.Judge(subj)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	var b strings.Builder
	for _, f := range findings {
		fmt.Fprintf(&b, "%s %s %s: %s\n", f.Severity, f.Detector, f.Location(), f.Message)
		for _, e := range f.Evidence {
			fmt.Fprintf(&b, "\t%s\n", e)
		}
	}
	return b.String(), tc.want
}

// rewriteWant replaces the want section of a case file with got.
func rewriteWant(t *testing.T, file, got string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if i := bytes.Index(data, []byte("\n-- want --\n")); i >= 0 {
		data = data[:i+1]
	} else if bytes.HasPrefix(data, []byte("-- want --\n")) {
		data = nil
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		data = append(data, '\n')
	}
	data = append(data, "-- want --\n"+got...)
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

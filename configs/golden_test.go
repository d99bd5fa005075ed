package configs

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestInvalidPolicies parses each testdata/invalid/*.yml and compares the
// error with the .golden file next to it.
func TestInvalidPolicies(t *testing.T) {
	files, _ := filepath.Glob("testdata/invalid/*.yml")
	if len(files) == 0 {
		t.Fatal("no testdata/invalid/*.yml")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			_, err = ParsePolicy(filepath.Base(file), data, fakeDetectors())
			if err == nil {
				t.Fatal("ParsePolicy succeeded, want errors")
			}
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("error is %T, want Errors", err)
			}
			checkPositions(t, err.Error())
			golden(t, strings.TrimSuffix(file, ".yml")+".golden", err.Error()+"\n")
		})
	}
}

// TestValidPolicies parses each testdata/valid/*.yml and the example file,
// and checks that the effective policy survives MarshalPolicy and that
// detectors read its settings typed.
func TestValidPolicies(t *testing.T) {
	files, _ := filepath.Glob("testdata/valid/*.yml")
	files = append(files, "examples/repoguard.yml", "default-policy.yml")
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			p, err := LoadPolicy(file, fakeDetectors())
			if err != nil {
				t.Fatalf("LoadPolicy:\n%v", err)
			}
			if _, err := NewClassifier(p); err != nil {
				t.Fatal(err)
			}
			roundTrip(t, p, fakeDetectors())
			checkTypedSettings(t, p, fakeDetectors())
		})
	}
}

// checkPositions fails unless every line starts with file:line:column.
func checkPositions(t testing.TB, msg string) {
	t.Helper()
	for _, line := range strings.Split(msg, "\n") {
		if !positionRE.MatchString(line) {
			t.Errorf("error line without file:line:column: %q", line)
		}
	}
}

var positionRE = regexp.MustCompile(`^[^\n]+:[1-9][0-9]*:[1-9][0-9]*: \S`)

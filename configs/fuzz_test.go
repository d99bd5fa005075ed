package configs

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/bmatcuk/doublestar/v4"
)

// FuzzParsePolicy checks that no input makes ParsePolicy panic, that every
// error line is located (file:line:column within the input), and that a
// policy it accepts compiles into a classifier, survives MarshalPolicy and
// gives detectors the settings it holds, typed.
// The seed corpus is in testdata/fuzz/FuzzParsePolicy.
func FuzzParsePolicy(f *testing.F) {
	f.Add([]byte("categories:\n  - name: keys\n    approvals: 3\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePolicy("fuzz.yml", data, fakeDetectors())
		if err != nil {
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("error %T is not Errors: %v", err, err)
			}
			// YAML breaks lines at \n, \r, NEL, LS and PS.
			lines := 1 + bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r")) +
				bytes.Count(data, []byte("\u0085")) + bytes.Count(data, []byte("\u2028")) + bytes.Count(data, []byte("\u2029"))
			for _, e := range es {
				if e.File != "fuzz.yml" || e.Line < 1 || e.Line > lines || e.Column < 1 {
					t.Errorf("bad position %s:%d:%d for %q", e.File, e.Line, e.Column, e.Msg)
				}
				if strings.Contains(e.Msg, "\n") {
					t.Errorf("message spans lines: %q", e.Msg)
				}
			}
			checkPositions(t, err.Error())
			return
		}
		if _, err := NewClassifier(p); err != nil {
			t.Fatalf("accepted policy does not compile: %v", err)
		}
		roundTrip(t, p, fakeDetectors())
		checkTypedSettings(t, p, fakeDetectors())
	})
}

// FuzzMatchSet checks compiled matching against doublestar on the brace
// expansions of valid patterns.
func FuzzMatchSet(f *testing.F) {
	for _, s := range [][2]string{
		{"**/*.sol", "contracts/Vault.sol"}, {"**/wallet*/**", "wallet"}, {"**/keys/**", "a/keys"},
		{"{a,b}/**/c", "a/x/c"}, {"**/*[-_]signer/**", "x/my_signer/y"}, {".github/workflows/**", ".github/workflows"},
		{"**/id_{rsa,dsa}*", "x/id_rsa.pub"}, {"a/*/c", "a/b/c"}, {"**/{,x}y", "y"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, path string) {
		if globProblem(pattern) != "" {
			return
		}
		exp, _ := expandBraces(pattern)
		want := false
		for _, e := range exp {
			want = want || doublestar.MatchUnvalidated(e, path)
		}
		if got := newMatchSet([]string{pattern}).match(path); got != want {
			t.Errorf("pattern %q, path %q: compiled %v, doublestar %v", pattern, path, got, want)
		}
	})
}

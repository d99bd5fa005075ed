package main

import (
	"reflect"
	"strings"
	"testing"
)

const (
	hashA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	hashB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

func TestParseLabels(t *testing.T) {
	good := "# planted by hand\n\n" + hashA + " key-in-deploy a key in  deploy/\n" +
		"  BBBBBBB\tdormant-core\n" +
		"# skipped probe-sabotage (0 of 1 planted): no CMake\n# skipped geo-wipe: only contracts\n# skipped bad|name: no\n"
	lf, err := parseLabels(strings.NewReader(good), "x.labels")
	if err != nil {
		t.Fatal(err)
	}
	want := []evalLabel{{hashA, "key-in-deploy", "a key in  deploy/", 3}, {"bbbbbbb", "dormant-core", "", 4}}
	if !reflect.DeepEqual(lf.labels, want) {
		t.Errorf("labels %+v\nwant   %+v", lf.labels, want)
	}
	skipped := []skippedClass{{"probe-sabotage", "(0 of 1 planted) no CMake"}, {"geo-wipe", "only contracts"}}
	if !reflect.DeepEqual(lf.skipped, skipped) {
		t.Errorf("skipped %+v, want %+v", lf.skipped, skipped)
	}
}

func TestParseLabelsErrors(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{"abc key-in-deploy x\n", `x.labels:1: want "<sha> <class> <description>": "abc" is not a commit hash`},
		{"# c\n" + hashA + "\n", `x.labels:2: want "<sha> <class> <description>": no class after the hash`},
		{hashA + " a|b desc\n", `x.labels:1: class "a|b": want letters, digits, '.', '_' or '-'`},
		{"g" + hashA[1:] + " c\n", `x.labels:1: want "<sha> <class> <description>": "g`},
		{strings.Repeat("a", 65) + " c\n", `x.labels:1: want "<sha> <class> <description>"`},
		{hashA + " c one\n" + strings.ToUpper(hashA) + " c two\n", "x.labels:2: commit " + hashA + " is labelled already at line 1"},
		{hashA + " c " + strings.Repeat("x", 70<<10) + "\n", "x.labels:1: line longer than 64 KiB"},
	} {
		_, err := parseLabels(strings.NewReader(tc.body), "x.labels")
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("parseLabels(%.50q) = %v, want one line starting %q", tc.body, err, tc.want)
		}
	}
}

func TestAssignLabels(t *testing.T) {
	repos := []string{"/h/v4-core.git", "/h/zstd.git", "work/tree"}
	for _, tc := range []struct {
		name   string
		values []string
		want   []string
		err    string
	}{
		{"none", nil, []string{"", "", ""}, ""},
		{"by order", []string{"a", "b", "c"}, []string{"a", "b", "c"}, ""},
		{"by name", []string{"zstd=z.labels", "work/tree=w.labels"}, []string{"", "z.labels", "w.labels"}, ""},
		{"file with =", []string{"x=1", "y=2", "z=3"}, []string{"x=1", "y=2", "z=3"}, ""},
		{"too few", []string{"a"}, nil, "--labels: 1 files for 3 repositories"},
		{"mixed", []string{"zstd=z", "a"}, nil, "--labels a: give every labels file as NAME=FILE"},
		{"twice", []string{"zstd=z", "zstd=y"}, nil, "--labels zstd=y: /h/zstd.git has labels already (z)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := assignLabels(tc.values, repos)
			if tc.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
					t.Errorf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("= %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestEvalName(t *testing.T) {
	for path, want := range map[string]string{"/h/v4-core.git": "v4-core", "/src/vault/.git": "vault", "/src/vault/": "vault"} {
		if got := evalName(path); got != want {
			t.Errorf("evalName(%q) = %q, want %q", path, got, want)
		}
	}
}

func FuzzParseLabels(f *testing.F) {
	f.Add("# c\n" + hashA + " key-in-deploy a b c\n# skipped x (0 of 1 planted): why\n")
	f.Add(hashB[:7] + "\tclass\n" + hashA + " \n")
	f.Add("\r\n#\x00\n" + hashA + " c.d_e-f \xff\n")
	f.Fuzz(func(t *testing.T, s string) {
		lf, err := parseLabels(strings.NewReader(s), "f")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f:") || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q is not one line naming f:LINE", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, l := range lf.labels {
			if !isHash(l.hash) || l.hash != strings.ToLower(l.hash) || !classRE.MatchString(l.class) || seen[l.hash] || l.line < 1 {
				t.Errorf("accepted a bad label %+v", l)
			}
			seen[l.hash] = true
		}
		for _, sk := range lf.skipped {
			if !classRE.MatchString(sk.Class) {
				t.Errorf("accepted a bad skipped class %+v", sk)
			}
		}
	})
}

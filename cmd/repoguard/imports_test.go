package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// importRule names the only packages (slash paths from the module's top)
// whose non-test files may import the paths starting with prefix and
// ending with suffix; with testSupport, test-support packages (named
// ...test, imported only by tests) may too.
type importRule struct {
	prefix, suffix string
	allowed        []string
	testSupport    bool
}

// forbids reports whether the rule forbids package pkg to import p.
func (r importRule) forbids(pkg, p string) bool {
	if !strings.HasPrefix(p, r.prefix) || !strings.HasSuffix(p, r.suffix) {
		return false
	}
	return !slices.Contains(r.allowed, pkg) && !(r.testSupport && strings.HasSuffix(pkg, "test"))
}

// importRules: go-git has one owner; go-github stays where GitHub's own
// types are the subject; test doubles and scaffolding live in
// test-support packages, which only tests import (issue 9).
var importRules = []importRule{
	{prefix: "github.com/go-git/", allowed: []string{"guard/gitrepo"}},
	{prefix: "github.com/google/go-github/", allowed: []string{"guard/github", "webhooks", "guard/app"}},
	{prefix: "github.com/repoguard/repoguard/", suffix: "test", testSupport: true},
	{prefix: "testing", testSupport: true},
	{prefix: "net/http/httptest", testSupport: true},
}

// importViolations returns "package imports path" for each import in a
// non-test Go file below root that a rule forbids. It skips what the go
// tool skips: testdata, vendor, and folders starting with "." or "_".
func importViolations(root string, rules []importRule) ([]string, error) {
	var out []string
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(rel)
		for _, imp := range f.Imports {
			p, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				return err
			}
			for _, r := range rules {
				if r.forbids(pkg, p) {
					out = append(out, pkg+" imports "+p)
				}
			}
		}
		return nil
	})
	slices.Sort(out)
	return slices.Compact(out), err
}

// TestImportRules: only guard/gitrepo imports go-git, go-github is
// imported only by guard/github, webhooks and guard/app, and only
// test-support packages import testing, httptest or one another (tests
// aside).
func TestImportRules(t *testing.T) {
	bad, err := importViolations(filepath.Join("..", ".."), importRules)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range bad {
		t.Error(v)
	}
}

// TestImportViolations: the check finds an import where a rule forbids
// it, and only there.
func TestImportViolations(t *testing.T) {
	root := t.TempDir()
	for path, imp := range map[string]string{
		"guard/gitrepo/a.go":           "github.com/go-git/go-git/v5",
		"guard/gitrepo/billy.go":       "github.com/go-git/go-billy/v5",
		"guard/app/b.go":               "github.com/go-git/go-git/v5/plumbing",
		"guard/app/b_test.go":          "github.com/go-git/go-git/v5",
		"guard/app/gh.go":              "github.com/google/go-github/v62/github",
		"webhooks/c.go":                "github.com/google/go-github/v62/github",
		"guard/web/d.go":               "github.com/google/go-github/v62/github",
		"guard/web/testdata/x.go":      "github.com/google/go-github/v62/github",
		"cmd/repoguard/e.go":           "github.com/go-git/go-billy/v5/osfs",
		"guard/gitrepo/sub/f.go":       "github.com/go-git/go-git/v5",
		"guard/github/githubtest/g.go": "github.com/go-git/go-git/v5",
		"guard/github/githubtest/h.go": "github.com/repoguard/repoguard/guard/gitrepo/gittest",
		"guard/github/githubtest/i.go": "net/http/httptest",
		"guard/app/apptest/j.go":       "testing",
		"guard/app/k.go":               "github.com/repoguard/repoguard/guard/app/apptest",
		"guard/app/k_test.go":          "github.com/repoguard/repoguard/guard/app/apptest",
		"guard/web/l.go":               "testing",
		"guard/web/m.go":               "net/http/httptest",
		"guard/web/n.go":               "github.com/repoguard/repoguard/guard/github/githubtest",
	} {
		full := filepath.Join(root, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		src := "package p\n\nimport (\n\t\"fmt\"\n\tx \"" + imp + "\"\n)\n\nvar _ = x.Y\n"
		if err := os.WriteFile(full, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := importViolations(root, importRules)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"cmd/repoguard imports github.com/go-git/go-billy/v5/osfs",
		"guard/app imports github.com/go-git/go-git/v5/plumbing",
		"guard/app imports github.com/repoguard/repoguard/guard/app/apptest",
		"guard/github/githubtest imports github.com/go-git/go-git/v5",
		"guard/gitrepo/sub imports github.com/go-git/go-git/v5",
		"guard/web imports github.com/google/go-github/v62/github",
		"guard/web imports github.com/repoguard/repoguard/guard/github/githubtest",
		"guard/web imports net/http/httptest",
		"guard/web imports testing",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("violations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

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
// whose non-test files may import the paths starting with prefix.
type importRule struct {
	prefix  string
	allowed []string
}

// importRules: go-git has one owner; go-github stays where GitHub's own
// types are the subject (issue 9).
var importRules = []importRule{
	{"github.com/go-git/", []string{"guard/gitrepo"}},
	{"github.com/google/go-github/", []string{"guard/github", "webhooks", "guard/app"}},
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
				if strings.HasPrefix(p, r.prefix) && !slices.Contains(r.allowed, pkg) {
					out = append(out, pkg+" imports "+p)
				}
			}
		}
		return nil
	})
	slices.Sort(out)
	return slices.Compact(out), err
}

// TestImportRules: only guard/gitrepo imports go-git, and go-github is
// imported only by guard/github, webhooks and guard/app (tests aside).
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
		"guard/github/githubtest imports github.com/go-git/go-git/v5",
		"guard/gitrepo/sub imports github.com/go-git/go-git/v5",
		"guard/web imports github.com/google/go-github/v62/github",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("violations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

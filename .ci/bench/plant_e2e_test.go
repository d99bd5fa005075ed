package main

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The end-to-end tests build a small repository with git fast-import: a
// Go module with a workflow, a Makefile, a CMake hardening probe, test
// fixtures, deploy files and signing code; three authors, one of whom
// (Bob) stops committing early; and a blob that is missing and replaced
// by a placeholder through refs/replace, as in the partial snapshots.

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

func gitIn(t *testing.T, dir, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

var sourceFiles = map[string]string{
	"go.mod":                   "module example.com/app\n\ngo 1.22\n\nrequire (\n\tgithub.com/pkg/errors v0.9.1\n\tgolang.org/x/sync v0.6.0\n)\n",
	"go.sum":                   "github.com/pkg/errors v0.9.1 h1:aaaa=\ngolang.org/x/sync v0.6.0 h1:bbbb=\n",
	"main.go":                  "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\n// main runs the app.\nfunc main() {\n\tif len(os.Args) < 2 {\n\t\tfmt.Println(\"usage: app FILE...\")\n\t\tos.Exit(2)\n\t}\n\tfor i := 1; i < len(os.Args); i++ {\n\t\tfmt.Println(os.Args[i])\n\t}\n}\n" + strings.Repeat("\n// The app prints its arguments, one a line, and exits.", 8) + "\n",
	"signer/signer.go":         "package signer\n\nimport \"errors\"\n\n// Sign signs msg.\nfunc Sign(privKey []byte, msg []byte) ([]byte, error) {\n\tif len(privKey) < 32 {\n\t\treturn nil, errors.New(\"short key\")\n\t}\n\treturn msg, nil\n}\n" + strings.Repeat("\n// Keys are 32 bytes; a shorter key is refused before any signing.", 8) + "\n",
	".github/workflows/ci.yml": "name: ci\non:\n  push:\n  pull_request:\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: make test\n",
	"Makefile":                 "test:\n\tgo test ./...\n",
	"CMakeLists.txt":           "cmake_minimum_required(VERSION 3.16)\nproject(app C)\ninclude(CheckCCompilerFlag)\ncheck_c_compiler_flag(\"-fstack-protector-strong\" HAVE_STACK_PROTECTOR)\n",
	".gitattributes":           "*.go text\n",
	"deploy/values.yaml":       "replicas: 2\n",
	"deploy/install.sh":        "#!/bin/sh\necho install\n",
	"scripts/release.sh":       "#!/bin/sh\necho release\n",
	"scripts/check.sh":         "#!/bin/sh\necho check\n",
	"tests/testdata/a.bin":     "\x00\x01binary",
	"tests/testdata/b.bin":     "\x00\x02binary",
}

// libFile is the content of lib/libN.go, library code that changes often.
func libFile(n int) string {
	var b strings.Builder
	b.WriteString("package lib\n")
	for k := 0; k < 4; k++ {
		fmt.Fprintf(&b, "\n// Clamp%d_%d clamps v to hi.\nfunc Clamp%d_%d(v, hi int) int {\n\tif v > hi {\n\t\treturn hi\n\t}\n\tfor i := 0; i < v; i++ {\n\t\tv--\n\t}\n\treturn v\n}\n", n, k, n, k)
	}
	return b.String()
}

// revised is a file of sourceFiles as revision i of the history has it:
// most files change now and then, as in a real history.
func revised(p string, i int) string {
	c := sourceFiles[p]
	if i == 0 {
		return c
	}
	switch p {
	case ".github/workflows/ci.yml":
		return c + fmt.Sprintf("      - run: echo rev %d\n", i)
	case "Makefile", "scripts/check.sh", "deploy/install.sh":
		return c + fmt.Sprintf("# rev %d\n", i)
	case "go.mod", "go.sum", ".gitattributes", "deploy/values.yaml", "tests/testdata/a.bin", "tests/testdata/b.bin", "scripts/release.sh", "CMakeLists.txt":
		return c
	}
	return c + fmt.Sprintf("\n// rev %d\n", i)
}

type author struct{ name, email, tz string }

var (
	alice = author{"Alice Archer", "alice@example.com", "+0100"}
	bob   = author{"Bob Baker", "bob@example.com", "-0500"}
	carol = author{"Carol Chen", "12345+carol@users.noreply.github.com", "+0100"}
)

// makeSource writes the test repository and returns its path, its
// first-parent length, the missing blob and its placeholder's content.
func makeSource(t *testing.T) (string, int, string, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "src.git")
	git(t, ".", "init", "-q", "--bare", "-b", "main", dir)
	big := gitIn(t, dir, "the real 4 MiB blob\n", "hash-object", "-w", "--stdin")
	placeholder := "placeholder: this blob is not in the snapshot\n"
	ph := gitIn(t, dir, placeholder, "hash-object", "-w", "--stdin")
	var s strings.Builder
	start := time.Date(2021, 1, 4, 9, 0, 0, 0, time.UTC)
	n := 240
	for i := 0; i < n; i++ {
		a := alice
		switch {
		case i < 40 && i%2 == 1:
			a = bob
		case i%3 == 2:
			a = carol
		}
		when := start.Add(time.Duration(i) * 100 * time.Hour).Add(time.Duration(i%7) * time.Hour)
		stamp := fmt.Sprintf("%d %s", when.Unix(), a.tz)
		fmt.Fprintf(&s, "commit refs/heads/main\nmark :%d\nauthor %s <%s> %s\ncommitter GitHub <noreply@github.com> %s\n", i+1, a.name, a.email, stamp, stamp)
		msg := fmt.Sprintf("update lib %d (#%d)\n", i, 100+i)
		fmt.Fprintf(&s, "data %d\n%s", len(msg), msg)
		if i > 0 {
			fmt.Fprintf(&s, "from :%d\n", i)
		}
		for _, p := range slices.Sorted(maps.Keys(sourceFiles)) {
			if i == 0 || (i%9 == 0 && revised(p, i) != sourceFiles[p]) {
				c := revised(p, i)
				fmt.Fprintf(&s, "M 100644 inline %s\ndata %d\n%s\n", p, len(c), c)
			}
		}
		if i%9 == 4 { // go.mod gains a requirement now and then
			c := strings.Replace(sourceFiles["go.mod"], ")\n", fmt.Sprintf("\texample.com/dep%d v1.0.%d\n)\n", i, i), 1)
			fmt.Fprintf(&s, "M 100644 inline go.mod\ndata %d\n%s\n", len(c), c)
		}
		if i == 5 {
			fmt.Fprintf(&s, "M 100644 %s assets/big.bin\n", big)
		}
		c := libFile(i)
		fmt.Fprintf(&s, "M 100644 inline lib/lib%d.go\ndata %d\n%s\n", i%12, len(c), c)
	}
	gitIn(t, dir, s.String(), "fast-import", "--quiet")
	git(t, dir, "repack", "-a", "-d", "-q")
	git(t, dir, "update-ref", "refs/replace/"+big, ph)
	// Make the big blob missing, as in the snapshots: rebuild the pack
	// without it.
	packs, _ := filepath.Glob(filepath.Join(dir, "objects", "pack", "*"))
	objs := git(t, dir, "--no-replace-objects", "cat-file", "--batch-all-objects", "--batch-check=%(objectname)")
	var keep []string
	for _, o := range strings.Split(objs, "\n") {
		if o != big {
			keep = append(keep, o)
		}
	}
	gitIn(t, dir, strings.Join(keep, "\n")+"\n", "pack-objects", "-q", filepath.Join(dir, "objects", "pack", "pack"))
	for _, p := range packs {
		os.Remove(p)
	}
	if exec.Command("git", "-C", dir, "--no-replace-objects", "cat-file", "-e", big).Run() == nil {
		t.Fatal("the big blob is still in the source")
	}
	return dir, n, big, placeholder
}

// label is one planted commit of a labels file.
type label struct{ hash, class, desc string }

// readLabels reads back a labels file the tool wrote: its labels and the
// reasons of its "# skipped CLASS ...: why" comments by class. (repoguard
// eval is what parses and checks labels files; this only reads what the
// tests made.)
func readLabels(file string) ([]label, map[string]string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, nil, err
	}
	var ls []label
	skipped := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if rest, ok := strings.CutPrefix(line, "# skipped "); ok {
			class, why, _ := strings.Cut(rest, " ")
			skipped[class] = why
			continue
		}
		if strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.SplitN(line, " ", 3)
		if len(f) != 3 {
			return nil, nil, fmt.Errorf("%s: want \"<sha> <class> <description>\", got %q", file, line)
		}
		ls = append(ls, label{f[0], f[1], f[2]})
	}
	return ls, skipped, nil
}

// plantInto runs the tool on src into dir/out.git and returns the labels.
func plantInto(t *testing.T, src, dir string, seed int) ([]label, map[string]string, string) {
	t.Helper()
	out := filepath.Join(dir, "out.git")
	var stdout, stderr bytes.Buffer
	err := run([]string{"-src", src, "-out", out, "-seed", fmt.Sprint(seed), "-per-class", "1"}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("plant: %v\n%s", err, stderr.String())
	}
	ls, skipped, err := readLabels(filepath.Join(dir, "out.labels"))
	if err != nil {
		t.Fatal(err)
	}
	return ls, skipped, out
}

func TestPlantCopy(t *testing.T) {
	src, n, big, placeholder := makeSource(t)
	labels, skipped, out := plantInto(t, src, t.TempDir(), 7)
	if len(skipped) > 0 {
		t.Errorf("classes skipped in a repository that has a place for all: %v", skipped)
	}
	if len(labels) != len(classes) {
		t.Fatalf("%d planted commits, want one per class (%d)", len(labels), len(classes))
	}
	if got := git(t, out, "rev-list", "--first-parent", "--count", "HEAD"); got != fmt.Sprint(n+len(labels)) {
		t.Errorf("copy has %s first-parent commits, want %d", got, n+len(labels))
	}
	chain := map[string]bool{}
	for _, h := range strings.Split(git(t, out, "rev-list", "--first-parent", "HEAD"), "\n") {
		chain[h] = true
	}
	srcEmails := map[string]bool{}
	for _, e := range strings.Split(git(t, src, "log", "--format=%ae", "HEAD"), "\n") {
		srcEmails[e] = true
	}
	rank := func(class string) int {
		return slices.IndexFunc(classes, func(c *attackClass) bool { return c.name == class })
	}
	for i, l := range labels {
		if i > 0 && rank(labels[i-1].class) > rank(l.class) {
			t.Errorf("labels list %s after %s: want the order of the class list", l.class, labels[i-1].class)
		}
		t.Logf("%s %s %s", l.hash[:10], l.class, l.desc)
		if !chain[l.hash] {
			t.Errorf("%s %s is not on the first-parent chain", l.hash, l.class)
		}
		checkIdentity(t, out, l, srcEmails)
	}
	// The missing blob is materialised as its placeholder: no replace
	// refs, no alternates, and every object present.
	if refs := git(t, out, "for-each-ref", "refs/replace/"); refs != "" {
		t.Errorf("copy has replace refs: %s", refs)
	}
	if got := git(t, out, "cat-file", "-p", "HEAD:assets/big.bin"); got+"\n" != placeholder {
		t.Errorf("assets/big.bin = %q, want the placeholder", got)
	}
	if _, err := os.Stat(filepath.Join(out, "objects", "info", "alternates")); err == nil {
		t.Error("copy still borrows objects through alternates")
	}
	git(t, out, "fsck", "--no-progress")
	if strings.Contains(git(t, out, "ls-tree", "-r", "HEAD"), big) {
		t.Error("copy still names the missing blob")
	}
}

// checkIdentity checks a planted commit's author against its class.
func checkIdentity(t *testing.T, repo string, l label, srcEmails map[string]bool) {
	t.Helper()
	f := strings.Split(git(t, repo, "log", "-1", "--format=%ae|%aI|%cn", l.hash), "|")
	email, when := f[0], f[1]
	at, err := time.Parse(time.RFC3339, when)
	if err != nil {
		t.Fatal(err)
	}
	if f[2] != "GitHub" {
		t.Errorf("%s: committer %q, want GitHub as in the history", l.class, f[2])
	}
	switch classByName(l.class).who {
	case whoNew:
		if srcEmails[email] {
			t.Errorf("%s: author %s is not new", l.class, email)
		}
	case whoNew3am:
		if srcEmails[email] || at.Hour() != 3 || strings.HasSuffix(when, "+01:00") || strings.HasSuffix(when, "-05:00") {
			t.Errorf("%s: author %s at %s, want a new author at 3 a.m. in an unused zone", l.class, email, when)
		}
	case whoReturning, whoDormantOdd:
		if email != bob.email || !strings.HasSuffix(when, "-05:00") {
			t.Errorf("%s: author %s at %s, want Bob in his zone", l.class, email, when)
		}
	default:
		if email != alice.email && email != carol.email {
			t.Errorf("%s: author %s, want an active author", l.class, email)
		}
	}
}

func classByName(name string) *attackClass {
	for _, c := range classes {
		if c.name == name {
			return c
		}
	}
	return &attackClass{}
}

func TestPlantIsDeterministic(t *testing.T) {
	src, _, _, _ := makeSource(t)
	a, _, _ := plantInto(t, src, t.TempDir(), 11)
	b, _, _ := plantInto(t, src, t.TempDir(), 11)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("two runs with one seed differ:\n%v\n%v", a, b)
	}
	c, _, _ := plantInto(t, src, t.TempDir(), 12)
	if fmt.Sprint(a) == fmt.Sprint(c) {
		t.Error("two seeds gave the same commits")
	}
}

func TestPlantRefusesExistingOut(t *testing.T) {
	src, _, _, _ := makeSource(t)
	out := t.TempDir()
	var stderr bytes.Buffer
	err := run([]string{"-src", src, "-out", out}, &stderr, &stderr)
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("plant into an existing folder: %v, want an error", err)
	}
}

func TestPlantRelativeOut(t *testing.T) {
	src, _, _, _ := makeSource(t)
	t.Chdir(t.TempDir())
	var stderr bytes.Buffer
	if err := run([]string{"-src", src, "-out", "rel.git", "-classes", "key-in-deploy"}, &stderr, &stderr); err != nil {
		t.Fatalf("plant -out rel.git: %v\n%s", err, stderr.String())
	}
	ls, _, err := readLabels("rel.labels")
	if err != nil || len(ls) != 1 || ls[0].class != "key-in-deploy" {
		t.Fatalf("labels %v, %v", ls, err)
	}
	git(t, "rel.git", "cat-file", "-e", ls[0].hash)
}

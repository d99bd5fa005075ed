package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard/gitrepo/gittest"
)

// evalHistory is a scripted history of two regular authors with three
// known-bad commits by one of them: a private key in deploy/ (caught by
// key-material), a workflow switched to pull_request_target (caught by
// ci-tampering) and an ordinary-looking edit (missed).
type evalHistory struct {
	repo                 *gittest.Repo
	dir                  string
	key, prt, quiet, mid string // the known-bad commits; mid: HEAD~5
	commits              int
}

func newEvalHistory(t *testing.T) *evalHistory {
	t.Helper()
	s := newScripted(t)
	last := ordinaryHistory(s, 40)
	alice := func(days int, files map[string]string) {
		when := time.Date(last.Year(), last.Month(), last.Day()+days, 11, 5, 0, 0, time.FixedZone("", 2*3600))
		s.add(scriptCommit{name: "Alice", email: "alice@acme.io", when: when, files: files})
	}
	alice(1, map[string]string{".github/workflows/ci.yml": "name: ci\non:\n  pull_request:\n    types: [opened]\njobs:\n  t:\n    runs-on: ubuntu-latest\n"})
	alice(2, map[string]string{"deploy/keys/prod.pem": pemKey(t)})
	alice(3, map[string]string{".github/workflows/ci.yml": "name: ci\non:\n  pull_request_target:\n    types: [opened]\njobs:\n  t:\n    runs-on: ubuntu-latest\n"})
	alice(4, map[string]string{"src/app.go": "package app\n// v41\n"})
	alice(5, map[string]string{"src/app.go": "package app\n// v42\n"})
	dir := s.build()
	h := &evalHistory{repo: s.repo, dir: dir, commits: s.n}
	revs := strings.Fields(s.repo.Git("rev-list", "--max-count=4", "HEAD"))
	h.quiet, h.prt, h.key = revs[1], revs[2], revs[3]
	h.mid = s.repo.Git("rev-parse", "HEAD~5")
	return h
}

// labels writes a labels file of the known-bad commits, the key's hash
// abbreviated, with a skipped class.
func (h *evalHistory) labels(t *testing.T) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "h.labels")
	body := "# planted by hand\n" + h.key[:12] + " key-in-deploy a key in deploy/keys\n" +
		h.prt + " ci-pull-request-target the ci workflow runs for forks\n" +
		h.quiet + "\tsneaky an edit of src/app.go\n" +
		"# skipped probe-sabotage (0 of 1 planted): no CMake, autoconf or meson build\n"
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// evalJSON runs eval --format json and decodes its report.
func evalJSON(t *testing.T, args ...string) []*repoEval {
	t.Helper()
	code, out, stderr := runCmd(t, append([]string{"eval", "--format", "json"}, args...)...)
	if code != exitOK {
		t.Fatalf("eval %v: code %d, stderr %s", args, code, stderr)
	}
	var doc struct{ Repositories []*repoEval }
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, out)
	}
	return doc.Repositories
}

func classByName(r *repoEval, name string) *classEval {
	for _, c := range r.Classes {
		if c.Class == name {
			return c
		}
	}
	return nil
}

func TestEvalLabels(t *testing.T) {
	h := newEvalHistory(t)
	plain := evalJSON(t, h.dir)[0]
	rep := evalJSON(t, "--labels", h.labels(t), h.dir)[0]
	if plain.Commits != h.commits || rep.Commits != h.commits || rep.Labelled != 3 || rep.Ordinary != h.commits-3 {
		t.Fatalf("commits %d/%d labelled %d ordinary %d, want %d, 3 and %d", plain.Commits, rep.Commits, rep.Labelled,
			rep.Ordinary, h.commits, h.commits-3)
	}
	for _, tc := range []struct {
		class  string
		caught int
		by     string
	}{{"key-in-deploy", 1, "key-material"}, {"ci-pull-request-target", 1, "ci-tampering"}, {"sneaky", 0, ""}} {
		c := classByName(rep, tc.class)
		if c == nil || c.Labelled != 1 || c.Caught != tc.caught || (tc.by != "" && c.Detectors[tc.by] != 1) {
			t.Errorf("%s: %+v, want 1 labelled, %d caught by %q", tc.class, c, tc.caught, tc.by)
		}
	}
	if c := classByName(rep, "key-in-deploy"); c != nil && c.Commits[0].Hash != h.key {
		t.Errorf("the abbreviated hash resolved to %s, want %s", c.Commits[0].Hash, h.key)
	}
	// The two caught commits leave the ordinary share; so do their
	// findings from the detectors' counts.
	if plain.Flagged.Medium != rep.Flagged.Medium+2 || plain.Flagged.Critical != rep.Flagged.Critical+1 {
		t.Errorf("flagged without labels %+v, with %+v: want the 2 caught (1 critical) out", plain.Flagged, rep.Flagged)
	}
	if got, want := detectorOf(rep, "key-material").MediumPlus, detectorOf(plain, "key-material").MediumPlus-1; got != want {
		t.Errorf("key-material on ordinary commits: %d at medium+, want %d", got, want)
	}
	if len(rep.Skipped) != 1 || rep.Skipped[0].Class != "probe-sabotage" || !strings.Contains(rep.Skipped[0].Why, "no CMake") {
		t.Errorf("skipped %+v", rep.Skipped)
	}
	if rep.ThresholdBits < 7.6 || rep.Budget != 0.005 {
		t.Errorf("queue threshold %.2f bits, budget %v: want at least -log2(0.005) under the default budget", rep.ThresholdBits, rep.Budget)
	}
}

func detectorOf(r *repoEval, name string) *detectorEval {
	for _, d := range r.Detectors {
		if d.Detector == name {
			return d
		}
	}
	return &detectorEval{}
}

// TestEvalText checks the report for people: recall, the missed commit
// and the skipped class.
func TestEvalText(t *testing.T) {
	h := newEvalHistory(t)
	code, out, stderr := runCmd(t, "eval", h.dir, "--labels", h.labels(t))
	if code != exitOK {
		t.Fatalf("code %d: %s", code, stderr)
	}
	for _, want := range []string{
		fmt.Sprintf("%d commits (HEAD)", h.commits), "queue threshold", "at medium or above",
		"2 of 3 caught at medium or above (67%)", "key-material ×1", "missed " + h.quiet[:10] + " sneaky an edit of src/app.go",
		"skipped probe-sabotage: (0 of 1 planted) no CMake",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestEvalWindow checks --since and --range: the commits counted are
// the window's, judged after the whole history before them.
func TestEvalWindow(t *testing.T) {
	h := newEvalHistory(t)
	for _, tc := range []struct {
		flag, value string
		commits     int
	}{{"--range", h.mid + "..HEAD", 5}, {"--since", "2000-01-01", h.commits}, {"--since", "2100-01-01", 0}} {
		rep := evalJSON(t, tc.flag, tc.value, h.dir)[0]
		if rep.Commits != tc.commits {
			t.Errorf("%s %s: %d commits, want %d", tc.flag, tc.value, rep.Commits, tc.commits)
		}
	}
	all := evalJSON(t, h.dir)[0]
	tail := evalJSON(t, "--range", h.mid+"..HEAD", "--labels", h.labels(t), h.dir)[0]
	// The known-bad commits are in the last 5: judged against the
	// same baselines, they are caught as in the whole history.
	if tail.Labelled != 3 || totalCaught(tail) != 2 || tail.ThresholdBits != all.ThresholdBits {
		t.Errorf("range: %d labelled, %d caught, threshold %.2f; want 3, 2 and %.2f", tail.Labelled, totalCaught(tail),
			tail.ThresholdBits, all.ThresholdBits)
	}
	code, _, stderr := runCmd(t, "eval", "--since", "2100-01-01", "--labels", h.labels(t), h.dir)
	if code != exitError || !strings.Contains(stderr, "h.labels:2: commit "+h.key[:12]+" is not among the commits judged") {
		t.Errorf("labels outside the window: code %d, stderr %q", code, stderr)
	}
}

// TestEvalReusesJudgements checks --db: a second run over the kept
// judgements reports what the first did.
func TestEvalReusesJudgements(t *testing.T) {
	h := newEvalHistory(t)
	db := filepath.Join(t.TempDir(), "eval.db")
	labels := h.labels(t)
	first := evalJSON(t, "--db", db, "--labels", labels, h.dir)[0]
	if _, err := os.Stat(db); err != nil {
		t.Fatalf("the first run kept no database: %v", err)
	}
	learned := func() string {
		t.Helper()
		out, _ := mustRun(t, exitOK, "policy", "show", "--db", db, h.dir)
		m := regexp.MustCompile(` now: \d+ commits learned,`).FindString(out)
		if m == "" {
			t.Fatalf("policy show --db reports no learned commits:\n%s", out)
		}
		return m
	}
	before := learned()
	second := evalJSON(t, "--db", db, "--labels", labels, h.dir)[0]
	// The second run resumes from the kept cursor and learns no commit twice.
	if after := learned(); after != before {
		t.Errorf("the second run learned again: %q, then %q", before, after)
	}
	first.Seconds, second.Seconds = 0, 0
	a, _ := json.Marshal(first)
	b, _ := json.Marshal(second)
	if string(a) != string(b) {
		t.Errorf("the second run differs:\n%s\n%s", a, b)
	}
}

func TestEvalMarkdown(t *testing.T) {
	h := newEvalHistory(t)
	other := t.TempDir() + "/other.git"
	h.repo.Clone(other, "--bare", "--no-local")
	labels := h.labels(t)
	code, out, stderr := runCmd(t, "eval", "--format", "markdown", "--labels", "other="+labels, h.dir, other)
	if code != exitOK {
		t.Fatalf("code %d: %s", code, stderr)
	}
	name := evalName(h.dir)
	for _, want := range []string{
		"| history | commits | known-bad | caught | ordinary flagged at medium+ |",
		fmt.Sprintf("| %s | %d | – | – |", name, h.commits),
		fmt.Sprintf("| other | %d | 3 | 2 |", h.commits),
		"| **median** |",
		"| key-material |",
		"| class | " + name + " | other | all | recall | caught by |",
		"| key-in-deploy | – | 1/1 | 1/1 | 100% | first-touch-sensitive ×1, key-material ×1 |",
		"| sneaky | – | 0/1 | 0/1 | 0% |  |",
		"| **all** | – | 2/3 | 2/3 | **67%** | |",
		"- other, probe-sabotage: (0 of 1 planted) no CMake",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
}

// TestEvalBadInput checks that bad input is one line, exit 2, naming
// what and where.
func TestEvalBadInput(t *testing.T) {
	h := newEvalHistory(t)
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bad := write("bad.labels", "# ok\n"+h.key+" key-in-deploy x\nnot-a-hash class desc\n")
	unknown := write("unknown.labels", strings.Repeat("0", 40)+" ghost never committed\n")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"malformed line", []string{"--labels", bad, h.dir}, "bad.labels:3: want \"<sha> <class> <description>\": \"not-a-hash\" is not a commit hash"},
		{"unknown commit", []string{"--labels", unknown, h.dir}, "unknown.labels:1: commit 0000000000000000000000000000000000000000 is not among the commits judged"},
		{"missing file", []string{"--labels", filepath.Join(dir, "none"), h.dir}, "labels: open " + filepath.Join(dir, "none")},
		{"labels count", []string{"--labels", bad, h.dir, h.dir}, "--labels: 1 files for 2 repositories"},
		{"mixed forms", []string{"--labels", evalName(h.dir) + "=" + bad, "--labels", bad, h.dir, h.dir}, "give every labels file as NAME=FILE"},
		{"format", []string{"--format", "sarif", h.dir}, `--format "sarif": want text, json or markdown`},
		{"no repository", nil, "eval takes one or more repository paths"},
		{"not a repository", []string{dir}, dir},
		{"since", []string{"--since", "yesterday", h.dir}, `--since "yesterday"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runCmd(t, append([]string{"eval"}, tc.args...)...)
			if code != exitError || out != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tc.want) {
				t.Errorf("code %d, stdout %q, stderr %q; want exit 2 and one line with %q", code, out, stderr, tc.want)
			}
		})
	}
}

package detectors

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/configs"
	"github.com/repoguard/repoguard/guard"
)

var update = flag.Bool("update", false, "rewrite the want sections of detector testdata")

// TestDetectors runs every registered detector over each case in its
// testdata folder and compares the findings with the case's "want" section.
// A detector without testdata, or without at least one case that expects a
// finding and one that expects none, fails the test.
func TestDetectors(t *testing.T) {
	for _, d := range All() {
		t.Run(d.Name, func(t *testing.T) {
			cases, _ := filepath.Glob(filepath.Join("testdata", d.Name, "*.txtar"))
			if len(cases) == 0 {
				t.Fatalf("detector %s has no testdata: add testdata/%s/*.txtar", d.Name, d.Name)
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
		})
	}
}

// testCase is a parsed testdata file.
type testCase struct {
	commit  guard.Commit
	login   string
	policy  []byte
	history []string
	want    string
}

func runCase(t *testing.T, d *guard.Detector, file string) (got, want string) {
	t.Helper()
	tc, err := parseCase(file)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	pol := configs.DefaultPolicy()
	if tc.policy != nil {
		if pol, err = configs.ParsePolicy(file+"#policy.yml", tc.policy, All()); err != nil {
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

// parseCase reads a txtar-like file:
//
//	key: value            header lines: message, author, committer, signed,
//	                      date, committer-date (RFC 3339), login
//	-- path (attrs) --    one changed file; body lines start with '+', '-' or ' '
//	-- policy.yml --      optional policy overriding the defaults
//	-- history --         optional commits learned into a baseline first
//	                      (see buildBaseline for the line format)
//	-- want --            expected findings, one per line
//
// File attributes, comma separated: added, deleted, binary, size=N,
// mode=100755, from=OLDPATH (a rename), skipped=REASON.
func parseCase(file string) (*testCase, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	tc := &testCase{commit: guard.Commit{
		Hash:    "0123456789abcdef0123456789abcdef01234567",
		Author:  guard.Person{Name: "Alice", Email: "alice@example.com", When: time.Date(2024, 3, 5, 14, 0, 0, 0, time.UTC)},
		Message: "change",
	}}
	var section string
	var body []string
	flush := func() error {
		defer func() { body = nil }()
		switch {
		case section == "":
			return parseHeader(tc, body)
		case section == "want":
			if len(body) > 0 {
				tc.want = strings.Join(body, "\n") + "\n"
			}
		case section == "policy.yml":
			tc.policy = []byte(strings.Join(body, "\n") + "\n")
		case section == "history":
			tc.history = append([]string{}, body...)
		default:
			fc, err := parseFile(section, body)
			if err != nil {
				return err
			}
			tc.commit.Files = append(tc.commit.Files, fc)
		}
		return nil
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "-- ") && strings.HasSuffix(line, " --") && len(line) > 6 {
			if err := flush(); err != nil {
				return nil, err
			}
			section = strings.TrimSpace(line[3 : len(line)-3])
			continue
		}
		body = append(body, line)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return tc, sc.Err()
}

// parseHeader applies the header lines. The committer is the author, with
// the author's date, unless committer or committer-date say otherwise.
func parseHeader(tc *testCase, lines []string) error {
	var committer, committerDate string
	for _, l := range lines {
		k, v, ok := strings.Cut(l, ":")
		if !ok || strings.HasPrefix(l, "#") {
			continue
		}
		v = strings.TrimSpace(v)
		switch strings.TrimSpace(k) {
		case "message":
			tc.commit.Message = strings.ReplaceAll(v, `\n`, "\n")
		case "author":
			tc.commit.Author.Name, tc.commit.Author.Email = splitIdent(v)
		case "committer":
			committer = v
		case "signed":
			tc.commit.Signed = v == "true"
		case "login":
			tc.login = v
		case "date":
			at, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return fmt.Errorf("header date: %v", err)
			}
			tc.commit.Author.When = at
		case "committer-date":
			committerDate = v
		default:
			return fmt.Errorf("unknown header %q", k)
		}
	}
	tc.commit.Committer = tc.commit.Author
	if committer != "" {
		tc.commit.Committer.Name, tc.commit.Committer.Email = splitIdent(committer)
	}
	if committerDate != "" {
		at, err := time.Parse(time.RFC3339, committerDate)
		if err != nil {
			return fmt.Errorf("header committer-date: %v", err)
		}
		tc.commit.Committer.When = at
	}
	return nil
}

func splitIdent(s string) (name, email string) {
	name, email, _ = strings.Cut(s, "<")
	return strings.TrimSpace(name), strings.TrimSuffix(strings.TrimSpace(email), ">")
}

func parseFile(section string, body []string) (guard.FileChange, error) {
	fc := guard.FileChange{Status: guard.Modified, Mode: 0o100644}
	path, attrs, _ := strings.Cut(section, " (")
	fc.Path = path
	for _, a := range strings.Split(strings.TrimSuffix(attrs, ")"), ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(a), "=")
		switch k {
		case "":
		case "added":
			fc.Status = guard.Added
		case "deleted":
			fc.Status = guard.Deleted
		case "binary":
			fc.Binary, fc.Skipped = true, "binary"
		case "skipped":
			fc.Skipped = v
		case "from":
			fc.Status, fc.OldPath = guard.Renamed, v
		case "size":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return fc, fmt.Errorf("file %s: bad size %q", path, v)
			}
			fc.Size = n
		case "mode":
			m, err := strconv.ParseUint(v, 8, 32)
			if err != nil {
				return fc, fmt.Errorf("file %s: bad mode %q", path, v)
			}
			fc.Mode = uint32(m)
		default:
			return fc, fmt.Errorf("file %s: unknown attribute %q", path, k)
		}
	}
	oldN, newN := 0, 0
	for _, l := range body {
		if l == "" {
			l = " "
		}
		text := l[1:]
		switch l[0] {
		case '+':
			newN++
			fc.AddedLines = append(fc.AddedLines, guard.Line{Number: newN, Text: text})
		case '-':
			oldN++
			fc.DeletedLines = append(fc.DeletedLines, guard.Line{Number: oldN, Text: text})
		case ' ':
			oldN++
			newN++
		default:
			return fc, fmt.Errorf("file %s: body line %q must start with '+', '-' or ' '", path, l)
		}
	}
	fc.Added, fc.Deleted = len(fc.AddedLines), len(fc.DeletedLines)
	if fc.Size == 0 && !fc.Binary {
		for _, l := range fc.AddedLines {
			fc.Size += int64(len(l.Text) + 1)
		}
	}
	return fc, nil
}

func rewriteWant(t *testing.T, file, got string) {
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

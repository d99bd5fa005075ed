package detectortest

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// testCase is a parsed testdata file.
type testCase struct {
	commit  guard.Commit
	login   string
	policy  []byte
	history []string
	want    string
	// tree holds the files of "tree:" sections; nil when there is none,
	// and the commit then has no tree.
	tree map[string]string
	// contents holds the bytes of changed binary files (bytes=KIND).
	contents map[string]string
}

// parseCase reads a case file (see the package documentation).
func parseCase(file string) (*testCase, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	tc := &testCase{contents: map[string]string{}, commit: guard.Commit{
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
		case strings.HasPrefix(section, "tree:"):
			return tc.parseTreeFile(strings.TrimSpace(strings.TrimPrefix(section, "tree:")), body)
		default:
			fc, content, err := parseFile(section, body)
			if err != nil {
				return err
			}
			if content != "" {
				tc.contents[fc.Path] = content
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
	tc.commit.Tree = tc.commitTree()
	return tc, sc.Err()
}

// parseTreeFile reads a "tree: PATH (attrs)" section: a file of the tree
// the commit leaves, its body the content, or bytes=KIND and size=N.
func (tc *testCase) parseTreeFile(section string, body []string) error {
	p, attrs, _ := strings.Cut(section, " (")
	if tc.tree == nil {
		tc.tree = map[string]string{}
	}
	kind, size := "", 0
	for _, a := range strings.Split(strings.TrimSuffix(attrs, ")"), ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(a), "=")
		var err error
		switch k {
		case "":
		case "bytes":
			kind = v
		case "size":
			size, err = strconv.Atoi(v)
		default:
			err = fmt.Errorf("unknown attribute %q", k)
		}
		if err != nil {
			return fmt.Errorf("tree file %s: %v", p, err)
		}
	}
	if kind == "" {
		tc.tree[p] = strings.Join(body, "\n") + "\n"
		return nil
	}
	content, err := Content(kind, p, size)
	if err != nil {
		return fmt.Errorf("tree file %s: %v", p, err)
	}
	tc.tree[p] = content
	return nil
}

// commitTree returns the tree the case's commit leaves: its tree
// sections and the files it changes (their added lines, or the bytes of
// a binary); nil when the case has no tree section.
func (tc *testCase) commitTree() guard.Tree {
	if tc.tree == nil {
		return nil
	}
	files := map[string]string{}
	for p, s := range tc.tree {
		files[p] = s
	}
	for _, f := range tc.commit.Files {
		switch {
		case f.Status == guard.Deleted:
			delete(files, f.Path)
		case tc.contents[f.Path] != "":
			files[f.Path] = tc.contents[f.Path]
		case f.Binary:
			files[f.Path] = strings.Repeat("\x00", int(f.Size))
		default:
			var b strings.Builder
			for _, l := range f.AddedLines {
				b.WriteString(l.Text + "\n")
			}
			files[f.Path] = b.String()
		}
	}
	return &MemTree{Files: files}
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

// splitIdent splits "Name <email>".
func splitIdent(s string) (name, email string) {
	name, email, _ = strings.Cut(s, "<")
	return strings.TrimSpace(name), strings.TrimSuffix(strings.TrimSpace(email), ">")
}

// parseFile reads one file section: its attributes and diff lines, and
// the content its bytes=KIND attribute makes.
func parseFile(section string, body []string) (guard.FileChange, string, error) {
	fc, bytesKind, err := parseFileChange(section, body)
	if err != nil || bytesKind == "" {
		return fc, "", err
	}
	content, err := Content(bytesKind, fc.Path, int(fc.Size))
	if err != nil {
		return fc, "", fmt.Errorf("file %s: %v", fc.Path, err)
	}
	return fc, content, nil
}

func parseFileChange(section string, body []string) (fc guard.FileChange, bytesKind string, err error) {
	fc = guard.FileChange{Status: guard.Modified, Mode: 0o100644}
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
				return fc, "", fmt.Errorf("file %s: bad size %q", path, v)
			}
			fc.Size = n
		case "bytes":
			bytesKind = v
		case "mode":
			m, err := strconv.ParseUint(v, 8, 32)
			if err != nil {
				return fc, "", fmt.Errorf("file %s: bad mode %q", path, v)
			}
			fc.Mode = uint32(m)
		default:
			return fc, "", fmt.Errorf("file %s: unknown attribute %q", path, k)
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
			return fc, "", fmt.Errorf("file %s: body line %q must start with '+', '-' or ' '", path, l)
		}
	}
	fc.Added, fc.Deleted = len(fc.AddedLines), len(fc.DeletedLines)
	if fc.Size == 0 && !fc.Binary {
		for _, l := range fc.AddedLines {
			fc.Size += int64(len(l.Text) + 1)
		}
	}
	return fc, bytesKind, nil
}

package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
)

// A labels file names known-bad commits, one a line:
//
//	<sha> <class> <short description>
//
// where sha is a commit hash (7 to 64 hexadecimal digits, abbreviated or
// full) and class a name of letters, digits, '.', '_' and '-'. Blank
// lines and lines starting with '#' are comments; among them
// "# skipped CLASS (k of K planted): why" says that a class could not be
// planted (or fewer times than asked), and eval lists it. The planting
// tool of .ci/bench writes this format.

// evalLabel is one known-bad commit of a labels file.
type evalLabel struct {
	hash, class, desc string
	line              int
}

// skippedClass is a class a labels file says was not planted, and why.
type skippedClass struct {
	Class string `json:"class"`
	Why   string `json:"why"`
}

// labelFile is a parsed labels file.
type labelFile struct {
	name    string
	labels  []evalLabel
	skipped []skippedClass
}

var (
	classRE   = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)
	skippedRE = regexp.MustCompile(`^#\s*skipped\s+([A-Za-z0-9._-]+)\s*(\([^)]*\))?:\s*(.*)$`)
)

// readLabels reads and parses a labels file.
func readLabels(file string) (*labelFile, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("labels: %w", err)
	}
	defer f.Close()
	return parseLabels(f, file)
}

// parseLabels parses a labels file read from r; name names it in errors,
// which say file:line.
func parseLabels(r io.Reader, name string) (*labelFile, error) {
	lf := &labelFile{name: name}
	first := map[string]int{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if m := skippedRE.FindStringSubmatch(line); m != nil {
			lf.skipped = append(lf.skipped, skippedClass{Class: m[1], Why: strings.TrimSpace(m[2] + " " + m[3])})
			continue
		}
		if line == "" || line[0] == '#' {
			continue
		}
		l, err := parseLabel(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, n, err)
		}
		if at, ok := first[l.hash]; ok {
			return nil, fmt.Errorf("%s:%d: commit %s is labelled already at line %d", name, n, l.hash, at)
		}
		l.line, first[l.hash] = n, n
		lf.labels = append(lf.labels, l)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			err = errors.New("line longer than 64 KiB")
		}
		return nil, fmt.Errorf("%s:%d: %w", name, n+1, err)
	}
	return lf, nil
}

// parseLabel parses "<sha> <class> <description>".
func parseLabel(line string) (evalLabel, error) {
	const want = `want "<sha> <class> <description>"`
	hash, rest := cutSpace(line)
	class, desc := cutSpace(rest)
	if !isHash(hash) {
		return evalLabel{}, fmt.Errorf("%s: %.40q is not a commit hash", want, hash)
	}
	if class == "" {
		return evalLabel{}, fmt.Errorf("%s: no class after the hash", want)
	}
	if !classRE.MatchString(class) {
		return evalLabel{}, fmt.Errorf("class %.40q: want letters, digits, '.', '_' or '-'", class)
	}
	return evalLabel{hash: strings.ToLower(hash), class: class, desc: desc}, nil
}

// cutSpace splits s at its first run of white space.
func cutSpace(s string) (head, tail string) {
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

// isHash reports whether s can be a commit hash, full or abbreviated.
func isHash(s string) bool {
	if len(s) < 7 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}

// assignLabels matches the values of --labels to the repositories: each
// is FILE, given once per repository in their order, or NAME=FILE, NAME
// being a repository as given or its folder's name (evalName). The two
// forms do not mix. It returns the file of each repository ("" for
// none).
func assignLabels(values, repos []string) ([]string, error) {
	files := make([]string, len(repos))
	if len(values) == 0 {
		return files, nil
	}
	var plain []string
	for _, v := range values {
		name, file, ok := strings.Cut(v, "=")
		i := labelTarget(name, repos)
		if !ok || i < 0 {
			plain = append(plain, v)
			continue
		}
		if files[i] != "" {
			return nil, fmt.Errorf("--labels %s: %s has labels already (%s)", v, repos[i], files[i])
		}
		files[i] = file
	}
	if len(plain) == 0 {
		return files, nil
	}
	if len(plain) != len(values) {
		return nil, fmt.Errorf("--labels %s: give every labels file as NAME=FILE, or one FILE per repository in order", plain[0])
	}
	if len(plain) != len(repos) {
		return nil, fmt.Errorf("--labels: %d files for %d repositories: give one per repository in order, or NAME=FILE", len(plain), len(repos))
	}
	return plain, nil
}

// labelTarget returns the index of the repository name names, -1 when
// none does.
func labelTarget(name string, repos []string) int {
	for i, r := range repos {
		if name == r || name == evalName(r) {
			return i
		}
	}
	return -1
}

// evalName names a repository in eval's report: its folder's name,
// without .git (the folder holding a .git folder for a work tree).
func evalName(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = filepath.Clean(path)
	}
	if filepath.Base(abs) == ".git" {
		abs = filepath.Dir(abs)
	}
	if n := strings.TrimSuffix(filepath.Base(abs), ".git"); n != "" {
		return n
	}
	return filepath.Base(abs)
}

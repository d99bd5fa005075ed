package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/gitrepo"
)

// tipFiles tells which paths are files at the scanned tip, asking the
// repository once per path.
type tipFiles struct {
	repo  *gitrepo.Repo
	rev   string
	known map[string]bool
}

func newTipFiles(repo *gitrepo.Repo, rev string) *tipFiles {
	return &tipFiles{repo: repo, rev: rev, known: map[string]bool{}}
}

// has reports whether path is a file at the tip.
func (t *tipFiles) has(ctx context.Context, path string) (bool, error) {
	if at, ok := t.known[path]; ok {
		return at, nil
	}
	_, err := t.repo.ReadFile(ctx, t.rev, path)
	switch {
	case err == nil || errors.Is(err, gitrepo.ErrTooLarge):
		t.known[path] = true
	case errors.Is(err, gitrepo.ErrFileNotFound):
		t.known[path] = false
	default:
		return false, fmt.Errorf("look up %s at %s: %w", path, t.rev, err)
	}
	return t.known[path], nil
}

// leftOut counts the findings a SARIF log does not list as results:
// those below high severity in files gone from the scanned tip, and
// those about commits that changed no file (a result needs a file).
type leftOut struct {
	gone   map[guard.Severity]int
	noFile int
}

// keep reports whether a finding reported at path (gone: no longer at
// the tip) is listed, and counts it when it is not.
func (l *leftOut) keep(f guard.Finding, path string, gone bool) bool {
	switch {
	case path == "":
		l.noFile++
		return false
	case gone && f.Severity < guard.High:
		if l.gone == nil {
			l.gone = map[guard.Severity]int{}
		}
		l.gone[f.Severity]++
		return false
	}
	return true
}

// note says what was left out, for a notification of the run; "" when
// nothing was.
func (l *leftOut) note() string {
	var parts []string
	if n := sumCounts(l.gone); n > 0 {
		parts = append(parts, fmt.Sprintf("%s (%s) in files no longer at the scanned tip (deleted or renamed since; "+
			"high and critical ones are listed at their last path)", plural(n, "finding"), severityCounts(l.gone)))
	}
	if l.noFile > 0 {
		parts = append(parts, plural(l.noFile, "finding")+" about commits that changed no file")
	}
	if len(parts) == 0 {
		return ""
	}
	return "Not listed as results: " + strings.Join(parts, ", and ") +
		". repoguard scan --format text or --format json lists them."
}

func sumCounts(m map[guard.Severity]int) int {
	n := 0
	for _, c := range m {
		n += c
	}
	return n
}

// dirURI is the file URI of a directory, ending with a slash.
func dirURI(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	u := url.URL{Scheme: "file", Path: strings.TrimSuffix(filepath.ToSlash(dir), "/") + "/"}
	return u.String()
}

package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/sqlite"
)

// failWatch passes a scan's findings on to its reporter and keeps count
// of those at or above --fail-on, which make the scan exit 1, and the
// first of the most severe of them, which standard error names.
type failWatch struct {
	reporter
	failOn guard.Severity
	n      int
	worst  guard.Finding
	hash   string // the commit of worst
}

func (w *failWatch) commit(c *guard.Commit, fs []guard.Finding, risk float64) error {
	for _, f := range fs {
		if w.failOn == guard.SeverityNone || f.Severity < w.failOn {
			continue
		}
		if w.n == 0 || f.Severity > w.worst.Severity {
			w.worst, w.hash = f, c.Hash
		}
		w.n++
	}
	return w.reporter.commit(c, fs, risk)
}

// failed reports whether a finding reached --fail-on.
func (w *failWatch) failed() bool { return w.n > 0 }

// why says in one line why the scan exits 1: how many findings reached
// --fail-on, and the most severe.
func (w *failWatch) why() string {
	f := w.worst
	where := f.Location()
	if where != "" {
		where = " at " + where
	}
	return fmt.Sprintf("exit 1: %s at or above --fail-on %s; the most severe: %s %s%s in commit %s",
		plural(w.n, "finding"), w.failOn, f.Severity, f.Detector, safe(where), guard.ShortHash(w.hash))
}

// databaseNote says where the database a scan created is, "" when it
// existed already, keeps nothing, or is a server's (a URL, which may
// hold a password: never printed).
func databaseNote(path string, existed bool) string {
	if existed || path == ":memory:" || sqlite.IsURL(path) {
		return ""
	}
	return fmt.Sprintf("created the database %s (author baselines and the anomaly queue; "+
		"choose another with --data DIR or --db FILE)", path)
}

// fileExists reports whether path names an existing file.
func fileExists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, os.ErrNotExist)
}

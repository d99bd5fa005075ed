package detectortest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// Judge runs one detector over a commit under pol (nil for the
// detector's defaults), without a classifier, and fails the test on an
// error.
func Judge(tb testing.TB, d *guard.Detector, pol *guard.Policy, c *guard.Commit) []guard.Finding {
	tb.Helper()
	return judge(tb, &guard.Engine{Detectors: []*guard.Detector{d}, Policy: pol}, c)
}

// JudgeFiles runs one detector, with its default settings and the
// classifier cls (nil for none), over a commit of the given files.
func JudgeFiles(tb testing.TB, d *guard.Detector, cls guard.Classifier, files ...guard.FileChange) []guard.Finding {
	tb.Helper()
	eng := &guard.Engine{Detectors: []*guard.Detector{d}, Classifier: cls}
	return judge(tb, eng, &guard.Commit{Hash: "c0ffee", Files: files})
}

func judge(tb testing.TB, eng *guard.Engine, c *guard.Commit) []guard.Finding {
	tb.Helper()
	fs, err := eng.Judge(guard.Subject{Commit: c})
	if err != nil {
		tb.Fatal(err)
	}
	return fs
}

// Commit builds a commit that adds one file with the given text.
func Commit(path, text string) *guard.Commit {
	f := guard.FileChange{Path: path, Status: guard.Added, Mode: 0o100644}
	for i, l := range strings.Split(text, "\n") {
		f.AddedLines = append(f.AddedLines, guard.Line{Number: i + 1, Text: l})
	}
	f.Added = len(f.AddedLines)
	return &guard.Commit{
		Hash:   "0123456789abcdef0123456789abcdef01234567",
		Author: guard.Person{Name: "Alice", Email: "alice@example.com", When: time.Unix(0, 0)},
		Files:  []guard.FileChange{f},
	}
}

// Lines turns text, less one leading newline, into lines numbered from 1.
func Lines(text string) []guard.Line {
	var out []guard.Line
	for i, l := range strings.Split(strings.TrimPrefix(text, "\n"), "\n") {
		out = append(out, guard.Line{Number: i + 1, Text: l})
	}
	return out
}

// PrefixClassifier classifies paths by prefix, so that a test does not
// depend on the default policy.
type PrefixClassifier struct {
	ByPrefix map[string]string // path prefix -> category
	Assets   []string          // path prefixes of asset folders
}

// Categories returns the categories of the prefixes p has.
func (c PrefixClassifier) Categories(p string) []string {
	var out []string
	for prefix, cat := range c.ByPrefix {
		if strings.HasPrefix(p, prefix) {
			out = append(out, cat)
		}
	}
	return out
}

// Ignored reports false: no path is ignored.
func (c PrefixClassifier) Ignored(string) bool { return false }

// Asset reports whether p has one of the asset prefixes.
func (c PrefixClassifier) Asset(p string) bool {
	for _, a := range c.Assets {
		if strings.HasPrefix(p, a) {
			return true
		}
	}
	return false
}

// BenchmarkSource runs d over 10,000 added lines of ordinary Go source
// in one file and reports the cost per line (ns/line). The source is this
// module's detectors, guard and configs, without the detector packages
// given in skip (those whose own code and tables would trigger the
// detector), so that the benchmark measures code that mostly finds
// nothing.
func BenchmarkSource(b *testing.B, d *guard.Detector, skip ...string) {
	b.Helper()
	lines := sourceLines(b, 10000, skip)
	c := &guard.Commit{Hash: "0123456789", Files: []guard.FileChange{{Path: "src/app.go", AddedLines: lines}}}
	eng := guard.Engine{Detectors: []*guard.Detector{d}}
	b.ResetTimer()
	for b.Loop() {
		if _, err := eng.Judge(guard.Subject{Commit: c}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(lines)), "ns/line")
}

// sourceLines returns about n lines of the module's Go source, without
// the detector packages in skip.
func sourceLines(tb testing.TB, n int, skip []string) []guard.Line {
	tb.Helper()
	root, err := moduleRoot()
	if err != nil {
		tb.Fatal(err)
	}
	var files []string
	for _, g := range []string{"detectors/*/*.go", "detectors/*.go", "guard/*.go", "configs/*.go"} {
		m, _ := filepath.Glob(filepath.Join(root, g))
		files = append(files, m...)
	}
	files = slices.DeleteFunc(files, func(p string) bool {
		return slices.Contains(skip, filepath.Base(filepath.Dir(p)))
	})
	var lines []guard.Line
	for len(lines) < n {
		before := len(lines)
		for _, p := range files {
			data, err := os.ReadFile(p)
			if err != nil {
				tb.Fatal(err)
			}
			for _, l := range strings.Split(string(data), "\n") {
				lines = append(lines, guard.Line{Number: len(lines) + 1, Text: l})
			}
		}
		if len(lines) == before {
			tb.Fatal("no source files to benchmark with")
		}
	}
	return lines[:n]
}

// moduleRoot returns the folder of the go.mod above the working
// directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// Profile returns the profile of one author who made n commits, every
// apart from start, each committed by the author when authored.
func Profile(n int, start time.Time, every time.Duration) *guard.Profile {
	p := guard.NewProfile("author", "")
	for i := range n {
		at := start.Add(time.Duration(i) * every)
		c := guard.Commit{Author: guard.Person{Email: "author@example.com", When: at}}
		c.Committer = c.Author
		p.Learn(&c, nil)
	}
	return p
}

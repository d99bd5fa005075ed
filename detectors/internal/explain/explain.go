// Package explain renders the numbers, lists and changes that the
// detectors' messages and evidence quote, so that every detector words
// them the same way: "3 commits", "a, b, c and 4 more", "412 commits over
// 3.1 years", "+05:30".
package explain

import (
	"fmt"
	"strings"

	"github.com/repoguard/repoguard/guard"
)

// Plural renders "1 thing" or "n things".
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// List joins up to max items and says how many more there are.
func List(items []string, max int) string { return ListOf(items, len(items), max) }

// ListOf joins up to max of items, the first of a list of n, and says how
// many more the list has.
func ListOf(items []string, n, max int) string {
	shown := items[:min(len(items), max, n)]
	if n <= max {
		return strings.Join(shown, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(shown, ", "), n-len(shown))
}

// Change renders "path (status)" with the old path of a rename.
func Change(f *guard.FileChange) string {
	if f.Status == guard.Renamed {
		return fmt.Sprintf("%s (renamed from %s)", f.Path, f.OldPath)
	}
	return fmt.Sprintf("%s (%s)", f.Path, f.Status)
}

// Line renders an added line as evidence: "line N: text", trimmed and cut
// to 160 characters. Detectors that may see secrets must not use it for
// the lines holding them.
func Line(l guard.Line) string {
	t := strings.TrimSpace(l.Text)
	if len(t) > 160 {
		t = t[:157] + "..."
	}
	return fmt.Sprintf("line %d: %s", l.Number, t)
}

// Counts renders the keys of a count map with their counts, the most
// frequent first, at most five: "docs (329), build (327) and 5 more".
func Counts(m map[string]int) string {
	keys := guard.SortedKeys(m, func(a, b string) bool { return a < b })
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		name := k
		if k == "." {
			name = "(root files)"
		}
		parts = append(parts, fmt.Sprintf("%s (%d)", name, m[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return List(parts, 5)
}

// Capital returns s with its first letter in upper case, to start a
// sentence with a clause that other sentences quote in the middle.
func Capital(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// Few renders a count that may be none: "none", "only 12", "only 1,234".
func Few(n int) string {
	if n == 0 {
		return "none"
	}
	return "only " + guard.Thousands(n)
}

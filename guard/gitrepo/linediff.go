package gitrepo

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/repoguard/repoguard/guard"
)

// diffTimeout bounds the time the line diff spends on one file; past it the rest
// of the file is reported as replaced (still correct, not minimal). It stops
// a crafted file from stalling a scan.
const diffTimeout = 5 * time.Second

// lineDiffer diffs texts line by line. It is not safe for concurrent use.
type lineDiffer struct {
	ids map[string]rune
}

func newLineDiffer() *lineDiffer {
	return &lineDiffer{ids: make(map[string]rune)}
}

// splitLines splits s after each '\n'; a last line without one is kept.
// The lines keep their '\n' so that "x" and "x\n" differ, as in Git.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	lines := make([]string, 0, strings.Count(s, "\n")+1)
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			return append(lines, s)
		}
		lines = append(lines, s[:i+1])
		s = s[i+1:]
	}
	return lines
}

func appendLines(dst []guard.Line, lines []string, first int) []guard.Line {
	for k, l := range lines {
		dst = append(dst, guard.Line{Number: first + k, Text: strings.TrimSuffix(l, "\n")})
	}
	return dst
}

// diff returns the lines added to (numbered in new) and deleted from
// (numbered in old) old to make new.
func (d *lineDiffer) diff(old, new string) (added, deleted []guard.Line) {
	// Trim the common leading and trailing lines on the bytes, so that only
	// the changed middle is split into lines.
	p := commonPrefix(old, new)
	p = strings.LastIndexByte(old[:p], '\n') + 1
	s := wholeLineSuffix(old[p:], new[p:])
	first := strings.Count(old[:p], "\n") + 1
	ma, mb := splitLines(old[p:len(old)-s]), splitLines(new[p:len(new)-s])
	if len(ma) == 0 || len(mb) == 0 {
		return appendLines(nil, mb, first), appendLines(nil, ma, first)
	}
	ra, rb, ok := d.encode(ma, mb)
	d.forget()
	if !ok {
		return appendLines(nil, mb, first), appendLines(nil, ma, first)
	}
	oi, ni := 0, 0
	for _, df := range myersDiff(ra, rb, diffTimeout) {
		n := len(df.text)
		switch df.op {
		case opEqual:
			oi, ni = oi+n, ni+n
		case opDelete:
			deleted = appendLines(deleted, ma[oi:oi+n], first+oi)
			oi += n
		case opInsert:
			added = appendLines(added, mb[ni:ni+n], first+ni)
			ni += n
		}
	}
	return added, deleted
}

// forget empties the line identifiers, so as not to keep the texts
// alive. clear costs the size a map once grew to: a map that a large file
// grew is dropped instead.
func (d *lineDiffer) forget() {
	if len(d.ids) > 4096 {
		d.ids = make(map[string]rune)
		return
	}
	clear(d.ids)
}

// commonPrefix returns the length of the common prefix of a and b.
func commonPrefix(a, b string) int {
	n := min(len(a), len(b))
	i := 0
	for i+8 <= n && a[i:i+8] == b[i:i+8] {
		i += 8
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

// wholeLineSuffix returns the length of the longest common suffix of a and
// b that starts at a line start in both (both start at one).
func wholeLineSuffix(a, b string) int {
	s := commonSuffix(a, b)
	if (s == len(a) || a[len(a)-s-1] == '\n') && (s == len(b) || b[len(b)-s-1] == '\n') {
		return s
	}
	// Inside the common suffix a and b agree: cut after its first newline.
	if i := strings.IndexByte(a[len(a)-s:], '\n'); i >= 0 {
		return s - i - 1
	}
	return 0
}

// commonSuffix returns the length of the common suffix of a and b.
func commonSuffix(a, b string) int {
	n := min(len(a), len(b))
	i := 0
	for i+8 <= n && a[len(a)-i-8:len(a)-i] == b[len(b)-i-8:len(b)-i] {
		i += 8
	}
	for i < n && a[len(a)-i-1] == b[len(b)-i-1] {
		i++
	}
	return i
}

// maxLineIDs is the number of runes usable as line identifiers: every
// Unicode scalar value (surrogates excluded, as they do not survive
// go-diff's string conversions).
const maxLineIDs = utf8.MaxRune + 1 - (0xE000 - 0xD800)

// encode maps each distinct line to one rune. It fails when there are more
// distinct lines than runes.
func (d *lineDiffer) encode(a, b []string) (ra, rb []rune, ok bool) {
	ra, rb = make([]rune, len(a)), make([]rune, len(b))
	for _, pair := range [2]struct {
		lines []string
		out   []rune
	}{{a, ra}, {b, rb}} {
		for i, l := range pair.lines {
			r, seen := d.ids[l]
			if !seen {
				n := len(d.ids)
				if n >= maxLineIDs {
					return nil, nil, false
				}
				r = rune(n)
				if r >= 0xD800 {
					r += 0xE000 - 0xD800
				}
				d.ids[l] = r
			}
			pair.out[i] = r
		}
	}
	return ra, rb, true
}

package gitrepo

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/guard"
	"github.com/sergi/go-diff/diffmatchpatch"
)

// trimLines joins the lines of s without their terminators.
func trimLines(s string) string {
	ls := splitLines(s)
	for i := range ls {
		ls[i] = strings.TrimSuffix(ls[i], "\n")
	}
	return strings.Join(ls, "\n")
}

// applyLines rebuilds the new text (as trimLines would show it) from old
// and the numbered added and deleted lines; it returns "<mismatch>" when a
// deleted line does not match old.
func applyLines(old string, added, deleted []guard.Line) string {
	olds := strings.Split(trimLines(old), "\n")
	if old == "" {
		olds = nil
	}
	gone := map[int]bool{}
	for _, d := range deleted {
		if d.Number < 1 || d.Number > len(olds) || olds[d.Number-1] != d.Text {
			return "<mismatch>"
		}
		gone[d.Number] = true
	}
	var out []string
	ai, oi := 0, 0
	for n := 1; ; n++ {
		if ai < len(added) && added[ai].Number == n {
			out = append(out, added[ai].Text)
			ai++
			continue
		}
		for oi < len(olds) && gone[oi+1] {
			oi++
		}
		if oi == len(olds) {
			break
		}
		out = append(out, olds[oi])
		oi++
	}
	if ai != len(added) {
		return "<mismatch>"
	}
	return strings.Join(out, "\n")
}

func TestLineDiff(t *testing.T) {
	for _, tc := range []struct {
		name, old, new string
		added, deleted []guard.Line
	}{
		{"equal", "a\nb\n", "a\nb\n", nil, nil},
		{"from empty", "", "a\nb", lines(1, "a", 2, "b"), nil},
		{"to empty", "a\nb\n", "", nil, lines(1, "a", 2, "b")},
		{"middle", "a\nb\nc\n", "a\nB\nc\n", lines(2, "B"), lines(2, "b")},
		{"insert", "a\nc\n", "a\nb\nc\n", lines(2, "b"), nil},
		{"delete", "a\nb\nc\n", "a\nc\n", nil, lines(2, "b")},
		{"no newline at end", "a\nb", "a\nb\n", lines(2, "b"), lines(2, "b")},
		{"two hunks", "1\n2\n3\n4\n5\n6\n7\n", "1\nx\n3\n4\n5\ny\n7\n", lines(2, "x", 6, "y"), lines(2, "2", 6, "6")},
		{"crlf kept", "a\r\nb\r\n", "a\r\nc\r\n", lines(2, "c\r"), lines(2, "b\r")},
		{"invalid utf-8", "ok\n\xff\xfe\n", "ok\n\xff\xfd\n", lines(2, "\xff\xfd"), lines(2, "\xff\xfe")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			added, deleted := newLineDiffer().diff(tc.old, tc.new)
			if !reflect.DeepEqual(added, tc.added) || !reflect.DeepEqual(deleted, tc.deleted) {
				t.Errorf("diff = +%v -%v, want +%v -%v", added, deleted, tc.added, tc.deleted)
			}
			if got := applyLines(tc.old, added, deleted); got != trimLines(tc.new) {
				t.Errorf("rebuilt %q, want %q", got, trimLines(tc.new))
			}
		})
	}
}

// TestLineDiffManyLines covers more distinct lines than there are runes
// below the surrogates (55,296), where a rune-per-line encoding must skip
// the surrogate range.
func TestLineDiffManyLines(t *testing.T) {
	var old, new strings.Builder
	for i := range 70000 {
		fmt.Fprintf(&old, "line %d\n", i)
		if i%7000 == 3 {
			fmt.Fprintf(&new, "changed %d\n", i)
		} else {
			fmt.Fprintf(&new, "line %d\n", i)
		}
	}
	// The changes span 63,000 lines, each of which gets an identifier.
	a, b := old.String(), new.String()
	added, deleted := newLineDiffer().diff(a, b)
	if got := applyLines(a, added, deleted); got != trimLines(b) {
		t.Fatal("lines do not rebuild the new text")
	}
	if len(added) != 10 || len(deleted) != 10 {
		t.Errorf("+%d -%d lines, want +10 -10", len(added), len(deleted))
	}
}

// TestGoDiffLineMode records the check of go-diff v1.4.0's own line mode
// (DiffLinesToChars) on the two inputs its older releases got wrong.
func TestGoDiffLineMode(t *testing.T) {
	var old, new strings.Builder
	for i := range 60000 {
		fmt.Fprintf(&old, "%d\n", i)
		fmt.Fprintf(&new, "%d\n", i+min(i%1000, 1))
	}
	old.WriteString("\xff\xfe\n")
	new.WriteString("\xff\xfd\n")
	dmp := diffmatchpatch.New()
	c1, c2, arr := dmp.DiffLinesToChars(old.String(), new.String())
	var a, b strings.Builder
	for _, d := range dmp.DiffCharsToLines(dmp.DiffMain(c1, c2, false), arr) {
		if d.Type != diffmatchpatch.DiffInsert {
			a.WriteString(d.Text)
		}
		if d.Type != diffmatchpatch.DiffDelete {
			b.WriteString(d.Text)
		}
	}
	if a.String() != old.String() || b.String() != new.String() {
		t.Error("go-diff line mode does not rebuild its inputs")
	}
}

func FuzzLineDiff(f *testing.F) {
	f.Add("a\nb\nc\n", "a\nc\nd")
	f.Add("", "x\n")
	f.Add("}\n}\n\n}\n", "}\n\n}\n}\n}")
	f.Add("\xff\n\x00\n", "\x00\n\xff")
	f.Fuzz(func(t *testing.T, old, new string) {
		added, deleted := newLineDiffer().diff(old, new)
		if got := applyLines(old, added, deleted); got != trimLines(new) {
			t.Errorf("rebuilt %q, want %q (+%v -%v)", got, trimLines(new), added, deleted)
		}
		if old == new && (added != nil || deleted != nil) {
			t.Errorf("equal texts: +%v -%v", added, deleted)
		}
	})
}

package guard

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// numbered returns added lines numbered from..to with text "l<n>".
func numbered(from, to int) []Line {
	var ls []Line
	for n := from; n <= to; n++ {
		ls = append(ls, Line{Number: n, Text: "l" + strconv.Itoa(n)})
	}
	return ls
}

func lineNumbers(ls []Line) []int {
	var out []int
	for _, l := range ls {
		out = append(out, l.Number)
	}
	return out
}

func TestJudgeAttachesHunk(t *testing.T) {
	files := []FileChange{
		{Path: "a.go", Status: Modified, AddedLines: append(numbered(1, 5), numbered(10, 40)...)},
		{Path: "b.go", Status: Added, AddedLines: numbered(1, 3)},
	}
	tests := []struct {
		name      string
		f         Finding
		noContext bool
		want      []int // line numbers of the hunk; nil for none
	}{
		{name: "window around a line", f: Finding{Path: "a.go", Line: 20}, want: []int{17, 18, 19, 20, 21, 22, 23}},
		{name: "clipped at the file start and by gaps", f: Finding{Path: "a.go", Line: 2}, want: []int{1, 2, 3, 4, 5}},
		{name: "only added lines", f: Finding{Path: "a.go", Line: 7}, want: []int{4, 5, 10}},
		{name: "end line widens the window", f: Finding{Path: "a.go", Line: 20, EndLine: 22}, want: []int{17, 18, 19, 20, 21, 22, 23, 24, 25}},
		{name: "end line before line ignored", f: Finding{Path: "a.go", Line: 20, EndLine: 3}, want: []int{17, 18, 19, 20, 21, 22, 23}},
		{name: "capped at 12 lines", f: Finding{Path: "a.go", Line: 12, EndLine: 38}, want: []int{10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21}},
		{name: "no added lines near", f: Finding{Path: "a.go", Line: 100}},
		{name: "whole file", f: Finding{Path: "a.go"}},
		{name: "whole change", f: Finding{}},
		{name: "unknown file", f: Finding{Path: "c.go", Line: 2}},
		{name: "no context detector", f: Finding{Path: "a.go", Line: 20, Hunk: []Line{{1, "secret"}}}, noContext: true},
		{name: "other file", f: Finding{Path: "b.go", Line: 2}, want: []int{1, 2, 3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := &Detector{Name: "probe", Doc: "probe", Severity: Low, NoContext: tc.noContext,
				Run: func(p *Pass) { p.Report(tc.f) }}
			e := &Engine{Detectors: []*Detector{d}}
			fs, err := e.Judge(Subject{Commit: &Commit{Hash: "c1", Files: files}})
			if err != nil || len(fs) != 1 {
				t.Fatalf("Judge = %v, %v", fs, err)
			}
			if got := lineNumbers(fs[0].Hunk); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("hunk lines = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestHunkText(t *testing.T) {
	long := strings.Repeat("a", 299) + "é" + "tail" // é straddles byte 300
	files := []FileChange{{Path: "b.go", AddedLines: []Line{{1, "x"}, {2, long}, {3, "<script>"}}}}
	got := newHunkIndex(files).hunk(&Finding{Path: "b.go", Line: 2})
	want := []Line{{1, "x"}, {2, strings.Repeat("a", 299)}, {3, "<script>"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("hunk = %+v, want %+v", got, want)
	}
	if files[0].AddedLines[1].Text != long {
		t.Error("hunk changed the file's lines")
	}
	exact := strings.Repeat("b", 300) + "c"
	if got := newHunkIndex([]FileChange{{Path: "p", AddedLines: []Line{{1, exact}}}}).hunk(&Finding{Path: "p", Line: 1}); got[0].Text != exact[:300] {
		t.Errorf("cut to %d bytes, want 300", len(got[0].Text))
	}
}

// TestHunkWithholdsSecretNeighbourhood: a finding of an ordinary detector
// next to a key-material finding shows no line the key finding would have
// shown.
func TestHunkWithholdsSecretNeighbourhood(t *testing.T) {
	files := []FileChange{{Path: "ci.yml", Status: Added, AddedLines: numbered(1, 30)}}
	mk := func(name string, noContext bool, line int) *Detector {
		return &Detector{Name: name, Doc: "d", Severity: High, NoContext: noContext,
			Run: func(p *Pass) { p.Report(Finding{Path: "ci.yml", Line: line, Message: name}) }}
	}
	eng := Engine{Detectors: []*Detector{mk("ordinary", false, 12), mk("secretive", true, 15)}}
	fs, err := eng.Judge(Subject{Commit: &Commit{Hash: "c", Files: files}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		switch f.Detector {
		case "secretive":
			if f.Hunk != nil {
				t.Errorf("NoContext finding got a hunk %v", lineNumbers(f.Hunk))
			}
		case "ordinary":
			if got, want := lineNumbers(f.Hunk), []int{9, 10, 11}; !reflect.DeepEqual(got, want) {
				t.Errorf("ordinary hunk %v, want %v (lines 12-18 are withheld)", got, want)
			}
		}
	}
}

// TestHunkLinesOutOfOrder: lines not in increasing order (never from Git)
// are still searched, one by one.
func TestHunkLinesOutOfOrder(t *testing.T) {
	files := []FileChange{{Path: "a", AddedLines: []Line{{9, "n"}, {2, "b"}, {30, "z"}, {3, "c"}, {1, "a"}}}}
	got := lineNumbers(newHunkIndex(files).hunk(&Finding{Path: "a", Line: 2}))
	if want := []int{2, 3, 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("hunk lines = %v, want %v", got, want)
	}
}

func TestWithholdMergesSpans(t *testing.T) {
	hunkOf := func(path string, nums ...int) Finding {
		f := Finding{Path: path}
		for _, n := range nums {
			f.Hunk = append(f.Hunk, Line{Number: n})
		}
		return f
	}
	fs := []Finding{hunkOf("a", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), hunkOf("b", 4, 5), hunkOf("c", 1)}
	spans := []span{{"a", 9, 10}, {"a", 2, 3}, {"a", 3, 5}, {"b", 1, 10}, {"a", 10, 10}, {"z", 1, 100}}
	withhold(fs, spans)
	if got, want := lineNumbers(fs[0].Hunk), []int{1, 6, 7, 8, 11, 12}; !reflect.DeepEqual(got, want) {
		t.Errorf("a: hunk %v, want %v", got, want)
	}
	if fs[1].Hunk != nil {
		t.Errorf("b: hunk %v, want none", lineNumbers(fs[1].Hunk))
	}
	if got := lineNumbers(fs[2].Hunk); !reflect.DeepEqual(got, []int{1}) {
		t.Errorf("c: hunk %v, want [1]", got)
	}
}

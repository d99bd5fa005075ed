package guard

import (
	"slices"
	"sort"
)

// The work of attaching hunks must not grow with the product of the
// findings and the lines or files of a change: a crafted change with a
// finding on each of its thousands of lines made it quadratic (issue 8).
// hunkIndex finds a file by path in a map and its lines by binary search;
// withhold looks the lines up in merged, sorted spans.

// hunkIndex finds the added lines around findings.
type hunkIndex struct {
	files  []FileChange
	byPath map[string]int // the first file of each path
	sorted map[int]bool   // whether a file's added lines are in order, once known
}

func newHunkIndex(files []FileChange) *hunkIndex {
	x := &hunkIndex{files: files, byPath: make(map[string]int, len(files)), sorted: map[int]bool{}}
	for i := range files {
		if _, ok := x.byPath[files[i].Path]; !ok {
			x.byPath[files[i].Path] = i
		}
	}
	return x
}

// hunk returns the added lines of f's file from hunkContext lines before
// f.Line to hunkContext lines after f.EndLine (f.Line when unset), at most
// hunkMaxLines of them, each cut to hunkMaxBytes; nil for a finding about
// no line.
func (x *hunkIndex) hunk(f *Finding) []Line {
	if f.Path == "" || f.Line <= 0 {
		return nil
	}
	i, ok := x.byPath[f.Path]
	if !ok {
		return nil
	}
	lines := x.files[i].AddedLines
	end := max(f.EndLine, f.Line)
	lo, hi := f.Line-hunkContext, end+hunkContext
	from, ordered := 0, x.inOrder(i)
	if ordered {
		from = sort.Search(len(lines), func(k int) bool { return lines[k].Number >= lo })
	}
	var out []Line
	for _, l := range lines[from:] {
		if l.Number > hi && ordered {
			break
		}
		if l.Number < lo || l.Number > hi {
			continue
		}
		out = append(out, Line{Number: l.Number, Text: cutUTF8(l.Text, hunkMaxBytes)})
		if len(out) == hunkMaxLines {
			break
		}
	}
	return out
}

// inOrder reports whether the added lines of files[i] are numbered in
// increasing order, as Git's diffs give them; lines out of order are
// searched one by one.
func (x *hunkIndex) inOrder(i int) bool {
	ok, known := x.sorted[i]
	if !known {
		ok = slices.IsSortedFunc(x.files[i].AddedLines, func(a, b Line) int { return a.Number - b.Number })
		x.sorted[i] = ok
	}
	return ok
}

// span is a range of lines of one file.
type span struct {
	path     string
	from, to int
}

// withhold drops from every hunk the lines near findings of NoContext
// detectors, so that another detector's hunk cannot show the secret a
// key-material finding only fingerprints.
func withhold(fs []Finding, spans []span) {
	if len(spans) == 0 {
		return
	}
	hidden := mergeSpans(spans)
	for i := range fs {
		f := &fs[i]
		if len(f.Hunk) == 0 {
			continue
		}
		ranges := hidden[f.Path]
		kept := f.Hunk[:0]
		for _, l := range f.Hunk {
			if !inRanges(ranges, l.Number) {
				kept = append(kept, l)
			}
		}
		if len(kept) == 0 {
			kept = nil
		}
		f.Hunk = kept
	}
}

// mergeSpans groups spans by path into sorted, disjoint line ranges.
func mergeSpans(spans []span) map[string][][2]int {
	byPath := map[string][][2]int{}
	for _, s := range spans {
		byPath[s.path] = append(byPath[s.path], [2]int{s.from, s.to})
	}
	for p, rs := range byPath {
		slices.SortFunc(rs, func(a, b [2]int) int { return a[0] - b[0] })
		merged := rs[:1]
		for _, r := range rs[1:] {
			if last := &merged[len(merged)-1]; r[0] <= last[1] {
				last[1] = max(last[1], r[1])
			} else {
				merged = append(merged, r)
			}
		}
		byPath[p] = merged
	}
	return byPath
}

// inRanges reports whether n lies in one of the sorted, disjoint ranges.
func inRanges(ranges [][2]int, n int) bool {
	k := sort.Search(len(ranges), func(k int) bool { return ranges[k][1] >= n })
	return k < len(ranges) && ranges[k][0] <= n
}

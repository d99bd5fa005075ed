package featureprobe

import (
	"strings"

	"github.com/repoguard/repoguard/guard"
)

// block is one place of a diff where a run of consecutive old lines
// (del) was replaced by a run of consecutive new lines (add); either may
// be empty.
type block struct {
	del, add []guard.Line
}

// blocks splits a file's changed lines into blocks. A deleted run at old
// line o and an added run at new line n belong together when n is o
// shifted by the lines added and deleted before them, which is where a
// unified diff puts a replacement.
func blocks(f *guard.FileChange) []block {
	del, add := f.DeletedLines, f.AddedLines
	var out []block
	i, j, shift := 0, 0, 0 // shift: lines added minus lines deleted so far
	for i < len(del) || j < len(add) {
		var b block
		if i < len(del) && (j >= len(add) || del[i].Number+shift <= add[j].Number) {
			at := del[i].Number + shift
			k := runEnd(del, i)
			b.del, i = del[i:k], k
			if j < len(add) && add[j].Number == at {
				k = runEnd(add, j)
				b.add, j = add[j:k], k
			}
		} else {
			k := runEnd(add, j)
			b.add, j = add[j:k], k
		}
		shift += len(b.add) - len(b.del)
		out = append(out, b)
	}
	return out
}

// runEnd returns the end of the run of consecutively numbered lines that
// starts at ls[i].
func runEnd(ls []guard.Line, i int) int {
	k := i + 1
	for k < len(ls) && ls[k].Number == ls[k-1].Number+1 {
		k++
	}
	return k
}

// text is a run of lines joined by newlines, with the line number of
// each byte offset.
type text struct {
	s     string
	lines []guard.Line
	start []int // offset of each line in s
}

func newText(ls []guard.Line) *text {
	t := &text{lines: ls, start: make([]int, len(ls))}
	var b strings.Builder
	for i, l := range ls {
		t.start[i] = b.Len()
		b.WriteString(l.Text)
		b.WriteByte('\n')
	}
	t.s = b.String()
	return t
}

// line returns the index in lines of the line holding offset off.
func (t *text) line(off int) int {
	lo, hi := 0, len(t.start)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if t.start[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// number returns the file line number of offset off.
func (t *text) number(off int) int {
	if len(t.lines) == 0 {
		return 0
	}
	return t.lines[t.line(off)].Number
}

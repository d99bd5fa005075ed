package ignorerules

import (
	"path"
	"strings"
)

// maxSegments bounds the folders of a pattern or path that matches
// compare, to keep "**" from costing more than a table of that size.
const maxSegments = 32

// matches reports whether a rule's pattern, in an ignore file of folder
// dir, matches the file p or a folder above it, as git does: a pattern
// without a slash matches any name, one with a slash the path from dir;
// "**" stands for any folders.
func matches(pattern, dir, p string) bool {
	if dir != "." && dir != "" {
		rest, ok := strings.CutPrefix(p, dir+"/")
		if !ok {
			return false
		}
		p = rest
	}
	dirOnly := strings.HasSuffix(pattern, "/")
	pat := strings.TrimRight(pattern, "/")
	anchored := strings.Contains(pat, "/")
	pat = strings.TrimLeft(pat, "/")
	segs := strings.Split(p, "/")
	if len(segs) > maxSegments || pat == "" {
		return false
	}
	if !anchored {
		for i, s := range segs {
			if ok, _ := path.Match(pat, s); ok && (i < len(segs)-1 || !dirOnly) {
				return true
			}
		}
		return false
	}
	ps := strings.Split(pat, "/")
	if len(ps) > maxSegments {
		return false
	}
	m := segMatcher{pat: ps, segs: segs, dirOnly: dirOnly, seen: map[[2]int]bool{}}
	return m.match(0, 0)
}

// segMatcher matches pattern folders against path folders, each pair of
// places once.
type segMatcher struct {
	pat, segs []string
	dirOnly   bool
	seen      map[[2]int]bool
}

func (m *segMatcher) match(i, j int) bool {
	if m.seen[[2]int{i, j}] {
		return false
	}
	m.seen[[2]int{i, j}] = true
	if i == len(m.pat) {
		// The whole path is the file; a prefix is a folder hiding it.
		return j == len(m.segs) && !m.dirOnly || j > 0 && j < len(m.segs)
	}
	if m.pat[i] == "**" {
		for k := j; k <= len(m.segs); k++ {
			if m.match(i+1, k) {
				return true
			}
		}
		return false
	}
	if j == len(m.segs) {
		return false
	}
	ok, _ := path.Match(m.pat[i], m.segs[j])
	return ok && m.match(i+1, j+1)
}

package configs

import (
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// A matchSet matches a path against a list of doublestar patterns. Braces
// are expanded first, and a path matches when doublestar.Match matches it
// with one of the expansions. (That differs from doublestar.Match on the
// pattern as written only where doublestar is inconsistent, when the end
// of a path meets a "*" before braces.) The common shapes ("**/name",
// "**/*.ext", "**/dir/**", "dir/**") become map lookups and string
// comparisons, so that the cost of a path hardly grows with the number of
// patterns.
type matchSet struct {
	patterns []string        // expanded, for paths the fast forms do not cover
	exact    map[string]bool // the whole path
	base     map[string]bool // the last segment
	ext      map[string]bool // a suffix of the last segment that starts with "."
	segment  map[string]bool // any segment
	last     []segMatcher    // the last segment
	some     []segMatcher    // any segment
	prefix   []string        // "dir/**": the path is dir or below it
	globs    []globMatcher   // anything else
}

// segMatcher matches one path segment.
type segMatcher struct {
	kind  byte // '=' exact, '^' prefix, '$' suffix, '~' contains, '*' glob
	lit   string
	pat   string
	needs []string
}

// globMatcher matches a whole path with doublestar once the literals every
// match contains are found in it.
type globMatcher struct {
	pat   string
	needs []string
}

// maxExpansions bounds the patterns one pattern's braces expand to;
// beyond it the pattern is matched as written.
const maxExpansions = 64

// newMatchSet compiles valid patterns (see globProblem).
func newMatchSet(patterns []string) *matchSet {
	s := &matchSet{exact: map[string]bool{}, base: map[string]bool{},
		ext: map[string]bool{}, segment: map[string]bool{}}
	for _, p := range patterns {
		exp, ok := expandBraces(p)
		if !ok {
			exp = []string{p}
		}
		for _, e := range exp {
			s.patterns = append(s.patterns, e)
			s.add(e)
		}
	}
	return s
}

// add compiles one pattern without braces.
func (s *matchSet) add(p string) {
	rest, anyDir := strings.CutPrefix(p, "**/")
	seg, anyBelow := strings.CutSuffix(rest, "/**")
	switch {
	case !hasMeta(p):
		s.exact[p] = true
	case anyDir && !anyBelow && isSegment(rest):
		m := compileSeg(rest)
		switch {
		case m.kind == '=':
			s.base[m.lit] = true
		case m.kind == '$' && strings.HasPrefix(m.lit, "."):
			s.ext[m.lit] = true
		default:
			s.last = append(s.last, m)
		}
	case anyDir && anyBelow && isSegment(seg):
		if m := compileSeg(seg); m.kind == '=' {
			s.segment[m.lit] = true
		} else {
			s.some = append(s.some, m)
		}
	case !anyDir && anyBelow && !hasMeta(seg):
		s.prefix = append(s.prefix, seg)
	default:
		s.globs = append(s.globs, globMatcher{pat: p, needs: literals(p)})
	}
}

// match reports whether path matches any pattern of the set.
func (s *matchSet) match(path string) bool {
	if path == "" || strings.Contains(path, "//") || strings.HasSuffix(path, "/") {
		for _, p := range s.patterns {
			if doublestar.MatchUnvalidated(p, path) {
				return true
			}
		}
		return false
	}
	if s.exact[path] {
		return true
	}
	base := path[strings.LastIndexByte(path, '/')+1:]
	if s.base[base] {
		return true
	}
	if len(s.ext) > 0 {
		for i := 0; i < len(base); i++ {
			if base[i] == '.' && s.ext[base[i:]] {
				return true
			}
		}
	}
	for i := range s.last {
		if s.last[i].match(base) {
			return true
		}
	}
	if (len(s.segment) > 0 || len(s.some) > 0) && s.anySegment(path) {
		return true
	}
	for _, d := range s.prefix {
		if strings.HasPrefix(path, d) && (len(path) == len(d) || path[len(d)] == '/') {
			return true
		}
	}
	for i := range s.globs {
		if s.globs[i].match(path) {
			return true
		}
	}
	return false
}

// anySegment reports whether a segment of path matches a segment pattern.
func (s *matchSet) anySegment(path string) bool {
	for rest := path; ; {
		seg, tail, more := strings.Cut(rest, "/")
		if s.segment[seg] {
			return true
		}
		for i := range s.some {
			// Like doublestar, "**/x*/**" does not match a path that
			// ends in "x": a "*" at the end of the path that matches
			// nothing is not followed by "/**".
			if m := &s.some[i]; m.match(seg) && (more || doublestar.MatchUnvalidated(m.pat+"/**", seg)) {
				return true
			}
		}
		if !more {
			return false
		}
		rest = tail
	}
}

func (m *segMatcher) match(seg string) bool {
	switch m.kind {
	case '=':
		return seg == m.lit
	case '^':
		return strings.HasPrefix(seg, m.lit)
	case '$':
		return strings.HasSuffix(seg, m.lit)
	case '~':
		return strings.Contains(seg, m.lit)
	}
	for _, n := range m.needs {
		if !strings.Contains(seg, n) {
			return false
		}
	}
	return doublestar.MatchUnvalidated(m.pat, seg)
}

func (g *globMatcher) match(path string) bool {
	for _, n := range g.needs {
		if !strings.Contains(path, n) {
			return false
		}
	}
	return doublestar.MatchUnvalidated(g.pat, path)
}

// compileSeg compiles a pattern for one segment (no "/" and no "**").
func compileSeg(seg string) segMatcher {
	inner := strings.TrimSuffix(strings.TrimPrefix(seg, "*"), "*")
	lead, trail := strings.HasPrefix(seg, "*"), len(seg) > 1 && strings.HasSuffix(seg, "*")
	switch {
	case !hasMeta(seg):
		return segMatcher{kind: '=', lit: seg, pat: seg}
	case hasMeta(inner):
	case lead && trail:
		return segMatcher{kind: '~', lit: inner, pat: seg}
	case lead:
		return segMatcher{kind: '$', lit: inner, pat: seg}
	case trail:
		return segMatcher{kind: '^', lit: inner, pat: seg}
	}
	return segMatcher{kind: '*', pat: seg, needs: literals(seg)}
}

// isSegment reports whether p matches within one path segment. A
// character class may match "/" in doublestar, so it disqualifies.
func isSegment(p string) bool {
	return p != "" && !strings.ContainsAny(p, "/[") && !strings.Contains(p, "**")
}

func hasMeta(s string) bool { return strings.ContainsAny(s, `*?[{\`) }

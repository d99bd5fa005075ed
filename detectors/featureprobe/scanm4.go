package featureprobe

import (
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/textscan"
)

// scanM4 finds autoconf's probe macros, the C programs of AC_LANG_SOURCE,
// AC_LANG_PROGRAM and AC_TRY_*, and comments (dnl and # outside quotes),
// in one pass: each open macro call is split into its arguments by the
// commas and parentheses at its own quote level.
func scanM4(s string) *scanned {
	m := &m4Scan{s: s, out: &scanned{}, parens: []int{0}}
	for i := 0; i < len(s); {
		i = m.step(i)
	}
	for len(m.open) > 0 {
		m.finish(len(s), false)
	}
	return m.out
}

// m4Scan is the state of scanM4.
type m4Scan struct {
	s      string
	out    *scanned
	quote  int
	parens []int // open parentheses at each quote level up to quote
	open   []m4Open
}

// m4Open is a macro call whose closing parenthesis is still to come.
type m4Open struct {
	name                string
	start, level, depth int
	from                int // where its current argument starts
	args                []span
}

func (m *m4Scan) step(i int) int {
	s, c := m.s, m.s[i]
	switch {
	case c == '[':
		m.quote++
		if m.quote < len(m.parens) {
			m.parens[m.quote] = 0
		} else {
			m.parens = append(m.parens, 0)
		}
	case c == ']':
		m.quote = max(m.quote-1, 0)
		for len(m.open) > 0 && m.open[len(m.open)-1].level > m.quote {
			m.finish(i, false)
		}
	case m.quote == 0 && (c == '#' || isWordAt(s, i, "dnl")):
		end := lineEnd(s, i)
		m.out.comments = append(m.out.comments, span{i, end})
		return end
	case isIdentStart(c) && (i == 0 || !textscan.IsIdent(s[i-1])):
		j := i + identLen(s[i:])
		if j < len(s) && s[j] == '(' && (m4Probes[s[i:j]] || m4Programs[s[i:j]]) {
			m.open = append(m.open, m4Open{name: s[i:j], start: i, level: m.quote, depth: m.parens[m.quote] + 1, from: j + 1})
		}
		return j
	case c == '(':
		m.parens[m.quote]++
	case c == ')':
		if m.atTop() {
			m.finish(i, true)
		}
		m.parens[m.quote] = max(m.parens[m.quote]-1, 0)
	case c == ',' && m.atTop():
		top := &m.open[len(m.open)-1]
		top.args = append(top.args, span{top.from, i})
		top.from = i + 1
	}
	return i + 1
}

// atTop reports whether the innermost open call is at the current quote
// level and parenthesis depth: a comma or ')' here is its own.
func (m *m4Scan) atTop() bool {
	if len(m.open) == 0 {
		return false
	}
	top := m.open[len(m.open)-1]
	return top.level == m.quote && m.parens[m.quote] == top.depth
}

// finish closes the innermost open call at end and records it and the
// programs of its arguments.
func (m *m4Scan) finish(end int, complete bool) {
	call := m.open[len(m.open)-1]
	m.open = m.open[:len(m.open)-1]
	args := append(call.args, span{call.from, end})
	callEnd := end
	if complete {
		callEnd = end + 1
	}
	if m4Probes[call.name] {
		m.out.calls = append(m.out.calls, probeCall{name: call.name, span: span{call.start, callEnd}, complete: complete})
	}
	if !m4Programs[call.name] {
		return
	}
	body := call.name == "AC_LANG_PROGRAM" || call.name == "AC_TRY_COMPILE" || call.name == "AC_TRY_LINK"
	for k, a := range args[:min(len(args), 2)] {
		if k == 1 && !body {
			break
		}
		a = unquote(m.s, a)
		if a.end > a.start {
			m.out.programs = append(m.out.programs, program{s: m.s[a.start:a.end], base: a.start, d: m4Quoted,
				inMain: k == 1, complete: complete || k < len(args)-1})
		}
	}
}

// isWordAt reports whether the word w stands at s[i:].
func isWordAt(s string, i int, w string) bool {
	return strings.HasPrefix(s[i:], w) && (i+len(w) == len(s) || !textscan.IsIdent(s[i+len(w)])) &&
		(i == 0 || !textscan.IsIdent(s[i-1]))
}

// unquote strips blanks and up to three levels of m4 quotes around a
// whole argument.
func unquote(s string, a span) span {
	for range 3 {
		for a.start < a.end && isBlank(s[a.start]) {
			a.start++
		}
		for a.end > a.start && isBlank(s[a.end-1]) {
			a.end--
		}
		if a.end-a.start < 2 || s[a.start] != '[' || s[a.end-1] != ']' || matchingQuote(s[:a.end], a.start) != a.end-1 {
			return a
		}
		a.start, a.end = a.start+1, a.end-1
	}
	return a
}

// matchingQuote returns the offset of the ']' closing the '[' at i, -1
// when there is none.
func matchingQuote(s string, i int) int {
	q := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '[':
			q++
		case ']':
			q--
			if q == 0 {
				return j
			}
		}
	}
	return -1
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

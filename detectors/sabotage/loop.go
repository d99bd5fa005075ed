package sabotage

import (
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/detectors/internal/textscan"
	"github.com/repoguard/repoguard/guard"
)

// maxBody is the most lines a loop body is followed over: a longer body
// is not judged, which keeps the check linear.
const maxBody = 200

// loopHeader is a loop that has no end of its own: what it looks like,
// whether its bound cannot be reached (explicit: i < Infinity, an open
// range) and where the header ends in the code. A condition that is
// absent, or that the step only makes truer (i > 0 with i++, which C
// code also writes on purpose to stop at an overflow), is not explicit.
type loopHeader struct {
	what     string
	explicit bool
	away     bool // the step makes the condition truer
	end      int  // offset in the code after the header
}

var (
	reWhileTrue  = regexp.MustCompile(`\bwhile\s*\(\s*(?:true|TRUE|True|1[uUlL]*|!0|!false)\s*\)`)
	reForEmpty   = regexp.MustCompile(`\bfor\s*\(\s*;\s*;\s*\)`)
	reForParen   = regexp.MustCompile(`\bfor\s*\(`)
	reGoForBare  = regexp.MustCompile(`\bfor\s*(?:true\s*)?\{`)
	reGoFor3     = regexp.MustCompile(`\bfor\s+([^;{]*);([^;{]*);([^{]*)\{`)
	reRustLoop   = regexp.MustCompile(`\bloop\s*\{`)
	reRustWhile  = regexp.MustCompile(`\bwhile\s+true\s*\{`)
	reRustOpen   = regexp.MustCompile(`\bfor\s+\w+\s+in\s+\(?\s*[\w.]+\s*\.\.\s*\)?\s*\{`)
	rePyWhile    = regexp.MustCompile(`^\s*while\s*\(?\s*(?:True|1|not\s+False)\s*\)?\s*:`)
	rePyCount    = regexp.MustCompile(`^\s*for\s+\w+\s+in\s+(?:itertools\.)?count\(`)
	reShellWhile = regexp.MustCompile(`\bwhile\s+(?:true|:|\[\s*1\s*\]|\[\[\s*1\s*\]\])\s*(?:;|$)|\bfor\s*\(\(\s*;\s*;\s*\)\)`)
	reStep       = regexp.MustCompile(`^(?:(\+\+|--)\s*(\w+)|(\w+)\s*(\+\+|--)|(\w+)\s*([+-])=\s*[\w.]+|(\w+)\s*=\s*(\w+)\s*([+-])\s*[\w.]+)$`)
	reCond       = regexp.MustCompile(`^(\w+)\s*(<=|>=|<|>)\s*(.+)$`)
	reInit       = regexp.MustCompile(`(\w+)\s*:?=\s*([-\w.]+)\s*$`)
	reCall       = regexp.MustCompile(`([A-Za-z_][\w]*(?:(?:\.|::)[A-Za-z_]\w*)*)\s*!?\s*\(`)
)

// infinity are bounds a counter never reaches.
var infinity = []string{"Infinity", "POSITIVE_INFINITY", "MAX_VALUE", "MAX_SAFE_INTEGER", ").max", "math.MaxInt",
	"math.MaxUint", "math.Inf(", "::MAX", "UINT64_MAX", "SIZE_MAX", "ULONG_MAX", "ULLONG_MAX", "UINT_MAX",
	"INT_MAX", "LONG_MAX", "INT64_MAX", "float(\"inf\")", "float('inf')", "math.inf", "sys.maxsize"}

// header finds a loop without an end of its own on a line of code.
func header(lang int, code string) *loopHeader {
	if !hasWord(code, "for") && !hasWord(code, "while") && !hasWord(code, "loop") {
		return nil
	}
	switch lang {
	case langGo:
		if loc := reGoForBare.FindStringIndex(code); loc != nil {
			return &loopHeader{what: "for", end: loc[1] - 1}
		}
		if m := reGoFor3.FindStringSubmatchIndex(code); m != nil {
			return forClauses(code[m[2]:m[3]], code[m[4]:m[5]], code[m[6]:m[7]], m[1]-1)
		}
	case langRust:
		for _, re := range []*regexp.Regexp{reRustLoop, reRustWhile, reRustOpen} {
			if loc := re.FindStringIndex(code); loc != nil {
				return &loopHeader{what: strings.TrimSpace(code[loc[0] : loc[1]-1]), explicit: re == reRustOpen, end: loc[1] - 1}
			}
		}
	case langPython:
		for _, re := range []*regexp.Regexp{rePyWhile, rePyCount} {
			if loc := re.FindStringIndex(code); loc != nil {
				return &loopHeader{what: strings.TrimSpace(code[loc[0]:loc[1]]), explicit: re == rePyCount, end: len(code)}
			}
		}
	case langShell:
		if loc := reShellWhile.FindStringIndex(code); loc != nil {
			return &loopHeader{what: strings.TrimSpace(code[loc[0]:loc[1]]), end: loc[1]}
		}
	case langC, langJS, langSol:
		for _, re := range []*regexp.Regexp{reWhileTrue, reForEmpty} {
			if loc := re.FindStringIndex(code); loc != nil {
				if strings.HasSuffix(strings.TrimSpace(code[:loc[0]]), "}") {
					return nil // the end of a do { } while (1): its body is above
				}
				return &loopHeader{what: code[loc[0]:loc[1]], end: loc[1]}
			}
		}
		if loc := reForParen.FindStringIndex(code); loc != nil {
			return cFor(code, loc[1]-1)
		}
	}
	return nil
}

// cFor reads a C-style for header whose parenthesis opens at code[open].
func cFor(code string, open int) *loopHeader {
	depth, parts, start := 0, []string(nil), open+1
	for i := open; i < len(code); i++ {
		switch code[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				parts = append(parts, code[start:i])
				if len(parts) != 3 {
					return nil
				}
				return forClauses(parts[0], parts[1], parts[2], i+1)
			}
		case ';':
			if depth == 1 {
				parts = append(parts, code[start:i])
				start = i + 1
			}
		}
	}
	return nil
}

// forClauses judges the three clauses of a for loop: an empty condition
// never ends; a condition that the step only makes truer (i > 0 with
// i++) or a bound that cannot be reached (i < Infinity) never ends
// either, bar an overflow.
func forClauses(init, cond, step string, end int) *loopHeader {
	init, cond, step = strings.TrimSpace(init), strings.TrimSpace(cond), strings.TrimSpace(step)
	what := "for (" + init + "; " + cond + "; " + step + ")"
	if cond == "" {
		return &loopHeader{what: what, end: end}
	}
	v, up, ok := stepOf(step)
	if !ok {
		return nil
	}
	m := reCond.FindStringSubmatch(cond)
	if m == nil || m[1] != v {
		return nil
	}
	op, bound := m[2], strings.TrimSpace(m[3])
	if strings.ContainsAny(bound, "<>=&|?") {
		return nil // a compound condition: not judged
	}
	less := op == "<" || op == "<="
	switch {
	case up && less && hasAny(bound, infinity):
		return &loopHeader{what: what, explicit: true, end: end}
	case up != less && !startsFalse(init, v, op, bound):
		return &loopHeader{what: what, away: true, end: end}
	}
	return nil
}

// stepOf reads the variable a step clause changes and its direction.
func stepOf(step string) (string, bool, bool) {
	m := reStep.FindStringSubmatch(step)
	switch {
	case m == nil:
		return "", false, false
	case m[2] != "":
		return m[2], m[1] == "++", true
	case m[3] != "":
		return m[3], m[4] == "++", true
	case m[5] != "":
		return m[5], m[6] == "+", true
	case m[7] != "" && m[7] == m[8]:
		return m[7], m[9] == "+", true
	}
	return "", false, false
}

// startsFalse reports a condition false from the start (the loop never
// runs): both the initial value and the bound are numbers.
func startsFalse(init, v, op, bound string) bool {
	m := reInit.FindStringSubmatch(init)
	if m == nil || m[1] != v {
		return false
	}
	a, err1 := strconv.ParseFloat(m[2], 64)
	b, err2 := strconv.ParseFloat(bound, 64)
	if err1 != nil || err2 != nil {
		return false
	}
	switch op {
	case "<":
		return !(a < b)
	case "<=":
		return !(a <= b)
	case ">":
		return !(a > b)
	}
	return !(a >= b)
}

// loopExits are words that leave a loop, end the process or hand control
// to someone else.
var loopExits = []string{"break", "return", "goto", "throw", "raise", "exit", "_exit", "panic", "abort", "longjmp",
	"siglongjmp", "yield", "await", "revert", "require", "assert", "select", "unreachable", "exec", "kill", "quit",
	"die", "Exit", "Fatal", "Fatalf", "Fatalln", "Goexit", "pthread_exit", "thrd_exit", "ExitProcess", "ExitThread"}

// loopWaits are calls that block: a loop around one is a server or a
// worker, not a spin.
var loopWaits = map[string]bool{"sleep": true, "Sleep": true, "usleep": true, "nanosleep": true, "wait": true,
	"Wait": true, "waitpid": true, "accept": true, "Accept": true, "recv": true, "Recv": true, "recvfrom": true,
	"recvmsg": true, "read": true, "Read": true, "ReadLine": true, "readline": true, "poll": true, "Poll": true,
	"epoll_wait": true, "kevent": true, "select": true, "Next": true, "next": true, "Scan": true, "Receive": true,
	"receive": true, "take": true, "Take": true, "park": true, "Park": true, "pause": true, "sigwait": true,
	"getline": true, "getc": true, "fgetc": true, "fgets": true, "scanf": true, "input": true, "listen": true,
	"Serve": true, "serve": true, "join": true, "Join": true, "Lock": true, "lock": true, "acquire": true,
	"Acquire": true, "get": true, "Get": true, "pop": true, "Pop": true, "recv_timeout": true, "sched_yield": true,
	"yield_now": true, "setTimeout": true, "setImmediate": true, "requestAnimationFrame": true}

// loopTrivial are calls that only print or compute: a loop of nothing
// else does no work.
var loopTrivial = map[string]bool{"print": true, "println": true, "printf": true, "fprintf": true, "dprintf": true,
	"puts": true, "fputs": true, "putc": true, "fputc": true, "putchar": true, "fwrite": true, "write": true,
	"log": true, "error": true, "warn": true, "info": true, "debug": true, "trace": true, "eprint": true,
	"eprintln": true, "Print": true, "Println": true, "Printf": true, "Fprint": true, "Fprintln": true,
	"Fprintf": true, "flush": true, "Flush": true, "repeat": true, "toString": true, "String": true, "Number": true,
	"len": true, "str": true, "int": true, "format": true, "wrapping_add": true, "wrapping_sub": true,
	"wrapping_mul": true, "saturating_add": true, "abs": true, "floor": true, "random": true}

// keywords followed by a parenthesis that are not calls.
var keywords = map[string]bool{"if": true, "for": true, "while": true, "switch": true, "match": true,
	"return": true, "sizeof": true, "typeof": true, "catch": true, "function": true, "elif": true, "and": true,
	"or": true, "not": true, "in": true, "unchecked": true, "else": true, "do": true, "case": true}

// loops reports loops that never end and do nothing.
func (sf *sabFile) loops(ls []srcLine) {
	for i := range ls {
		h := header(sf.lang, ls[i].code)
		if h == nil {
			continue
		}
		body, ok := sf.body(ls, i, h.end)
		if !ok {
			continue
		}
		if sf.leaves(body) {
			continue
		}
		trivial := trivialBody(body)
		if h.away && !trivial {
			continue // counting to an overflow on purpose, with work to do
		}
		sev := guard.Low
		if trivial || h.explicit {
			sev = guard.Medium
		}
		what := "has no break, return or exit"
		if trivial {
			what += " and does nothing but count and print"
		}
		entry := sev == guard.Medium && sf.onLoad(ls, i)
		msg := "Adds a loop that never ends to %s: `" + h.what + "` " + what +
			"; library code that hangs its host is sabotage (colors.js/faker.js 2022)."
		if entry {
			sev = guard.High
			msg = "Adds a loop that never ends to the entry point %s: `" + h.what + "` " + what +
				" and runs as soon as the code is loaded (colors.js/faker.js 2022)."
		}
		sf.aggs[kindLoop].add(ls[i].Number, sev, msg, explain.Line(ls[i].Line))
	}
}

// leaves reports a body that can leave the loop or blocks.
func (sf *sabFile) leaves(body string) bool {
	for _, w := range loopExits {
		if hasWord(body, w) {
			return true
		}
	}
	if strings.Contains(body, "<-") || strings.Contains(body, ".await") ||
		sf.lang == langRust && strings.Contains(body, "?") {
		return true
	}
	for _, m := range reCall.FindAllStringSubmatch(body, -1) {
		if loopWaits[lastSegment(m[1])] {
			return true
		}
	}
	return false
}

// trivialBody reports a body whose only calls print or compute.
func trivialBody(body string) bool {
	for _, m := range reCall.FindAllStringSubmatch(body, -1) {
		name := lastSegment(m[1])
		if !keywords[name] && !loopTrivial[name] {
			return false
		}
	}
	return true
}

// lastSegment returns the last name of a dotted or :: path.
func lastSegment(name string) string {
	if i := strings.LastIndexAny(name, ".:"); i >= 0 {
		return name[i+1:]
	}
	return name
}

// body returns the code of the body of the loop whose header ends at
// ls[i].code[end:], and whether it was all in the block.
func (sf *sabFile) body(ls []srcLine, i, end int) (string, bool) {
	switch sf.lang {
	case langPython:
		return indentedBody(ls, i)
	case langShell:
		return shellBody(ls, i)
	}
	return braceBody(ls, i, end, sf.lang == langC || sf.lang == langJS || sf.lang == langSol)
}

// braceBody follows braces from the header to the end of the body; C
// and JavaScript also allow one statement without braces.
func braceBody(ls []srcLine, i, end int, single bool) (string, bool) {
	rest := ls[i].code[min(end, len(ls[i].code)):]
	j, from := i, end
	if k := strings.IndexByte(rest, '{'); k < 0 {
		t := strings.TrimSpace(rest)
		switch {
		case !single:
			return "", false
		case t != "":
			return t, true // while (1) x++;  or  while (1);
		case i+1 < len(ls) && strings.HasPrefix(strings.TrimSpace(ls[i+1].code), "{"):
			j, from = i+1, 0
		case i+1 < len(ls):
			return ls[i+1].code, true
		default:
			return "", false
		}
	}
	var b strings.Builder
	depth := 0
	for ; j < len(ls) && j-i <= maxBody; j++ {
		s := ls[j].code[min(from, len(ls[j].code)):]
		from = 0
		for k := 0; k < len(s); k++ {
			switch s[k] {
			case '{':
				depth++
			case '}':
				depth--
				if depth == 0 {
					b.WriteString(s[:k])
					return b.String(), true
				}
			}
		}
		b.WriteString(s)
		b.WriteByte('\n')
	}
	return "", false
}

// indentedBody returns the lines indented under a Python header; a body
// that runs to the end of the block is taken as it is.
func indentedBody(ls []srcLine, i int) (string, bool) {
	var b strings.Builder
	n := 0
	for j := i + 1; j < len(ls) && j-i <= maxBody; j++ {
		if strings.TrimSpace(ls[j].code) == "" {
			continue
		}
		if ls[j].indent <= ls[i].indent {
			break
		}
		b.WriteString(ls[j].code)
		b.WriteByte('\n')
		n++
	}
	return b.String(), n > 0
}

// shellBody returns the lines of a shell loop up to its done.
func shellBody(ls []srcLine, i int) (string, bool) {
	var b strings.Builder
	depth := 0
	for j := i; j < len(ls) && j-i <= maxBody; j++ {
		for _, w := range strings.FieldsFunc(ls[j].code, func(r rune) bool { return r > 0x7f || !textscan.IsIdent(byte(r)) }) {
			switch w {
			case "do":
				depth++
			case "done":
				depth--
				if depth <= 0 {
					return b.String(), true
				}
			}
		}
		b.WriteString(ls[j].code)
		b.WriteByte('\n')
	}
	return "", false
}

// entryFiles are the files a package runs first.
var entryFiles = map[string]bool{"index.js": true, "index.mjs": true, "index.cjs": true, "index.ts": true,
	"lib.rs": true, "__init__.py": true}

// onLoad reports a loop that runs when the code is loaded: in a
// package's entry file, in Go's init, a C constructor, or at the top
// level of a script module.
func (sf *sabFile) onLoad(ls []srcLine, i int) bool {
	if entryFiles[path.Base(sf.path)] {
		return true
	}
	if (sf.lang == langJS || sf.lang == langPython) && ls[i].indent == 0 {
		return true
	}
	for j := i - 1; j >= 0 && i-j <= maxBody; j-- {
		if ls[j].indent < ls[i].indent && (strings.Contains(ls[j].code, "func init()") ||
			strings.Contains(ls[j].code, "constructor))") || strings.Contains(ls[j].code, "#[ctor]")) {
			return true
		}
	}
	return false
}

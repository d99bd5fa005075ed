package featureprobe

import (
	"fmt"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/textscan"
)

// dialect says how a C test program is embedded in a build file, which
// decides what the lexer takes for a quote, a variable or a stray byte.
type dialect int

const (
	rawC        dialect = iota // as is: a CMake bracket argument, a meson ''' string
	cmakeQuoted                // inside a CMake "..." argument: \" is a quote, ${V} a value
	m4Quoted                   // inside autoconf [...]: quadrigraphs, $var, m4 brackets
	mesonQuoted                // inside a meson '...' string: \' is a quote, @V@ a value
)

// fault is something in a test program that does not compile.
type fault struct {
	off  int    // offset in the lexed text
	text string // the offending text, quoted in the finding
	why  string // what is wrong, as the end of "…, which …"
}

// key identifies a fault independently of where it is, to tell faults a
// change brings from those the replaced lines already had.
func (f fault) key() string { return f.why + "\x00" + f.text }

// token is an identifier or a header name of a program.
type token struct {
	off  int
	text string
}

// cLexer scans a C test program embedded in a build file. It does not
// parse C: it finds what no C compiler accepts (a byte outside the
// language, a "." that is no member access or number, a lone short word
// before a declaration, unbalanced brackets, a return that does not fit
// its function) and collects the identifiers and headers to check their
// spelling.
type cLexer struct {
	s       string
	d       dialect
	base    int // offset of s in the text it was cut from
	i       int
	faults  []fault
	idents  []token
	headers []token

	atLineStart bool
	prev        string // the last significant token: "", an identifier, or punctuation
	prevIsWord  bool
	stray       *token // a lone short word waiting for what follows it
	depth       map[byte]int
	opens       map[byte][]int // offsets of the brackets still open, capped
	implicit    int            // braces opened by the lexer itself (the body of main)
	fn          funcState
}

// funcState follows function definitions for the return check.
type funcState struct {
	decl     []string // tokens of the declaration at file scope, capped
	retType  string   // the current function's return type ("" outside)
	afterRet bool     // the previous token was "return"
	retOff   int
}

// program is a C test program embedded in a build file.
type program struct {
	s    string
	base int // offset of s in the text it was cut from
	d    dialect
	// inMain says that s is the body of main, as autoconf's
	// AC_LANG_PROGRAM makes it; complete that s ends where the program
	// does (not in lines the diff does not show).
	inMain, complete bool
}

// lexC scans a program and returns its faults, identifiers and headers.
func lexC(p program) *cLexer {
	lx := &cLexer{s: p.s, d: p.d, base: p.base, atLineStart: true, depth: map[byte]int{}, opens: map[byte][]int{}}
	if p.inMain {
		lx.fn.retType, lx.depth['{'], lx.implicit = "int", 1, 1
	}
	for lx.i < len(lx.s) {
		lx.step()
	}
	lx.flushStray(false)
	if p.complete {
		lx.balance()
	}
	return lx
}

func (lx *cLexer) fault(off int, text, why string) {
	lx.faults = append(lx.faults, fault{off: lx.base + off, text: text, why: why})
}

// step lexes one token, comment, directive or blank.
func (lx *cLexer) step() {
	s, i := lx.s, lx.i
	c := s[i]
	switch {
	case c == '\n':
		lx.atLineStart = true
		lx.i++
	case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
		lx.i++
	case c == '#' && lx.atLineStart:
		lx.directive()
	case strings.HasPrefix(s[i:], "/*"):
		end := strings.Index(s[i+2:], "*/")
		lx.i = len(s)
		if end >= 0 {
			lx.i = i + 2 + end + 2
		}
	case strings.HasPrefix(s[i:], "//"):
		lx.i = lineEnd(s, i)
	case lx.quoteAt(i) > 0:
		lx.stringLit()
	case c == '\'' && lx.d != mesonQuoted:
		lx.charLit()
	case isIdentStart(c) || lx.valueAt(i) > 0:
		lx.word()
	case c >= '0' && c <= '9' || c == '.' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
		lx.number()
	default:
		lx.punct()
	}
}

// quoteAt returns the length of a double quote at i in the dialect
// (\" in a CMake argument), 0 when there is none.
func (lx *cLexer) quoteAt(i int) int {
	if lx.d == cmakeQuoted {
		if strings.HasPrefix(lx.s[i:], `\"`) {
			return 2
		}
		return 0
	}
	if lx.s[i] == '"' {
		return 1
	}
	return 0
}

// valueAt returns the length of a build-system value at i (${V}, $v,
// @V@, a quadrigraph), which stands for a word; 0 when there is none.
func (lx *cLexer) valueAt(i int) int {
	s := lx.s[i:]
	switch {
	case (lx.d == cmakeQuoted || lx.d == m4Quoted) && strings.HasPrefix(s, "${"):
		if end := strings.IndexByte(s, '}'); end > 0 && !strings.Contains(s[:end], "\n") {
			return end + 1
		}
	case lx.d == m4Quoted && len(s) > 1 && s[0] == '$' && (textscan.IsIdent(s[1])):
		return 1 + identLen(s[1:])
	case lx.d == m4Quoted && s[0] == '@':
		for _, q := range []string{"@<:@", "@:>@", "@S|@", "@%:@", "@&t@", "@{:@", "@:}@"} {
			if strings.HasPrefix(s, q) {
				return len(q)
			}
		}
	case lx.d == mesonQuoted || lx.d == rawC:
		if s[0] == '@' {
			if n := identLen(s[1:]); n > 0 && 1+n < len(s) && s[1+n] == '@' {
				return n + 2
			}
		}
	}
	return 0
}

// directive skips a preprocessor line (with its continuations) and
// records the header of an #include.
func (lx *cLexer) directive() {
	s, i := lx.s, lx.i
	end := i
	for {
		end = lineEnd(s, end)
		if end > i && end < len(s) && s[end-1] == '\\' {
			end++
			continue
		}
		break
	}
	line := strings.TrimSpace(s[i+1 : end])
	if rest, ok := strings.CutPrefix(line, "include"); ok {
		if h := headerName(rest); h != "" {
			lx.headers = append(lx.headers, token{off: lx.base + i, text: h})
		}
	}
	lx.i = end
	lx.boundary()
}

// headerName returns the header of an #include's operand: <h>, "h" or \"h\".
func headerName(rest string) string {
	rest = strings.TrimSpace(rest)
	rest = strings.TrimPrefix(rest, `\`)
	if rest == "" {
		return ""
	}
	var closer byte
	switch rest[0] {
	case '<':
		closer = '>'
	case '"':
		closer = '"'
	default:
		return ""
	}
	end := strings.IndexByte(rest[1:], closer)
	if end < 0 {
		return ""
	}
	return strings.TrimSuffix(rest[1:1+end], `\`)
}

// boundary marks the place after which a new declaration or statement
// starts (a directive, ";", "{" or "}").
func (lx *cLexer) boundary() {
	lx.prev, lx.prevIsWord = ";", false
}

func (lx *cLexer) stringLit() {
	q := lx.quoteAt(lx.i)
	j := lx.i + q
	for j < len(lx.s) && lx.s[j] != '\n' {
		if n := lx.quoteAt(j); n > 0 {
			j += n
			lx.i = j
			lx.significant(`"`, false)
			return
		}
		if lx.s[j] == '\\' {
			j++
		}
		j++
	}
	lx.i = j
	lx.significant(`"`, false)
}

func (lx *cLexer) charLit() {
	j := lx.i + 1
	for j < len(lx.s) && j < lx.i+10 && lx.s[j] != '\'' && lx.s[j] != '\n' {
		if lx.s[j] == '\\' {
			j++
		}
		j++
	}
	lx.i = min(j+1, len(lx.s))
	lx.significant("'", false)
}

func (lx *cLexer) word() {
	start := lx.i
	if n := lx.valueAt(start); n > 0 {
		lx.i += n
		lx.significant("$value", true)
		return
	}
	lx.i += identLen(lx.s[start:])
	w := lx.s[start:lx.i]
	lx.idents = append(lx.idents, token{off: lx.base + start, text: w})
	lone := lx.atLineStart && lineIsOnly(lx.s, lx.i)
	if lone && len(w) <= 3 && !cKeywords[w] && (lx.prev == ";" || lx.prev == "{" || lx.prev == "}" || lx.prev == "") {
		lx.flushStray(false)
		lx.stray = &token{off: start, text: w}
		lx.atLineStart = false
		lx.prev, lx.prevIsWord = w, true
		return
	}
	lx.significant(w, !cKeywords[w])
}

func (lx *cLexer) number() {
	j := lx.i + 1
	for j < len(lx.s) {
		c := lx.s[j]
		if textscan.IsIdent(c) || c == '.' || (c == '+' || c == '-') && strings.ContainsRune("eEpP", rune(lx.s[j-1])) {
			j++
			continue
		}
		break
	}
	lx.i = j
	lx.significant("0", false)
}

// punct handles punctuation and bytes outside the C character set.
func (lx *cLexer) punct() {
	s, i := lx.s, lx.i
	c := s[i]
	lx.i++
	switch c {
	case '.':
		if strings.HasPrefix(s[i:], "...") {
			lx.i = i + 3
			lx.significant("...", false)
			return
		}
		next := nextSignificant(s, i+1)
		if !lx.prevIsWord && lx.prev != ")" && lx.prev != "]" || next >= len(s) || !isIdentStart(s[next]) {
			lx.fault(i, ".", "is no member access, number or ellipsis and does not compile")
		}
	case '`', '@', '$':
		lx.fault(i, string(c), "is not a character of C outside strings and comments")
	case '\\':
		if i+1 < len(s) && s[i+1] != '\n' && !(s[i+1] == '\r' && i+2 < len(s) && s[i+2] == '\n') {
			lx.fault(i, `\`, "is not a character of C outside strings and comments")
		}
		return
	case '(', '{', '[':
		lx.open(i, c)
	case ')', '}', ']':
		lx.close(i, c)
	}
	lx.significant(string(c), false)
}

var closers = map[byte]byte{')': '(', '}': '{', ']': '['}

// maxOpens is how many open brackets of a kind the lexer remembers the
// place of.
const maxOpens = 64

func (lx *cLexer) open(i int, c byte) {
	if c == '[' && lx.d == m4Quoted {
		return
	}
	if c == '{' && lx.depth['{'] == 0 {
		lx.fn.startBody(lx.prev)
	}
	lx.depth[c]++
	if len(lx.opens[c]) < maxOpens {
		lx.opens[c] = append(lx.opens[c], i)
	}
}

func (lx *cLexer) close(i int, c byte) {
	o := closers[c]
	if lx.d == m4Quoted && c == ']' {
		return
	}
	if lx.depth[o] == 0 || o == '{' && lx.depth[o] == lx.implicit {
		lx.fault(i, string(c), fmt.Sprintf("closes a %q that was never opened", o))
		return
	}
	lx.depth[o]--
	if n := len(lx.opens[o]); n > 0 && n > lx.depth[o]-lx.implicitOf(o) {
		lx.opens[o] = lx.opens[o][:n-1]
	}
	if c == '}' && lx.depth['{'] == 0 {
		lx.fn.retType = ""
	}
}

// balance reports brackets left open at the end of the program.
func (lx *cLexer) balance() {
	for _, o := range []byte{'(', '{', '['} {
		if o == '[' && lx.d == m4Quoted {
			continue
		}
		n := lx.depth[o] - lx.implicitOf(o)
		if n <= 0 {
			continue
		}
		at := len(lx.s) - 1
		if k := len(lx.opens[o]); k > 0 {
			at = lx.opens[o][k-1]
		}
		if n == 1 {
			lx.fault(at, string(o), "is never closed")
		} else {
			lx.fault(at, string(o), fmt.Sprintf("is one of %d brackets never closed", n))
		}
	}
}

// implicitOf returns the brackets of kind o the lexer opened itself.
func (lx *cLexer) implicitOf(o byte) int {
	if o == '{' {
		return lx.implicit
	}
	return 0
}

// significant records a token and runs the checks that look at the
// previous one.
func (lx *cLexer) significant(tok string, isWord bool) {
	lx.flushStray(true)
	lx.atLineStart = false
	lx.fn.token(lx, tok)
	lx.prev, lx.prevIsWord = tok, isWord
	if tok == ";" || tok == "{" || tok == "}" {
		lx.prevIsWord = false
	}
}

// flushStray settles a pending lone short word: followed by a word (a
// type, a declaration) it is a stray that cannot compile.
func (lx *cLexer) flushStray(beforeToken bool) {
	if lx.stray == nil {
		return
	}
	st := lx.stray
	lx.stray = nil
	next := nextSignificant(lx.s, st.off+len(st.text))
	if beforeToken && next < len(lx.s) && (isIdentStart(lx.s[next]) || lx.s[next] == '#') {
		lx.fault(st.off, st.text, "stands alone before a declaration and does not compile")
	}
}

// startBody is called at a "{" at file scope: when the declaration
// before it is a function's, its return type is remembered.
func (f *funcState) startBody(prev string) {
	f.retType = ""
	if prev != ")" || len(f.decl) < 3 {
		f.decl = f.decl[:0]
		return
	}
	for _, t := range f.decl {
		switch t {
		case "static", "inline", "extern", "const", "__inline", "__inline__", "__attribute__":
			continue
		}
		f.retType = t
		break
	}
	if f.retType != "void" && f.retType != "int" {
		f.retType = ""
	}
	f.decl = f.decl[:0]
}

// token follows the declarations at file scope and checks each return
// against its function's type.
func (f *funcState) token(lx *cLexer, tok string) {
	if lx.depth['{'] == 0 {
		if tok == ";" || tok == "}" {
			f.decl = f.decl[:0]
		} else if len(f.decl) < 32 {
			f.decl = append(f.decl, tok)
		}
		return
	}
	if f.afterRet {
		f.afterRet = false
		switch {
		case f.retType == "void" && tok != ";":
			lx.fault(f.retOff, "return", "returns a value from a function declared void")
		case f.retType == "int" && tok == ";":
			lx.fault(f.retOff, "return", "returns no value from a function declared int")
		}
	}
	if tok == "return" && f.retType != "" {
		f.afterRet, f.retOff = true, lx.i-len("return")
	}
}

// cKeywords are C's keywords and the type names a lone short word may
// legitimately be.
var cKeywords = map[string]bool{}

func init() {
	for _, k := range words(`auto break case char const continue default do double else enum extern float for goto if
		inline int long register restrict return short signed sizeof static struct switch typedef union unsigned void
		volatile while _Bool _Complex bool asm`) {
		cKeywords[k] = true
	}
}

func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// identLen returns the length of the identifier characters at the start
// of s.
func identLen(s string) int {
	n := 0
	for n < len(s) && textscan.IsIdent(s[n]) {
		n++
	}
	return n
}

// lineEnd returns the offset of the newline ending the line at i, or
// len(s).
func lineEnd(s string, i int) int {
	if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(s)
}

// lineIsOnly reports whether nothing but blanks follows s[:end] on its
// line.
func lineIsOnly(s string, end int) bool {
	return strings.TrimSpace(s[end:lineEnd(s, end)]) == ""
}

// nextSignificant returns the offset of the next byte at or after i that
// is not blank, len(s) when there is none.
func nextSignificant(s string, i int) int {
	for i < len(s) && strings.IndexByte(" \t\r\n\f\v", s[i]) >= 0 {
		i++
	}
	return i
}

package sabotage

import (
	"encoding/base64"
	"path"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/textscan"
	"github.com/repoguard/repoguard/guard"
)

// The languages read, by the syntax of their comments, strings and
// blocks.
const (
	langNone   = iota
	langC      // C and C++
	langGo     // Go
	langJS     // JavaScript and TypeScript
	langRust   // Rust
	langPython // Python
	langShell  // POSIX shells
	langSol    // Solidity
)

// langOf returns the language of a path by its extension.
func langOf(p string) int {
	switch strings.ToLower(path.Ext(p)) {
	case ".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".hh", ".hxx", ".m", ".mm", ".inl":
		return langC
	case ".go":
		return langGo
	case ".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts", ".cts":
		return langJS
	case ".rs":
		return langRust
	case ".py", ".pyw":
		return langPython
	case ".sh", ".bash", ".zsh", ".ksh":
		return langShell
	case ".sol":
		return langSol
	}
	return langNone
}

// srcLine is an added line as the checks read it.
type srcLine struct {
	guard.Line
	// text is the line without its comments; code is text with the
	// contents of its string literals blanked, so that words in strings
	// do not read as code.
	text, code string
	indent     int // leading blanks, a tab counting 4
}

// lexer removes comments and blanks strings across the lines of a block;
// it carries a block comment or a multi-line string from line to line.
type lexer struct {
	lang    int
	inBlock bool   // inside /* */
	inStr   string // the closing quote of a string that spans lines
}

// lex turns the added lines of one block (consecutive line numbers)
// into srcLines.
func lex(lang int, lines []guard.Line) []srcLine {
	lx := lexer{lang: lang}
	out := make([]srcLine, len(lines))
	for i, l := range lines {
		text, code := lx.line(l.Text)
		out[i] = srcLine{Line: l, text: withDecoded(text), code: code, indent: indentOf(l.Text)}
	}
	return out
}

// base64Decoders mark a line that decodes base64.
var base64Decoders = newTokenSet([]string{"base64", "atob(", "b64decode(", "DecodeString(", "decode64(",
	"FromBase64String("})

// withDecoded appends to a line that decodes base64 the text its short
// base64 literals decode to, quoted: protestware hides its country names,
// paths and service addresses that way (node-ipc 2022).
func withDecoded(text string) string {
	if base64Decoders.find(text) == "" {
		return text
	}
	var b strings.Builder
	for _, lit := range literals(text) {
		if len(lit) < 4 || len(lit)%4 != 0 {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(lit)
		if err != nil || !printable(raw) || strings.ContainsAny(string(raw), "\"'`") {
			continue
		}
		b.WriteString(` "`)
		b.Write(raw)
		b.WriteByte('"')
	}
	return text + b.String()
}

// printable reports bytes that are all printable ASCII.
func printable(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return len(b) > 0
}

// indentOf measures the leading blanks of s.
func indentOf(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ':
			n++
		case '\t':
			n += 4
		default:
			return n
		}
	}
	return n
}

// line lexes one line.
func (lx *lexer) line(s string) (text, code string) {
	if !lx.inBlock && lx.inStr == "" && strings.IndexAny(s, "\"'`/#") < 0 {
		return s, s // nothing to remove or blank
	}
	var t, c strings.Builder
	hashComments := lx.lang == langPython || lx.lang == langShell
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case lx.inBlock:
			if strings.HasPrefix(s[i:], "*/") {
				lx.inBlock = false
				i++
			}
			continue
		case lx.inStr != "":
			if ch == '\\' && lx.lang != langShell && i+1 < len(s) {
				t.WriteString(s[i : i+2])
				c.WriteString("  ")
				i++
				continue
			}
			if strings.HasPrefix(s[i:], lx.inStr) {
				t.WriteString(lx.inStr)
				c.WriteString(lx.inStr)
				i += len(lx.inStr) - 1
				lx.inStr = ""
				continue
			}
			t.WriteByte(ch)
			c.WriteByte(' ')
			continue
		case !hashComments && strings.HasPrefix(s[i:], "//"):
			return t.String(), c.String()
		case !hashComments && strings.HasPrefix(s[i:], "/*"):
			lx.inBlock = true
			i++
			continue
		case hashComments && ch == '#' && (i == 0 || lx.lang == langPython || s[i-1] == ' ' || s[i-1] == '\t'):
			if lx.lang == langShell && i+1 < len(s) && s[i+1] == '{' {
				break // ${#x}
			}
			return t.String(), c.String()
		}
		if q := lx.quoteAt(s, i); q != "" {
			lx.inStr = q
			t.WriteString(q)
			c.WriteString(q)
			i += len(q) - 1
			continue
		}
		t.WriteByte(ch)
		c.WriteByte(ch)
	}
	if lx.inStr != "" && len(lx.inStr) == 1 && lx.inStr != "`" && lx.lang != langShell {
		lx.inStr = "" // an unterminated one-line string: do not carry it
	}
	return t.String(), c.String()
}

// quoteAt returns the quote that opens a string at s[i], "" when there
// is none. A quote after a letter in Rust is a lifetime, in shell a
// word's apostrophe is rare enough to ignore.
func (lx *lexer) quoteAt(s string, i int) string {
	switch ch := s[i]; ch {
	case '"':
		if lx.lang == langPython && strings.HasPrefix(s[i:], `"""`) {
			return `"""`
		}
		return `"`
	case '\'':
		if lx.lang == langPython && strings.HasPrefix(s[i:], `'''`) {
			return `'''`
		}
		if lx.lang == langRust || lx.lang == langC || lx.lang == langGo {
			// A character literal: 'x', 'é', '\n', '\x41'; else a
			// lifetime ('a).
			k := strings.IndexByte(s[i+1:], '\'')
			switch {
			case k < 1:
				return ""
			case s[i+1] == '\\' && k <= 11, k == 1, s[i+1] >= 0x80 && k <= 4:
				return "'"
			}
			return ""
		}
		return "'"
	case '`':
		if lx.lang == langGo || lx.lang == langJS || lx.lang == langShell {
			return "`"
		}
	}
	return ""
}

// blocks splits added lines into runs of consecutive line numbers.
func blocks(lines []guard.Line) [][]guard.Line {
	var out [][]guard.Line
	start := 0
	for i := 1; i <= len(lines); i++ {
		if i == len(lines) || lines[i].Number != lines[i-1].Number+1 {
			out = append(out, lines[start:i])
			start = i
		}
	}
	return out
}

// hasWord reports whether w occurs in s with no identifier byte before
// it, nor after it when w ends with one.
func hasWord(s, w string) bool { return indexWord(s, w) >= 0 }

// indexWord is hasWord returning the position, -1 when absent.
func indexWord(s, w string) int {
	for off := 0; off < len(s); {
		i := strings.Index(s[off:], w)
		if i < 0 {
			return -1
		}
		i += off
		before := i == 0 || !textscan.IsIdent(s[i-1])
		end := i + len(w)
		after := end >= len(s) || !textscan.IsIdent(s[end]) || !textscan.IsIdent(w[len(w)-1])
		if before && after {
			return i
		}
		off = i + 1
	}
	return -1
}

// hasAny reports whether s contains one of the substrings.
func hasAny(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// tokenSet finds any of a list of substrings in one pass over a line:
// each byte pair of the line is looked up in a bit set of the tokens'
// first two bytes, and only the tokens starting there are compared.
// Lines are read against a dozen lists of tokens; one pass each keeps
// the detector cheap on the lines (almost all) that hold none.
type tokenSet struct {
	pairs   [1 << 16 / 8]byte
	byFirst [256][]string
}

// newTokenSet indexes tokens of two bytes or more.
func newTokenSet(tokens ...[]string) *tokenSet {
	ts := &tokenSet{}
	for _, list := range tokens {
		for _, t := range list {
			p := uint16(t[0])<<8 | uint16(t[1])
			ts.pairs[p/8] |= 1 << (p % 8)
			ts.byFirst[t[0]] = append(ts.byFirst[t[0]], t)
		}
	}
	return ts
}

// index returns the position and the token of the first token in s, or
// -1 and "".
func (ts *tokenSet) index(s string) (int, string) {
	for i := 0; i+1 < len(s); i++ {
		p := uint16(s[i])<<8 | uint16(s[i+1])
		if ts.pairs[p/8]&(1<<(p%8)) == 0 {
			continue
		}
		for _, t := range ts.byFirst[s[i]] {
			if strings.HasPrefix(s[i:], t) {
				return i, t
			}
		}
	}
	return -1, ""
}

// find returns the first token in s, "" if none.
func (ts *tokenSet) find(s string) string {
	_, t := ts.index(s)
	return t
}

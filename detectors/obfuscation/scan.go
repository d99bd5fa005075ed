package obfuscation

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/detectors/internal/textscan"
	"github.com/repoguard/repoguard/guard"
)

// obfFile is the state of the scan of one file's added lines.
type obfFile struct {
	path    string
	class   int
	cfg     *obfConfig
	aggs    [obfKinds]obfAgg
	mangled map[string]int // _0x name -> first line
	mLines  []int          // lines holding _0x names
	// deploys is set when the added lines create a contract from
	// bytes (create, create2): a hex blob of EVM code beside it is run.
	deploys    bool
	curTable   *obfTable   // the run of numbers being read
	byteTables []*obfTable // the byte tables found
}

// line runs the checks on lines[j]. Cheap tests on length and bytes keep
// most lines from reaching the real work.
func (fs *obfFile) line(lines []guard.Line, j int) {
	l := lines[j]
	s := l.Text
	ran := fs.execChain(lines, j)
	if strings.Contains(s, "_0x") {
		fs.mangledNames(l)
	}
	if fs.class == obfGenerated {
		return
	}
	fs.tables(l)
	if strings.IndexByte(s, '\\') >= 0 {
		fs.escapes(l)
	}
	if strings.Contains(s, "fromCharCode") || strings.Contains(s, "chr(") || strings.Contains(s, "[char]") {
		fs.charCodes(l)
	}
	blob := 0
	if len(s) >= fs.cfg.minBlob && !ran { // a blob that is run is reported as such
		blob = fs.blobs(l)
	}
	if len(s) >= obfMinEncoded+2 && !ran {
		ran = fs.encodedLiterals(l)
	}
	if len(s) >= fs.cfg.minEntropyLen+2 && !ran {
		fs.entropyLiterals(l)
	}
	if fs.class != obfData && len(s) > fs.cfg.maxLine && blob*2 < len(s) {
		fs.minified(l)
	}
}

// finish reports what needs the whole file: byte tables, the _0x names.
func (fs *obfFile) finish() {
	fs.decodeTables()
	if len(fs.mangled) < fs.cfg.minMangled {
		return
	}
	names := make([]string, 0, len(fs.mangled))
	for n := range fs.mangled {
		names = append(names, n)
	}
	sort.Slice(names, func(a, b int) bool {
		return fs.mangled[names[a]] < fs.mangled[names[b]] || fs.mangled[names[a]] == fs.mangled[names[b]] && names[a] < names[b]
	})
	sev, score := guard.High, 0.85
	if fs.class == obfGenerated {
		sev, score = guard.Medium, 0.6
	}
	ev := fmt.Sprintf("names: %s (%d distinct)", explain.List(names, 4), len(names))
	for _, n := range fs.mLines {
		fs.aggs[obfMangledKind].add(n, sev, score, obfMangledMessage, ev)
	}
}

// obfMangledMessage is the message of the _0x finding.
const obfMangledMessage = "Uses obfuscator-style _0x identifiers in %s: this is the output of a JavaScript " +
	"obfuscator, not code a person writes or can review."

// mangledNames collects the _0x1a2b names of a line.
func (fs *obfFile) mangledNames(l guard.Line) {
	s, found := l.Text, false
	for off := 0; ; {
		i := strings.Index(s[off:], "_0x")
		if i < 0 {
			break
		}
		i += off
		k := i + 3
		for k < len(s) && textscan.IsHex(s[k]) {
			k++
		}
		off = k
		if k-i-3 < 4 || (i > 0 && textscan.IsIdent(s[i-1]) && s[i-1] != '_') || (k < len(s) && textscan.IsIdent(s[k])) {
			continue
		}
		if fs.mangled == nil {
			fs.mangled = map[string]int{}
		}
		if _, ok := fs.mangled[s[i:k]]; !ok && len(fs.mangled) < 1000 {
			fs.mangled[s[i:k]] = l.Number
		}
		found = true
	}
	if found {
		fs.mLines = append(fs.mLines, l.Number)
	}
}

// minified reports a long line with almost no blanks that is not a
// table of numbers.
func (fs *obfFile) minified(l guard.Line) {
	s := l.Text
	blank, numeric, stmts := 0, 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ' || c == '\t':
			blank++
			numeric++
		case textscan.IsHex(c) || c == ',' || c == '.' || c == 'x':
			numeric++ // tables of numbers, hex included
		case c == ';' || c == '}':
			stmts++
		}
	}
	ratio := float64(blank) / float64(len(s))
	if ratio > fs.cfg.maxWhitespace || stmts*200 < len(s) || numeric*5 >= len(s)*4 || obfQuoted(s)*5 >= len(s)*3 ||
		strings.Contains(s, `r#"`) || strings.Contains(s, `R"(`) { // raw string literals hold data
		return
	}
	fs.aggs[obfMinifiedKind].add(l.Number, obfLower(guard.Medium, fs.class), 0.5,
		"Adds minified code to %s, a file that is not minified: a long line hides what it does from review.",
		fmt.Sprintf("line: %d chars, %.1f%% blanks", len(s), 100*ratio), "code: "+obfSnippet(s, 120))
}

// obfQuoted counts the bytes of a line inside string literals.
func obfQuoted(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if !obfIsQuote(s[i]) {
			continue
		}
		k := obfLiteralEnd(s, i)
		n += min(k, len(s)) - i
		i = k
	}
	return n
}

// obfIsQuote reports the bytes that open a string literal.
func obfIsQuote(c byte) bool { return c == '"' || c == '\'' || c == '`' }

// obfLiteralEnd returns the index of the quote that closes the string
// literal opened at s[i], skipping escaped bytes; len(s) or more when the
// line ends first.
func obfLiteralEnd(s string, i int) int {
	k := i + 1
	for k < len(s) && s[k] != s[i] {
		if s[k] == '\\' {
			k++
		}
		k++
	}
	return k
}

// obfEntropy returns the Shannon entropy of s in bits per byte.
func obfEntropy(s string) float64 {
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	n := float64(len(s))
	h := 0.0
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// obfSnippet renders code for evidence: long base64 or hex runs (which
// may be secrets) redacted, control bytes replaced, clipped to about n
// bytes.
func obfSnippet(s string, n int) string {
	s = strings.TrimSpace(s)
	var b strings.Builder
	i := 0
	for i < len(s) && b.Len() < n {
		k := obfRunEnd(s, i)
		if k-i >= 24 && obfMixed(s[i:k]) {
			b.WriteString(guard.Redact(s[i:k]))
			i = k
			continue
		}
		if k > i+1 {
			// A run that is not redacted is copied whole (it holds no
			// control bytes), as far as the snippet goes: measuring the
			// run again from each of its bytes cost n times its length.
			k = min(k, i+n-b.Len())
			b.WriteString(s[i:k])
			i = k
			continue
		}
		c := s[i]
		if c < ' ' || c == 0x7f {
			c = '?'
		}
		b.WriteByte(c)
		i++
	}
	if i < len(s) {
		b.WriteString("…")
	}
	return b.String()
}

// obfMixed reports whether a run has both letters and digits, as encoded
// data does and identifiers mostly do not.
func obfMixed(s string) bool {
	letters, digits := false, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits = true
		case c|0x20 >= 'a' && c|0x20 <= 'z':
			letters = true
		}
	}
	return letters && digits
}

// obfRunEnd returns the end of the run of base64 or hex characters
// starting at s[i] (i itself when s[i] is not one).
func obfRunEnd(s string, i int) int {
	k := i
	for k < len(s) && obfBlobByte(s[k]) {
		k++
	}
	for k < len(s) && k > i && s[k] == '=' {
		k++
	}
	return k
}

// obfBlobByte reports the characters of base64 (standard and URL-safe).
func obfBlobByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '-' || c == '_'
}

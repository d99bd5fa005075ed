package obfuscation

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/repoguard/repoguard/detectors/internal/textscan"
	"github.com/repoguard/repoguard/guard"
)

// obfPayloadWords are what decoded text says when it is a payload: code
// execution, processes, the network, and what crypto stealers look for.
var obfPayloadWords = []string{
	"eval", "exec", "function(", "require(", "child_process", "import(", "http://", "https://",
	"powershell", "/bin/", "cmd.exe", "wget ", "curl ", "socket", "process.env", "document.cookie",
	"fromcharcode", "atob", "base64", "xmlhttprequest", "fetch(", "websocket", ".exe", "spawn",
	"system(", "subprocess", "__import__", "wallet", "private", "mnemonic", "keystore", "seed phrase",
}

// obfTextKind says what decoded bytes are: text (printable ASCII),
// foreign (letters of other scripts, as in translations) or binary.
type obfTextKind int

// The kinds of decoded text.
const (
	obfText obfTextKind = iota
	obfForeign
	obfBinary
)

// obfClassifyDecoded classifies decoded runes.
func obfClassifyDecoded(rs []rune) obfTextKind {
	printable, foreign := 0, 0
	for _, r := range rs {
		switch {
		case r >= ' ' && r < 0x7f || r == '\n' || r == '\t' || r == '\r':
			printable++
		case r >= 0x80 && unicode.IsPrint(r):
			foreign++
		}
	}
	switch {
	case foreign*2 >= len(rs):
		return obfForeign
	case printable*5 >= len(rs)*4:
		return obfText
	}
	return obfBinary
}

// obfPayload reports whether decoded text mentions a payload word.
func obfPayload(text string) bool { return obfMentions(text, obfPayloadWords) }

// obfMentions reports whether text, lowered, holds one of words.
func obfMentions(text string, words []string) bool {
	l := strings.ToLower(text)
	for _, w := range words {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// reportEncodedText records text hidden as escapes or character codes.
// Printable bytes that do not read as text (a repeated byte, an alphabet:
// test patterns) count as binary.
func (fs *obfFile) reportEncodedText(kind int, line int, how string, rs []rune) {
	text := string(rs)
	class := obfClassifyDecoded(rs)
	if class == obfText && (textscan.DistinctBytes(text)*4 < len(text) || textscan.DistinctBytes(text) < 4 || obfAlphabetLike(text)) {
		class = obfBinary
	}
	switch class {
	case obfText:
		sev, score := obfLower(guard.Medium, fs.class), 0.65
		if obfPayload(text) {
			sev, score = guard.High, 0.9
		}
		fs.aggs[kind].add(line, sev, score, "Writes text as "+how+" in %s, which hides it from review and search.",
			fmt.Sprintf("%s: %d", how, len(rs)), "decoded: "+strconv.Quote(obfSnippet(text, 80)))
	case obfBinary:
		if len(rs) >= 64 {
			fs.aggs[kind].add(line, obfLower(guard.Low, fs.class), 0.3, "Embeds binary data as "+how+" in %s.",
				fmt.Sprintf("%s: %d bytes", how, len(rs)))
		}
	}
}

// escapes finds runs of consecutive escapes (\x41, \u0041, \u{41}, \101).
func (fs *obfFile) escapes(l guard.Line) {
	s := l.Text
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			continue
		}
		var rs []rune
		k := i
		for {
			r, n := obfEscapeAt(s, k)
			if n == 0 {
				break
			}
			if r >= 0x80 && s[k+1] != 'u' {
				r = 1 // a high byte, not a letter of another script
			}
			if len(rs) < 4096 {
				rs = append(rs, r)
			}
			k += n
		}
		if len(rs) >= fs.cfg.minEscapes {
			fs.reportEncodedText(obfEscapeKind, l.Number, "escape sequences", rs)
		}
		if k > i {
			i = k - 1
		}
	}
}

// obfEscapeAt decodes one escape at s[i] and returns its length (0 when
// there is none).
func obfEscapeAt(s string, i int) (rune, int) {
	if i+1 >= len(s) || s[i] != '\\' {
		return 0, 0
	}
	switch c := s[i+1]; {
	case c == 'x':
		if v, n := obfHexRun(s[i+2:], 2); n == 2 {
			return v, 4
		}
	case c == 'u' && i+2 < len(s) && s[i+2] == '{':
		if v, n := obfHexRun(s[i+3:], 6); n > 0 && i+3+n < len(s) && s[i+3+n] == '}' {
			return v, n + 4
		}
	case c == 'u':
		if v, n := obfHexRun(s[i+2:], 4); n == 4 {
			return v, 6
		}
	case c >= '0' && c <= '7':
		v, k := rune(0), i+1
		for k < len(s) && k < i+4 && s[k] >= '0' && s[k] <= '7' {
			v = v*8 + rune(s[k]-'0')
			k++
		}
		if v <= 0xff {
			return v, k - i
		}
	}
	return 0, 0
}

// obfHexRun reads up to n hex digits at the start of s.
func obfHexRun(s string, n int) (rune, int) {
	v, k := rune(0), 0
	for k < len(s) && k < n && textscan.IsHex(s[k]) {
		d := s[k] | 0x20
		if d <= '9' {
			v = v*16 + rune(d-'0')
		} else {
			v = v*16 + rune(d-'a'+10)
		}
		k++
	}
	return v, k
}

// charCodes finds strings built from character codes:
// String.fromCharCode(101, 118, ...), chr(101)+chr(118) and [char]101.
func (fs *obfFile) charCodes(l guard.Line) {
	s := l.Text
	if i := strings.Index(s, "fromCharCode("); i >= 0 {
		if rs := obfCodeList(s[i+len("fromCharCode("):]); len(rs) >= fs.cfg.minEscapes {
			fs.reportEncodedText(obfCharCodeKind, l.Number, "character codes", rs)
			return
		}
	}
	for _, call := range []string{"chr(", "[char]"} {
		if rs := obfCodeCalls(s, call); len(rs) >= fs.cfg.minEscapes {
			fs.reportEncodedText(obfCharCodeKind, l.Number, "character codes", rs)
			return
		}
	}
}

// obfCodeList reads "101, 0x76, ...)" (optionally spread from an array).
func obfCodeList(s string) []rune {
	s = strings.TrimLeft(s, " .[")
	var rs []rune
	for _, part := range strings.Split(s, ",") {
		p := strings.TrimSpace(part)
		end := strings.IndexAny(p, ")]")
		if end >= 0 {
			p = strings.TrimSpace(p[:end])
		}
		v, err := strconv.ParseInt(p, 0, 32)
		if err != nil || v < 0 || v > unicode.MaxRune {
			break
		}
		rs = append(rs, rune(v))
		if end >= 0 || len(rs) >= 4096 {
			break
		}
	}
	return rs
}

// obfCodeCalls decodes the integer arguments of every call in the line.
func obfCodeCalls(s, call string) []rune {
	var rs []rune
	for off := 0; len(rs) < 4096; {
		i := strings.Index(s[off:], call)
		if i < 0 {
			break
		}
		i += off + len(call)
		k := i
		for k < len(s) && (textscan.IsHex(s[k]) || s[k] == 'x' || s[k] == 'X') {
			k++
		}
		off = k
		if v, err := strconv.ParseInt(s[i:k], 0, 32); err == nil && v >= 0 && v <= unicode.MaxRune {
			rs = append(rs, rune(v))
		}
	}
	return rs
}

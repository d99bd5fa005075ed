package obfuscation

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/textscan"
	"github.com/repoguard/repoguard/guard"
)

// Byte tables: a payload written as a list of numbers, often XOR-ed or
// shifted by a key and decoded at run time (event-stream 2018 and the
// loaders of npm malware since). Each table of at least obfMinTable
// values is tried with every one-byte key; one that turns it into text
// naming a command is the payload.
const (
	obfMinTable   = 16   // values in the shortest table tried
	obfMaxTable   = 4096 // values kept of a table
	obfMaxTables  = 64   // tables tried per file
	obfTableProbe = 16   // values a key must turn into text before the whole table is decoded
)

// obfTable is a run of byte values in the added lines.
type obfTable struct {
	line int // where it starts
	vals []byte
	bad  bool // a value above 255: not a byte table
	next int  // the line number the run may go on at
}

// tables collects the byte tables of a line; a run that reaches the end
// of the line goes on at the start of the next one.
func (fs *obfFile) tables(l guard.Line) {
	s := l.Text
	cur := fs.curTable
	if cur != nil && cur.next != l.Number {
		fs.endTable()
		cur = nil
	}
	i := 0
	for i < len(s) {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == ',') {
			i++
		}
		if i == len(s) {
			break
		}
		k := obfNumberEnd(s, i)
		if k == i {
			fs.endTable()
			cur = nil
			i++
			continue
		}
		v, err := strconv.ParseUint(strings.TrimRight(s[i:k], "uUlL"), 0, 64)
		if cur == nil {
			cur = &obfTable{line: l.Number}
			fs.curTable = cur
		}
		switch {
		case err != nil || v > 255:
			cur.bad = true
		case len(cur.vals) < obfMaxTable:
			cur.vals = append(cur.vals, byte(v))
		}
		i = k
	}
	if cur != nil {
		cur.next = l.Number + 1
	}
}

// obfNumberEnd returns the end of the integer literal at s[i] (i when
// there is none): 0x1f, 31, 31u. A number that is part of a name or a
// float is not one.
func obfNumberEnd(s string, i int) int {
	if i >= len(s) || s[i] < '0' || s[i] > '9' || i > 0 && (textscan.IsIdent(s[i-1]) || s[i-1] == '.') {
		return i
	}
	k := i + 1
	if s[i] == '0' && k < len(s) && (s[k] == 'x' || s[k] == 'X') {
		k++
		for k < len(s) && textscan.IsHex(s[k]) {
			k++
		}
	} else {
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
		}
	}
	for k < len(s) && (s[k] == 'u' || s[k] == 'U' || s[k] == 'l' || s[k] == 'L') {
		k++
	}
	if k < len(s) && (textscan.IsIdent(s[k]) || s[k] == '.') {
		return i
	}
	return k
}

// endTable closes the current run and keeps it when it is a byte table.
func (fs *obfFile) endTable() {
	t := fs.curTable
	fs.curTable = nil
	if t == nil || t.bad || len(t.vals) < obfMinTable || len(fs.byteTables) >= obfMaxTables {
		return
	}
	fs.byteTables = append(fs.byteTables, t)
}

// obfDecoding is one way to decode a table with a key.
type obfDecoding struct {
	name string
	f    func(b, k byte) byte
}

var obfDecodings = []obfDecoding{
	{"XOR", func(b, k byte) byte { return b ^ k }},
	{"adding", func(b, k byte) byte { return b + k }},
}

// decodeTables reports the tables that decode to a command.
func (fs *obfFile) decodeTables() {
	fs.endTable()
	for _, t := range fs.byteTables {
		text, how := obfDecodeTable(t.vals)
		if text == "" || how == obfPlainTable && slices.Contains(fs.aggs[obfCharCodeKind].lines, t.line) {
			continue // character codes already reported as such
		}
		fs.aggs[obfTableKind].add(t.line, obfLower(guard.High, fs.class), 0.9,
			"Adds a table of "+strconv.Itoa(len(t.vals))+" numbers to %s that "+how+
				" into a command: a payload hidden from review (event-stream 2018).",
			"decoded: "+strconv.Quote(obfSnippet(text, 100)))
	}
}

// obfDecodeTable returns the text a table decodes to with a one-byte key
// when it names a command, and how; "" when no key does. The plain
// table (key 0) must name a command outright; a keyed one may name any
// payload word.
func obfDecodeTable(vals []byte) (string, string) {
	buf := make([]byte, len(vals))
	for _, d := range obfDecodings {
		for k := 0; k < 256; k++ {
			if k == 0 && d.name != "XOR" {
				continue
			}
			if !obfProbe(vals, d.f, byte(k)) {
				continue
			}
			for i, b := range vals {
				buf[i] = d.f(b, byte(k))
			}
			text := string(buf)
			if !obfCodeLike(text) || obfClassifyDecoded([]rune(text)) != obfText {
				continue
			}
			if obfCommand(text) || k != 0 && obfPayload(text) {
				if k == 0 {
					return text, obfPlainTable
				}
				if d.name == "adding" && k >= 0x80 {
					return text, fmt.Sprintf("decodes by subtracting 0x%02x", 256-k)
				}
				return text, fmt.Sprintf("decodes by %s 0x%02x", d.name, k)
			}
		}
	}
	return "", ""
}

// obfPlainTable is how a table of character codes reads.
const obfPlainTable = "spells out as characters"

// obfCodeLike reports text that reads as a command or code: blanks or
// calls, and few of the brackets and signs that bytes under a wrong key
// are full of (`{}[]^~@\).
func obfCodeLike(text string) bool {
	blanks, odd := 0, 0
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case ' ':
			blanks++
		case '{', '}', '[', ']', '^', '~', '@', '\\', '`':
			odd++
		}
	}
	return (blanks > 0 || strings.Contains(text, "(")) && odd*20 <= len(text)
}

// obfProbe reports whether a key turns the first values into printable
// text, which few keys do: the whole table is decoded only for those.
func obfProbe(vals []byte, f func(b, k byte) byte, k byte) bool {
	for i := 0; i < len(vals) && i < obfTableProbe; i++ {
		c := f(vals[i], k)
		if (c < ' ' || c > '~') && c != '\n' && c != '\t' {
			return false
		}
	}
	return true
}

// obfCommandWords are what a decoded command says: shells, downloads,
// code loading.
var obfCommandWords = []string{"curl ", "wget ", "/bin/sh", "/bin/bash", "| sh", "| bash", "powershell",
	"cmd.exe", "child_process", "require(", "eval(", "exec(", "system(", "subprocess", "new function", "chmod +x",
	"nc -e", "bash -i", "os.system", "__import__", "invoke-expression", "iex(", "http.get(", "https.get(",
	"fetch(", "xmlhttprequest", "downloadstring", "start-process"}

// obfCommand reports decoded text that names a command.
func obfCommand(text string) bool { return obfMentions(text, obfCommandWords) }

package obfuscation

import (
	"strconv"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/textscan"
	"github.com/repoguard/repoguard/guard"
)

// obfSink is a way to run code or a command.
type obfSink struct {
	tok    string
	strong bool // a decoder on a neighbouring line counts too
	dot    bool // may follow a '.' (window.eval)
	word   bool // must not follow a letter, digit or '_'
}

// obfSinks are the code-execution calls: eval and its relatives in
// JavaScript, Python, PHP, Ruby and PowerShell, and process spawning.
var obfSinks = []obfSink{
	{tok: "eval(", strong: true, dot: true, word: true},
	{tok: "Function(", strong: true, word: true},
	{tok: "exec(", strong: true, word: true},
	{tok: "execScript(", strong: true, dot: true, word: true},
	{tok: "runInThisContext(", strong: true, dot: true},
	{tok: "runInNewContext(", strong: true, dot: true},
	{tok: "runInContext(", strong: true, dot: true},
	{tok: "vm.Script(", strong: true, word: true},
	{tok: "_compile(", strong: true, dot: true},
	{tok: "create_function(", strong: true, word: true},
	{tok: "instance_eval", strong: true, dot: true},
	{tok: "class_eval", strong: true, dot: true},
	{tok: "Invoke-Expression", strong: true, word: true},
	{tok: "eval \"", strong: true, word: true},
	{tok: "eval $(", strong: true, word: true},
	{tok: "eval `", strong: true, word: true},
	{tok: "sh -c ", strong: true, word: true},
	{tok: "bash -c ", strong: true, word: true},
	{tok: "iex(", strong: true, word: true},
	{tok: "IEX(", strong: true, word: true},
	{tok: "iex (", strong: true, word: true},
	{tok: "IEX (", strong: true, word: true},
	{tok: "source <(", strong: true, word: true},
	{tok: "require(", dot: true, word: true},
	{tok: "import(", word: true},
	{tok: "child_process", word: true},
	{tok: "execSync(", dot: true, word: true},
	{tok: "spawn(", dot: true, word: true},
	{tok: "spawnSync(", dot: true, word: true},
	{tok: "os.system(", word: true},
	{tok: "os.popen(", word: true},
	{tok: "subprocess.", word: true},
	{tok: "exec.Command(", word: true},
	{tok: "getRuntime().exec(", dot: true},
	{tok: "system(", word: true},
	{tok: "shell_exec(", word: true},
	{tok: "passthru(", word: true},
	{tok: "popen(", word: true},
}

// obfDecoders are calls and commands that turn encoded text back into
// code: base64, hex, character codes, URL escapes and compression.
var obfDecoders = []string{
	"atob(", "fromCharCode", "unescape(", "decodeURIComponent(", "decodeURI(",
	"b64decode(", "b32decode(", "b16decode(", "b85decode(", "a85decode(", "decodebytes(",
	"decodestring(", "codecs.decode(", "bytes.fromhex(", "unhexlify(", "a2b_base64(", "a2b_hex(",
	"zlib.decompress(", "lzma.decompress(", "gzip.decompress(", "bz2.decompress(", "marshal.loads(",
	"base64 -d", "base64 --decode", "base64 -D", "base64 -i -d", "xxd -r", "openssl enc -d",
	"openssl base64 -d", "FromBase64String(", "base64_decode(", "gzinflate(", "gzuncompress(",
	"gzdecode(", "str_rot13(", "hex2bin(", "convert_uudecode(", "Base64.decode64(",
	"Base64.strict_decode64(", "decode64(", ".unpack(\"m", ".unpack('m", "unpack1(\"m", "unpack1('m",
	"DecodeString(",
}

// obfDecoderGates are substrings of which every decoder holds one; a line
// without any is skipped quickly.
var obfDecoderGates = []string{
	"ecode", "ase64", "atob", "CharCode", "unescape", "hex", "xxd", "ompress", "inflate",
	"marshal", "rot13", "unpack", "owershell", "OWERSHELL", "pwsh", "data:",
}

// execChain reports decoded data handed to something that runs it: on
// the same line, or with a strong sink on one of the two lines around. In
// generated files and very long lines only a decoder passed straight to
// the sink counts. It reports whether the line was reported.
func (fs *obfFile) execChain(lines []guard.Line, j int) bool {
	s := lines[j].Text
	if !obfHasGate(s) {
		return false
	}
	agg := &fs.aggs[obfExecKind]
	if what, ok := obfDataURLScript(s); ok && fs.class != obfGenerated {
		agg.add(lines[j].Number, guard.High, 0.9, "Loads a script from a "+what+" URL in %s: code that cannot be reviewed.",
			"code: "+obfSnippet(s, 120))
		return true
	}
	if obfPowerShellEncoded(s) {
		agg.add(lines[j].Number, guard.High, 0.9, "Runs PowerShell with an encoded command in %s: code that cannot be reviewed.",
			obfExecEvidence(s)...)
		return true
	}
	dec, dpos := obfFindDecoder(s)
	if dec == "" {
		return false
	}
	tight := fs.class == obfGenerated || len(s) > fs.cfg.maxLine
	if sink, spos := obfFindSink(s, false); sink != nil && (!tight || dpos > spos && dpos-spos-len(sink.tok) <= 16) {
		score := 0.95
		if !sink.strong {
			score = 0.85
		}
		agg.add(lines[j].Number, guard.High, score, "Decodes data with "+obfTrimCall(dec)+" and runs it with "+
			obfTrimCall(sink.tok)+" in %s: the usual way to hide a payload from review.", obfExecEvidence(s)...)
		return true
	}
	if tight {
		return false
	}
	for k := max(0, j-2); k < len(lines) && k <= j+2; k++ {
		if d := lines[k].Number - lines[j].Number; k == j || d > 2 || d < -2 {
			continue
		}
		if sink, _ := obfFindSink(lines[k].Text, true); sink != nil {
			agg.add(lines[j].Number, guard.Medium, 0.7, "Decodes data with "+obfTrimCall(dec)+" next to "+
				obfTrimCall(sink.tok)+" in %s: check what the decoded value becomes.",
				"code: "+obfSnippet(s, 120), "code: "+obfSnippet(lines[k].Text, 120))
			return true
		}
	}
	return false
}

// obfExecEvidence shows the line and, when its longest base64 or hex run
// decodes to text, what that text says.
func obfExecEvidence(s string) []string {
	ev := []string{"code: " + obfSnippet(s, 120)}
	best := ""
	for i := 0; i < len(s); {
		k := obfRunEnd(s, i)
		if k-i > len(best) {
			best = s[i:k]
		}
		i = max(k, i+1)
	}
	if len(best) >= 16 {
		text := obfPeek(best, textscan.AllHex(best))
		if text == "" && !textscan.AllHex(best) {
			text = obfPeek(best, false)
		}
		if text != "" {
			ev = append(ev, "decoded: "+strconv.Quote(obfSnippet(text, 100)))
		}
	}
	return ev
}

// obfGateBigrams marks the first two bytes of each gate; obfGatesByByte
// lists the gates by first byte. Together they find any gate in one pass
// over the line, which is what most lines cost.
var obfGateBigrams, obfGatesByByte = func() (*[1 << 16 / 8]byte, *[256][]string) {
	var bits [1 << 16 / 8]byte
	var by [256][]string
	for _, g := range obfDecoderGates {
		b := uint16(g[0])<<8 | uint16(g[1])
		bits[b/8] |= 1 << (b % 8)
		by[g[0]] = append(by[g[0]], g)
	}
	return &bits, &by
}()

// obfHasGate reports whether s contains one of obfDecoderGates.
func obfHasGate(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		b := uint16(s[i])<<8 | uint16(s[i+1])
		if obfGateBigrams[b/8]&(1<<(b%8)) == 0 {
			continue
		}
		for _, g := range obfGatesByByte[s[i]] {
			if strings.HasPrefix(s[i:], g) {
				return true
			}
		}
	}
	return false
}

// obfFindDecoder returns the first decoder of the line and its position.
// Buffer.from counts when the line names a base64 or hex encoding.
func obfFindDecoder(s string) (string, int) {
	best, pos := "", -1
	for _, d := range obfDecoders {
		if i := strings.Index(s, d); i >= 0 && (pos < 0 || i < pos) {
			best, pos = d, i
		}
	}
	if i := strings.Index(s, "Buffer.from("); i >= 0 && (pos < 0 || i < pos) &&
		(strings.Contains(s, "base64") || strings.Contains(s, "'hex'") || strings.Contains(s, `"hex"`)) {
		best, pos = "Buffer.from(", i
	}
	return best, pos
}

// obfFindSink returns the first sink of the line (only strong ones when
// asked) and its position.
func obfFindSink(s string, strongOnly bool) (*obfSink, int) {
	var best *obfSink
	pos := -1
	for k := range obfSinks {
		sk := &obfSinks[k]
		if strongOnly && !sk.strong {
			continue
		}
		if i := obfIndexSink(s, sk); i >= 0 && (pos < 0 || i < pos) {
			best, pos = sk, i
		}
	}
	if i, ok := obfPipeToShell(s); ok && (pos < 0 || i < pos) {
		best, pos = &obfPipeSink, i
	}
	return best, pos
}

// obfPipeSink stands for a pipe into an interpreter (see obfPipeToShell).
var obfPipeSink = obfSink{tok: "| sh", strong: true}

// obfIndexSink finds a sink token at a word boundary.
func obfIndexSink(s string, sk *obfSink) int {
	for off := 0; ; {
		i := strings.Index(s[off:], sk.tok)
		if i < 0 {
			return -1
		}
		i += off
		if i == 0 || !sk.word || !textscan.IsIdent(s[i-1]) && (sk.dot || s[i-1] != '.') {
			return i
		}
		off = i + 1
	}
}

// obfShells are interpreters that run what is piped into them.
var obfShells = []string{"sh", "bash", "zsh", "dash", "ksh", "/bin/sh", "/bin/bash", "python", "python3",
	"perl", "ruby", "node", "php", "iex"}

// obfPipeToShell finds "| sh" and the like: a pipe into an interpreter.
func obfPipeToShell(s string) (int, bool) {
	for off := 0; ; {
		i := strings.IndexByte(s[off:], '|')
		if i < 0 {
			return -1, false
		}
		i += off
		off = i + 1
		rest := strings.TrimLeft(s[i+1:], " \t")
		rest = strings.TrimPrefix(rest, "sudo ")
		for _, sh := range obfShells {
			if len(rest) >= len(sh) && strings.EqualFold(rest[:len(sh)], sh) &&
				(len(rest) == len(sh) || strings.IndexByte(" \t;)&'\"`-", rest[len(sh)]) >= 0) {
				return i, true
			}
		}
	}
}

// obfDataURLScript finds a script in a base64 data: URL (import() and
// <script src> run it).
func obfDataURLScript(s string) (string, bool) {
	for _, p := range []string{"data:text/javascript", "data:application/javascript", "data:application/x-javascript", "data:text/ecmascript"} {
		if i := strings.Index(s, p); i >= 0 {
			if rest := s[i+len(p):]; strings.HasPrefix(rest, ";base64,") || strings.HasPrefix(rest, ";charset=utf-8;base64,") {
				return p + " base64", true
			}
		}
	}
	return "", false
}

// obfPowerShellEncoded finds powershell run with an encoded command: an
// -e, -enc or -EncodedCommand flag followed by base64.
func obfPowerShellEncoded(s string) bool {
	l := strings.ToLower(s)
	if !strings.Contains(l, "powershell") && !strings.Contains(l, "pwsh") {
		return false
	}
	for _, f := range []string{" -e ", " -en ", " -enc ", " -enco ", " -encodedcommand "} {
		for off := 0; ; {
			i := strings.Index(l[off:], f)
			if i < 0 {
				break
			}
			off += i + len(f)
			// Read the argument from the lowered line: off counts its
			// bytes, and lowering changes the length of some non-ASCII
			// text (a panic on s[off:]). Case does not matter to
			// obfRunEnd and obfMixed.
			arg := strings.TrimLeft(l[off:], " \t\"'")
			if k := obfRunEnd(arg, 0); k >= 20 && obfMixed(arg[:k]) {
				return true
			}
		}
	}
	return false
}

// obfTrimCall renders a token as a call name: "eval(" -> "eval".
func obfTrimCall(tok string) string {
	if tok == obfPipeSink.tok {
		return "a pipe into a shell"
	}
	return strings.TrimSpace(strings.TrimRight(tok, "( \"$`"))
}

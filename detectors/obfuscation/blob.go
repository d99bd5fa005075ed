package obfuscation

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/repoguard/repoguard/detectors/internal/textscan"
	"github.com/repoguard/repoguard/guard"
)

// blobs reports long runs of base64 or hex and returns the length of the
// longest. Data URLs of images and fonts and SSH public keys are skipped;
// a blob that decodes to a payload is high.
func (fs *obfFile) blobs(l guard.Line) int {
	s := l.Text
	longest := 0
	for i := 0; i < len(s); {
		k := obfRunEnd(s, i)
		if k == i {
			i++
			continue
		}
		run := s[i:k]
		start := i
		i = k
		if len(run) < fs.cfg.minBlob || obfBenignBlob(s[:start], run) {
			continue
		}
		longest = max(longest, len(run))
		fs.reportBlob(l.Number, run)
	}
	return longest
}

// reportBlob classifies and records one long run. A blob is data (low)
// unless it decodes to a command, or is EVM code that the same change
// deploys with create: then it is a payload (high).
func (fs *obfFile) reportBlob(line int, run string) {
	digits := strings.TrimPrefix(strings.TrimPrefix(run, "0x"), "0X")
	ent := obfEntropy(run)
	if textscan.AllHex(digits) {
		sev, score, what := obfLower(guard.Low, fs.class), 0.3, "hex"
		switch {
		case obfCommand(obfPeek(digits, true)):
			sev, score, what = guard.High, 0.85, "hex-encoded code"
		case fs.deploys && fs.class != obfData && obfEVMCode(digits, fs.path):
			sev := guard.High
			if fs.class == obfTest {
				sev = guard.Low // tests deploy fixtures from bytecode
			}
			fs.aggs[obfBlobKind].add(line, sev, 0.85, "Adds EVM bytecode as a hex "+
				"literal to %s and deploys it with create: code that cannot be reviewed runs with the contract's "+
				"storage and funds.", fmt.Sprintf("bytecode: %d bytes", len(digits)/2), "sample: "+guard.Redact(run))
			return
		}
		fs.addBlob(line, sev, score, what, run, ent)
		return
	}
	if !obfMixed(run) || strings.ToLower(run) == run || strings.ToUpper(run) == run {
		return
	}
	switch {
	case obfCommand(obfPeek(run, false)):
		fs.addBlob(line, guard.High, 0.85, "base64-encoded code", run, ent)
	case ent >= 5.0: // random or compressed data; packed tables score less
		fs.addBlob(line, obfLower(guard.Low, fs.class), 0.4, "base64", run, ent)
	}
}

// obfEVMCode reports hex that is EVM code: the init code solc emits
// (60806040...), or any hex in a Solidity or Yul file.
func obfEVMCode(digits, p string) bool {
	return strings.HasPrefix(digits, "6080604052") || strings.HasPrefix(digits, "6060604052") ||
		strings.HasSuffix(p, ".sol") || strings.HasSuffix(p, ".yul")
}

// obfMinEncoded is the shortest string literal decoded to look for a
// command in it.
const obfMinEncoded = 24

// encodedLiterals reports string literals of base64 or hex, too short to
// be blobs, that decode to a command: a downloader packed into a
// constant that another line decodes and runs. It reports whether it
// found one.
func (fs *obfFile) encodedLiterals(l guard.Line) bool {
	s, found := l.Text, false
	for i := 0; i < len(s); i++ {
		if !obfIsQuote(s[i]) {
			continue
		}
		k := obfLiteralEnd(s, i)
		if k >= len(s) {
			return found
		}
		lit := s[i+1 : k]
		i = k
		if len(lit) < obfMinEncoded || len(lit) >= fs.cfg.minBlob || obfRunEnd(lit, 0) != len(lit) {
			continue
		}
		text := obfPeek(lit, textscan.AllHex(lit))
		if text == "" && textscan.AllHex(lit) {
			text = obfPeek(lit, false)
		}
		if text != "" && obfCommand(text) {
			fs.aggs[obfBlobKind].add(l.Number, obfLower(guard.High, fs.class), 0.85,
				"Adds a string of base64 or hex to %s that decodes to a command: a payload hidden from review.",
				fmt.Sprintf("literal: %d chars", len(lit)), "decoded: "+strconv.Quote(obfSnippet(text, 100)))
			found = true
		}
	}
	return found
}

// addBlob records a blob with its size, entropy and a redacted sample.
func (fs *obfFile) addBlob(line int, sev guard.Severity, score float64, what, run string, ent float64) {
	fs.aggs[obfBlobKind].add(line, sev, score, "Adds a long "+what+" blob to %s: encoded data in code is a common payload carrier.",
		fmt.Sprintf("blob: %s, %d chars, %.1f bits/char", what, len(run), ent), "sample: "+guard.Redact(run))
}

// obfBenignBlob reports blobs that are data by their context: data URLs
// of images, fonts and media, SSH public keys, subresource integrity.
func obfBenignBlob(before, run string) bool {
	tail := before
	if len(tail) > 80 {
		tail = tail[len(tail)-80:]
	}
	if i := strings.LastIndex(tail, "data:"); i >= 0 && strings.HasSuffix(tail, "base64,") {
		media := tail[i+5:]
		for _, p := range []string{"image/", "font/", "application/font", "application/x-font", "audio/", "video/", "application/vnd.ms-fontobject"} {
			if strings.HasPrefix(media, p) {
				return true
			}
		}
	}
	if strings.HasPrefix(run, "AAAA") && (strings.Contains(tail, "ssh-") || strings.Contains(tail, "ecdsa-sha2")) {
		return true
	}
	return strings.HasSuffix(tail, "sha512-") || strings.HasSuffix(tail, "sha384-") || strings.HasSuffix(tail, "sha256-")
}

// obfPeek decodes the start of a blob to text, or returns "".
func obfPeek(run string, isHex bool) string {
	var raw []byte
	if isHex {
		n := min(len(run), 1024) &^ 1
		raw, _ = hex.DecodeString(run[:n])
	} else {
		n := min(len(run), 1024) &^ 3
		chunk := strings.NewReplacer("-", "+", "_", "/").Replace(run[:n])
		raw, _ = base64.StdEncoding.DecodeString(chunk)
		raw = obfFromUTF16LE(raw)
	}
	if !utf8.Valid(raw) || obfClassifyDecoded([]rune(string(raw))) != obfText {
		return ""
	}
	return string(raw)
}

// obfFromUTF16LE turns ASCII text encoded as UTF-16LE (as PowerShell's
// -EncodedCommand wants it) into bytes; other data is returned as is.
func obfFromUTF16LE(b []byte) []byte {
	if len(b) < 2 || len(b)%2 != 0 {
		return b
	}
	out := make([]byte, 0, len(b)/2)
	for i := 0; i < len(b); i += 2 {
		if b[i+1] != 0 {
			return b
		}
		out = append(out, b[i])
	}
	return out
}

// entropyLiterals reports random-looking string literals that are not
// URLs, regular expressions, alphabets, prose or integrity hashes.
func (fs *obfFile) entropyLiterals(l guard.Line) {
	s := l.Text
	for i := 0; i < len(s); i++ {
		if !obfIsQuote(s[i]) {
			continue
		}
		k := obfLiteralEnd(s, i)
		if k >= len(s) {
			return
		}
		lit := s[i+1 : k]
		i = k
		if len(lit) < fs.cfg.minEntropyLen || obfPlainLiteral(lit, fs.cfg.minBlob) {
			continue
		}
		if e := obfEntropy(lit); e >= fs.cfg.entropy {
			fs.aggs[obfEntropyKind].add(l.Number, obfLower(guard.Low, fs.class), 0.3,
				"Adds a high-entropy string literal to %s: encrypted or packed data hides its meaning.",
				fmt.Sprintf("literal: %d chars, %.1f bits/char", len(lit), e), "sample: "+guard.Redact(lit))
		}
	}
}

// obfPlainLiteral reports literals whose entropy means nothing: URLs,
// text with blanks or other scripts, regular expressions, alphabets,
// integrity hashes, PEM blocks, and blobs already reported as such.
func obfPlainLiteral(lit string, minBlob int) bool {
	if strings.Contains(lit, "://") || strings.Count(lit, " ") >= 2 || strings.HasPrefix(lit, "sha") ||
		strings.Contains(lit, "-----BEGIN ") || // PEM: certificates are public, keys are key-material's
		!obfASCII(lit) || obfRegexLike(lit) || obfAlphabetLike(lit) {
		return true
	}
	for i := 0; i < len(lit); {
		k := obfRunEnd(lit, i)
		if k-i >= minBlob {
			return true
		}
		i = max(k, i+1)
	}
	return false
}

// obfASCII reports whether s is all ASCII: packed payloads are, while
// bytes of other scripts only inflate the entropy of ordinary text.
func obfASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// obfRegexLike reports regular expressions by their usual pieces.
func obfRegexLike(s string) bool {
	for _, p := range []string{`\d`, `\w`, `\s`, `[^`, `(?:`, `a-z`, `A-Z`, `0-9`, `\b`, `.*`, `.+`} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

// obfAlphabetLike reports character sets ("ABC...xyz0123456789+/"): most
// neighbours are consecutive bytes.
func obfAlphabetLike(s string) bool {
	steps := 0
	for i := 1; i < len(s); i++ {
		if s[i] == s[i-1]+1 {
			steps++
		}
	}
	return steps*2 >= len(s)
}

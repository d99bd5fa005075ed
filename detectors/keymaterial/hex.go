package keymaterial

import (
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/textscan"
	"github.com/repoguard/repoguard/guard"
)

// kmSecp256k1Order is n, the order of the secp256k1 group, in lowercase hex.
const kmSecp256k1Order = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"

// kmHexKeys appends the raw hex private keys of lines[j]: runs of exactly 64
// hex digits (optionally 0x-prefixed) that are valid secp256k1 scalars,
// look random, are no well-known constant (kmConstants), and are assigned
// to or passed as a key-like name. Development chains' keys are marked
// well-known.
func kmHexKeys(hits []kmHit, lines []guard.Line, j int, cfg *kmConfig) []kmHit {
	s := lines[j].Text
	for i := 0; i+64 <= len(s); {
		start, end, ok := kmNextHexRun(s, i)
		if !ok {
			break
		}
		i = end + 1
		if end-start != 64 || !kmHexBounded(s, start, end) {
			continue
		}
		val := strings.ToLower(s[start:end])
		if !kmValidScalar(val) || kmPlaceholderHex(val) || kmConstants[val] != "" {
			continue
		}
		name, ok := kmKeyName(lines, j, kmValueStart(s, start), cfg)
		if !ok {
			continue
		}
		hits = append(hits, kmHit{
			kind: "raw secp256k1 private key (64 hex digits)", line: lines[j].Number,
			secret: val, severity: guard.Critical, score: 0.95, name: name, wellKnown: kmDevKeys[val],
		})
	}
	return hits
}

// kmNextHexRun finds the next run of at least 64 hex digits at or after
// i, where s[i-1] is not a hex digit. It looks at the last byte of each
// 64-byte window first, so most lines cost len/64 probes.
func kmNextHexRun(s string, i int) (start, end int, ok bool) {
	for i+64 <= len(s) {
		j := i + 63
		if !textscan.IsHex(s[j]) {
			i = j + 1
			continue
		}
		start = j
		for start > i && textscan.IsHex(s[start-1]) {
			start--
		}
		end = j + 1
		for end < len(s) && textscan.IsHex(s[end]) {
			end++
		}
		if end-start >= 64 {
			return start, end, true
		}
		i = end + 1
	}
	return 0, 0, false
}

// kmHexBounded reports whether s[start:end] stands alone: not part of a
// longer identifier or number, allowing a 0x prefix.
func kmHexBounded(s string, start, end int) bool {
	if end < len(s) && textscan.IsIdent(s[end]) {
		return false
	}
	b := kmValueStart(s, start)
	return b == 0 || !textscan.IsIdent(s[b-1])
}

// kmValueStart returns where the value starting with the hex digits at
// start begins, counting a 0x prefix.
func kmValueStart(s string, start int) int {
	if start >= 2 && s[start-1]|0x20 == 'x' && s[start-2] == '0' {
		return start - 2
	}
	return start
}

// kmValidScalar reports whether 64 lowercase hex digits are a valid
// secp256k1 private key: nonzero and below the group order. Equal-length
// lowercase hex compares like the numbers.
func kmValidScalar(h string) bool {
	return h < kmSecp256k1Order && strings.Trim(h, "0") != ""
}

// kmPlaceholderHex reports whether a value is obviously made up: fewer than
// ten distinct digits (a random key has all sixteen with overwhelming
// probability) or a short repeated pattern such as 0123456789abcdef x4.
func kmPlaceholderHex(h string) bool {
	var seen [16]bool
	distinct := 0
	for i := 0; i < len(h); i++ {
		d := h[i] - '0'
		if h[i] >= 'a' {
			d = h[i] - 'a' + 10
		}
		if !seen[d] {
			seen[d] = true
			distinct++
		}
	}
	if distinct < 10 {
		return true
	}
	for p := 1; p <= 32; p++ {
		if h[p:] == h[:len(h)-p] {
			return true
		}
	}
	return false
}

package keymaterial

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/detectors/internal/textscan"
	"github.com/repoguard/repoguard/guard"
)

// kmKeystoreWindow is how many lines around "ciphertext" a keystore's
// other fields are looked for.
const kmKeystoreWindow = 40

// kmKeystores finds Ethereum (Web3 Secret Storage) keystores: a
// "ciphertext" with a "kdf", a "mac" and a "crypto" object nearby, on one
// line or pretty-printed. The key inside is encrypted, so the finding is
// high rather than critical: it is only as safe as its password, which
// often sits in the same repository or CI, and it can be attacked offline.
func kmKeystores(lines []guard.Line) []kmHit {
	var hits []kmHit
	for j, l := range lines {
		i := strings.Index(l.Text, `"ciphertext"`)
		if i < 0 {
			continue
		}
		ct := kmJSONValue(l.Text[i+len(`"ciphertext"`):])
		if len(ct) < 32 || !textscan.AllHex(ct) {
			continue
		}
		kdf := kmNearestValue(lines, j, `"kdf"`)
		if kdf == "" || kmNearestValue(lines, j, `"mac"`) == "" || !kmNear(lines, j, "crypto\"") {
			continue
		}
		h := kmHit{
			kind: "Ethereum keystore (" + explain.Clip(kdf, 16) + "-encrypted private key)",
			line: l.Number, secret: strings.ToLower(ct), severity: guard.High, score: 0.85,
			extra: []string{kmEncryptedNote},
		}
		if a := strings.TrimPrefix(kmNearestValue(lines, j, `"address"`), "0x"); len(a) == 40 && textscan.AllHex(a) {
			h.extra = append(h.extra, "address: 0x"+strings.ToLower(a))
		}
		hits = append(hits, h)
	}
	return hits
}

// kmJSONValue reads the value that follows a JSON key: `: "value"` gives
// value, `: 12` gives 12.
func kmJSONValue(s string) string {
	s = strings.TrimLeft(s, " \t")
	if !strings.HasPrefix(s, ":") {
		return ""
	}
	s = strings.TrimLeft(s[1:], " \t")
	if strings.HasPrefix(s, `"`) {
		v, _, ok := strings.Cut(s[1:], `"`)
		if !ok {
			return ""
		}
		return v
	}
	end := strings.IndexAny(s, ",} \t")
	if end < 0 {
		end = len(s)
	}
	return s[:end]
}

// kmNearestValue returns the value of the JSON key on the line nearest
// lines[j] within the keystore window, or "".
func kmNearestValue(lines []guard.Line, j int, key string) string {
	for d := 0; d <= kmKeystoreWindow; d++ {
		for _, k := range [2]int{j - d, j + d} {
			if k < 0 || k >= len(lines) {
				continue
			}
			if i := strings.Index(lines[k].Text, key); i >= 0 {
				if v := kmJSONValue(lines[k].Text[i+len(key):]); v != "" {
					return v
				}
			}
		}
	}
	return ""
}

// kmNear reports whether a line within the keystore window contains sub,
// ignoring case.
func kmNear(lines []guard.Line, j int, sub string) bool {
	lo, hi := max(0, j-kmKeystoreWindow), min(len(lines), j+kmKeystoreWindow+1)
	for _, l := range lines[lo:hi] {
		if strings.Contains(strings.ToLower(l.Text), sub) {
			return true
		}
	}
	return false
}

// kmByteArray finds Solana keypairs: arrays of exactly 64 integers 0-255,
// [..] or {..}, on one line or spread over consecutive added lines, whose
// last 32 bytes are the ed25519 public key of the first 32. Checking the
// key pair leaves no room for false positives (test vectors, tables).
type kmByteArray struct {
	active bool
	open   byte // '[' or '{'
	n      int
	cur    int  // value being read, -1 when none
	sep    bool // blanks after a number: a comma or the end must follow
	vals   [64]byte
	start  int // line number of the opening bracket
	last   int // line number last fed
}

// reset abandons any array in progress.
func (a *kmByteArray) reset() { a.active = false }

// feed scans one added line and appends the keypairs that close on it.
func (a *kmByteArray) feed(hits []kmHit, s string, num int) []kmHit {
	if a.active && num != a.last+1 {
		a.active = false
	}
	a.sep = a.sep || a.cur >= 0 // a line break ends a number
	a.last = num
	for i := 0; i < len(s); i++ {
		if !a.active {
			k := kmIndexOpen(s[i:])
			if k < 0 {
				return hits
			}
			i += k
			*a = kmByteArray{active: true, open: s[i], cur: -1, start: num, last: num}
			continue
		}
		if h, done := a.step(s[i], num); done {
			if h != nil {
				hits = append(hits, *h)
			}
			if s[i] != ']' && s[i] != '}' {
				i-- // not part of an array: look at it again
			}
		}
	}
	return hits
}

// kmIndexOpen returns the index of the first '[' or '{' in s, or -1. It
// reads s only up to that index: a line of "{" without "[" must not be
// searched to its end for a "[" at every brace (issue 8).
func kmIndexOpen(s string) int { return strings.IndexAny(s, "[{") }

// step consumes one byte of an array; done reports that the array ended
// (closed or abandoned), with the keypair it held if any.
func (a *kmByteArray) step(c byte, num int) (h *kmHit, done bool) {
	switch {
	case c >= '0' && c <= '9':
		if a.sep {
			break
		}
		if a.cur < 0 {
			a.cur = 0
		}
		if a.cur = a.cur*10 + int(c-'0'); a.cur <= 255 {
			return nil, false
		}
	case c == ' ' || c == '\t' || c == '\r':
		a.sep = a.cur >= 0
		return nil, false
	case c == ',':
		if a.cur >= 0 && a.push() {
			return nil, false
		}
	case c == ']' && a.open == '[' || c == '}' && a.open == '{':
		a.active = false
		if (a.cur < 0 || a.push()) && a.n == 64 {
			return a.keypair(num), true
		}
		return nil, true
	}
	a.active = false
	return nil, true
}

// push ends the current number; it fails past 64 values.
func (a *kmByteArray) push() bool {
	if a.n == 64 {
		return false
	}
	a.vals[a.n] = byte(a.cur)
	a.n++
	a.cur, a.sep = -1, false
	return true
}

// keypair checks the 64 values as seed || public key.
func (a *kmByteArray) keypair(num int) *kmHit {
	priv := ed25519.NewKeyFromSeed(a.vals[:32])
	if !bytes.Equal(priv[32:], a.vals[32:]) {
		return nil
	}
	return &kmHit{
		kind: "Solana (ed25519) keypair as a 64-byte array", line: a.start, end: num,
		secret: hex.EncodeToString(a.vals[:]), severity: guard.Critical, score: 1,
		extra: []string{"public key: " + kmBase58(a.vals[32:])},
	}
}

// kmBase58 encodes bytes in Bitcoin's base58 alphabet, as Solana shows
// public keys.
func kmBase58(b []byte) string {
	const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
	digits := []byte{0}
	for _, v := range b {
		carry := int(v)
		for k := range digits {
			carry += int(digits[k]) << 8
			digits[k] = byte(carry % 58)
			carry /= 58
		}
		for carry > 0 {
			digits = append(digits, byte(carry%58))
			carry /= 58
		}
	}
	var out []byte
	for _, v := range b {
		if v != 0 {
			break
		}
		out = append(out, '1')
	}
	if len(out) == len(b) {
		return string(out)
	}
	for k := len(digits) - 1; k >= 0; k-- {
		out = append(out, alphabet[digits[k]])
	}
	return string(out)
}

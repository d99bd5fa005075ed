package textscan

import "strings"

// Words splits a name (a path segment, an identifier) into lowercase words
// at _ - . and blanks and before each capitalized hump: "raw_wallet" gives
// raw and wallet, "PrivateKey" private and key, "E2ETests" e2e and tests,
// "fooBAR" foo and bar. Digits stay in their word (secp256k1, ed25519).
func Words(s string) []string {
	var out []string
	start := 0
	flush := func(end int) {
		if end > start {
			out = append(out, strings.ToLower(s[start:end]))
		}
		start = end
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_' || c == '-' || c == '.' || c == ' ':
			flush(i)
			start = i + 1
		case i > start && isUpper(c) && (!isUpper(s[i-1]) && !isDigit(s[i-1]) || i+1 < len(s) && isLower(s[i+1])):
			flush(i)
		}
	}
	flush(len(s))
	return out
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isLower(c byte) bool { return c >= 'a' && c <= 'z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

package textscan

import "strings"

// IsHex reports hex digits.
func IsHex(c byte) bool {
	return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'f'
}

// IsIdent reports the bytes of identifiers: letters, digits and _.
func IsIdent(c byte) bool {
	return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z' || c == '_'
}

// AllHex reports whether s is made only of hex digits.
func AllHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !IsHex(s[i]) {
			return false
		}
	}
	return true
}

// DistinctBytes counts the distinct bytes of s.
func DistinctBytes(s string) int {
	var seen [256]bool
	n := 0
	for i := 0; i < len(s); i++ {
		if !seen[s[i]] {
			seen[s[i]] = true
			n++
		}
	}
	return n
}

// URLBounds returns the bounds of the URL around the "://" at s[sep:]:
// the scheme before it, and the URL's characters after it without
// trailing punctuation.
func URLBounds(s string, sep int) (start, end int) {
	start = sep
	for start > 0 && schemeChar(s[start-1]) {
		start--
	}
	end = sep + 3
	for end < len(s) && urlChars[s[end]] {
		end++
	}
	for end > sep+3 && strings.IndexByte(".:,;!?", s[end-1]) >= 0 {
		end--
	}
	return start, end
}

// schemeChar reports the bytes of a URL scheme.
func schemeChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'
}

// urlChars marks the bytes that continue a URL.
var urlChars = func() (t [256]bool) {
	for c := '!'; c < 0x7f; c++ {
		t[c] = !strings.ContainsRune("\"'<>`(){}|\\^", c)
	}
	return t
}()

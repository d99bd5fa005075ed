package configs

import "strings"

// expandBraces expands the alternatives of a valid pattern:
// "**/*.{yml,yaml}" becomes "**/*.yml" and "**/*.yaml". It returns false
// when the pattern would expand to more than maxExpansions patterns.
func expandBraces(p string) ([]string, bool) {
	out := []string{p}
	for i := 0; i < len(out); {
		open, end := firstAlternation(out[i])
		if open < 0 {
			i++
			continue
		}
		s := out[i]
		var exp []string
		for _, alt := range splitAlternatives(s[open+1 : end]) {
			exp = append(exp, s[:open]+alt+s[end+1:])
		}
		if len(out)-1+len(exp) > maxExpansions {
			return nil, false
		}
		out = append(out[:i], append(exp, out[i+1:]...)...)
	}
	return out, true
}

// firstAlternation returns the index of the first "{" outside a character
// class and that of its matching "}", or -1.
func firstAlternation(p string) (open, end int) {
	open, depth := -1, 0
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			i++
		case '[':
			i = classEnd(p, i)
		case '{':
			if depth == 0 {
				open = i
			}
			depth++
		case '}':
			if depth > 0 {
				if depth--; depth == 0 {
					return open, i
				}
			}
		}
	}
	return -1, -1
}

// splitAlternatives splits the inside of braces at its top-level commas.
func splitAlternatives(s string) []string {
	var out []string
	start, depth := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '[':
			i = classEnd(s, i)
		case '{':
			depth++
		case '}':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// classEnd returns the index of the "]" that closes the character class
// opening at i, or the last index when it is not closed.
func classEnd(p string, i int) int {
	j := i + 1
	if j < len(p) && (p[j] == '!' || p[j] == '^') {
		j++
	}
	if j < len(p) && p[j] == ']' {
		j++
	}
	for ; j < len(p); j++ {
		switch p[j] {
		case '\\':
			j++
		case ']':
			return j
		}
	}
	return len(p) - 1
}

// braceEnd returns the index of the "}" that closes the alternation
// opening at i, or the last index when it is not closed.
func braceEnd(p string, i int) int {
	depth := 0
	for ; i < len(p); i++ {
		switch p[i] {
		case '\\':
			i++
		case '[':
			i = classEnd(p, i)
		case '{':
			depth++
		case '}':
			if depth--; depth == 0 {
				return i
			}
		}
	}
	return len(p) - 1
}

// literals returns substrings that every path matching pattern p contains:
// its runs of plain characters outside classes and braces, with the
// slashes at their ends trimmed (a "**/" may match nothing).
func literals(p string) []string {
	var out []string
	var run strings.Builder
	flush := func() {
		if s := strings.Trim(run.String(), "/"); s != "" {
			out = append(out, s)
		}
		run.Reset()
	}
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '\\':
			flush()
			i++
		case '*', '?':
			flush()
		case '[':
			flush()
			i = classEnd(p, i)
		case '{':
			flush()
			i = braceEnd(p, i)
		default:
			run.WriteByte(c)
		}
	}
	flush()
	return out
}

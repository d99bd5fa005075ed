package configs

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/bmatcuk/doublestar/v4"
	"gopkg.in/yaml.v3"
)

// globList reads a list of glob patterns. With removals, an entry may
// start with "!" to remove an inherited entry.
func (r *reader) globList(n *yaml.Node, what string, removals bool) listEntry {
	vals, nodes, _ := r.strs(n, what)
	var out listEntry
	for i, v := range vals {
		pat := v
		if removals {
			pat = strings.TrimPrefix(v, "!")
		}
		if msg := globProblem(pat); msg != "" {
			r.errs.at(nodes[i], "invalid pattern %q in %s: %s", v, what, msg)
			continue
		}
		out.vals = append(out.vals, v)
		out.nodes = append(out.nodes, nodes[i])
	}
	return out
}

// globProblem says what is wrong with a glob pattern, or "" when it is a
// valid doublestar pattern that can match a repository path.
func globProblem(p string) string {
	switch {
	case p == "":
		return "empty pattern"
	case !utf8.ValidString(p) || strings.ContainsRune(p, utf8.RuneError):
		return "invalid UTF-8"
	case strings.HasPrefix(p, "/"):
		return `patterns are relative to the repository root: drop the leading "/"`
	case strings.HasPrefix(p, "./"):
		return `patterns are relative to the repository root: drop the leading "./"`
	case strings.HasSuffix(p, "/"):
		return `a trailing "/" never matches a file: end with "/**" to match everything below a folder`
	case !doublestar.ValidatePattern(p):
		return `unbalanced "[" or "{", or a trailing "\"`
	case !wholeDoubleStars(p):
		return `"**" must be a whole path segment, as in "**/*.sol" or "deploy/**"`
	}
	if _, ok := expandBraces(p); !ok {
		return fmt.Sprintf("braces expand to more than %d patterns", maxExpansions)
	}
	return ""
}

// wholeDoubleStars reports whether every "**" in a pattern is a path
// segment of its own (between slashes, braces or commas). Elsewhere
// doublestar treats it as "*", which is never what the author meant.
func wholeDoubleStars(p string) bool {
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			i++
		case '[':
			for i++; i < len(p) && p[i] != ']'; i++ {
				if p[i] == '\\' {
					i++
				}
			}
		case '*':
			if i+1 >= len(p) || p[i+1] != '*' {
				continue
			}
			before := i == 0 || strings.IndexByte("/{,", p[i-1]) >= 0
			after := i+2 == len(p) || strings.IndexByte("/},", p[i+2]) >= 0
			if !before || !after {
				return false
			}
			i++
		}
	}
	return true
}

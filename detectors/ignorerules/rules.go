package ignorerules

import (
	"path"
	"strings"
)

// fileKind is the kind of an ignore or attributes file.
type fileKind int

const (
	notIgnoreFile fileKind = iota
	gitIgnore
	gitAttributes
	dockerIgnore
	npmIgnore
)

// kindOf returns the kind of the file at p.
func kindOf(p string) fileKind {
	switch base := path.Base(p); {
	case base == ".gitignore":
		return gitIgnore
	case base == ".gitattributes":
		return gitAttributes
	case base == ".dockerignore" || strings.HasSuffix(base, ".dockerignore"):
		return dockerIgnore
	case base == ".npmignore":
		return npmIgnore
	}
	return notIgnoreFile
}

// effect is what a rule does to the files it matches.
type effect int

const (
	untracked  effect = iota // .gitignore: never shown by git status
	archived                 // export-ignore: left out of git archive
	unreviewed               // -diff, binary, linguist-generated: no diff
	dockerOut                // left out of the Docker build context
	npmOut                   // left out of the npm package
)

// maxPattern is the longest pattern judged: longer lines are not rules a
// person writes.
const maxPattern = 512

// rule is a hiding rule of an added line.
type rule struct {
	line    int
	text    string // the line, trimmed
	pattern string
	effect  effect
	attr    string // the attribute that hides, for .gitattributes
}

// parseRule reads the rule of one line of an ignore file of kind k. It
// returns false for blanks, comments, negations, macro definitions and
// attributes that hide nothing; review are the attributes that hide
// changes from review.
func parseRule(k fileKind, line string, review []string) (rule, bool) {
	t := strings.TrimSpace(line)
	if t == "" || t[0] == '#' || len(t) > maxPattern {
		return rule{}, false
	}
	switch k {
	case gitAttributes:
		return parseAttributes(t, review)
	case gitIgnore, dockerIgnore, npmIgnore:
		if t[0] == '!' {
			return rule{}, false
		}
		p := strings.TrimPrefix(t, `\`) // \# and \! stand for the character
		return rule{text: t, pattern: p, effect: ignoreEffects[k]}, true
	}
	return rule{}, false
}

// ignoreEffects are what a rule of each kind of ignore file does.
var ignoreEffects = map[fileKind]effect{gitIgnore: untracked, dockerIgnore: dockerOut, npmIgnore: npmOut}

// parseAttributes reads a .gitattributes line: a pattern (quoted when it
// holds blanks) and its attributes.
func parseAttributes(t string, review []string) (rule, bool) {
	if strings.HasPrefix(t, "[attr]") {
		return rule{}, false
	}
	pattern, rest := t, ""
	if t[0] == '"' {
		end := strings.IndexByte(t[1:], '"')
		if end < 0 {
			return rule{}, false
		}
		pattern, rest = t[1:1+end], t[2+end:]
	} else if i := strings.IndexAny(t, " \t"); i >= 0 {
		pattern, rest = t[:i], t[i:]
	} else {
		return rule{}, false
	}
	for _, a := range strings.Fields(rest) {
		if a == "export-ignore" {
			return rule{text: t, pattern: pattern, effect: archived, attr: a}, true
		}
	}
	for _, a := range strings.Fields(rest) {
		for _, r := range review {
			if a == r {
				return rule{text: t, pattern: pattern, effect: unreviewed, attr: a}, true
			}
		}
	}
	return rule{}, false
}

// target is what a pattern matches, as representative paths relative to
// the repository: the pattern's wildcards filled with "x" and with
// nothing.
type target struct {
	paths []string
	dir   bool // the pattern names a folder (trailing "/", "/*" or "/**")
}

// targetOf builds the target of a pattern of an ignore file in folder
// dir. It returns false for a pattern of wildcards only ("*", "**/*").
func targetOf(pattern, dir string) (target, bool) {
	p := pattern
	var t target
	for {
		switch {
		case strings.HasSuffix(p, "/"):
			p, t.dir = strings.TrimSuffix(p, "/"), true
			continue
		case strings.HasSuffix(p, "/**"), strings.HasSuffix(p, "/*"):
			p, t.dir = p[:strings.LastIndexByte(p, '/')], true
			continue
		}
		break
	}
	p = strings.TrimLeft(p, "/")
	for strings.HasPrefix(p, "**/") {
		p = strings.TrimPrefix(p, "**/")
	}
	if !strings.ContainsFunc(p, func(r rune) bool {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
	}) {
		return t, false
	}
	for _, fill := range []string{"x", ""} {
		q := fillWildcards(p, fill)
		if dir != "." && dir != "" {
			q = dir + "/" + q
		}
		if len(t.paths) == 0 || t.paths[0] != q {
			t.paths = append(t.paths, q)
		}
	}
	return t, true
}

// fillWildcards replaces each run of '*' of a glob with fill, each '?'
// with "x" and each bracket expression with its first character; a
// folder that a "**" filled with nothing stood for is dropped.
func fillWildcards(p, fill string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '*':
			for i+1 < len(p) && p[i+1] == '*' {
				i++
			}
			b.WriteString(fill)
		case '?':
			b.WriteString("x")
		case '[':
			end := strings.IndexByte(p[i+1:], ']')
			if end < 0 {
				b.WriteByte(c)
				continue
			}
			class := strings.TrimLeft(p[i+1:i+1+end], "!^")
			if class == "" || class[0] == '-' {
				b.WriteString("x")
			} else {
				b.WriteByte(class[0])
			}
			i += 1 + end
		case '\\':
			if i+1 < len(p) {
				i++
				b.WriteByte(p[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return strings.ReplaceAll(b.String(), "//", "/")
}

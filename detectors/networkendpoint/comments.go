package networkendpoint

import (
	"path"
	"strings"

	"github.com/repoguard/repoguard/guard"
)

// netSyntax is how a file's comments are written.
type netSyntax struct {
	line  []string // prefixes of whole-line comments
	tail  string   // the marker of a comment after code: "//" or "#" ("" none)
	block bool     // /* ... */ block comments
	html  bool     // <!-- ... --> comments
	doc   bool     // Python docstrings, """ or ''' at the start of a line
}

var (
	netCLike = netSyntax{line: []string{"//", "/*", "*"}, tail: "//", block: true}
	netHash  = netSyntax{line: []string{"#"}, tail: "#"}
	netHCL   = netSyntax{line: []string{"#", "//", "/*", "*"}, tail: "#", block: true}
	netPy    = netSyntax{line: []string{"#"}, tail: "#", doc: true}
	netDash  = netSyntax{line: []string{"--"}, tail: "--"}
	netML    = netSyntax{line: []string{"<!--"}, html: true}
	netOther = netSyntax{line: []string{"#", "//", "/*", "*", "<!--"}, block: true, html: true}
)

// netSyntaxByExt maps file extensions to their comment syntax. C's # is a
// preprocessor line, not a comment, and a Dockerfile's "--url" line is an
// option: each file is read with its own syntax.
var netSyntaxByExt = map[string]netSyntax{
	".c": netCLike, ".h": netCLike, ".cc": netCLike, ".cpp": netCLike, ".cxx": netCLike, ".hpp": netCLike,
	".go": netCLike, ".rs": netCLike, ".js": netCLike, ".mjs": netCLike, ".cjs": netCLike, ".jsx": netCLike,
	".ts": netCLike, ".tsx": netCLike, ".java": netCLike, ".kt": netCLike, ".kts": netCLike, ".swift": netCLike,
	".scala": netCLike, ".cs": netCLike, ".dart": netCLike, ".sol": netCLike, ".move": netCLike,
	".cairo": netCLike, ".zig": netCLike, ".proto": netCLike, ".yul": netCLike, ".huff": netCLike,
	".json5": netCLike, ".jsonc": netCLike,
	".sh": netHash, ".bash": netHash, ".zsh": netHash, ".rb": netHash, ".pl": netHash, ".yml": netHash,
	".yaml": netHash, ".toml": netHash, ".env": netHash, ".conf": netHash, ".cfg": netHash, ".ini": netHash,
	".nix": netHash, ".cmake": netHash, ".mk": netHash, ".ps1": netHash, ".r": netHash, ".vy": netHash,
	".tf": netHCL, ".tfvars": netHCL, ".hcl": netHCL, ".nomad": netHCL,
	".py": netPy, ".pyi": netPy,
	".sql": netDash, ".lua": netDash, ".hs": netDash,
	".xml": netML, ".html": netML, ".htm": netML, ".svg": netML, ".md": netML, ".vue": netML,
}

// netSyntaxOf returns the comment syntax of a path: by extension, by
// name for Dockerfiles, Makefiles and their kin, else a mix of the
// common ones.
func netSyntaxOf(p string) netSyntax {
	base := strings.ToLower(path.Base(p))
	if s, ok := netSyntaxByExt[path.Ext(base)]; ok {
		return s
	}
	for _, name := range []string{"dockerfile", "containerfile", "makefile", "justfile", "procfile", ".env",
		"gemfile", "rakefile", "vagrantfile", "caddyfile"} {
		if strings.HasPrefix(base, name) || strings.HasSuffix(base, "."+name) {
			return netHash
		}
	}
	return netOther
}

// netCode walks the added lines of a file and calls fn with the code of
// each: the line without its comments, "" when it is all comment. Block
// comments and docstrings are followed over consecutive added lines; a gap
// between added lines ends them, since what lies between is unknown.
type netCode struct {
	syn   netSyntax
	close string // the end of the comment block the walk is in, "" when none
	last  int    // number of the previous line
}

// code returns the code part of line l.
func (c *netCode) code(l guard.Line) string {
	if l.Number != c.last+1 {
		c.close = ""
	}
	c.last = l.Number
	s := l.Text
	if c.close != "" {
		i := strings.Index(s, c.close)
		if i < 0 {
			return ""
		}
		s, c.close = s[i+len(c.close):], ""
	}
	t := strings.TrimSpace(s)
	if c.syn.doc && (strings.HasPrefix(t, `"""`) || strings.HasPrefix(t, `'''`)) {
		if q := t[:3]; strings.Count(t, q) == 1 {
			c.close = q
		}
		return ""
	}
	for _, p := range c.syn.line {
		if strings.HasPrefix(t, p) {
			c.open(t)
			return ""
		}
	}
	return c.tail(s)
}

// open notes a block comment that a comment line opens and does not close.
func (c *netCode) open(t string) {
	switch {
	case c.syn.block && strings.HasPrefix(t, "/*") && !strings.Contains(t[2:], "*/"):
		c.close = "*/"
	case c.syn.html && strings.HasPrefix(t, "<!--") && !strings.Contains(t[4:], "-->"):
		c.close = "-->"
	}
}

// tail cuts a comment that follows code: the first marker outside a string
// ("//" that is no "://", "#" after a blank), and a block comment opened
// there.
func (c *netCode) tail(s string) string {
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quote != 0:
			if ch == '\\' {
				i++
			} else if ch == quote {
				quote = 0
			}
		case ch == '"' || ch == '`':
			quote = ch
		case c.syn.tail == "//" && strings.HasPrefix(s[i:], "//") && (i == 0 || s[i-1] != ':'):
			return s[:i]
		case c.syn.tail == "#" && ch == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t'):
			return s[:i]
		case c.syn.tail == "--" && strings.HasPrefix(s[i:], "--") && (i == 0 || s[i-1] == ' '):
			return s[:i]
		case c.syn.block && strings.HasPrefix(s[i:], "/*"):
			if !strings.Contains(s[i+2:], "*/") {
				c.close = "*/"
			}
			return s[:i]
		}
	}
	return s
}

package main

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"sort"
	"strings"
)

// funcOpenRE matches a line that opens a function body, per language (C
// is handled apart: its brace usually stands on a line of its own).
var funcOpenRE = map[string]*regexp.Regexp{
	"go":       regexp.MustCompile(`^func .*\{\s*$`),
	"rust":     regexp.MustCompile(`^\s*(pub(\([^)]*\))?\s+)?(async\s+)?(unsafe\s+)?fn \w+.*\)[^;{]*\{\s*$`),
	"solidity": regexp.MustCompile(`^\s*function \w+\(.*\)[^;{]*\{\s*$`),
	"js":       regexp.MustCompile(`^\s*((export\s+)?(default\s+)?(async\s+)?function\s*\*?\s*\w*\s*\(.*\)|((public|private|protected|static|async)\s+)*\w+\s*\([^)]*\)(\s*:\s*[^{=]+)?)\s*\{\s*$|=>\s*\{\s*$`),
	"python":   regexp.MustCompile(`^\s*def \w+\(.*\).*:\s*$`),
}

var (
	jsKeywordRE = regexp.MustCompile(`^\s*(if|for|while|switch|catch|with|return|else|do|try)\b`)
	cHeaderRE   = regexp.MustCompile(`^[A-Za-z_].*\)\s*$`)
	cSameLineRE = regexp.MustCompile(`^[A-Za-z_][^;=]*\)\s*\{\s*$`)
	cNotFuncRE  = regexp.MustCompile(`^(if|for|while|switch|else|do|struct|union|enum|typedef|return)\b|^#`)
	funcNameRE  = regexp.MustCompile(`(\w+)\s*(<[^>]*>)?\s*\(`)
	arrowNameRE = regexp.MustCompile(`(\w+)\s*(:[^=]*)?=\s*(async\s*)?(\(|\w+\s*=>)`)
)

// funcBody is where a function's body starts: the index of the line that
// opens it and the function's header line.
type funcBody struct {
	open   int
	header string
}

// functionBodies finds the functions of src whose body can take code.
func functionBodies(lang string, lines []string) []funcBody {
	var out []funcBody
	for i, l := range lines {
		switch lang {
		case "c":
			if strings.TrimRight(l, "\r\n") == "{" && i > 0 && cHeaderRE.MatchString(lines[i-1]) && !cNotFuncRE.MatchString(lines[i-1]) {
				out = append(out, funcBody{i, lines[i-1]})
			} else if cSameLineRE.MatchString(l) && !cNotFuncRE.MatchString(l) {
				out = append(out, funcBody{i, l})
			}
		case "js":
			if funcOpenRE["js"].MatchString(l) && !jsKeywordRE.MatchString(l) {
				out = append(out, funcBody{i, l})
			}
		default:
			if re := funcOpenRE[lang]; re != nil && re.MatchString(l) {
				out = append(out, funcBody{i, l})
			}
		}
	}
	return out
}

// funcName returns the name in a function header.
func funcName(header string) string {
	h := strings.TrimSpace(header)
	if m := arrowNameRE.FindStringSubmatch(h); m != nil && strings.Contains(h, "=>") {
		return m[1]
	}
	for _, kw := range []string{"func ", "fn ", "function ", "def "} {
		if i := strings.Index(h, kw); i >= 0 {
			h = h[i+len(kw):]
			break
		}
	}
	if strings.HasPrefix(h, "(") { // a Go method's receiver
		if i := strings.Index(h, ")"); i >= 0 {
			h = h[i+1:]
		}
	}
	if m := funcNameRE.FindStringSubmatch(h); m != nil {
		return m[1]
	}
	return "?"
}

// indentUnit is the file's indentation step.
func indentUnit(lang, src string) string {
	if lang == "go" {
		return "\t"
	}
	tabs, two, four := 0, 0, 0
	for _, l := range strings.Split(src, "\n") {
		switch {
		case strings.HasPrefix(l, "\t"):
			tabs++
		case strings.HasPrefix(l, "    ") && !strings.HasPrefix(l, "     "):
			four++
		case strings.HasPrefix(l, "  ") && !strings.HasPrefix(l, "   "):
			two++
		}
	}
	switch {
	case tabs > two+four:
		return "\t"
	case two > four:
		return "  "
	}
	return "    "
}

// indentCode indents code (written with one tab a level) under base.
func indentCode(code, base, unit string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(code, "\n"), "\n") {
		if strings.TrimSpace(l) == "" {
			b.WriteString("\n")
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, "\t"))
		b.WriteString(base + strings.Repeat(unit, n) + l[n:] + "\n")
	}
	return b.String()
}

func leading(l string) string { return l[:len(l)-len(strings.TrimLeft(l, " \t"))] }

// insertInFunction puts code at the top of the body of fn (chosen by
// choose among the functions found) and returns the new source and the
// function's name.
func insertInFunction(lang, src, code string, choose func([]funcBody) (funcBody, bool)) (string, string, bool) {
	lines := strings.SplitAfter(src, "\n")
	fb, ok := choose(functionBodies(lang, lines))
	if !ok {
		return src, "", false
	}
	unit := indentUnit(lang, src)
	text := indentCode(code, leading(lines[fb.open])+unit, unit)
	out := strings.Join(lines[:fb.open+1], "") + text + strings.Join(lines[fb.open+1:], "")
	return out, funcName(fb.header), true
}

// randomBody chooses any function, at random.
func randomBody(rng *rand.Rand) func([]funcBody) (funcBody, bool) {
	return func(fs []funcBody) (funcBody, bool) {
		if len(fs) == 0 {
			return funcBody{}, false
		}
		return fs[rng.IntN(len(fs))], true
	}
}

// appendTopLevel adds code at the end of the file: for Solidity inside
// the last contract, before its closing brace; for C inside the include
// guard, before the final #endif.
func appendTopLevel(lang, src, code string) (string, bool) {
	unit := indentUnit(lang, src)
	if lang == "c" {
		body := strings.TrimRight(src, "\n")
		if i := strings.LastIndex(body, "\n"); i >= 0 && strings.HasPrefix(body[i+1:], "#endif") {
			return body[:i+1] + "\n" + indentCode(code, "", unit) + "\n" + body[i+1:] + "\n", true
		}
	}
	if lang != "solidity" {
		return strings.TrimRight(src, "\n") + "\n\n" + indentCode(code, "", unit), true
	}
	i := strings.LastIndex(src, "\n}")
	if i < 0 {
		return src, false
	}
	return src[:i+1] + "\n" + indentCode(code, unit, unit) + src[i+1:], true
}

// afterIncludes puts code after the last #include of a C file.
func afterIncludes(src, code string) string {
	lines := strings.SplitAfter(src, "\n")
	at := 0
	for i, l := range lines {
		if strings.HasPrefix(l, "#include") {
			at = i + 1
		}
	}
	return strings.Join(lines[:at], "") + "\n" + indentCode(code, "", indentUnit("c", src)) + strings.Join(lines[at:], "")
}

// ensureGoImports adds the standard packages a Go file does not import,
// where goimports would put them: in sorted order in the first group of
// the import block when it holds standard packages, else in a new group
// before it.
func ensureGoImports(src string, pkgs ...string) string {
	var missing []string
	for _, p := range pkgs {
		q := fmt.Sprintf("%q", p)
		if !regexp.MustCompile(`(?m)^\s*(import\s+)?(\w+\s+)?` + regexp.QuoteMeta(q) + `\s*$`).MatchString(src) {
			missing = append(missing, "\t"+q)
		}
	}
	if len(missing) == 0 {
		return src
	}
	sort.Strings(missing)
	start := strings.Index(src, "\nimport (\n")
	if start < 0 {
		loc := regexp.MustCompile(`(?m)^package \w+.*\n`).FindStringIndex(src)
		if loc == nil {
			return src
		}
		return src[:loc[1]] + "\nimport (\n" + strings.Join(missing, "\n") + "\n)\n" + src[loc[1]:]
	}
	start += len("\nimport (\n")
	n := strings.Index(src[start:], "\n)")
	if n < 0 {
		return src
	}
	lines := strings.Split(src[start:start+n], "\n")
	group := 0
	for group < len(lines) && strings.TrimSpace(lines[group]) != "" {
		group++
	}
	if group > 0 && strings.Contains(strings.SplitN(lines[0], "/", 2)[0], ".") {
		lines = append(append(missing, ""), lines...)
	} else {
		first := append(append([]string(nil), lines[:group]...), missing...)
		sort.Slice(first, func(i, j int) bool { return importPath(first[i]) < importPath(first[j]) })
		lines = append(first, lines[group:]...)
	}
	return src[:start] + strings.Join(lines, "\n") + src[start+n:]
}

// importPath is the quoted path of an import line.
func importPath(l string) string {
	if i := strings.Index(l, `"`); i >= 0 {
		return l[i:]
	}
	return l
}

// ensureCIncludes adds the system headers a C file does not include.
func ensureCIncludes(src string, headers ...string) string {
	var add []string
	for _, h := range headers {
		if !strings.Contains(src, "<"+h+">") {
			add = append(add, "#include <"+h+">")
		}
	}
	if len(add) == 0 {
		return src
	}
	lines := strings.SplitAfter(src, "\n")
	at := 0
	for i, l := range lines {
		if strings.HasPrefix(l, "#include") {
			at = i + 1
			break
		}
	}
	return strings.Join(lines[:at], "") + strings.Join(add, "\n") + "\n" + strings.Join(lines[at:], "")
}

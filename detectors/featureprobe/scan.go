package featureprobe

import (
	"path"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/textscan"
)

// lang is the language of a build file that probes features.
type lang int

const (
	noLang lang = iota
	cmake
	autoconf
	meson
)

// langOf returns the language of the build file at p.
func langOf(p string) lang {
	base := path.Base(p)
	switch {
	case base == "CMakeLists.txt" || strings.HasSuffix(base, ".cmake"):
		return cmake
	case base == "configure.ac" || base == "configure.in" || strings.HasSuffix(base, ".m4") && base != "aclocal.m4":
		return autoconf
	case base == "meson.build":
		return meson
	}
	return noLang
}

// span is a part [start, end) of a text.
type span struct{ start, end int }

// probeCall is a call of a probe in a build file.
type probeCall struct {
	name string
	span
	complete bool // its closing parenthesis is in the text
}

// scanned is what a scan of a build file's lines found: the probe calls,
// the C programs embedded in strings or quoted arguments, and the
// comments.
type scanned struct {
	calls    []probeCall
	programs []program
	comments []span
}

// scanText scans the text of changed lines in the file's language.
func scanText(l lang, s string) *scanned {
	switch l {
	case cmake:
		return scanCMake(s)
	case autoconf:
		return scanM4(s)
	case meson:
		return scanMeson(s)
	}
	return &scanned{}
}

// cmakeProbes are CMake's probe commands (lowercase: CMake commands are
// case-insensitive).
var cmakeProbes = setOf(`check_c_source_compiles check_cxx_source_compiles check_c_source_runs
	check_cxx_source_runs check_source_compiles check_source_runs check_symbol_exists check_cxx_symbol_exists
	check_function_exists check_include_file check_include_files check_include_file_cxx check_c_compiler_flag
	check_cxx_compiler_flag check_compiler_flag check_linker_flag check_library_exists check_type_size
	check_struct_has_member check_prototype_definition check_ipo_supported try_compile try_run`)

// m4Probes are autoconf's probe macros; m4Programs those whose
// arguments are C source.
var (
	m4Probes = setOf(`AC_COMPILE_IFELSE AC_LINK_IFELSE AC_RUN_IFELSE AC_PREPROC_IFELSE AC_TRY_COMPILE AC_TRY_LINK
		AC_TRY_RUN AC_TRY_CPP AC_CHECK_FUNC AC_CHECK_FUNCS AC_CHECK_FUNCS_ONCE AC_CHECK_HEADER AC_CHECK_HEADERS
		AC_CHECK_HEADERS_ONCE AC_CHECK_DECL AC_CHECK_DECLS AC_CHECK_LIB AC_SEARCH_LIBS AC_CHECK_MEMBER
		AC_CHECK_MEMBERS AC_CHECK_TYPE AC_CHECK_TYPES AX_CHECK_COMPILE_FLAG AX_CHECK_LINK_FLAG
		AX_CHECK_PREPROC_FLAG AX_APPEND_COMPILE_FLAGS AX_APPEND_LINK_FLAGS AX_GCC_FUNC_ATTRIBUTE`)
	m4Programs = setOf(`AC_LANG_SOURCE AC_LANG_PROGRAM AC_TRY_COMPILE AC_TRY_LINK AC_TRY_RUN AC_TRY_CPP`)
)

// mesonProbes are the methods of a meson compiler object that probe.
var mesonProbes = setOf(`compiles links run has_function has_header has_header_symbol check_header
	has_argument has_link_argument has_multi_arguments has_multi_link_arguments get_supported_arguments
	get_supported_link_arguments first_supported_argument first_supported_link_argument has_define
	has_type has_member has_members has_function_attribute get_supported_function_attributes`)

func setOf(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range words(s) {
		m[w] = true
	}
	return m
}

// isFlagProbe reports a project's own wrapper of a flag check
// (EnableCompilerFlag, add_linker_flag_if_supported, ...).
func isFlagProbe(name string) bool {
	n := strings.ToLower(name)
	return (strings.Contains(n, "compiler") || strings.Contains(n, "linker") || strings.Contains(n, "cflag") ||
		strings.Contains(n, "ldflag")) && strings.Contains(n, "flag")
}

// looksLikeC reports whether a string holds a C program or prologue.
func looksLikeC(s string) bool {
	return strings.Contains(s, "#include") || strings.Contains(s, "main(") || strings.Contains(s, "main (")
}

// callStack follows open calls by parenthesis depth.
type callStack struct {
	depth  int
	open   []probeCall
	opened []int // depth each open call was opened at
	done   []probeCall
}

func (c *callStack) push(name string, start int) {
	c.open = append(c.open, probeCall{name: name, span: span{start: start}})
	c.opened = append(c.opened, c.depth+1)
}

func (c *callStack) paren(open bool, at int) {
	if open {
		c.depth++
		return
	}
	if n := len(c.open); n > 0 && c.opened[n-1] == c.depth {
		call := c.open[n-1]
		call.end, call.complete = at+1, true
		c.done = append(c.done, call)
		c.open, c.opened = c.open[:n-1], c.opened[:n-1]
	}
	c.depth = max(c.depth-1, 0)
}

// finish closes the calls still open at the end of the text.
func (c *callStack) finish(end int) []probeCall {
	for _, call := range c.open {
		call.end = end
		c.done = append(c.done, call)
	}
	return c.done
}

// scanLoop runs a language's step over s, following the parentheses
// of probe calls itself; step handles the byte at i and returns the
// offset after what it took.
func scanLoop(s string, step func(out *scanned, cs *callStack, i int) int) *scanned {
	out := &scanned{}
	var cs callStack
	for i := 0; i < len(s); {
		if c := s[i]; c == '(' || c == ')' {
			cs.paren(c == '(', i)
			i++
			continue
		}
		i = max(step(out, &cs, i), i+1)
	}
	out.calls = cs.finish(len(s))
	return out
}

// scanCMake finds CMake's quoted and bracket arguments, comments and
// probe commands.
func scanCMake(s string) *scanned {
	return scanLoop(s, func(out *scanned, cs *callStack, i int) int {
		switch c := s[i]; {
		case c == '#':
			end := lineEnd(s, i)
			if n := bracketOpen(s[i+1:]); n > 0 {
				end = bracketEnd(s, i+1+n, n-2)
			}
			out.comments = append(out.comments, span{i, min(end, len(s))})
			return end
		case c == '"':
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			out.addString(s, span{i + 1, min(j, len(s))}, cmakeQuoted, j < len(s))
			return j + 1
		case c == '[' && bracketOpen(s[i:]) > 0:
			n := bracketOpen(s[i:])
			end := bracketEnd(s, i+n, n-2)
			if end > len(s) {
				out.addString(s, span{i + n, len(s)}, rawC, false)
			} else {
				out.addString(s, span{i + n, end - n}, rawC, true)
			}
			return end
		case isIdentStart(c):
			j := i + identLen(s[i:])
			name := s[i:j]
			if k := nextNonBlank(s, j); k < len(s) && s[k] == '(' && (cmakeProbes[strings.ToLower(name)] || isFlagProbe(name)) {
				cs.push(strings.ToLower(name), i)
			}
			return j
		}
		return i + 1
	})
}

// addString keeps a string that holds a C program.
func (out *scanned) addString(s string, sp span, d dialect, complete bool) {
	if sp.end > sp.start && looksLikeC(s[sp.start:sp.end]) {
		out.programs = append(out.programs, program{s: s[sp.start:sp.end], base: sp.start, d: d, complete: complete})
	}
}

// bracketOpen returns the length of a CMake bracket opening ([[, [=[,
// ...) at the start of s, 0 when there is none.
func bracketOpen(s string) int {
	if len(s) < 2 || s[0] != '[' {
		return 0
	}
	n := 1
	for n < len(s) && s[n] == '=' {
		n++
	}
	if n < len(s) && s[n] == '[' {
		return n + 1
	}
	return 0
}

// bracketEnd returns the offset after the bracket closing with eq "="
// that matches an opening ending before from; len(s)+1 when it is not
// closed.
func bracketEnd(s string, from, eq int) int {
	closer := "]" + strings.Repeat("=", eq) + "]"
	if j := strings.Index(s[from:], closer); j >= 0 {
		return from + j + len(closer)
	}
	return len(s) + 1
}

// nextNonBlank returns the offset of the first byte at or after i that is
// not a space or a tab.
func nextNonBlank(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// scanMeson finds meson's strings, comments and compiler probe methods.
func scanMeson(s string) *scanned {
	return scanLoop(s, func(out *scanned, cs *callStack, i int) int {
		switch c := s[i]; {
		case c == '#':
			end := lineEnd(s, i)
			out.comments = append(out.comments, span{i, end})
			return end
		case strings.HasPrefix(s[i:], "'''"):
			end := strings.Index(s[i+3:], "'''")
			if end < 0 {
				out.addString(s, span{i + 3, len(s)}, rawC, false)
				return len(s)
			}
			out.addString(s, span{i + 3, i + 3 + end}, rawC, true)
			return i + 3 + end + 3
		case c == '\'':
			j := i + 1
			for j < len(s) && s[j] != '\'' && s[j] != '\n' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			out.addString(s, span{i + 1, min(j, len(s))}, mesonQuoted, j < len(s) && s[j] == '\'')
			return j + 1
		case isIdentStart(c):
			j := i + identLen(s[i:])
			if k := nextNonBlank(s, j); i > 0 && s[i-1] == '.' && k < len(s) && s[k] == '(' && mesonProbes[s[i:j]] {
				cs.push(receiver(s, i-1)+"."+s[i:j], i)
			}
			return j
		}
		return i + 1
	})
}

// receiver returns the name before the '.' at dot ("cc" of
// "cc.compiles"), "compiler" when there is none.
func receiver(s string, dot int) string {
	k := dot
	for k > 0 && textscan.IsIdent(s[k-1]) && dot-k < 64 {
		k--
	}
	if k == dot {
		return "compiler"
	}
	return s[k:dot]
}

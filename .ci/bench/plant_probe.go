package main

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

var (
	probeFileRE = regexp.MustCompile(`(^|/)(CMakeLists\.txt|[^/]+\.cmake|configure\.ac|configure\.in|[^/]+\.m4|meson\.build)$`)
	hardeningRE = regexp.MustCompile(`(?i)landlock|seccomp|capsicum|cap_rights|pledge|unveil|stack-protector|stack_protector|noexecstack|relro|fortify|cf-protection|stack-clash|shadow-stack|retpoline|-z,?\s*now|\bpie\b|-fpie`)
	probeCallRE = regexp.MustCompile(`(?i)check_c_source_compiles|check_cxx_source_compiles|check_c_source_runs|check_symbol_exists|check_function_exists|check_include_files?|check_c_compiler_flag|check_cxx_compiler_flag|check_linker_flag|ac_compile_ifelse|ac_link_ifelse|ac_check_funcs?|ac_check_headers?|ax_check_compile_flag|ax_check_link_flag|ax_append_compile_flags|ax_append_link_flags|\.compiles\(|\.links\(|\.has_function\(|\.has_header\(|has_argument\(|has_link_argument\(|get_supported_arguments\(|get_supported_link_arguments\(|compilerflag\(|linkerflag\(`)
)

// probeSpot is a line of a build file that probes a hardening or sandbox
// feature.
type probeSpot struct {
	line  int
	token []int // the feature's name in the line
}

// hardeningProbes finds the lines of a build file that probe hardening or
// sandbox features: a probe call naming one, or a line of a probe's test
// program that does.
func hardeningProbes(src string) []probeSpot {
	lines := strings.Split(src, "\n")
	var out []probeSpot
	depth, inProbe := 0, false
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "#") && !strings.HasPrefix(t, "#include") || strings.HasPrefix(t, "dnl") {
			continue
		}
		if probeCallRE.MatchString(l) {
			inProbe, depth = true, 0
		}
		if inProbe {
			if loc := hardeningRE.FindStringIndex(l); loc != nil {
				out = append(out, probeSpot{i, loc})
			}
			depth += strings.Count(l, "(") + strings.Count(l, "[") - strings.Count(l, ")") - strings.Count(l, "]")
			if depth <= 0 {
				inProbe = false
			}
		}
	}
	return out
}

// breakToken makes the feature name in l fail to compile or match: a
// dropped or swapped letter, or a stray character.
func (b *buildCtx) breakToken(l string, loc []int) (string, string) {
	tok := l[loc[0]:loc[1]]
	var inner []int
	for i := 1; i < len(tok)-1; i++ {
		if c := tok[i]; c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			inner = append(inner, i)
		}
	}
	if len(inner) < 2 {
		return l[:loc[1]] + "." + l[loc[1]:], tok + " got a stray '.'"
	}
	i := inner[b.rng.IntN(len(inner)-1)]
	var bad string
	switch b.rng.IntN(2) {
	case 0:
		bad = tok[:i] + tok[i+1:]
	default:
		if tok[i] == tok[i+1] {
			bad = tok[:i] + tok[i+1:]
		} else {
			bad = tok[:i] + string(tok[i+1]) + string(tok[i]) + tok[i+2:]
		}
	}
	return l[:loc[0]] + bad + l[loc[1]:], fmt.Sprintf("%s misspelt %s", tok, bad)
}

// sabotageExisting breaks an existing hardening probe of one build file.
func (b *buildCtx) sabotageExisting(files []string) (change, string, error) {
	var what string
	c, err := b.firstEdit(files, func(p, old string) (string, error) {
		spots := hardeningProbes(old)
		if len(spots) == 0 {
			return "", skipf("%s: no hardening probe", p)
		}
		s := spots[b.rng.IntN(len(spots))]
		lines := strings.Split(old, "\n")
		lines[s.line], what = b.breakToken(lines[s.line], s.token)
		what = fmt.Sprintf("%s line %d: %s", p, s.line+1, what)
		return strings.Join(lines, "\n"), nil
	})
	return c, what, err
}

// landlockProgram is the test program of a new sandbox probe, with one
// fault that makes it never compile (the xz-utils 2024 backdoor disabled
// its Landlock sandbox with a lone "." in the probe's C source).
func (b *buildCtx) landlockProgram() (prog []string, fault string) {
	prog = []string{
		"#include <linux/landlock.h>",
		"#include <sys/prctl.h>",
		"#include <sys/syscall.h>",
		"",
		"int main(void)",
		"{",
		"    (void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);",
		"    (void)SYS_landlock_create_ruleset;",
		"    (void)SYS_landlock_restrict_self;",
		"    (void)LANDLOCK_CREATE_RULESET_VERSION;",
		"    return 0;",
		"}",
	}
	switch b.rng.IntN(3) {
	case 0:
		prog[0] = "#include <linux/landlok.h>"
		return prog, "misspelt header linux/landlok.h"
	case 1:
		prog[8] = "    (void)SYS_landlock_restrict_slef;"
		return prog, "misspelt symbol SYS_landlock_restrict_slef"
	}
	prog = append(prog[:3], append([]string{"`"}, prog[3:]...)...)
	return prog, "stray '`' line after the includes"
}

// newProbe adds a Landlock probe that can never succeed to a build file.
func (b *buildCtx) newProbe(p, old string) (string, string, error) {
	prog, fault := b.landlockProgram()
	var block string
	switch base := path.Base(p); {
	case base == "CMakeLists.txt":
		block = "\n# Sandboxing: Landlock (Linux 5.13+) limits what the tools may open.\ninclude(CheckCSourceCompiles)\ncheck_c_source_compiles(\"\n" +
			indentLines(prog, "    ") + "\" HAVE_LINUX_LANDLOCK)\nif(HAVE_LINUX_LANDLOCK)\n    add_compile_definitions(HAVE_LINUX_LANDLOCK=1)\nendif()\n"
		return appendText(old, block), fault, nil
	case base == "configure.ac" || base == "configure.in":
		block = "AC_MSG_CHECKING([for Linux Landlock sandboxing])\nAC_COMPILE_IFELSE([AC_LANG_SOURCE([[\n" + strings.Join(prog, "\n") +
			"\n]])], [\n  AC_MSG_RESULT([yes])\n  AC_DEFINE([HAVE_LINUX_LANDLOCK], [1], [Define to 1 if Landlock is available.])\n], [\n  AC_MSG_RESULT([no])\n])\n\n"
		i := strings.Index(old, "\nAC_CONFIG_FILES")
		if i < 0 {
			i = strings.Index(old, "\nAC_OUTPUT")
		}
		if i < 0 {
			return "", "", skipf("%s: no AC_CONFIG_FILES or AC_OUTPUT", p)
		}
		return old[:i+1] + block + old[i+1:], fault, nil
	case base == "meson.build" && strings.Contains(old, "project("):
		cc := "meson.get_compiler('c')"
		if m := regexp.MustCompile(`(?m)^(\w+)\s*=\s*meson\.get_compiler\(\s*'c'`).FindStringSubmatch(old); m != nil {
			cc = m[1]
		}
		block = "\n# Sandboxing: Landlock (Linux 5.13+)\nif " + cc + ".compiles('''\n" + indentLines(prog, "  ") +
			"''', name : 'Landlock sandboxing')\n  add_project_arguments('-DHAVE_LINUX_LANDLOCK=1', language : 'c')\nendif\n"
		return appendText(old, block), fault, nil
	}
	return "", "", skipf("%s: not a main build file", p)
}

func indentLines(ls []string, ind string) string {
	var b strings.Builder
	for _, l := range ls {
		if l != "" {
			b.WriteString(ind)
		}
		b.WriteString(l + "\n")
	}
	return b.String()
}

func buildProbeSabotage(b *buildCtx) (*attack, error) {
	var files []string
	for _, e := range b.snap.match(probeFileRE) {
		if !manifestSkipRE.MatchString(e.Path) {
			files = append(files, e.Path)
		}
	}
	if len(files) == 0 {
		return nil, skipf("no CMake, autoconf or meson build")
	}
	text := pick(b.rng, []string{"fix feature detection with newer toolchains", "simplify hardening checks", "build: tidy compiler checks"})
	if c, what, err := b.sabotageExisting(files); err == nil {
		return &attack{changes: []change{c}, typ: "build", text: strings.TrimPrefix(text, "build: "),
			desc: "hardening probe broken: " + what}, nil
	} else if !isSkip(err) {
		return nil, err
	}
	var fault string
	c, err := b.firstEdit(files, func(p, old string) (string, error) {
		upd, f, err := b.newProbe(p, old)
		fault = f
		return upd, err
	})
	if err != nil {
		return nil, err
	}
	return &attack{changes: []change{c}, typ: "build", text: "detect Landlock sandboxing support",
		desc: fmt.Sprintf("new Landlock probe in %s that never compiles (%s)", c.path, fault)}, nil
}

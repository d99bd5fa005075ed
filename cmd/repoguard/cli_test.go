package main

import (
	"runtime/debug"
	"slices"
	"strings"
	"testing"
)

// TestHelpOnStdout: help that was asked for goes to standard output and
// succeeds, for every command, asked either way (CMD --help, help CMD).
func TestHelpOnStdout(t *testing.T) {
	var cases [][]string
	for _, c := range commands() {
		cases = append(cases, []string{c.name, "--help"}, []string{c.name, "-h"}, []string{"help", c.name})
	}
	cases = append(cases, []string{"help"}, []string{"--help"}, []string{"-h"},
		[]string{"help", "queue", "list"}, []string{"queue", "show", "--help"}, []string{"help", "policy", "show"},
		[]string{"help", "token", "create"}, []string{"help", "audit", "verify"}, []string{"help", "app", "manifest"})
	for _, args := range cases {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, out, stderr := runCmd(t, args...)
			want := "usage: repoguard "
			if name := commandOf(args); name != "" {
				want += name + " "
			}
			first, _, _ := strings.Cut(out, "\n")
			if code != exitOK || !strings.HasPrefix(first+" ", want) || stderr != "" {
				t.Errorf("code %d, want 0; stdout should start with %q, stderr should be empty:\nstdout %q\nstderr %q",
					code, want, out, stderr)
			}
		})
	}
}

// commandOf returns the command whose help args ask for, with its
// subcommand if any ("queue list"; "" for the top-level usage).
func commandOf(args []string) string {
	args = slices.DeleteFunc(slices.Clone(args), func(a string) bool { return a == "help" || strings.HasPrefix(a, "-") })
	return strings.Join(args, " ")
}

// TestUnknownFlagIsOneLine: a flag that is not defined, or has a bad
// value, is one line on standard error naming it, with a hint to --help;
// nothing goes to standard output.
func TestUnknownFlagIsOneLine(t *testing.T) {
	for _, args := range [][]string{
		{"scan", "--bogus"}, {"scan", ".", "--workers", "many"}, {"eval", "--bogus"}, {"backfill", "--bogus"},
		{"serve", "--bogus"}, {"health", "--bogus"}, {"detectors", "--bogus"}, {"version", "--bogus"},
		{"policy", "check", "--bogus"}, {"queue", "list", "--bogus"}, {"token", "create", "--bogus"},
		{"audit", "verify", "--bogus"}, {"app", "manifest", "--bogus"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, out, stderr := runCmd(t, args...)
			lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
			bad := strings.TrimLeft(args[len(args)-1], "-")
			if bad == "many" {
				bad = "-workers"
			}
			if code != exitError || out != "" || len(lines) != 1 || !strings.Contains(lines[0], bad) ||
				!strings.Contains(lines[0], "--help") {
				t.Errorf("code %d, want 2, one line naming %s with a hint to --help; stdout %q, stderr:\n%s", code, bad, out, stderr)
			}
		})
	}
}

// TestVersion: --version and version print the version from the build
// info, never the placeholder "dev".
func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"version"}, {"-version"}} {
		code, out, stderr := runCmd(t, args...)
		want := "repoguard " + versionString() + "\n"
		if code != exitOK || out != want || stderr != "" || strings.Contains(out, "dev\n") {
			t.Errorf("%v: code %d, stdout %q (want %q), stderr %q", args, code, out, want, stderr)
		}
	}
}

func TestVersionFrom(t *testing.T) {
	stamped := func(mod string, settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/repoguard/repoguard", Version: mod}}
		for i := 0; i+1 < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi
	}
	const rev = "0123456789abcdef0123456789abcdef01234567"
	for _, tc := range []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{"released", stamped("v1.4.2"), "v1.4.2"},
		{"pseudo-version from a checkout", stamped("v0.0.0-20260101120000-0123456789ab+dirty"), "v0.0.0-20260101120000-0123456789ab+dirty"},
		{"devel with a revision", stamped("(devel)", "vcs.revision", rev, "vcs.modified", "false"), "devel 0123456789ab"},
		{"devel with changes", stamped("(devel)", "vcs.revision", rev, "vcs.modified", "true"), "devel 0123456789ab+dirty"},
		{"devel without VCS", stamped("(devel)"), "(devel)"},
		{"no module version", stamped(""), "(devel)"},
		{"no build info", nil, "unknown"},
	} {
		if got := versionFrom(tc.bi); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

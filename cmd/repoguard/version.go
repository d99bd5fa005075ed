package main

import (
	"fmt"
	"runtime/debug"
)

// runVersion prints "repoguard VERSION" (see versionString).
func runVersion(e *env, args []string) int {
	fs := newFlagSet(e, "version", "version")
	if code, done := parseNoArgs(e, fs, args); done {
		return code
	}
	fmt.Fprintln(e.stdout, "repoguard", versionString())
	return exitOK
}

// versionString is the version of this binary: the one set at build time
// (-ldflags "-X main.version=v1.2.3"), else the one the Go toolchain
// recorded in its build info (see versionFrom).
func versionString() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return versionFrom(nil)
	}
	return versionFrom(bi)
}

// versionFrom reads a version from build info: the main module's version
// (v1.2.3 for `go install ...@v1.2.3`, a pseudo-version for a build in a
// Git checkout), else, for a "(devel)" build, the Git revision the
// toolchain stamped ("devel 0123456789ab", "+dirty" with uncommitted
// changes), else "(devel)"; "unknown" without build info.
func versionFrom(bi *debug.BuildInfo) string {
	if bi == nil {
		return "unknown"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev == "" {
		return "(devel)"
	}
	v := "devel " + rev[:min(len(rev), 12)]
	if modified == "true" {
		v += "+dirty"
	}
	return v
}

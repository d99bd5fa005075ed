// Command repoguard guards Git repositories against insider threats: it
// scans history for changes to sensitive paths, key material, obfuscated
// code, CI and build tampering, and (as a GitHub App) blocks merges until a
// second, independent reviewer approves.
//
// Usage:
//
//	repoguard scan [PATH] [flags]      scan a local repository's history
//	repoguard eval [flags] REPO...     how noisy the policy is; recall of known-bad commits
//	repoguard backfill PATH...         learn author profiles from history
//	repoguard policy check FILE...     validate policy files
//	repoguard policy show [PATH]       print the effective policy
//	repoguard serve [--config FILE]    run the GitHub App and the anomaly queue
//	repoguard health [--url URL]       probe a running server (container HEALTHCHECK)
//	repoguard app manifest --url URL   print the GitHub App manifest
//	repoguard queue list|show|ack|...  triage anomalies
//	repoguard audit verify|export      check or export the audit log
//	repoguard token create|list|revoke manage API tokens
//	repoguard detectors                list the detectors
//	repoguard version                  print the version
//
// Exit codes: 0 success, 1 a finding reached --fail-on (or a policy is
// invalid), 2 bad input or an error.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"syscall"
)

// Exit codes.
const (
	exitOK       = 0
	exitFindings = 1
	exitError    = 2
)

// version, when set at build time with -ldflags "-X main.version=...",
// overrides the version the build info holds (see versionString).
var version string

// env is what a subcommand may touch of the outside world.
type env struct {
	ctx    context.Context
	stdout io.Writer
	stderr io.Writer
	// stderrTTY reports whether stderr is a terminal (progress bars).
	stderrTTY bool
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(e *env, args []string) int
}

func commands() []command {
	return []command{
		{"scan", "scan a repository's history for risky changes", runScan},
		{"eval", "report how many commits the policy would flag, and which known-bad ones it catches", runEval},
		{"backfill", "learn author profiles from the history of repositories", runBackfill},
		{"policy", "check or show a policy (policy check FILE..., policy show [PATH])", runPolicy},
		{"serve", "run the GitHub App and the anomaly queue (serve [--config FILE] [--data DIR])", runServe},
		{"health", "probe a running server's /healthz (health [--url URL]); exit 1 when unhealthy", runHealth},
		{"app", "GitHub App helpers (app manifest [--url PUBLIC_URL])", runAppCmd},
		{"queue", "list, show and triage anomalies (queue list|show|ack|dismiss|...; queue export)", runQueue},
		{"audit", "verify or export the hash-chained audit log (audit verify|export)", runAudit},
		{"token", "create, list or revoke API tokens (token create|list|revoke)", runToken},
		{"detectors", "list the detectors and what they catch", runDetectors},
		{"version", "print the version (also repoguard --version)", runVersion},
	}
}

// defaultMemoryLimit is the soft memory limit of the process unless
// GOMEMLIMIT says otherwise: scans of long histories stay within it by
// collecting garbage sooner rather than growing. It must stay well above
// the live heap of a large walk: at 200 MiB a 100,000-commit backfill
// spent most of its time in the garbage collector and the scavenger
// (317 s instead of 44 s). Since packed objects are read with a cache of
// resolved bases, 250 MiB keeps that backfill at 267 MB peak RSS (under
// the 300 MB target) for 53 s of CPU instead of 43 s at 400 MiB (403 MB).
const defaultMemoryLimit = 250 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	if path := os.Getenv("REPOGUARD_CPUPROFILE"); path != "" {
		// A CPU profile of the whole run, for performance work.
		if f, err := os.Create(path); err == nil {
			if pprof.StartCPUProfile(f) == nil {
				defer pprof.StopCPUProfile()
			}
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	e := &env{ctx: ctx, stdout: os.Stdout, stderr: os.Stderr, stderrTTY: isTerminal(os.Stderr)}
	code := run(e, os.Args[1:])
	stop()
	if code != exitOK {
		pprof.StopCPUProfile()
		os.Exit(code)
	}
}

// run dispatches to a subcommand and returns the exit code. No panic
// escapes: a bug is reported as one line and exit code 2.
func run(e *env, args []string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(e.stderr, "repoguard: internal error: %v\n", r)
			code = exitError
		}
	}()
	if len(args) == 0 {
		usage(e.stderr)
		return exitError
	}
	switch args[0] {
	case "help":
		if len(args) > 1 { // help CMD [SUBCOMMAND]: that command's help
			return run(e, append(args[1:len(args):len(args)], "--help"))
		}
		usage(e.stdout)
		return exitOK
	case "-h", "-help", "--help":
		usage(e.stdout)
		return exitOK
	case "-version", "--version":
		return runVersion(e, nil)
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(e, args[1:])
		}
	}
	fmt.Fprintf(e.stderr, "repoguard: unknown command %q (run 'repoguard help')\n", args[0])
	return exitError
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: repoguard <command> [arguments]")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'repoguard help <command>' (or 'repoguard <command> --help') for a command's flags.")
}

// fail prints err as one line prefixed with the command and returns exit
// code 2.
func fail(e *env, err error) int {
	msg := strings.ReplaceAll(err.Error(), "\n", "; ")
	if errors.Is(err, context.Canceled) {
		msg = "interrupted"
	}
	fmt.Fprintf(e.stderr, "repoguard: %s\n", msg)
	return exitError
}

func isTerminal(f *os.File) bool {
	if os.Getenv("TERM") == "dumb" {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// newFlagSet returns the flag set of `repoguard <usage>`, which reports
// errors instead of exiting. -h or --help prints the usage and the flags
// on standard output (Parse returns flag.ErrHelp); a flag that is unknown
// or has a bad value is one line on standard error with a hint to --help,
// not the whole list of flags.
func newFlagSet(e *env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	out := &flagError{w: e.stderr, name: name}
	fs.SetOutput(out)
	fs.Usage = func() {
		if out.failed { // the error line is out already
			out.failed = false
			return
		}
		fmt.Fprintf(e.stdout, "usage: repoguard %s\n", usage)
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if !hasFlags {
			return
		}
		fmt.Fprint(e.stdout, "\nflags:\n")
		fs.SetOutput(e.stdout)
		fs.PrintDefaults()
		fs.SetOutput(out)
	}
	return fs
}

// flagError is the output of a flag set: the flag package writes a parse
// error there as one line, then calls Usage, which flagError's failed
// tells to stay quiet.
type flagError struct {
	w      io.Writer
	name   string
	failed bool
}

func (f *flagError) Write(p []byte) (int, error) {
	f.failed = true
	msg := strings.TrimSpace(string(p))
	_, err := fmt.Fprintf(f.w, "repoguard %s: %s (see 'repoguard %s --help')\n", f.name, msg, f.name)
	return len(p), err
}

// parseInterspersed parses flags that may come before or after positional
// arguments ("scan . --format json" as well as "scan --format json ."),
// and returns the positional arguments. A lone "--" ends flag parsing.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
		if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
			continue
		}
	}
}

// parseArgs parses args with parseInterspersed. When the command is not
// to run, ok is false and code is how it ends: exitOK after --help,
// exitError after a bad flag (the flag set has said why in one line).
func parseArgs(fs *flag.FlagSet, args []string) (pos []string, code int, ok bool) {
	pos, err := parseInterspersed(fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return nil, exitOK, false
	case err != nil:
		return nil, exitError, false
	}
	return pos, 0, true
}

package main

import (
	"fmt"
	"strings"
)

// subcommand is one verb of a command group, such as "list" of
// `repoguard queue`.
type subcommand struct {
	name string
	run  func(e *env, args []string) int
}

// dispatch runs the subcommand named by args[0] with the rest of args.
// No subcommand prints usage on standard error and fails; "help" (or -h,
// --help) prints it on standard output and succeeds; an unknown one is a
// one-line error naming the valid ones.
func dispatch(e *env, group, usage string, args []string, subs []subcommand) int {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, usage)
		return exitError
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprintln(e.stdout, usage)
		return exitOK
	}
	names := make([]string, 0, len(subs))
	for _, s := range subs {
		if s.name == args[0] {
			return s.run(e, args[1:])
		}
		names = append(names, s.name)
	}
	fmt.Fprintf(e.stderr, "repoguard: unknown %s command %q (want %s)\n", group, args[0], strings.Join(names, ", "))
	return exitError
}

package sabotage

import (
	"regexp"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/guard"
)

// exitCalls end the host process, per language.
var exitCalls = map[int][]string{
	langGo:     {"os.Exit(", "syscall.Exit(", "log.Fatal(", "log.Fatalf(", "log.Fatalln("},
	langJS:     {"process.exit(", "process.kill(process.pid", "process.abort(", "process.reallyExit("},
	langRust:   {"process::exit(", "process::abort("},
	langPython: {"sys.exit(", "os._exit(", "raise SystemExit", "os.kill(os.getpid()"},
	langC:      {"exit(", "_exit(", "_Exit(", "quick_exit(", "raise(SIGKILL", "kill(getpid()"},
}

// crashCalls crash the process the way a failed assertion does: common
// in libraries for states that cannot happen, so reported only when a
// geographic branch guards them.
var crashCalls = map[int][]string{
	langGo:   {"panic("},
	langRust: {"panic!("},
	langC:    {"abort("},
}

// rePyExit is Python's exit() and quit(), which scripts use.
var rePyExit = regexp.MustCompile(`(?:^|[^\w.])(?:exit|quit)\(`)

// programMarks are lines that make a file a program: its exits are its
// own to make.
var programMarks = newTokenSet([]string{"package main", "func main()", "int main(", "__name__ == \"__main__\"",
	"__name__ == '__main__'", "#!/usr/bin/env", "fn main()", "require.main === module"})

// exits reports library code that ends or crashes the process: low, or
// medium when the policy says the repository holds only libraries.
func (sf *sabFile) exits(ls []srcLine) {
	if sf.role != roleLibrary {
		return
	}
	sev := guard.Low
	if sf.exitsMedium {
		sev = guard.Medium
	}
	for i := range ls {
		c := ls[i].code
		if call := callIn(c, exitCalls[sf.lang]); call != "" || sf.lang == langPython && rePyExit.MatchString(c) {
			if call == "" {
				call = strings.TrimSpace(rePyExit.FindString(c))
			}
			sf.aggs[kindExit].add(ls[i].Number, sev, "Ends the host process with "+strings.TrimSuffix(call, "(")+
				" from library code in %s: a library that exits takes down every program that uses it.",
				explain.Line(ls[i].Line))
			continue
		}
		if call := callIn(c, crashCalls[sf.lang]); call != "" {
			sf.aggs[kindCrash].add(ls[i].Number, guard.Low, "Crashes the host process with "+strings.TrimSuffix(call, "(")+
				" in library code in %s.", explain.Line(ls[i].Line))
		}
	}
}

// callIn returns the first of calls made on a line, at a word boundary;
// an unqualified call must not be a method (x.exit(), ops->exit()).
func callIn(code string, calls []string) string {
	for _, call := range calls {
		i := indexWord(code, call)
		if i < 0 {
			continue
		}
		if i == 0 || strings.ContainsAny(call, ".:") || !strings.ContainsRune(".:>", rune(code[i-1])) {
			return call
		}
	}
	return ""
}

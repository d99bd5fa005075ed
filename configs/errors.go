package configs

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// PolicyError is one problem in a policy file, located by 1-based line and
// column.
type PolicyError struct {
	File   string
	Line   int
	Column int
	Msg    string
}

// Error renders "file:line:column: message".
func (e *PolicyError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
}

// Errors is every problem found in one policy file, in file order. Its
// Error method prints one problem per line.
type Errors []*PolicyError

// Error renders each problem on its own line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the problems as errors, for errors.Is and errors.As.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// maxErrors bounds how many problems one file reports.
const maxErrors = 50

// errList collects the problems of one file.
type errList struct {
	file string
	errs Errors
}

// at records a problem at a node's position.
func (l *errList) at(n *yaml.Node, format string, args ...any) {
	line, col := 1, 1
	if n != nil && n.Line > 0 {
		line, col = n.Line, max(n.Column, 1)
	}
	l.atPos(line, col, format, args...)
}

// atPos records a problem at a line and column.
func (l *errList) atPos(line, col int, format string, args ...any) {
	l.errs = append(l.errs, &PolicyError{File: l.file, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)})
}

// err returns the problems sorted by position, at most maxErrors of them
// and a last line saying how many were left out, or nil when there are none.
func (l *errList) err() error {
	if len(l.errs) == 0 {
		return nil
	}
	es := append(Errors(nil), l.errs...)
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].Line != es[j].Line {
			return es[i].Line < es[j].Line
		}
		return es[i].Column < es[j].Column
	})
	if len(es) > maxErrors {
		extra := &PolicyError{File: l.file, Line: es[maxErrors].Line, Column: es[maxErrors].Column,
			Msg: fmt.Sprintf("too many errors: %d more not shown", len(es)-maxErrors)}
		es = append(es[:maxErrors], extra)
	}
	return es
}

var yamlLineRE = regexp.MustCompile(`^line (\d+): (.*)$`)
var yamlAnchorRE = regexp.MustCompile(`anchor '([^']*)'`)

// syntaxError turns an error of the YAML parser into a located problem.
// yaml.v3 reports at most a line; where it reports none, the offending
// byte or anchor is looked up in the data.
func syntaxError(l *errList, data []byte, err error) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line, col := 0, 1
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	if line <= 0 {
		line, col = locateProblem(data, msg)
	}
	l.atPos(line, col, "invalid YAML: %s", msg)
}

// locateProblem finds the position of a problem that yaml.v3 reports
// without a line: a bad character, or an anchor by name.
func locateProblem(data []byte, msg string) (line, col int) {
	off := -1
	switch {
	case strings.Contains(msg, "end of stream"):
		off = len(data)
	case strings.Contains(msg, "UTF-8"), strings.Contains(msg, "control characters"):
		off = firstBadRune(data)
	case strings.Contains(msg, "anchor"):
		if m := yamlAnchorRE.FindStringSubmatch(msg); m != nil {
			prefix := "&"
			if strings.Contains(msg, "unknown anchor") {
				prefix = "*"
			}
			off = strings.Index(string(data), prefix+m[1])
		}
	}
	if off < 0 {
		return 1, 1
	}
	return position(data, off)
}

// firstBadRune returns the offset of the first byte that is not valid
// UTF-8 or not a printable YAML character, or -1.
func firstBadRune(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		if r != '\t' && r != '\n' && r != '\r' && r != '\uFEFF' && !unicode.IsPrint(r) && !unicode.IsSpace(r) {
			return i
		}
		i += n
	}
	return -1
}

// position converts a byte offset into a 1-based line and rune column,
// breaking lines where YAML does.
func position(data []byte, off int) (line, col int) {
	line, col = 1, 1
	for i := 0; i < off && i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		switch {
		case r == '\r' && i+1 < len(data) && data[i+1] == '\n':
			// counted at the \n
		case r == '\n', r == '\r', r == '\u0085', r == '\u2028', r == '\u2029':
			line, col = line+1, 1
		default:
			col++
		}
		i += n
	}
	return line, col
}

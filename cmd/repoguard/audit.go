package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"unicode"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/sqlite"
)

// dbFlags select an existing database and the key of its audit log, for
// the commands that read or append to the audit log directly (queue,
// audit, token).
type dbFlags struct {
	storeFlags
	keyFile string
}

func (f *dbFlags) register(fs *flag.FlagSet) {
	f.storeFlags.register(fs)
	fs.StringVar(&f.keyFile, "audit-key-file", "",
		"`FILE` holding the key of a keyed audit log, as the server uses it (default $REPOGUARD_AUDIT_KEY_FILE)")
}

// given reports whether --data or --db was given.
func (f *dbFlags) given() bool { return f.data != "" || f.db != "" }

// open opens the database the flags select with its audit key set. It
// refuses to create one: a mistyped path must not yield an empty queue or
// an audit log that verifies because it holds nothing.
func (f *dbFlags) open(ctx context.Context) (*sqlite.DB, error) {
	p, err := f.path()
	if err != nil {
		return nil, err
	}
	if p != ":memory:" && !sqlite.IsURL(p) {
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no database at %s: check --db or --data", p)
		} else if err != nil {
			return nil, fmt.Errorf("database: %w", err)
		}
	}
	key, err := readAuditKey(f.keyFile)
	if err != nil {
		return nil, err
	}
	db := sqlite.NewDB(p)
	db.AuditKey = key
	if err := db.Open(ctx); err != nil {
		return nil, err
	}
	return db, nil
}

// readAuditKey reads the audit key from file, else from the file named
// by $REPOGUARD_AUDIT_KEY_FILE; nil when neither is set. Surrounding
// whitespace is trimmed, so a key written with a trailing newline is the
// same key.
func readAuditKey(file string) ([]byte, error) {
	if file == "" {
		file = os.Getenv("REPOGUARD_AUDIT_KEY_FILE")
	}
	if file == "" {
		return nil, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read audit key: %w", unwrapPathError(err))
	}
	key := []byte(strings.TrimSpace(string(b)))
	if len(key) == 0 {
		return nil, fmt.Errorf("audit key file %s is empty", file)
	}
	return key, nil
}

// resolveActor returns who the audit log records for a local change:
// the --actor flag, else $USER.
func resolveActor(flagValue string) (string, error) {
	actor := strings.TrimSpace(flagValue)
	if actor == "" {
		actor = strings.TrimSpace(os.Getenv("USER"))
	}
	if actor == "" {
		return "", errors.New("no actor for the audit log: set --actor or $USER")
	}
	return actor, nil
}

// safe escapes control and bidirectional-formatting characters, so that
// text an insider controls (commit messages, names, paths) cannot move
// the cursor, recolor or reorder what a terminal shows.
func safe(s string) string {
	if !strings.ContainsFunc(s, unsafeRune) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unsafeRune(r) {
			fmt.Fprintf(&b, `\u%04x`, r)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == unicode.ReplacementChar
}

// runAudit checks or exports the audit log.
func runAudit(e *env, args []string) int {
	const usage = "usage: repoguard audit verify [--db FILE] [--audit-key-file FILE] [--expect SEQ:HASH] [--expect-file FILE] | audit export [--since-seq N] [--db FILE]"
	return dispatch(e, "audit", usage, args, []subcommand{{"verify", runAuditVerify}, {"export", runAuditExport}})
}

// parseNoArgs parses flags of a command that takes no positional
// arguments; done is set with the exit code when the command must stop.
func parseNoArgs(e *env, fs *flag.FlagSet, args []string) (code int, done bool) {
	pos, code, ok := parseArgs(fs, args)
	if !ok {
		return code, true
	}
	if len(pos) > 0 {
		fmt.Fprintf(e.stderr, "repoguard: unexpected argument %q\n", pos[0])
		return exitError, true
	}
	return 0, false
}

// runAuditVerify checks the hash chain of the audit log, and that it
// still holds the heads anchored outside the database (--expect,
// --expect-file): exit 0 when it holds, 1 when it is broken (naming the
// first broken entry or anchor), 2 when the log cannot be read.
func runAuditVerify(e *env, args []string) int {
	var df dbFlags
	var marks markFlags
	fs := newFlagSet(e, "audit verify", "audit verify [--db FILE | --data DIR] [--audit-key-file FILE] [--expect SEQ:HASH]... [--expect-file FILE]")
	df.register(fs)
	fs.Var(&marks, "expect", "an anchored head `SEQ:HASH` the log must still hold (repeatable)")
	expectFile := fs.String("expect-file", "", "`FILE` of anchored heads: lines SEQ:HASH, or the server's JSON log (its audit.head lines)")
	if code, done := parseNoArgs(e, fs, args); done {
		return code
	}
	if *expectFile != "" {
		more, err := readMarks(*expectFile)
		if err != nil {
			return fail(e, err)
		}
		marks = append(marks, more...)
	}
	db, err := df.open(e.ctx)
	if err != nil {
		return fail(e, err)
	}
	defer db.Close()
	// Read the head first: the verification that follows covers it, so
	// the hash printed is a verified one.
	last, err := db.AuditHead(e.ctx)
	if err != nil {
		return fail(e, err)
	}
	ok, broken, why, err := db.VerifyAudit(e.ctx)
	if err != nil {
		return fail(e, err)
	}
	if !ok {
		fmt.Fprintf(e.stdout, "audit log BROKEN at entry %d: %s\n", broken, why)
		if broken == 1 {
			fmt.Fprintln(e.stdout, "(if the whole log fails, check the audit key: --audit-key-file or $REPOGUARD_AUDIT_KEY_FILE)")
		}
		return exitFindings
	}
	if why, err = checkMarks(e.ctx, db, last.Seq, marks); err != nil {
		return fail(e, err)
	}
	if why != "" {
		fmt.Fprintf(e.stdout, "audit log BROKEN: %s\n", why)
		return exitFindings
	}
	anchors := ""
	if len(marks) > 0 {
		anchors = fmt.Sprintf("; %d anchored heads match", len(marks))
	}
	if last.Seq == 0 {
		fmt.Fprintln(e.stdout, "audit log ok: it is empty")
		return exitOK
	}
	fmt.Fprintf(e.stdout, "audit log ok: entries 1 to %d verified%s; last hash %s\n", last.Seq, anchors, last.Hash)
	return exitOK
}

// runAuditExport writes audit entries as JSON lines, for a SIEM.
func runAuditExport(e *env, args []string) int {
	var df dbFlags
	fs := newFlagSet(e, "audit export", "audit export [--since-seq N] [--db FILE | --data DIR]")
	df.register(fs)
	since := fs.Int64("since-seq", 0, "export the entries from seq `N` on (inclusive; 0 for all)")
	if code, done := parseNoArgs(e, fs, args); done {
		return code
	}
	db, err := df.open(e.ctx)
	if err != nil {
		return fail(e, err)
	}
	defer db.Close()
	w := bufio.NewWriter(e.stdout)
	enc := json.NewEncoder(w)
	err = db.ExportAudit(e.ctx, *since, func(en guard.AuditEntry) error { return enc.Encode(en) })
	if ferr := w.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("write: %w", ferr)
	}
	if err != nil {
		return fail(e, err)
	}
	return exitOK
}

package sqlite

import (
	"errors"
	"fmt"
)

// The kinds of failure a caller can act on. Errors of the store wrap one
// of them (test with errors.Is) and name the database file.
var (
	// ErrLocked means another connection held the database longer than
	// the busy timeout.
	ErrLocked = errors.New("database is locked")
	// ErrCorrupt means the file is not an SQLite database or is damaged.
	ErrCorrupt = errors.New("file is not a database or is corrupt")
	// ErrNewerSchema means the database was written by a newer repoguard:
	// it records a migration this binary does not know. The file is left
	// untouched.
	ErrNewerSchema = errors.New("database schema is newer than this repoguard")
)

// kindError is an error of one of the kinds above: a one-line message
// naming the operation and the file, wrapping the kind and the cause.
type kindError struct {
	op, path string
	kind     error
	detail   string
	cause    error
}

func (e *kindError) Error() string {
	s := e.op + " " + e.path + ": " + e.kind.Error()
	if e.detail != "" {
		s += " (" + e.detail + ")"
	}
	return s
}

func (e *kindError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}

// wrap adds the operation to err and, when err is of a known kind, turns
// it into a kindError naming the file.
func (db *DB) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var ke *kindError
	if errors.As(err, &ke) {
		return err
	}
	if kind := classify(err); kind != nil {
		return db.kindErr(op, kind, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// kindErr returns the kindError of kind for op.
func (db *DB) kindErr(op string, kind, cause error) error {
	switch kind {
	case ErrLocked:
		return &kindError{op: op, path: Redact(db.Path), kind: kind, cause: cause,
			detail: fmt.Sprintf("busy for more than %s; is another repoguard running?", db.busyTimeout())}
	default:
		return &kindError{op: op, path: Redact(db.Path), kind: kind, cause: cause}
	}
}

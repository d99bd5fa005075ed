package gitrepo

import (
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
)

// Sentinel errors. Every error this package returns for one of these cases
// matches the sentinel with errors.Is and reads as one line naming the path,
// ref or object concerned.
var (
	// ErrNotRepository: the path is not (inside) a Git repository.
	ErrNotRepository = errors.New("not a git repository")
	// ErrRefNotFound: a branch, tag, hash or revision does not resolve to
	// a commit.
	ErrRefNotFound = errors.New("ref not found")
	// ErrBadRange: a revision range is not of the form A..B.
	ErrBadRange = errors.New("invalid range")
	// ErrEmpty: the repository has no commits yet.
	ErrEmpty = errors.New("repository has no commits")
	// ErrCorrupt: an object is missing or cannot be decoded.
	ErrCorrupt = errors.New("corrupt repository")
	// ErrFileNotFound: ReadFile found no file at that path.
	ErrFileNotFound = errors.New("file not found")
	// ErrNoMergeBase: two commits share no history.
	ErrNoMergeBase = errors.New("no merge base")
	// ErrTooLarge: ReadFile found a file over Options.MaxBlobSize.
	ErrTooLarge = errors.New("file too large")
	// ErrRemoteNotFound: Fetch found no repository at the URL (or none
	// that the credentials may see).
	ErrRemoteNotFound = errors.New("remote repository not found")
)

// Permanent reports whether trying again cannot cure err: the remote
// repository does not exist.
func Permanent(err error) bool { return errors.Is(err, ErrRemoteNotFound) }

// repoError is an error with its own message that matches a sentinel
// (kind) and wraps the underlying cause; either may be nil.
type repoError struct {
	msg   string
	kind  error
	cause error
}

func (e *repoError) Error() string { return e.msg }

func (e *repoError) Unwrap() []error {
	errs := make([]error, 0, 2)
	for _, err := range []error{e.kind, e.cause} {
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

func newError(kind, cause error, format string, args ...any) error {
	return &repoError{msg: fmt.Sprintf(format, args...), kind: kind, cause: cause}
}

// corrupt reports a missing or undecodable object.
func corrupt(h plumbing.Hash, cause error) error {
	if cause == nil || errors.Is(cause, plumbing.ErrObjectNotFound) {
		return newError(ErrCorrupt, cause, "missing object %s", h)
	}
	if errors.Is(cause, ErrCorrupt) {
		return cause
	}
	return newError(ErrCorrupt, cause, "corrupt object %s: %v", h, cause)
}

// recoverCorrupt converts a panic in go-git (seen on corrupt packs) into an
// ErrCorrupt naming the object. Use as: defer recoverCorrupt(h, &err).
func recoverCorrupt(h plumbing.Hash, err *error) {
	if r := recover(); r != nil {
		*err = newError(ErrCorrupt, nil, "corrupt object %s: %v", h, r)
	}
}

package guard

import "errors"

// Tree is the repository's tree as a judged commit (or a change set's
// head) leaves it: what a detector needs beyond the diff, read only when
// asked. It is nil when the tree cannot be had (a change set built from
// a diff alone, a test double), and detectors then judge on the diff.
// A commit's tree never changes, so findings that read it stay
// deterministic.
//
// Every method is bounded: a tree too large to read within the bounds
// of its implementation gives ErrTreeLimit, with what was found before
// the bound where a method can say it.
type Tree interface {
	// Dir lists the files (not the folders) of the folder dir ("" or
	// "." for the top), in Git's order; none when there is no such
	// folder.
	Dir(dir string) ([]TreeFile, error)
	// Head returns up to n of the first bytes of the file at path, or an
	// error matching ErrTreeNotFound when there is none.
	Head(path string, n int) ([]byte, error)
	// Texts calls fn with the path and content of each text file whose
	// path keep accepts, in Git's order, until fn returns false. Binary
	// files and files over the implementation's size cap are left out.
	// It returns ErrTreeLimit when the tree or the text it holds is
	// beyond its bounds: fn has then seen only part of the files.
	Texts(keep func(path string) bool, fn func(path, text string) bool) error
}

// TreeFile is one file of a Tree.
type TreeFile struct {
	Path string
	Size int64 // -1 when unknown: a partial clone without the blob
	Mode uint32
	Hash string
}

// Errors of a Tree.
var (
	// ErrTreeLimit says a Tree stopped at one of its bounds.
	ErrTreeLimit = errors.New("tree beyond the bounds of a detector's read")
	// ErrTreeNotFound says the tree has no file at a path.
	ErrTreeNotFound = errors.New("no such file in the tree")
)

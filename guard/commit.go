package guard

import "time"

// Person is an author or committer of a commit as Git records it.
type Person struct {
	Name  string
	Email string
	// When is the moment in the person's own time zone (When.Location()
	// carries the offset Git recorded).
	When time.Time
}

// Offset returns the person's time-zone offset east of UTC in seconds, as
// recorded in the commit.
func (p Person) Offset() int {
	_, off := p.When.Zone()
	return off
}

// Commit is one commit with the changes it makes against its first parent
// (or against the empty tree for a root commit).
type Commit struct {
	Hash      string
	Parents   []string
	Author    Person
	Committer Person
	// Signed reports whether the commit carries a PGP, SSH or X.509
	// signature. Verification is not attempted here.
	Signed  bool
	Message string
	Files   []FileChange
	// Unknown, when set, says why what the commit changed cannot be known:
	// UnknownShallow for the boundary of a shallow clone (its parent is
	// not in the repository), UnknownMissing for a partial clone that
	// lacks one of its trees. Files is empty then, and the commit is
	// judged on what it says of itself (author, dates, identity).
	Unknown string
	// Tree is the tree the commit leaves, read lazily by detectors that
	// need more than the diff; nil when it cannot be had.
	Tree Tree `json:"-"`
}

// Why a commit's changes can be unknown (Commit.Unknown), and why a file's
// content can be (FileChange.Skipped).
const (
	UnknownShallow = "shallow boundary"
	UnknownMissing = "missing from a partial clone"
)

// IsMerge reports whether the commit has more than one parent.
func (c *Commit) IsMerge() bool { return len(c.Parents) > 1 }

// Subject returns the first line of the commit message.
func (c *Commit) Subject() string {
	for i := 0; i < len(c.Message); i++ {
		if c.Message[i] == '\n' {
			return c.Message[:i]
		}
	}
	return c.Message
}

// ShortHash returns the first 10 characters of the hash.
func (c *Commit) ShortHash() string { return ShortHash(c.Hash) }

// ShortHash abbreviates a full object name to 10 characters.
func ShortHash(h string) string {
	if len(h) > 10 {
		return h[:10]
	}
	return h
}

// FileStatus says what a change did to a file. (An anomaly's place in
// triage is an AnomalyStatus.)
type FileStatus string

// The statuses of a FileChange.
const (
	Added    FileStatus = "added"
	Modified FileStatus = "modified"
	Deleted  FileStatus = "deleted"
	Renamed  FileStatus = "renamed"
)

// Line is one line of a file, numbered from 1 in the file it belongs to
// (the new file for added lines, the old one for deleted lines). Text has
// no trailing newline.
type Line struct {
	Number int    `json:"number"`
	Text   string `json:"text"`
}

// FileChange is one file changed by a commit or a change set.
type FileChange struct {
	Path    string // path after the change ("" never; the old path for deletions)
	OldPath string // path before the change, set for renames
	Status  FileStatus
	// Added and Deleted count lines. They are zero for binary files and for
	// files whose content was not diffed (see Skipped).
	Added, Deleted int
	Binary         bool
	// Size is the size in bytes of the new blob (of the old one for a
	// deletion); OldSize that of the old blob, 0 when added.
	Size, OldSize int64
	// Mode is the Git file mode of the new entry (for example 0100755).
	Mode, OldMode uint32
	// Hash and OldHash are the blob object names ("" when absent).
	Hash, OldHash string
	// Skipped says why the content was not diffed: "binary", "too large",
	// "submodule", UnknownMissing (a partial clone without the blob), or
	// "" when it was.
	Skipped string
	// AddedLines and DeletedLines hold the text of the changed lines,
	// numbered in the new and the old file respectively.
	AddedLines   []Line
	DeletedLines []Line
}

// Diffed reports whether the content of the change was line-diffed.
func (f *FileChange) Diffed() bool { return f.Skipped == "" }

// ChangeSet is a set of commits judged together, such as a pull request or
// a pushed range, with the combined diff from the merge base to the head.
type ChangeSet struct {
	Repo    string
	Base    string // merge-base commit
	Head    string // head commit
	Commits []Commit
	Files   []FileChange // diff from Base to Head
	// Tree is the tree of Head, read lazily by detectors that need more
	// than the diff; nil when it cannot be had.
	Tree Tree `json:"-"`
}

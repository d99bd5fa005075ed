package gittest

import (
	"fmt"
	"strings"
)

// Import is a `git fast-import` stream: many commits, with exact
// identities, dates, parents and files, built by one command
// (Repo.Import) much faster than by one command per commit.
type Import struct {
	b    strings.Builder
	mark int
}

// Commit is a commit of an Import.
type Commit struct {
	// Ref is the branch the commit goes on, such as refs/heads/main.
	Ref string
	// Author and Committer made the commit; a Committer without a name
	// is the author.
	Author, Committer Signature
	// Message is the commit message, byte for byte.
	Message string
	// From and Merge are the first and second parent: a mark (Mark) or a
	// ref; an empty From continues Ref (or starts it), an empty Merge
	// makes no merge.
	From, Merge string
	// Files are the changes, in order.
	Files []File
}

// File is a change of a commit: Content at Path, or Path deleted.
type File struct {
	Path, Content string
	Deleted       bool
}

// Mark returns how an Import names the commit of mark n, "" for 0.
func Mark(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(":%d", n)
}

// Add adds c to the stream and returns its mark.
func (im *Import) Add(c Commit) int {
	if c.Committer.Name == "" {
		c.Committer = c.Author
	}
	im.mark++
	fmt.Fprintf(&im.b, "commit %s\nmark :%d\n", c.Ref, im.mark)
	fmt.Fprintf(&im.b, "author %s\ncommitter %s\n", c.Author, c.Committer)
	fmt.Fprintf(&im.b, "data %d\n%s\n", len(c.Message), c.Message)
	if c.From != "" {
		fmt.Fprintf(&im.b, "from %s\n", c.From)
	}
	if c.Merge != "" {
		fmt.Fprintf(&im.b, "merge %s\n", c.Merge)
	}
	for _, f := range c.Files {
		if f.Deleted {
			fmt.Fprintf(&im.b, "D %s\n", f.Path)
			continue
		}
		fmt.Fprintf(&im.b, "M 100644 inline %s\ndata %d\n%s\n", f.Path, len(f.Content), f.Content)
	}
	return im.mark
}

// Reset starts (or moves) ref at from, a mark or a ref.
func (im *Import) Reset(ref, from string) {
	fmt.Fprintf(&im.b, "reset %s\nfrom %s\n\n", ref, from)
}

// Import runs `git fast-import` on the stream im in the repository.
func (r *Repo) Import(im *Import) {
	r.t.Helper()
	r.Run(r.Dir, nil, im.b.String(), "fast-import", "--quiet")
}

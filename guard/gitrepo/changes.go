package gitrepo

import (
	"context"
	"path"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/repoguard/repoguard/guard"
)

// Reasons for FileChange.Skipped.
const (
	skipBinary    = "binary"
	skipTooLarge  = "too large"
	skipSubmodule = "submodule"
)

// emptyBlob is the name of the empty blob; empty files are never paired as
// renames (any two of them would match).
var emptyBlob = plumbing.NewHash("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391")

// renamed is a change paired by exact rename detection.
type renamed struct {
	change
	oldPath string
}

// pairRenames pairs each added file with a deleted file of the same blob,
// preferring one with the same base name (else the first unpaired one).
// The result keeps the order of the input, a rename taking the place of
// its added file.
func pairRenames(cs []change) []renamed {
	out := make([]renamed, 0, len(cs))
	dels := newDeletions(cs)
	if dels == nil {
		for _, c := range cs {
			out = append(out, renamed{change: c})
		}
		return out
	}
	from := make(map[int]int) // addition -> deletion
	for i := range cs {
		c := &cs[i]
		if !c.oldHash.IsZero() || !renameable(c.newMode, c.newHash) {
			continue
		}
		if d, ok := dels.take(c.newHash, path.Base(c.path)); ok {
			from[i] = d
		}
	}
	for i, c := range cs {
		if dels.used[i] {
			continue
		}
		r := renamed{change: c}
		if d, ok := from[i]; ok {
			r.oldPath, r.oldMode, r.oldHash = cs[d].path, cs[d].oldMode, cs[d].oldHash
		}
		out = append(out, r)
	}
	return out
}

// deletions are the deleted files that may pair with added ones, in
// order, by blob and by blob and base name. Each queue skips the
// deletions the other one paired, so that pairing thousands of copies of
// one blob costs time linear in their number, not its square (issue 8).
type deletions struct {
	byHash map[plumbing.Hash]*queue
	byName map[hashName]*queue
	used   map[int]bool // paired deletions
}

type hashName struct {
	hash plumbing.Hash
	name string
}

// queue is a list of deletions and the position of the first that may
// still be unpaired.
type queue struct {
	idx  []int
	next int
}

// newDeletions indexes the renameable deletions of cs; nil when there is
// no deletion or no addition to pair.
func newDeletions(cs []change) *deletions {
	d := &deletions{byHash: map[plumbing.Hash]*queue{}, byName: map[hashName]*queue{}, used: map[int]bool{}}
	adds := false
	for i := range cs {
		c := &cs[i]
		switch {
		case c.newHash.IsZero() && renameable(c.oldMode, c.oldHash):
			enqueue(d.byHash, c.oldHash, i)
			enqueue(d.byName, hashName{c.oldHash, path.Base(c.path)}, i)
		case c.oldHash.IsZero() && renameable(c.newMode, c.newHash):
			adds = true
		}
	}
	if len(d.byHash) == 0 || !adds {
		return nil
	}
	return d
}

// enqueue appends deletion i to the queue of k.
func enqueue[K comparable](m map[K]*queue, k K, i int) {
	if m[k] == nil {
		m[k] = &queue{}
	}
	m[k].idx = append(m[k].idx, i)
}

// take pairs the first unpaired deletion of blob h named name, else the
// first unpaired one of blob h.
func (d *deletions) take(h plumbing.Hash, name string) (int, bool) {
	for _, q := range []*queue{d.byName[hashName{h, name}], d.byHash[h]} {
		if i, ok := d.first(q); ok {
			d.used[i] = true
			return i, true
		}
	}
	return 0, false
}

// first returns the first unpaired deletion of a queue.
func (d *deletions) first(q *queue) (int, bool) {
	if q == nil {
		return 0, false
	}
	for q.next < len(q.idx) && d.used[q.idx[q.next]] {
		q.next++
	}
	if q.next == len(q.idx) {
		return 0, false
	}
	return q.idx[q.next], true
}

func renameable(mode uint32, h plumbing.Hash) bool {
	t := mode & modeType
	return h != emptyBlob && (t == 0o100000 || t == modeSymlink)
}

// fileChanges turns tree differences into FileChanges, reading and diffing
// the blobs. It stops with ctx's error between files: a commit of many
// large files takes long enough for a job's deadline to pass.
func (h *handle) fileChanges(ctx context.Context, cs []change, noRenames bool, ld *lineDiffer) ([]guard.FileChange, error) {
	var rs []renamed
	if noRenames {
		rs = make([]renamed, len(cs))
		for i, c := range cs {
			rs[i] = renamed{change: c}
		}
	} else {
		rs = pairRenames(cs)
	}
	files := make([]guard.FileChange, 0, len(rs))
	for i := range rs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		fc, err := h.fileChange(&rs[i], ld)
		if err != nil {
			return nil, err
		}
		files = append(files, fc)
	}
	return files, nil
}

func (h *handle) fileChange(r *renamed, ld *lineDiffer) (guard.FileChange, error) {
	fc := guard.FileChange{Path: r.path, OldPath: r.oldPath, Mode: r.newMode, OldMode: r.oldMode}
	switch {
	case r.oldPath != "":
		fc.Status = guard.Renamed
	case r.oldHash.IsZero():
		fc.Status = guard.Added
	case r.newHash.IsZero():
		fc.Status = guard.Deleted
	default:
		fc.Status = guard.Modified
	}
	if !r.oldHash.IsZero() {
		fc.OldHash = r.oldHash.String()
	}
	if !r.newHash.IsZero() {
		fc.Hash = r.newHash.String()
	}
	if r.oldMode&modeType == modeGitlink || r.newMode&modeType == modeGitlink {
		fc.Skipped = skipSubmodule
		return fc, nil
	}
	var ob, nb blob
	var err error
	if !r.oldHash.IsZero() {
		if ob, err = h.readBlob(r.oldHash); err != nil {
			return fc, err
		}
		fc.OldSize, fc.Size = ob.size, ob.size
	}
	if r.newHash == r.oldHash {
		nb = ob
	} else if !r.newHash.IsZero() {
		if nb, err = h.readBlob(r.newHash); err != nil {
			return fc, err
		}
		fc.Size = nb.size
	}
	switch {
	case ob.missing || nb.missing:
		fc.Skipped = guard.UnknownMissing
	case ob.binary || nb.binary:
		fc.Binary, fc.Skipped = true, skipBinary
	case ob.large || nb.large:
		fc.Skipped = skipTooLarge
	case r.newHash != r.oldHash:
		fc.AddedLines, fc.DeletedLines = ld.diff(ob.text, nb.text)
		fc.Added, fc.Deleted = len(fc.AddedLines), len(fc.DeletedLines)
	}
	return fc, nil
}

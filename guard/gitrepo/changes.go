package gitrepo

import (
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
// preferring one with the same base name. The result keeps the order of
// the input, a rename taking the place of its added file.
func pairRenames(cs []change) []renamed {
	out := make([]renamed, 0, len(cs))
	var dels map[plumbing.Hash][]int
	adds := false
	for i := range cs {
		c := &cs[i]
		switch {
		case c.newHash.IsZero() && renameable(c.oldMode, c.oldHash):
			if dels == nil {
				dels = make(map[plumbing.Hash][]int)
			}
			dels[c.oldHash] = append(dels[c.oldHash], i)
		case c.oldHash.IsZero() && renameable(c.newMode, c.newHash):
			adds = true
		}
	}
	if dels == nil || !adds {
		for _, c := range cs {
			out = append(out, renamed{change: c})
		}
		return out
	}
	paired := make(map[int]int) // deletion index -> addition index
	for i := range cs {
		c := &cs[i]
		cand := dels[c.newHash]
		if !c.oldHash.IsZero() || !renameable(c.newMode, c.newHash) || len(cand) == 0 {
			continue
		}
		k := 0
		for n, d := range cand {
			if path.Base(cs[d].path) == path.Base(c.path) {
				k = n
				break
			}
		}
		paired[cand[k]] = i
		dels[c.newHash] = append(cand[:k:k], cand[k+1:]...)
	}
	from := make(map[int]int, len(paired)) // addition -> deletion
	for d, a := range paired {
		from[a] = d
	}
	for i, c := range cs {
		if _, gone := paired[i]; gone {
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

func renameable(mode uint32, h plumbing.Hash) bool {
	t := mode & modeType
	return h != emptyBlob && (t == 0o100000 || t == modeSymlink)
}

// fileChanges turns tree differences into FileChanges, reading and diffing
// the blobs.
func (h *handle) fileChanges(cs []change, noRenames bool, ld *lineDiffer) ([]guard.FileChange, error) {
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

package gitrepo

import (
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// Git file modes.
const (
	modeType    = 0o170000
	modeDir     = 0o040000
	modeSymlink = 0o120000
	modeGitlink = 0o160000
)

// treeEntry is one entry of a tree object.
type treeEntry struct {
	name string
	mode uint32
	hash plumbing.Hash
}

func (e *treeEntry) isDir() bool { return e.mode&modeType == modeDir }

// parseTree parses a raw tree object: entries of "<octal mode> <name>\0"
// followed by a 20-byte object name. Names are substrings of raw.
func parseTree(raw string) ([]treeEntry, error) {
	entries := make([]treeEntry, 0, strings.Count(raw, "\x00"))
	for len(raw) > 0 {
		sp := strings.IndexByte(raw, ' ')
		if sp <= 0 {
			return nil, fmt.Errorf("malformed tree: no mode")
		}
		var mode uint32
		for _, c := range []byte(raw[:sp]) {
			if c < '0' || c > '7' || mode > 0o7777777 {
				return nil, fmt.Errorf("malformed tree: bad mode %q", raw[:sp])
			}
			mode = mode<<3 | uint32(c-'0')
		}
		raw = raw[sp+1:]
		nul := strings.IndexByte(raw, 0)
		if nul <= 0 || len(raw) < nul+1+len(plumbing.Hash{}) {
			return nil, fmt.Errorf("malformed tree: truncated entry")
		}
		e := treeEntry{name: raw[:nul], mode: mode}
		copy(e.hash[:], raw[nul+1:])
		entries = append(entries, e)
		raw = raw[nul+1+len(e.hash):]
	}
	return entries, nil
}

// tree reads and parses a tree; the zero hash is the empty tree.
func (h *handle) tree(hash plumbing.Hash) ([]treeEntry, error) {
	if hash.IsZero() {
		return nil, nil
	}
	if entries, ok := h.trees.get(hash); ok {
		return entries, nil
	}
	raw, err := h.readObject(plumbing.TreeObject, hash)
	if err != nil {
		return nil, err
	}
	entries, err := parseTree(raw)
	if err != nil {
		return nil, corrupt(hash, err)
	}
	h.trees.put(hash, entries)
	return entries, nil
}

// treeCache keeps the parsed trees of the last two commits a worker
// diffed: consecutive commits share most of the trees they read (the old
// root of one is the new root of the next). A nil cache keeps nothing.
type treeCache struct {
	cur, prev map[plumbing.Hash][]treeEntry
}

func newTreeCache() *treeCache {
	return &treeCache{cur: make(map[plumbing.Hash][]treeEntry), prev: make(map[plumbing.Hash][]treeEntry)}
}

func (c *treeCache) get(h plumbing.Hash) ([]treeEntry, bool) {
	if c == nil {
		return nil, false
	}
	if e, ok := c.cur[h]; ok {
		return e, true
	}
	e, ok := c.prev[h]
	if ok {
		c.cur[h] = e
	}
	return e, ok
}

func (c *treeCache) put(h plumbing.Hash, e []treeEntry) {
	if c != nil {
		c.cur[h] = e
	}
}

// next starts a new commit: trees not used by the last two are dropped.
func (c *treeCache) next() {
	c.prev, c.cur = c.cur, c.prev
	clear(c.cur)
}

// change is a file that differs between two trees. A zero hash and mode
// mean absent on that side.
type change struct {
	path             string
	oldMode, newMode uint32
	oldHash, newHash plumbing.Hash
}

// diffTrees appends to out the files that differ between two trees, in
// Git's order, reading only the subtrees whose hashes differ.
func (h *handle) diffTrees(oldTree, newTree plumbing.Hash, prefix string, out []change) ([]change, error) {
	if oldTree == newTree {
		return out, nil
	}
	olds, err := h.tree(oldTree)
	if err != nil {
		return out, err
	}
	news, err := h.tree(newTree)
	if err != nil {
		return out, err
	}
	i, j := 0, 0
	for i < len(olds) || j < len(news) {
		var c int
		switch {
		case i == len(olds):
			c = 1
		case j == len(news):
			c = -1
		default:
			c = compareEntries(&olds[i], &news[j])
		}
		switch {
		case c < 0:
			out, err = h.side(&olds[i], prefix, true, out)
			i++
		case c > 0:
			out, err = h.side(&news[j], prefix, false, out)
			j++
		default:
			out, err = h.both(&olds[i], &news[j], prefix, out)
			i, j = i+1, j+1
		}
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// both handles an entry present in both trees under the same name.
func (h *handle) both(o, n *treeEntry, prefix string, out []change) ([]change, error) {
	if o.hash == n.hash && o.mode == n.mode {
		return out, nil
	}
	if o.isDir() { // then n is a directory too: see compareEntries
		return h.diffTrees(o.hash, n.hash, prefix+o.name+"/", out)
	}
	if (o.mode&modeType == modeGitlink) != (n.mode&modeType == modeGitlink) {
		out = append(out, change{path: prefix + o.name, oldMode: o.mode, oldHash: o.hash})
		return append(out, change{path: prefix + n.name, newMode: n.mode, newHash: n.hash}), nil
	}
	return append(out, change{path: prefix + n.name, oldMode: o.mode, oldHash: o.hash,
		newMode: n.mode, newHash: n.hash}), nil
}

// side handles an entry present in one tree only: every file under it was
// deleted (old) or added.
func (h *handle) side(e *treeEntry, prefix string, old bool, out []change) ([]change, error) {
	if !e.isDir() {
		c := change{path: prefix + e.name}
		if old {
			c.oldMode, c.oldHash = e.mode, e.hash
		} else {
			c.newMode, c.newHash = e.mode, e.hash
		}
		return append(out, c), nil
	}
	if old {
		return h.diffTrees(e.hash, plumbing.ZeroHash, prefix+e.name+"/", out)
	}
	return h.diffTrees(plumbing.ZeroHash, e.hash, prefix+e.name+"/", out)
}

// compareEntries orders tree entries as Git does: by name, a directory
// comparing as if its name ended in '/'.
func compareEntries(a, b *treeEntry) int {
	n := min(len(a.name), len(b.name))
	if c := strings.Compare(a.name[:n], b.name[:n]); c != 0 {
		return c
	}
	return int(nextByte(a, n)) - int(nextByte(b, n))
}

func nextByte(e *treeEntry, n int) byte {
	switch {
	case len(e.name) > n:
		return e.name[n]
	case e.isDir():
		return '/'
	}
	return 0
}

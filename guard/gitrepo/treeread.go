package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/repoguard/repoguard/guard"
)

// The bounds of a Tree (guard.Tree): what one detector's questions about
// one commit may cost, however large the tree. Variables, so that tests
// can reach them with small trees.
var (
	// treeMaxEntries is the most entries (files and folders) a Tree
	// lists for Texts, which reports guard.ErrTreeLimit past it.
	treeMaxEntries = 1 << 18
	// treeMaxText is the most bytes of text one Tree reads for Texts,
	// over all its files; each file is read only when it is within
	// Options.MaxBlobSize.
	treeMaxText = 64 << 20
	// treeMaxDir is the most files Dir lists of one folder.
	treeMaxDir = 256
)

// Tree returns the tree of the commit rev names, read lazily (see
// guard.Tree): the tree a change set's head leaves.
func (r *Repo) Tree(rev string) (guard.Tree, error) {
	var root plumbing.Hash
	err := r.withMain(func(h *handle) (err error) {
		root, err = r.rootOf(h, newGraph(h), rev)
		return err
	})
	if err != nil {
		return nil, err
	}
	return r.treeOf(root), nil
}

// treeOf returns the lazy guard.Tree of a root tree.
func (r *Repo) treeOf(root plumbing.Hash) *commitTree { return &commitTree{r: r, root: root} }

// commitTree is a guard.Tree: one root tree, read through the
// repository's main handle when a detector asks, its listing made once.
// Its methods take no context: their bounds (treeMaxEntries, treeMaxText,
// treeMaxDir) keep each call short.
type commitTree struct {
	r    *Repo
	root plumbing.Hash

	mu      sync.Mutex
	listed  bool
	files   []treeFile // the files in Git's order, up to treeMaxEntries entries
	listErr error      // guard.ErrTreeLimit when the listing stopped early
}

// treeFile is one file of a listing.
type treeFile struct {
	path string
	mode uint32
	hash plumbing.Hash
}

var _ guard.Tree = (*commitTree)(nil)

// Dir implements guard.Tree.
func (t *commitTree) Dir(dir string) ([]guard.TreeFile, error) {
	var out []guard.TreeFile
	if dir = strings.Trim(dir, "/"); dir == "." {
		dir = ""
	}
	err := t.r.withMain(func(h *handle) error {
		entries, err := t.folder(h, dir)
		if err != nil || entries == nil {
			return err
		}
		prefix := ""
		if dir != "" {
			prefix = dir + "/"
		}
		for i := range entries {
			e := &entries[i]
			if !isFile(e.mode) {
				continue
			}
			if len(out) == treeMaxDir {
				return fmt.Errorf("%s: more than %d files: %w", dir, treeMaxDir, guard.ErrTreeLimit)
			}
			size, err := h.blobSize(e.hash)
			if err != nil {
				return err
			}
			out = append(out, guard.TreeFile{Path: prefix + e.name, Size: size, Mode: e.mode, Hash: e.hash.String()})
		}
		return nil
	})
	return out, err
}

// folder returns the entries of the folder dir ("" for the top), nil
// when there is none.
func (t *commitTree) folder(h *handle, dir string) ([]treeEntry, error) {
	tree := t.root
	if dir != "" {
		e, err := h.lookup(context.Background(), t.root, dir)
		if err != nil || e == nil || !e.isDir() {
			return nil, err
		}
		tree = e.hash
	}
	return h.tree(tree)
}

// Head implements guard.Tree.
func (t *commitTree) Head(p string, n int) ([]byte, error) {
	var out []byte
	err := t.r.withMain(func(h *handle) error {
		e, err := h.lookup(context.Background(), t.root, p)
		if err != nil {
			return err
		}
		if e == nil || !isFile(e.mode) {
			return fmt.Errorf("%s: %w", p, guard.ErrTreeNotFound)
		}
		b, err := h.readBlob(e.hash)
		if err != nil {
			return err
		}
		if b.missing {
			return fmt.Errorf("%s: %s: %w", p, guard.UnknownMissing, guard.ErrTreeLimit)
		}
		s := b.text
		if b.large {
			s = b.head
		}
		out = []byte(s[:min(len(s), max(n, 0))])
		return nil
	})
	return out, err
}

// Texts implements guard.Tree.
func (t *commitTree) Texts(keep func(path string) bool, fn func(path, text string) bool) error {
	files, listErr, err := t.listing()
	if err != nil {
		return err
	}
	read, missing := 0, 0
	for i := range files {
		f := &files[i]
		if f.mode&modeType == modeSymlink || !keep(f.path) {
			continue
		}
		var b blob
		err := t.r.withMain(func(h *handle) (err error) {
			b, err = h.readBlob(f.hash)
			return err
		})
		if err != nil {
			return err
		}
		missing += bool2int(b.missing)
		if b.large || b.binary || b.missing {
			continue
		}
		if read += len(b.text); read > treeMaxText {
			return fmt.Errorf("more than %d bytes of text: %w", treeMaxText, guard.ErrTreeLimit)
		}
		if !fn(f.path, b.text) {
			return nil
		}
	}
	if missing > 0 && listErr == nil {
		return fmt.Errorf("%d files %s: %w", missing, guard.UnknownMissing, guard.ErrTreeLimit)
	}
	return listErr
}

func bool2int(b bool) int {
	if b {
		return 1
	}
	return 0
}

// listing lists the files of the tree once, up to treeMaxEntries
// entries; listErr is guard.ErrTreeLimit when it stopped there.
func (t *commitTree) listing() (files []treeFile, listErr, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.listed {
		return t.files, t.listErr, nil
	}
	err = t.r.withMain(func(h *handle) error {
		var err error
		t.files, t.listErr, err = h.listFiles(t.root)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	t.listed = true
	return t.files, t.listErr, nil
}

// listFiles lists the files below a tree depth first, in Git's order,
// with an explicit stack; it stops after treeMaxEntries entries with
// guard.ErrTreeLimit as listErr.
func (h *handle) listFiles(root plumbing.Hash) (files []treeFile, listErr, err error) {
	type level struct {
		entries []treeEntry
		prefix  string
	}
	entries, err := h.tree(root)
	if err != nil {
		return nil, nil, err
	}
	stack := []level{{entries: entries}}
	seen := 0
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if len(top.entries) == 0 {
			stack = stack[:len(stack)-1]
			continue
		}
		e := top.entries[0]
		top.entries = top.entries[1:]
		if seen++; seen > treeMaxEntries {
			return files, fmt.Errorf("more than %d entries: %w", treeMaxEntries, guard.ErrTreeLimit), nil
		}
		p := top.prefix + e.name
		switch {
		case e.isDir():
			if len(stack) == maxTreeDepth {
				return nil, nil, corrupt(e.hash, fmt.Errorf("trees nested more than %d levels deep", maxTreeDepth))
			}
			sub, err := h.tree(e.hash)
			if err != nil {
				return nil, nil, err
			}
			stack = append(stack, level{entries: sub, prefix: p + "/"})
		case isFile(e.mode):
			files = append(files, treeFile{path: p, mode: e.mode, hash: e.hash})
		}
	}
	return files, nil, nil
}

// isFile reports whether a tree entry's mode is a file's or a symbolic
// link's (not a folder's or a submodule's).
func isFile(mode uint32) bool {
	t := mode & modeType
	return t == 0o100000 || t == modeSymlink
}

// blobSize returns the size a blob declares, without inflating it: from
// its pack entry header, else (a loose object) from its object header;
// -1 for a blob a partial clone lacks.
func (h *handle) blobSize(hash plumbing.Hash) (n int64, err error) {
	defer recoverCorrupt(hash, &err)
	x, err := h.packs.index()
	if err != nil {
		return 0, corrupt(hash, err)
	}
	if loc, ok := x.find(hash); ok {
		_, d, err := h.packs.declare(x, loc)
		if err != nil {
			return 0, corrupt(hash, err)
		}
		return d.size, nil
	}
	obj, err := h.st.EncodedObject(plumbing.BlobObject, hash)
	if h.partial && errors.Is(err, plumbing.ErrObjectNotFound) {
		return -1, nil // a partial clone without the blob
	}
	if err != nil {
		return 0, corrupt(hash, err)
	}
	return obj.Size(), nil
}

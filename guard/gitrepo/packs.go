package gitrepo

import (
	"errors"
	"fmt"
	"sync"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"
)

// A blob stored in a pack as a delta is resolved by go-git in memory: the
// bases of its delta chain are inflated whole (even to read the first
// bytes of a large one), and a delta's instructions are read whole before
// its declared size is known. A 600 MB zero-filled blob stored as a small
// delta made a scan take 1.9 GB (issue 8). So, before go-git opens a
// packed blob, its entry header is read here, and for a delta what the
// entries of its bases declare (inflating only the first bytes of each
// delta, where its sizes are). go-git may open a delta only when its
// instructions are no longer than those of a delta within
// Options.MaxBlobSize can be, and each base declares at most baseFactor
// times that; readBlob then reads it only when its declared size is
// within the limit. Other deltas are reported as too large, with the size
// they declare, without being resolved; whole objects are left to go-git,
// which streams the large ones.
//
// The pack indexes are read again for this (go-git keeps its own copies,
// one per handle, out of reach): about 28 bytes per packed object.

// baseFactor bounds the declared size of the bases of a delta chain, as
// a multiple of the blob size limit: Git deltifies an object only against
// a base at most 32 times its size, so bases larger than that come from
// a crafted pack.
const baseFactor = 32

// maxDeltaChain is the longest delta chain followed, as in go-git's
// parser (and git's --depth limit).
const maxDeltaChain = 4095

// packIndex locates objects in the pack files of a repository (and of its
// alternates). It is loaded once per Repo, when first needed, and shared
// by its handles: the Repo is reopened after a fetch adds packs.
type packIndex struct {
	packs []pack
}

// pack is one pack file: its index and where to open it.
type pack struct {
	idx  *idxfile.MemoryIndex
	dir  *dotgit.DotGit
	hash plumbing.Hash
}

// packLoc is where an object starts in a pack.
type packLoc struct {
	pack   int
	offset int64
}

// loadPackIndex reads the index files of the packs of dg and of its
// alternates (none when they cannot be read: go-git, which reads them
// only for objects it finds nowhere else, then fails on such objects).
func loadPackIndex(dg *dotgit.DotGit) (*packIndex, error) {
	dirs := []*dotgit.DotGit{dg}
	if alts, err := dg.Alternates(); err == nil {
		dirs = append(dirs, alts...)
	}
	x := &packIndex{}
	for _, d := range dirs {
		hashes, err := d.ObjectPacks()
		if err != nil {
			return nil, fmt.Errorf("list packs: %w", err)
		}
		for _, h := range hashes {
			idx, err := readPackIdx(d, h)
			if err != nil {
				return nil, fmt.Errorf("pack %s: %w", h, err)
			}
			x.packs = append(x.packs, pack{idx: idx, dir: d, hash: h})
		}
	}
	return x, nil
}

func readPackIdx(d *dotgit.DotGit, h plumbing.Hash) (*idxfile.MemoryIndex, error) {
	f, err := d.ObjectPackIdx(h)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	idx := idxfile.NewMemoryIndex()
	if err := idxfile.NewDecoder(f).Decode(idx); err != nil {
		return nil, err
	}
	return idx, nil
}

// find returns where an object is stored in a pack; false when it is in
// none (a loose object, or no object).
func (x *packIndex) find(h plumbing.Hash) (packLoc, bool) {
	for i := range x.packs {
		if off, err := x.packs[i].idx.FindOffset(h); err == nil {
			return packLoc{pack: i, offset: off}, true
		}
	}
	return packLoc{}, false
}

// packReader reads pack entry headers for one handle (not safe for
// concurrent use, like the handle).
type packReader struct {
	limit     int64 // Options.MaxBlobSize
	baseLimit int64 // baseFactor times the limit
	index     func() (*packIndex, error)
	files     map[int]billy.File // the packs opened
	inflate   inflater
	bases     *baseCache // resolved objects, shared by the Repo's handles
	// good holds the bases whose chains were read and are within bounds;
	// bad those whose are not.
	good, bad map[packLoc]bool
}

// declared is what a pack entry says of an object before it is inflated.
type declared struct {
	size  int64 // its size (a delta's target size)
	delta bool  // stored as a delta
}

// blobCheck is what the pack entry of a blob allows go-git to do with it.
type blobCheck struct {
	// refuse: go-git must not open the blob at all; size is what the
	// blob declares.
	refuse bool
	size   int64
	// delta: go-git resolves the blob in memory, so it must not read it
	// when its size (go-git's, once opened) is over the limit.
	delta bool
	// entry is where the blob is in the packs (nil: in none), for
	// packBlob.
	entry *packEntry
}

// packEntry is an object found in the packs: its index, location and
// header.
type packEntry struct {
	x   *packIndex
	loc packLoc
	hdr entryHeader
}

func newPackReader(index func() (*packIndex, error), bases *baseCache, limit int64) *packReader {
	limit = min(limit, maxDeclared)
	return &packReader{limit: limit, baseLimit: limit * baseFactor, index: index, bases: bases,
		files: map[int]billy.File{}, good: map[packLoc]bool{}, bad: map[packLoc]bool{}}
}

// close closes the pack files opened.
func (p *packReader) close() error {
	var errs []error
	for _, f := range p.files {
		errs = append(errs, f.Close())
	}
	clear(p.files)
	return errors.Join(errs...)
}

// checkBlob reads the pack entry header of a blob and, when it is a
// delta, what the entries of its bases declare. go-git may open the blob
// unless the delta's instructions are longer than any delta within the
// limit has, or a base declares more than baseFactor times the limit;
// the blob's own declared size is only read (its first bytes inflated)
// then. Objects in no pack, loose objects, are never deltas.
func (p *packReader) checkBlob(h plumbing.Hash) (blobCheck, error) {
	x, loc, found, err := p.locate(h)
	if err != nil || !found {
		return blobCheck{}, err
	}
	hdr, err := p.header(x, loc)
	if err != nil {
		return blobCheck{}, err
	}
	e := &packEntry{x, loc, hdr}
	if !isDelta(hdr.typ) {
		return blobCheck{entry: e}, nil
	}
	// An instruction is at most 8 bytes and makes at least one byte of
	// the target.
	if hdr.size <= 8*p.limit+2*maxSizeLen {
		ok, err := p.basesWithin(x, loc, hdr)
		if ok || err != nil {
			return blobCheck{delta: true, entry: e}, err
		}
	}
	_, d, err := p.declare(x, loc)
	return blobCheck{refuse: true, size: d.size}, err
}

// locate finds where object h is stored in the packs; found is false
// when it is in none.
func (p *packReader) locate(h plumbing.Hash) (x *packIndex, loc packLoc, found bool, err error) {
	if x, err = p.index(); err != nil {
		return nil, loc, false, err
	}
	loc, found = x.find(h)
	return x, loc, found, nil
}

// basesWithin reports whether each base of the delta whose header is hdr
// declares at most baseLimit bytes, and remembers it of the bases read.
func (p *packReader) basesWithin(x *packIndex, loc packLoc, hdr entryHeader) (bool, error) {
	var walked []packLoc
	within := true
	for depth := 1; ; depth++ {
		next, ok := p.base(x, loc, hdr)
		if !ok || p.good[next] {
			break
		}
		if p.bad[next] {
			within = false
			break
		}
		if depth > maxDeltaChain {
			return false, fmt.Errorf("delta chain longer than %d", maxDeltaChain)
		}
		loc = next
		var d declared
		var err error
		if hdr, d, err = p.declare(x, loc); err != nil {
			return false, err
		}
		walked = append(walked, loc)
		if d.size > p.baseLimit {
			within = false
			break
		}
		if !d.delta {
			break
		}
	}
	for _, l := range walked {
		if within {
			p.good[l] = true
		} else {
			p.bad[l] = true
		}
	}
	return within, nil
}

func isDelta(t plumbing.ObjectType) bool {
	return t == plumbing.OFSDeltaObject || t == plumbing.REFDeltaObject
}

// header reads the header of the entry at loc.
func (p *packReader) header(x *packIndex, loc packLoc) (entryHeader, error) {
	f, err := p.file(x, loc.pack)
	if err != nil {
		return entryHeader{}, err
	}
	return readEntryHeader(f, loc.offset)
}

// declare reads the header of the entry at loc and what the entry
// declares: the size in its header, or for a delta the target size at
// the start of its instructions.
func (p *packReader) declare(x *packIndex, loc packLoc) (entryHeader, declared, error) {
	hdr, err := p.header(x, loc)
	if err != nil {
		return hdr, declared{}, err
	}
	switch hdr.typ {
	case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject, plumbing.TagObject:
		return hdr, declared{size: hdr.size}, nil
	case plumbing.OFSDeltaObject, plumbing.REFDeltaObject:
	default:
		return hdr, declared{}, fmt.Errorf("pack entry at %d: type %d", loc.offset, hdr.typ)
	}
	buf := make([]byte, min(hdr.size, 2*maxSizeLen))
	if err := p.inflate.head(p.files[loc.pack], loc.offset+int64(hdr.len), buf); err != nil {
		return hdr, declared{}, fmt.Errorf("delta at %d: %w", loc.offset, err)
	}
	_, tgt, err := deltaSizes(buf)
	if err != nil {
		return hdr, declared{}, fmt.Errorf("delta at %d: %w", loc.offset, err)
	}
	if tgt > maxDeclared || hdr.size > 8*int64(tgt)+2*maxSizeLen {
		return hdr, declared{}, fmt.Errorf("delta at %d: %d bytes of instructions for %d bytes", loc.offset, hdr.size, tgt)
	}
	return hdr, declared{size: int64(tgt), delta: true}, nil
}

// maxDeclared is the largest object size believed (1 PiB).
const maxDeclared = 1 << 50

// base returns where the base of the delta at loc is. go-git looks for
// the base of a REF delta in the same pack only: false when it is not
// there (go-git then fails to resolve the delta, with its own error).
func (p *packReader) base(x *packIndex, loc packLoc, hdr entryHeader) (packLoc, bool) {
	switch hdr.typ {
	case plumbing.OFSDeltaObject:
		return packLoc{pack: loc.pack, offset: loc.offset - hdr.back}, hdr.back > 0 && hdr.back <= loc.offset
	case plumbing.REFDeltaObject:
		off, err := x.packs[loc.pack].idx.FindOffset(hdr.ref)
		return packLoc{pack: loc.pack, offset: off}, err == nil
	}
	return packLoc{}, false
}

// file returns pack i, opening it the first time.
func (p *packReader) file(x *packIndex, i int) (billy.File, error) {
	if f, ok := p.files[i]; ok {
		return f, nil
	}
	f, err := x.packs[i].dir.ObjectPack(x.packs[i].hash)
	if err != nil {
		return nil, err
	}
	p.files[i] = f
	return f, nil
}

// packIndexOnce loads a packIndex once.
type packIndexOnce struct {
	load func() (*packIndex, error)
	once sync.Once
	x    *packIndex
	err  error
}

func (o *packIndexOnce) get() (*packIndex, error) {
	o.once.Do(func() { o.x, o.err = o.load() })
	return o.x, o.err
}

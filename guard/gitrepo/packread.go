package gitrepo

import (
	"bytes"
	"container/list"
	"errors"
	"fmt"
	"io"
	"sync"
	"unsafe"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
)

// This file reads packed objects itself, in front of go-git (issue 13).
// go-git resolves a delta chain from its base each time unless its object
// cache, keyed by object name, still holds the base; filling that cache
// hashes every object it resolves (SHA-1 with collision detection, 9% of
// a scan) and over a long history the bases fall out of it: on a
// 100,000-commit history 45% of a backfill went to inflating and applying
// the same deltas again. Here a chain is resolved from the nearest base a
// cache keyed by pack offset holds (as Git's delta base cache does), and
// nothing is hashed: the object was found by its name in the pack index,
// and its bytes are those the pack stores under that name.
//
// Whatever this reader does not handle, it leaves to go-git, whose path
// (and errors) are then those of before: objects in no pack, a REF delta
// whose base is not in its pack, objects or delta chains over the size
// bound given, a type other than asked, and any error in the pack data.

// errFallback says the reader left an object to go-git.
var errFallback = errors.New("left to go-git")

// object is a resolved object: its type and content (never modified: it
// is shared through the cache).
type object struct {
	typ  plumbing.ObjectType
	data []byte
}

// packObject reads the object h of type t from the packs, when it is in
// one and every object of its delta chain declares at most limit bytes.
// It returns errFallback for what go-git must read instead.
func (p *packReader) packObject(t plumbing.ObjectType, h plumbing.Hash, limit int64) ([]byte, error) {
	x, loc, found, err := p.locate(h)
	if err != nil || !found {
		return nil, errFallback
	}
	o, err := p.resolve(x, loc, limit)
	if err != nil || o.typ != t || int64(len(o.data)) > limit {
		return nil, errFallback
	}
	return o.data, nil
}

// link is a delta of a chain waiting for its base; delta holds its
// instructions once inflated.
type link struct {
	loc   packLoc
	hdr   entryHeader
	delta []byte
}

// resolve returns the object at loc: the nearest object of its chain the
// cache holds or that is stored whole, then each delta applied in turn.
func (p *packReader) resolve(x *packIndex, loc packLoc, limit int64) (object, error) {
	return p.resolveChain(x, nil, loc, limit)
}

// resolveChain resolves the object at loc, then applies to it the deltas
// of chain, the last first.
func (p *packReader) resolveChain(x *packIndex, chain []link, loc packLoc, limit int64) (object, error) {
	var base object
	for {
		if o, ok := p.bases.get(loc); ok {
			base = o
			break
		}
		if len(chain) > maxDeltaChain {
			return object{}, fmt.Errorf("delta chain longer than %d", maxDeltaChain)
		}
		hdr, err := p.header(x, loc)
		if err != nil {
			return object{}, err
		}
		if !isDelta(hdr.typ) {
			if base, err = p.whole(loc, hdr, limit); err != nil {
				return object{}, err
			}
			p.bases.put(loc, base)
			break
		}
		if hdr.size > 8*limit+2*maxSizeLen {
			return object{}, errFallback
		}
		chain = append(chain, link{loc: loc, hdr: hdr})
		next, ok := p.base(x, loc, hdr)
		if !ok {
			return object{}, errFallback
		}
		loc = next
	}
	for i := len(chain) - 1; i >= 0; i-- {
		data, err := p.applyDelta(chain[i], base.data, limit)
		if err != nil {
			return object{}, err
		}
		base = object{typ: base.typ, data: data}
		p.bases.put(chain[i].loc, base)
	}
	return base, nil
}

// whole inflates the object stored whole at loc.
func (p *packReader) whole(loc packLoc, hdr entryHeader, limit int64) (object, error) {
	switch hdr.typ {
	case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject, plumbing.TagObject:
	default:
		return object{}, fmt.Errorf("pack entry at %d: type %d", loc.offset, hdr.typ)
	}
	if hdr.size > limit {
		return object{}, errFallback
	}
	data := make([]byte, hdr.size)
	if err := p.inflate.read(p.files[loc.pack], loc.offset+int64(hdr.len), data); err != nil {
		return object{}, fmt.Errorf("pack entry at %d: %w", loc.offset, err)
	}
	return object{typ: hdr.typ, data: data}, nil
}

// applyDelta applies the delta l (inflated unless it was) to base, when
// the target it declares is within limit.
func (p *packReader) applyDelta(l link, base []byte, limit int64) ([]byte, error) {
	delta := l.delta
	if delta == nil {
		var err error
		if delta, err = p.inflateDelta(l); err != nil {
			return nil, err
		}
	}
	src, tgt, err := deltaSizes(delta)
	if err != nil {
		return nil, fmt.Errorf("delta at %d: %w", l.loc.offset, err)
	}
	if tgt > uint64(limit) || src != uint64(len(base)) || len(base) == 0 {
		return nil, errFallback
	}
	return packfile.PatchDelta(base, delta)
}

// inflateDelta inflates the instructions of the delta l.
func (p *packReader) inflateDelta(l link) ([]byte, error) {
	delta := make([]byte, l.hdr.size)
	if err := p.inflate.read(p.files[l.loc.pack], l.loc.offset+int64(l.hdr.len), delta); err != nil {
		return nil, fmt.Errorf("delta at %d: %w", l.loc.offset, err)
	}
	return delta, nil
}

// read inflates exactly len(dst) bytes of the zlib stream at off.
func (z *inflater) read(r io.ReaderAt, off int64, dst []byte) error {
	if len(dst) <= 2*maxSizeLen {
		return z.head(r, off, dst)
	}
	if err := z.reset(r, off, true); err != nil {
		return err
	}
	_, err := io.ReadFull(z.zr, dst)
	return err
}

// baseCache keeps resolved objects by where they are in a pack, up to a
// number of bytes, dropping the least recently used. It is safe for
// concurrent use: the handles of a Repo share one.
type baseCache struct {
	mu    sync.Mutex
	max   int64
	used  int64
	items map[packLoc]*list.Element
	order list.List // of *baseItem, most recent first
}

type baseItem struct {
	loc packLoc
	obj object
}

func newBaseCache(max int64) *baseCache {
	return &baseCache{max: max, items: map[packLoc]*list.Element{}}
}

func (c *baseCache) get(loc packLoc) (object, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[loc]
	if !ok {
		return object{}, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*baseItem).obj, true
}

// put keeps o unless it is larger than a quarter of the cache.
func (c *baseCache) put(loc packLoc, o object) {
	size := int64(len(o.data))
	if size > c.max/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[loc]; ok {
		return
	}
	c.items[loc] = c.order.PushFront(&baseItem{loc: loc, obj: o})
	c.used += size
	for c.used > c.max {
		last := c.order.Back()
		it := c.order.Remove(last).(*baseItem)
		delete(c.items, it.loc)
		c.used -= int64(len(it.obj.data))
	}
}

// packBlob reads the blob checkBlob found in the packs as readBlob does:
// its declared size, and its content when within the limit, else when it
// is stored whole its first bytes (whether it is binary). checkBlob
// allowed it, so its chain is within bounds.
func (p *packReader) packBlob(c blobCheck) (blob, error) {
	if c.entry == nil {
		return blob{}, errFallback
	}
	x, loc, hdr := c.entry.x, c.entry.loc, c.entry.hdr
	o, cached := p.bases.get(loc)
	if cached && int64(len(o.data)) <= p.limit {
		return p.loaded(o)
	}
	var err error
	switch {
	case cached && isDelta(hdr.typ) && o.typ == plumbing.BlobObject:
		return blob{size: int64(len(o.data)), large: true}, nil // as if not opened
	case hdr.typ == plumbing.BlobObject && hdr.size > p.limit:
		return p.largeWhole(loc, hdr)
	case hdr.typ == plumbing.BlobObject:
		o, err = p.resolve(x, loc, p.limit)
		if err != nil {
			return blob{}, errFallback
		}
		return p.loaded(o)
	case !isDelta(hdr.typ) || hdr.size > 8*p.limit+2*maxSizeLen:
		return blob{}, errFallback
	}
	// A delta: its instructions say its size before any base is read.
	l := link{loc: loc, hdr: hdr}
	if l.delta, err = p.inflateDelta(l); err != nil {
		return blob{}, errFallback
	}
	_, tgt, err := deltaSizes(l.delta)
	if err != nil || tgt > maxDeclared {
		return blob{}, errFallback
	}
	if int64(tgt) > p.limit {
		return blob{size: int64(tgt), large: true}, nil // not even opened
	}
	next, ok := p.base(x, loc, hdr)
	if !ok {
		return blob{}, errFallback
	}
	o, err = p.resolveChain(x, []link{l}, next, p.baseLimit)
	if err != nil {
		return blob{}, errFallback
	}
	return p.loaded(o)
}

// loaded is the blob of a resolved object within the limit.
func (p *packReader) loaded(o object) (blob, error) {
	if o.typ != plumbing.BlobObject || int64(len(o.data)) > p.limit {
		return blob{}, errFallback
	}
	return blob{
		size:   int64(len(o.data)),
		text:   unsafe.String(unsafe.SliceData(o.data), len(o.data)),
		binary: bytes.IndexByte(o.data[:min(len(o.data), binarySniff)], 0) >= 0,
	}, nil
}

// largeWhole is a blob stored whole over the limit: its size, its first
// bytes (as readBlob keeps them: Tree.Head) and whether they make it
// binary.
func (p *packReader) largeWhole(loc packLoc, hdr entryHeader) (blob, error) {
	head := make([]byte, min(hdr.size, binarySniff))
	if err := p.inflate.head(p.files[loc.pack], loc.offset+int64(hdr.len), head); err != nil {
		return blob{}, errFallback
	}
	return blob{size: hdr.size, large: true, binary: bytes.IndexByte(head, 0) >= 0, head: string(head)}, nil
}

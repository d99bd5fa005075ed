package gitrepo

import (
	"bufio"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/go-git/go-git/v5/plumbing"
)

// This file reads what a pack entry declares, from the pack file itself:
// its header, and for a delta the two sizes its instructions start with.
// go-git's packfile.Scanner can do it too, but it rereads a buffer and
// hashes every byte at each seek, which made checking every blob cost a
// fifth of a walk.

// entryHeader is the header of a pack entry.
type entryHeader struct {
	typ  plumbing.ObjectType
	size int64 // of the inflated data: for a delta, of its instructions
	// For an OFS delta, the distance back to its base; for a REF delta,
	// the base's name.
	back int64
	ref  plumbing.Hash
	len  int // bytes of the header: the zlib data follows
}

// maxEntryHeader is the longest header of a pack entry: a 64-bit size in
// 7-bit groups after the type, and a 20-byte base name.
const maxEntryHeader = 10 + 20

// parseEntryHeader parses the header at the start of b: a byte with the
// type and the low four bits of the size, more size in 7-bit groups while
// the high bit is set, then for an OFS delta a distance in 7-bit groups
// (each continuation adding one before shifting, as Git writes it), for a
// REF delta the base's name.
func parseEntryHeader(b []byte) (entryHeader, error) {
	if len(b) == 0 {
		return entryHeader{}, io.ErrUnexpectedEOF
	}
	h := entryHeader{typ: plumbing.ObjectType(b[0] >> 4 & 7), size: int64(b[0] & 0x0f)}
	n, shift := 1, uint(4)
	for c := b[0]; c&0x80 != 0; shift += 7 {
		if n == len(b) {
			return h, io.ErrUnexpectedEOF
		}
		if shift > 63-7 {
			return h, errors.New("entry size over 63 bits")
		}
		c = b[n]
		h.size |= int64(c&0x7f) << shift
		n++
	}
	switch h.typ {
	case plumbing.OFSDeltaObject:
		if n == len(b) {
			return h, io.ErrUnexpectedEOF
		}
		c := b[n]
		h.back = int64(c & 0x7f)
		for n++; c&0x80 != 0; n++ {
			if n == len(b) {
				return h, io.ErrUnexpectedEOF
			}
			if h.back > (math.MaxInt64>>7)-1 {
				return h, errors.New("delta base distance over 63 bits")
			}
			c = b[n]
			h.back = (h.back+1)<<7 | int64(c&0x7f)
		}
	case plumbing.REFDeltaObject:
		if len(b) < n+len(h.ref) {
			return h, io.ErrUnexpectedEOF
		}
		copy(h.ref[:], b[n:])
		n += len(h.ref)
	}
	h.len = n
	return h, nil
}

// readEntryHeader reads the header of the entry at off.
func readEntryHeader(r io.ReaderAt, off int64) (entryHeader, error) {
	var buf [maxEntryHeader]byte
	n, err := r.ReadAt(buf[:], off)
	if n == 0 && err != nil {
		return entryHeader{}, err
	}
	h, err := parseEntryHeader(buf[:n])
	if err != nil {
		return h, fmt.Errorf("pack entry at %d: %w", off, err)
	}
	return h, nil
}

// inflater inflates zlib streams of a pack, reusing its buffers: a small
// one to read the start of a stream, a larger one to read a whole object.
type inflater struct {
	small, large *bufio.Reader
	zr           io.ReadCloser
}

// head inflates up to len(dst) bytes of the zlib stream at off.
func (z *inflater) head(r io.ReaderAt, off int64, dst []byte) error {
	if err := z.reset(r, off, false); err != nil {
		return err
	}
	_, err := io.ReadFull(z.zr, dst)
	return err
}

// reset starts inflating the zlib stream at off, through the large
// buffer or the small one.
func (z *inflater) reset(r io.ReaderAt, off int64, large bool) error {
	src := io.NewSectionReader(r, off, math.MaxInt64-off)
	br, size := &z.small, 512
	if large {
		br, size = &z.large, 32<<10
	}
	if *br == nil {
		*br = bufio.NewReaderSize(src, size)
	} else {
		(*br).Reset(src)
	}
	if z.zr == nil {
		var err error
		z.zr, err = zlib.NewReader(*br)
		return err
	}
	return z.zr.(zlib.Resetter).Reset(*br, nil)
}

// maxSizeLen is the longest encoding of a size in a delta (a 64-bit
// little-endian base-128 number).
const maxSizeLen = binary.MaxVarintLen64

// deltaSizes decodes the base and target sizes at the start of a delta:
// two little-endian base-128 numbers.
func deltaSizes(b []byte) (src, tgt uint64, err error) {
	src, n, err := uvarint(b)
	if err != nil {
		return 0, 0, fmt.Errorf("base size: %w", err)
	}
	tgt, _, err = uvarint(b[n:])
	if err != nil {
		return 0, 0, fmt.Errorf("target size: %w", err)
	}
	return src, tgt, nil
}

// uvarint decodes a little-endian base-128 number and returns its length.
func uvarint(b []byte) (uint64, int, error) {
	switch v, n := binary.Uvarint(b); {
	case n == 0:
		return 0, 0, errors.New("truncated")
	case n < 0:
		return 0, 0, errors.New("over 64 bits")
	default:
		return v, n, nil
	}
}

package gitrepo

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
)

// TestEntryHeaderMatchesGoGit parses every entry of packs git made, with
// OFS and with REF deltas, as go-git's scanner does.
func TestEntryHeaderMatchesGoGit(t *testing.T) {
	for _, offsets := range []string{"true", "false"} {
		r := randomHistory(t, 60)
		r.git("-c", "repack.useDeltaBaseOffset="+offsets, "repack", "-q", "-a", "-d", "-f")
		packs, _ := filepath.Glob(filepath.Join(r.dir, ".git", "objects", "pack", "*.pack"))
		if len(packs) != 1 {
			t.Fatalf("%d packs", len(packs))
		}
		data, err := os.ReadFile(packs[0])
		if err != nil {
			t.Fatal(err)
		}
		s := packfile.NewScanner(bytes.NewReader(data))
		_, count, err := s.Header()
		if err != nil {
			t.Fatal(err)
		}
		deltas := 0
		for range count {
			want, err := s.NextObjectHeader()
			if err != nil {
				t.Fatal(err)
			}
			got, err := readEntryHeader(bytes.NewReader(data), want.Offset)
			if err != nil {
				t.Fatalf("entry at %d: %v", want.Offset, err)
			}
			if !sameHeader(got, want) {
				t.Fatalf("entry at %d: got %+v, go-git %+v", want.Offset, got, want)
			}
			if got.typ == plumbing.OFSDeltaObject && offsets == "true" || got.typ == plumbing.REFDeltaObject && offsets == "false" {
				deltas++
			}
			if _, _, err := s.NextObject(io.Discard); err != nil {
				t.Fatal(err)
			}
		}
		if deltas == 0 {
			t.Errorf("repack with useDeltaBaseOffset=%s made no delta of that kind to check", offsets)
		}
	}
}

func sameHeader(got entryHeader, want *packfile.ObjectHeader) bool {
	return got.typ == want.Type && got.size == want.Length && got.ref == want.Reference &&
		(want.Type != plumbing.OFSDeltaObject || want.Offset-got.back == want.OffsetReference)
}

// farReader is b as if it started far into a file, so that go-git's
// scanner accepts any distance back to a delta's base.
type farReader struct {
	b   []byte
	pos int64
}

const farBase = math.MaxInt32

func (r *farReader) Read(p []byte) (int, error) {
	i := r.pos - farBase
	if i < 0 || i >= int64(len(r.b)) {
		return 0, io.EOF
	}
	n := copy(p, r.b[i:])
	r.pos += int64(n)
	return n, nil
}

func (r *farReader) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
		r.pos = off
	case io.SeekCurrent:
		r.pos += off
	default:
		return 0, errors.New("farReader: seek from end")
	}
	return r.pos, nil
}

// FuzzEntryHeader: pack entry headers are outside input. Any bytes parse
// or fail without panicking, within the bytes given, and where go-git's
// scanner reads a header this parser reads the same one.
func FuzzEntryHeader(f *testing.F) {
	f.Add([]byte{0x33})
	f.Add([]byte{0xb5, 0x01})
	f.Add([]byte{0x60 | 0x85, 0x02, 0x81, 0x00})
	f.Add(append([]byte{0x70 | 0x04}, bytes.Repeat([]byte{0xab}, 20)...))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := parseEntryHeader(b)
		if err == nil && (got.len > len(b) || got.len > maxEntryHeader || got.size < 0 || got.back < 0) {
			t.Fatalf("parseEntryHeader(% x) = %+v", b, got)
		}
		want, gerr := packfile.NewScanner(&farReader{b: b}).SeekObjectHeader(farBase)
		if gerr != nil || want.Type < plumbing.CommitObject || want.Type > plumbing.REFDeltaObject {
			return
		}
		if err != nil || !sameHeader(got, want) {
			t.Fatalf("parseEntryHeader(% x) = %+v, %v; go-git reads %+v", b, got, err, want)
		}
	})
}

func TestDeltaSizes(t *testing.T) {
	tests := []struct {
		in       []byte
		src, tgt uint64
		bad      bool
	}{
		{in: []byte{0x05, 0x07}, src: 5, tgt: 7},
		{in: append(leb128(600<<20), leb128(65536)...), src: 600 << 20, tgt: 65536},
		{in: []byte{0x80}, bad: true},
		{in: []byte{0x01}, bad: true},
		{in: append(bytes.Repeat([]byte{0xff}, 9), 0x01, 0x00), src: 1<<64 - 1, tgt: 0},
		{in: append(bytes.Repeat([]byte{0xff}, 9), 0x02, 0x00), bad: true},
	}
	for _, tc := range tests {
		src, tgt, err := deltaSizes(tc.in)
		if (err != nil) != tc.bad || !tc.bad && (src != tc.src || tgt != tc.tgt) {
			t.Errorf("deltaSizes(% x) = %d, %d, %v", tc.in, src, tgt, err)
		}
	}
}

// FuzzDeltaSizes: the sizes a delta declares come from a pack, outside
// input: any bytes decode or fail, and what decodes encodes back to the
// start of the input, less redundant zero groups.
func FuzzDeltaSizes(f *testing.F) {
	f.Add([]byte{0x05, 0x07})
	f.Add(append(leb128(600<<20), leb128(1)...))
	f.Fuzz(func(t *testing.T, b []byte) {
		src, tgt, err := deltaSizes(b)
		if err != nil || src >= 1<<62 || tgt >= 1<<62 {
			return
		}
		enc := append(leb128(int(src)), leb128(int(tgt))...)
		if len(enc) > len(b) {
			t.Fatalf("deltaSizes(% x) = %d, %d: more than the input holds", b, src, tgt)
		}
	})
}

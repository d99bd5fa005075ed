package gitrepo

import (
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// testPack writes a pack of a whole blob base and of a blob stored as an
// OFS delta of it, as git's pack format has it: the tests make entries
// git's own heuristics never make.
func testPack(base, delta []byte) []byte {
	var p bytes.Buffer
	p.WriteString("PACK")
	binary.Write(&p, binary.BigEndian, uint32(2))
	binary.Write(&p, binary.BigEndian, uint32(2))
	baseOff := p.Len()
	packEntryHeader(&p, 3, len(base)) // blob
	packZlib(&p, base)
	deltaOff := p.Len()
	packEntryHeader(&p, 6, len(delta)) // OFS delta
	ofs := deltaOff - baseOff
	enc := []byte{byte(ofs & 0x7f)}
	for ofs >>= 7; ofs > 0; ofs >>= 7 {
		ofs--
		enc = append([]byte{byte(0x80 | ofs&0x7f)}, enc...)
	}
	p.Write(enc)
	packZlib(&p, delta)
	sum := sha1.Sum(p.Bytes())
	p.Write(sum[:])
	return p.Bytes()
}

func packEntryHeader(p *bytes.Buffer, typ, size int) {
	c := byte(typ<<4 | size&0x0f)
	for size >>= 4; size > 0; size >>= 7 {
		p.WriteByte(c | 0x80)
		c = byte(size & 0x7f)
	}
	p.WriteByte(c)
}

func packZlib(p *bytes.Buffer, data []byte) {
	w := zlib.NewWriter(p)
	w.Write(data)
	w.Close()
}

// leb128 encodes a delta's size.
func leb128(n int) []byte {
	var out []byte
	for ; n >= 0x80; n >>= 7 {
		out = append(out, byte(n&0x7f|0x80))
	}
	return append(out, byte(n))
}

// copyPrefix is a delta that copies the first n bytes of a base of
// baseLen bytes (n at most 65535).
func copyPrefix(baseLen, n int) []byte {
	d := append(leb128(baseLen), leb128(n)...)
	return append(d, 0x80|0x10|0x20, byte(n), byte(n>>8)) // copy, offset 0, two size bytes
}

// blobRepo makes a repository whose commit holds base.txt and small.txt,
// small.txt stored as a delta of base.txt in the only pack.
func blobRepo(t *testing.T, base []byte, n int) *testRepo {
	t.Helper()
	r := newTestRepo(t)
	r.runInput(r.dir, string(testPack(base, copyPrefix(len(base), n))), "index-pack", "--stdin")
	for name, content := range map[string][]byte{"base.txt": base, "small.txt": base[:n]} {
		sum := sha1.Sum(append([]byte(fmt.Sprintf("blob %d\x00", len(content))), content...))
		r.git("update-index", "--add", "--cacheinfo", fmt.Sprintf("100644,%x,%s", sum, name))
	}
	r.git("commit", "-q", "-m", "blobs")
	return r
}

// TestDeltaBaseTooLarge: a small blob stored as a delta of a base more
// than 32 times the size limit (git never makes one) is not resolved, as
// that would inflate the base whole; under that bound it is read.
func TestDeltaBaseTooLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var b strings.Builder
	for b.Len() < 200<<10 {
		fmt.Fprintf(&b, "line %d of the base\n", rng.Int())
	}
	base := []byte(b.String())
	r := blobRepo(t, base, 1000)
	for _, tc := range []struct {
		limit   int64
		skipped string
	}{
		{limit: 4 << 10, skipped: skipTooLarge}, // bases up to 128 KiB
		{limit: 8 << 10, skipped: ""},           // bases up to 256 KiB
	} {
		c := walkAll(t, r.open(Options{MaxBlobSize: tc.limit}), WalkOptions{})[0]
		f := fileByPath(t, c, "small.txt")
		if f.Skipped != tc.skipped || f.Size != 1000 {
			t.Errorf("limit %d: small.txt skipped %q, size %d; want %q, 1000", tc.limit, f.Skipped, f.Size, tc.skipped)
		}
		if tc.skipped == "" && (len(f.AddedLines) == 0 || !strings.HasPrefix(string(base), f.AddedLines[0].Text)) {
			t.Errorf("limit %d: small.txt not read: %+v", tc.limit, f.AddedLines)
		}
	}
}

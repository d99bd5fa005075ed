package gitrepo

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// TestPackObjectsMatchGoGit reads every object of packs git made, with OFS
// and with REF deltas, through the pack reader and through go-git, with a
// base cache large enough to keep everything and one that must evict: the
// bytes are the same, and the reader resolves every object itself (it
// leaves none to go-git).
func TestPackObjectsMatchGoGit(t *testing.T) {
	for _, offsets := range []string{"true", "false"} {
		r := randomHistory(t, 60)
		r.git("-c", "repack.useDeltaBaseOffset="+offsets, "repack", "-q", "-a", "-d", "-f", "--depth=50")
		list := r.git("cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objecttype)")
		for _, cacheSize := range []int64{64 << 20, 4 << 10} {
			repo := r.open(Options{CacheSize: cacheSize})
			deltas := 0
			err := repo.withMain(func(h *handle) error {
				for _, line := range strings.Split(list, "\n") {
					name, typ, _ := strings.Cut(line, " ")
					hash := plumbing.NewHash(name)
					ot, err := plumbing.ParseObjectType(typ)
					if err != nil {
						t.Fatal(err)
					}
					got, err := h.packs.packObject(ot, hash, 1<<20)
					if err != nil {
						t.Fatalf("offsets %s, cache %d: %s %s: %v", offsets, cacheSize, typ, name, err)
					}
					if !bytes.Equal(got, goGitContent(t, h, ot, hash)) {
						t.Fatalf("offsets %s, cache %d: %s %s differs from go-git's", offsets, cacheSize, typ, name)
					}
					x, _ := h.packs.index()
					loc, _ := x.find(hash)
					if hdr, _ := h.packs.header(x, loc); isDelta(hdr.typ) {
						deltas++
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if deltas == 0 {
				t.Fatalf("offsets %s: no delta to resolve", offsets)
			}
			if c := repo.bases; c.used > c.max {
				t.Errorf("cache of %d bytes holds %d", c.max, c.used)
			}
		}
	}
}

// goGitContent reads an object through go-git alone.
func goGitContent(t *testing.T, h *handle, typ plumbing.ObjectType, hash plumbing.Hash) []byte {
	t.Helper()
	obj, err := h.st.EncodedObject(typ, hash)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := obj.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPackObjectLeavesToGoGit: what the reader does not resolve itself
// goes to go-git: an object in no pack, one of another type than asked,
// one over the size bound.
func TestPackObjectLeavesToGoGit(t *testing.T) {
	r := newTestRepo(t)
	r.write("a.txt", strings.Repeat("a line\n", 100))
	r.commit("a")
	loose := plumbing.NewHash(r.git("rev-parse", "HEAD:a.txt"))
	r.git("repack", "-q", "-a", "-d")
	r.write("b.txt", "loose\n")
	r.commit("b")
	inNoPack := plumbing.NewHash(r.git("rev-parse", "HEAD:b.txt"))
	repo := r.open(Options{})
	for _, tc := range []struct {
		name  string
		typ   plumbing.ObjectType
		hash  plumbing.Hash
		limit int64
	}{
		{"loose object", plumbing.BlobObject, inNoPack, 1 << 20},
		{"another type", plumbing.TreeObject, loose, 1 << 20},
		{"over the bound", plumbing.BlobObject, loose, 10},
	} {
		err := repo.withMain(func(h *handle) error {
			_, err := h.packs.packObject(tc.typ, tc.hash, tc.limit)
			return err
		})
		if err != errFallback {
			t.Errorf("%s: %v, want errFallback", tc.name, err)
		}
	}
	err := repo.withMain(func(h *handle) error {
		b, err := h.packs.packObject(plumbing.BlobObject, loose, 1<<20)
		if err == nil && string(b) != strings.Repeat("a line\n", 100) {
			t.Errorf("packed blob read as %q", b)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPackBlobMatchesGoGit reads every blob of a repacked history as
// readBlob does, with a size limit that leaves some over it, through the
// pack reader: size, content and binary as go-git's bytes say, a blob over
// the limit not loaded (and a delta over it not even known binary).
func TestPackBlobMatchesGoGit(t *testing.T) {
	r := randomHistory(t, 60)
	r.write("bin.dat", "\x00"+strings.Repeat("binary\n", 100))
	r.commit("a binary file")
	r.git("repack", "-q", "-a", "-d", "-f")
	const limit = 300
	repo := r.open(Options{MaxBlobSize: limit})
	over := 0
	err := repo.withMain(func(h *handle) error {
		for _, line := range strings.Split(r.git("cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objecttype)"), "\n") {
			name, typ, _ := strings.Cut(line, " ")
			if typ != "blob" {
				continue
			}
			hash := plumbing.NewHash(name)
			content := goGitContent(t, h, plumbing.BlobObject, hash)
			x, loc, _, _ := h.packs.locate(hash)
			hdr, _ := h.packs.header(x, loc)
			want := blob{size: int64(len(content)), large: len(content) > limit}
			if !want.large {
				want.text = string(content)
			}
			if !want.large || !isDelta(hdr.typ) {
				want.binary = bytes.IndexByte(content[:min(len(content), binarySniff)], 0) >= 0
			}
			if want.large && !isDelta(hdr.typ) {
				// Stored whole: its first bytes, as readBlob keeps them.
				want.head = string(content[:min(len(content), binarySniff)])
			}
			if want.large {
				over++
			}
			check, err := h.packs.checkBlob(hash)
			if err != nil || check.refuse {
				t.Fatalf("blob %s: check %+v, %v", name, check, err)
			}
			got, err := h.packs.packBlob(check)
			if err != nil || got != want {
				t.Fatalf("blob %s: got %+v, %v; want %+v", name, got, err, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if over == 0 {
		t.Fatal("no blob over the limit")
	}
}

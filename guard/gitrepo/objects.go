package gitrepo

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unsafe"

	"github.com/go-git/go-git/v5/plumbing"
)

// binarySniff is how many leading bytes Git inspects for a NUL byte to
// decide that a file is binary.
const binarySniff = 8000

// readObject reads a whole object of type t (a commit or a tree: small
// objects) as a string.
func (h *handle) readObject(t plumbing.ObjectType, hash plumbing.Hash) (s string, err error) {
	defer recoverCorrupt(hash, &err)
	if data, err := h.packs.packObject(t, hash, h.packs.baseLimit); err == nil {
		return unsafe.String(unsafe.SliceData(data), len(data)), nil
	}
	obj, err := h.st.EncodedObject(t, hash)
	if err != nil {
		return "", corrupt(hash, err)
	}
	rc, err := obj.Reader()
	if err != nil {
		return "", corrupt(hash, err)
	}
	defer rc.Close()
	var b strings.Builder
	b.Grow(int(obj.Size()))
	if _, err := io.Copy(&b, rc); err != nil {
		return "", corrupt(hash, err)
	}
	if int64(b.Len()) != obj.Size() {
		return "", corrupt(hash, fmt.Errorf("size %d, header says %d", b.Len(), obj.Size()))
	}
	return b.String(), nil
}

// blob is what a change needs from a blob: its size, whether it is binary
// and, when it is small enough to diff, its content.
type blob struct {
	size   int64
	binary bool
	large  bool // over the size limit: text is not loaded
	// missing is set for a blob a partial clone lacks: nothing is known
	// of it but its name.
	missing bool
	text    string // the content when !large
	head    string // the first bytes (up to binarySniff) when large
}

// readBlob reads a blob, or only its first bytes when it is larger than the
// handle's limit (its size then comes from the object header). A blob
// stored as a delta that declares more than the limit, or whose bases are
// too large to resolve (see packs.go), is not read at all: it is large,
// of the declared size, and not known to be binary.
func (h *handle) readBlob(hash plumbing.Hash) (b blob, err error) {
	defer recoverCorrupt(hash, &err)
	check, err := h.packs.checkBlob(hash)
	if err != nil {
		return b, corrupt(hash, err)
	}
	if check.refuse {
		return blob{size: check.size, large: true}, nil
	}
	if b, err := h.packs.packBlob(check); err == nil {
		return b, nil
	}
	obj, err := h.st.EncodedObject(plumbing.BlobObject, hash)
	if err != nil {
		if h.partial && errors.Is(err, plumbing.ErrObjectNotFound) {
			return blob{missing: true}, nil
		}
		return b, corrupt(hash, err)
	}
	b.size = obj.Size()
	if check.delta && b.size > h.maxBlob {
		b.large = true // not even its first bytes: go-git would resolve it whole
		return b, nil
	}
	rc, err := obj.Reader()
	if err != nil {
		return b, corrupt(hash, err)
	}
	defer rc.Close()
	if b.size > h.maxBlob {
		b.large = true
		head := make([]byte, min(b.size, binarySniff))
		if _, err := io.ReadFull(rc, head); err != nil {
			return b, corrupt(hash, err)
		}
		b.binary = bytes.IndexByte(head, 0) >= 0
		b.head = string(head)
		return b, nil
	}
	var sb strings.Builder
	sb.Grow(int(b.size))
	n, err := io.Copy(&sb, rc)
	if err != nil {
		return b, corrupt(hash, err)
	}
	if n != b.size {
		return b, corrupt(hash, fmt.Errorf("size %d, header says %d", n, b.size))
	}
	b.text = sb.String()
	b.binary = strings.IndexByte(b.text[:min(len(b.text), binarySniff)], 0) >= 0
	return b, nil
}

package detectortest

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"path"
	"sort"
	"strings"

	"github.com/repoguard/repoguard/guard"
)

// MemTree is a guard.Tree held in memory, for tests of detectors that
// read the tree a commit leaves: file paths to their contents.
type MemTree struct {
	Files map[string]string
	// MaxTexts, when positive, is how many text files Texts reads
	// before it stops with guard.ErrTreeLimit, as a tree beyond its
	// bounds does.
	MaxTexts int
}

var _ guard.Tree = (*MemTree)(nil)

// paths returns the paths in Git's order (by path: the same for the
// trees of tests).
func (t *MemTree) paths() []string {
	out := make([]string, 0, len(t.Files))
	for p := range t.Files {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Dir implements guard.Tree.
func (t *MemTree) Dir(dir string) ([]guard.TreeFile, error) {
	dir = strings.Trim(dir, "/")
	if dir == "" {
		dir = "."
	}
	var out []guard.TreeFile
	for _, p := range t.paths() {
		if path.Dir(p) == dir {
			sum := sha1.Sum([]byte(t.Files[p]))
			out = append(out, guard.TreeFile{Path: p, Size: int64(len(t.Files[p])), Mode: 0o100644,
				Hash: hex.EncodeToString(sum[:])})
		}
	}
	return out, nil
}

// Head implements guard.Tree.
func (t *MemTree) Head(p string, n int) ([]byte, error) {
	s, ok := t.Files[p]
	if !ok {
		return nil, fmt.Errorf("%s: %w", p, guard.ErrTreeNotFound)
	}
	return []byte(s[:min(len(s), max(n, 0))]), nil
}

// Texts implements guard.Tree: files with a NUL byte in their first 8000
// bytes are binary, as Git has it.
func (t *MemTree) Texts(keep func(string) bool, fn func(p, text string) bool) error {
	read := 0
	for _, p := range t.paths() {
		s := t.Files[p]
		if !keep(p) || strings.IndexByte(s[:min(len(s), 8000)], 0) >= 0 {
			continue
		}
		if read++; t.MaxTexts > 0 && read > t.MaxTexts {
			return fmt.Errorf("more than %d texts: %w", t.MaxTexts, guard.ErrTreeLimit)
		}
		if !fn(p, s) {
			return nil
		}
	}
	return nil
}

// Content makes the bytes of a binary file of a case: "random" (the same
// bytes for the same path and size), "zeros", "text" (printable
// lines) or "utf16" (lines of ASCII in UTF-16), of the given size.
func Content(kind, p string, size int) (string, error) {
	b := make([]byte, size)
	switch kind {
	case "random":
		sum := sha1.Sum([]byte(p))
		rng := rand.New(rand.NewPCG(uint64(size), uint64(sum[0])<<8|uint64(sum[1])))
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		if size > 1 {
			b[size/2] = 0 // binary by Git's rule
		}
	case "zeros":
	case "text":
		for i := range b {
			b[i] = "abcdefgh ij\n"[i%12]
		}
	case "utf16":
		for i := range b {
			if i%2 == 0 {
				b[i] = "#define IDI_ICON 101\r\n"[(i/2)%22]
			}
		}
	default:
		return "", fmt.Errorf("unknown content %q: want random, zeros, text or utf16", kind)
	}
	return string(b), nil
}

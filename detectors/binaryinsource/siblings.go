package binaryinsource

import (
	"fmt"
	"math"

	"github.com/repoguard/repoguard/guard"
)

// The comparison of a fixture with the files already beside it.
const (
	// bisSample is how many of a file's first bytes its entropy is
	// measured on.
	bisSample = 8 << 10
	// bisMaxSiblings is how many siblings are read for their entropy.
	bisMaxSiblings = 16
	// bisMinSiblings is how many siblings a comparison needs.
	bisMinSiblings = 2
	// bisSizeFactor: a fixture this many times larger than the largest
	// sibling, and at least bisMinBeyond bytes, is far beyond them.
	bisSizeFactor = 4
	bisMinBeyond  = 1 << 10
	// bisHighEntropy (bits per byte) is the entropy of compressed or
	// encrypted data; bisEntropyGap how far above the most random
	// sibling a fixture must be to stand out.
	bisHighEntropy = 7.2
	bisEntropyGap  = 1.0
	// bisDenseEntropy (bits per byte) is the least entropy of a dense
	// content (compressed data, machine code), not zeros or runs.
	bisDenseEntropy = 6.0
)

// bisBeyond is how a fixture compares with its siblings.
type bisBeyond struct {
	siblings         int
	largest          int64   // the largest sibling's size
	entropy, sibMax  float64 // bits per byte: the fixture's, the highest sibling's
	size, randomness bool    // far beyond them in size, in entropy
}

// evidence describes the comparison.
func (b bisBeyond) evidence() string {
	return fmt.Sprintf("siblings: %d files, the largest %d bytes, entropy up to %.1f bits/byte; this file %.1f bits/byte",
		b.siblings, b.largest, b.sibMax, b.entropy)
}

// bisCompare compares the fixture f with the files of its folder that
// the change leaves as they were; ok is false when there are too few of
// them or the tree cannot say.
func bisCompare(tree guard.Tree, files []guard.TreeFile, f *guard.FileChange, changed map[string]bool) (bisBeyond, bool) {
	var b bisBeyond
	read := 0
	for _, s := range files {
		if s.Path == f.Path || changed[s.Path] || s.Mode&0o170000 != 0o100000 || s.Size < 0 {
			continue
		}
		b.siblings++
		b.largest = max(b.largest, s.Size)
		if read == bisMaxSiblings {
			continue
		}
		read++
		if head, err := tree.Head(s.Path, bisSample); err == nil {
			b.sibMax = max(b.sibMax, bisEntropy(head))
		}
	}
	if b.siblings < bisMinSiblings {
		return b, false
	}
	head, err := tree.Head(f.Path, bisSample)
	if err != nil {
		return b, false
	}
	b.entropy = bisEntropy(head)
	b.size = f.Size >= bisMinBeyond && f.Size >= bisSizeFactor*b.largest
	b.randomness = b.entropy >= bisHighEntropy && b.entropy-b.sibMax >= bisEntropyGap
	return b, true
}

// bisEntropy is the Shannon entropy of data in bits per byte, with the
// Miller-Madow correction for the bytes a short sample cannot show: 200
// random bytes measure about 7.3 bits uncorrected, 8 corrected.
func bisEntropy(data []byte) float64 {
	if len(data) == 0 {
		return 0
	}
	var counts [256]int
	for _, c := range data {
		counts[c]++
	}
	n := float64(len(data))
	h, distinct := 0.0, 0
	for _, k := range counts {
		if k > 0 {
			p := float64(k) / n
			h -= p * math.Log2(p)
			distinct++
		}
	}
	h += float64(distinct-1) / (2 * n * math.Ln2)
	return min(h, 8)
}

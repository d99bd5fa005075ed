package gitrepo

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// sameAsGoDiff reports whether myersDiff and go-diff's DiffMainRunes give
// the same edits for a and b (with a timeout neither reaches).
func sameAsGoDiff(t *testing.T, a, b []rune) {
	t.Helper()
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = time.Hour
	want := dmp.DiffMainRunes(a, b, false)
	got := myersDiff(a, b, time.Hour)
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		ok = int(got[i].op) == int(want[i].Type) && slices.Equal(got[i].text, []rune(want[i].Text))
	}
	if !ok {
		t.Fatalf("diff of %q and %q:\ngot  %v\nwant %v", string(a), string(b), got, want)
	}
}

// TestMyersMatchesGoDiff compares the edits with go-diff's over random
// texts of few distinct symbols (so that there are many equal runs,
// half matches and shifts to make) and over edits of one text.
func TestMyersMatchesGoDiff(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	text := func(n, alphabet int) []rune {
		r := make([]rune, n)
		for i := range r {
			r[i] = 'a' + rune(rng.IntN(alphabet))
		}
		return r
	}
	for range 3000 {
		alphabet := 1 + rng.IntN(6)
		a := text(rng.IntN(80), alphabet)
		b := text(rng.IntN(80), alphabet)
		sameAsGoDiff(t, a, b)
		// b an edit of a: insertions, deletions, a moved block.
		e := slices.Clone(a)
		for range 1 + rng.IntN(4) {
			at := rng.IntN(len(e) + 1)
			switch rng.IntN(3) {
			case 0:
				e = slices.Insert(e, at, text(1+rng.IntN(5), alphabet+2)...)
			case 1:
				e = slices.Delete(e, at, min(len(e), at+rng.IntN(6)))
			default:
				e = append(e[at:len(e):len(e)], e[:at]...)
			}
		}
		sameAsGoDiff(t, a, e)
	}
	// Large texts: a file rewritten but for some common lines.
	for range 5 {
		sameAsGoDiff(t, text(3000, 40), text(2500, 40))
	}
}

// FuzzMyersMatchesGoDiff compares the edits with go-diff's on texts
// split at a zero byte, each byte a symbol.
func FuzzMyersMatchesGoDiff(f *testing.F) {
	f.Add([]byte("abcab\x00cbabac"))
	f.Add([]byte("xaxcxabc\x00abcy"))
	f.Add([]byte("aaaa\x00aa"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 2000 {
			return
		}
		a, b, _ := bytes.Cut(data, []byte{0})
		sameAsGoDiff(t, runesOf(a), runesOf(b))
	})
}

func runesOf(b []byte) []rune {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c) + 1
	}
	return r
}

package textscan

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestIndexMatchesStrings compares Index with strings.Contains and
// strings.Index on texts short and long enough for a suffix array.
func TestIndexMatchesStrings(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = "ab@/\n"[rng.IntN(5)]
		}
		return string(b)
	}
	for _, size := range []int{0, 1, 10, indexMin - 1, indexMin, 5000} {
		text := word(size)
		x := NewIndex(text)
		for range 300 {
			q := word(rng.IntN(8))
			if rng.IntN(3) == 0 && size > 0 { // a piece of the text itself
				i := rng.IntN(size)
				q = text[i:min(size, i+1+rng.IntN(12))]
			}
			if got, want := x.Contains(q), strings.Contains(text, q); got != want {
				t.Fatalf("text of %d bytes: Contains(%q) = %v, want %v", size, q, got, want)
			}
			if got, want := x.First(q), strings.Index(text, q); got != want {
				t.Fatalf("text of %d bytes: First(%q) = %d, want %d", size, q, got, want)
			}
		}
	}
	var none *Index
	if !none.Contains("") || none.Contains("a") || none.First("") != 0 || none.First("a") != -1 {
		t.Error("a nil Index is not the empty text")
	}
}

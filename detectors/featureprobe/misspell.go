package featureprobe

import (
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/textscan"
	"github.com/repoguard/repoguard/guard"
)

// Tokens shorter than minSpelled or longer than maxSpelled are not
// checked for misspellings: short ones are too often another word, long
// ones are not names.
const (
	minSpelled = 5
	maxSpelled = 64
)

// vocab indexes the known spellings of every feature.
type vocab struct {
	known map[string]*feature // every known spelling; nil feature for common ones
	byLen map[int][]string    // the features' own spellings by length
}

func newVocab(extra []string) *vocab {
	v := &vocab{known: map[string]*feature{}, byLen: map[int][]string{}}
	for _, f := range features {
		for _, w := range f.vocabulary {
			v.known[w] = f
			v.byLen[len(w)] = append(v.byLen[len(w)], w)
		}
	}
	for _, w := range common {
		if _, ok := v.known[w]; !ok {
			v.known[w] = nil
			v.byLen[len(w)] = append(v.byLen[len(w)], w)
		}
	}
	for _, w := range append(append([]string{}, alternatives...), extra...) {
		if _, ok := v.known[w]; !ok {
			v.known[w] = nil
		}
	}
	return v
}

// defaultVocab is the vocabulary without a policy's known words.
var defaultVocab = newVocab(nil)

// isKnown reports whether w is a known spelling.
func (v *vocab) isKnown(w string) bool {
	_, ok := v.known[w]
	return ok
}

// misspelt returns the feature spelling that w is a misspelling of: one
// or two letters apart (one for spellings under eight letters), w itself
// not a known spelling; "" when there is none.
func (v *vocab) misspelt(w string) (string, *feature) {
	if len(w) < minSpelled || len(w) > maxSpelled || v.isKnown(w) {
		return "", nil
	}
	shape := shapeOf(w)
	for n := len(w) - 2; n <= len(w)+2; n++ {
		for _, k := range v.byLen[n] {
			if shapeOf(k) != shape {
				continue
			}
			limit := 2
			if len(k) < 8 {
				limit = 1
			}
			if d := guard.EditDistance(w, k, limit); d > 0 && d <= limit && !pluralOf(w, k) {
				return k, v.known[k]
			}
		}
	}
	return "", nil
}

// shapeOf tells flags ("-fpie"), headers ("linux/landlock.h") and
// identifiers apart: a name is only compared with names of its shape.
func shapeOf(w string) byte {
	switch {
	case strings.HasPrefix(w, "-"):
		return '-'
	case strings.ContainsAny(w, "./"):
		return '/'
	}
	return 'a'
}

// pluralOf reports whether a and b differ by a trailing "s" only.
func pluralOf(a, b string) bool { return a+"s" == b || b+"s" == a }

// isNameChar reports the bytes of a name as build files write them:
// identifiers, header paths and compiler flags.
func isNameChar(c byte) bool {
	return textscan.IsIdent(c) || c == '.' || c == '/' || c == '-' || c == '=' || c == '+'
}

// nameAround returns the name of s that holds s[from:to] (the name
// touching the position when the span is empty).
func nameAround(s string, from, to int) string {
	for from > 0 && isNameChar(s[from-1]) {
		from--
	}
	for to < len(s) && isNameChar(s[to]) {
		to++
	}
	return strings.Trim(s[from:to], ".")
}

// names splits s into names.
func names(s string) []token {
	var out []token
	for i := 0; i < len(s); {
		if !isNameChar(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isNameChar(s[j]) {
			j++
		}
		if w := strings.Trim(s[i:j], "."); w != "" {
			out = append(out, token{off: i + strings.Index(s[i:j], w), text: w})
		}
		i = j
	}
	return out
}

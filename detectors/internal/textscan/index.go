// Package textscan holds the primitives the content detectors share to
// scan added and deleted lines in time linear in their size: an index of
// a text that answers many substring questions, byte classes, and the
// bounds of a URL.
package textscan

import (
	"index/suffixarray"
	"strings"
)

// indexMin is the length from which an Index builds a suffix
// array; shorter texts are searched directly.
const indexMin = 256

// Index answers many substring questions about one text, such as
// "do the deleted lines hold this endpoint?" for every endpoint of the
// added lines, in time that does not grow with the text: searching the
// text once per question is quadratic in the size of a change (issue 8).
// The suffix array is built on the first question, in time linear in the
// text; each question then costs O(len(s) log len(text)). The zero value
// and nil are an empty text.
type Index struct {
	text  string
	sa    *suffixarray.Index
	first map[string]int // memo of First
}

// NewIndex indexes text.
func NewIndex(text string) *Index { return &Index{text: text} }

// Text returns the indexed text; "" for nil.
func (x *Index) Text() string {
	if x == nil {
		return ""
	}
	return x.text
}

// index returns the suffix array, building it when the text is long
// enough to need one.
func (x *Index) index() *suffixarray.Index {
	if x.sa == nil && len(x.text) >= indexMin {
		x.sa = suffixarray.New([]byte(x.text))
	}
	return x.sa
}

// Contains reports whether s occurs in the text, as strings.Contains.
func (x *Index) Contains(s string) bool {
	switch {
	case x == nil:
		return s == ""
	case s == "":
		return true
	case x.index() == nil:
		return strings.Contains(x.text, s)
	}
	return len(x.sa.Lookup([]byte(s), 1)) > 0
}

// First returns the index of the first occurrence of s in the text, or
// -1, as strings.Index. Answers are remembered: callers ask about names
// that share their occurrences (ci-tampering's pinned actions), and the
// cost of a question is the number of occurrences it lists.
func (x *Index) First(s string) int {
	switch {
	case x == nil:
		if s == "" {
			return 0
		}
		return -1
	case s == "":
		return 0
	case x.index() == nil:
		return strings.Index(x.text, s)
	}
	if i, ok := x.first[s]; ok {
		return i
	}
	first := -1
	for _, i := range x.sa.Lookup([]byte(s), -1) {
		if first < 0 || i < first {
			first = i
		}
	}
	if x.first == nil {
		x.first = map[string]int{}
	}
	x.first[s] = first
	return first
}

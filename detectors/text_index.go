package detectors

import (
	"index/suffixarray"
	"strings"
)

// textIndexMin is the length from which a textIndex builds a suffix
// array; shorter texts are searched directly.
const textIndexMin = 256

// textIndex answers many substring questions about one text, such as
// "do the deleted lines hold this endpoint?" for every endpoint of the
// added lines, in time that does not grow with the text: searching the
// text once per question is quadratic in the size of a change (issue 8).
// The suffix array is built on the first question, in time linear in the
// text; each question then costs O(len(s) log len(text)). The zero value
// and nil are an empty text.
type textIndex struct {
	text  string
	sa    *suffixarray.Index
	first map[string]int // memo of First
}

// newTextIndex indexes text.
func newTextIndex(text string) *textIndex { return &textIndex{text: text} }

// index returns the suffix array, building it when the text is long
// enough to need one.
func (x *textIndex) index() *suffixarray.Index {
	if x.sa == nil && len(x.text) >= textIndexMin {
		x.sa = suffixarray.New([]byte(x.text))
	}
	return x.sa
}

// Contains reports whether s occurs in the text, as strings.Contains.
func (x *textIndex) Contains(s string) bool {
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
// that share their occurrences (see ciOldPin), and the cost of a question
// is the number of occurrences it lists.
func (x *textIndex) First(s string) int {
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

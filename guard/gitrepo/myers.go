package gitrepo

import (
	"slices"
	"time"
)

// This file is go-diff's DiffMainRunes (v1.4.0, with checklines false and
// a timeout, as linediff.go called it) carried over to rune slices: the
// same steps in the same order, so the same edits, without turning every
// piece of text into a string and back at each step, which was half of
// its cost (issue 13). TestMyersMatchesGoDiff checks the two agree.

// op is the kind of an edit.
type op int8

const (
	opDelete op = -1
	opEqual  op = 0
	opInsert op = 1
)

// edit is one step of a diff: text (line identifiers) deleted, inserted
// or kept. Its text may share memory with the input or another edit: it
// is never written to, and concat copies.
type edit struct {
	op   op
	text []rune
}

// myersDiff diffs text1 into text2 as go-diff's DiffMainRunes does with
// the given timeout.
func myersDiff(text1, text2 []rune, timeout time.Duration) []edit {
	return diffMain(text1, text2, time.Now().Add(timeout))
}

// concat returns a new slice holding a then b.
func concat(a, b []rune) []rune {
	out := make([]rune, 0, len(a)+len(b))
	return append(append(out, a...), b...)
}

func diffMain(text1, text2 []rune, deadline time.Time) []edit {
	if slices.Equal(text1, text2) {
		var diffs []edit
		if len(text1) > 0 {
			diffs = append(diffs, edit{opEqual, text1})
		}
		return diffs
	}
	n := commonPrefixRunes(text1, text2)
	prefix := text1[:n]
	text1, text2 = text1[n:], text2[n:]
	n = commonSuffixRunes(text1, text2)
	suffix := text1[len(text1)-n:]
	text1, text2 = text1[:len(text1)-n], text2[:len(text2)-n]

	diffs := diffCompute(text1, text2, deadline)
	if len(prefix) != 0 {
		diffs = append([]edit{{opEqual, prefix}}, diffs...)
	}
	if len(suffix) != 0 {
		diffs = append(diffs, edit{opEqual, suffix})
	}
	return cleanupMerge(diffs)
}

// diffCompute diffs texts without a common prefix or suffix.
func diffCompute(text1, text2 []rune, deadline time.Time) []edit {
	if len(text1) == 0 {
		return []edit{{opInsert, text2}}
	} else if len(text2) == 0 {
		return []edit{{opDelete, text1}}
	}
	longtext, shorttext := text2, text1
	if len(text1) > len(text2) {
		longtext, shorttext = text1, text2
	}
	if i := runesIndex(longtext, shorttext); i != -1 {
		o := opInsert
		if len(text1) > len(text2) {
			o = opDelete
		}
		return []edit{{o, longtext[:i]}, {opEqual, shorttext}, {o, longtext[i+len(shorttext):]}}
	} else if len(shorttext) == 1 {
		return []edit{{opDelete, text1}, {opInsert, text2}}
	} else if hm := halfMatch(text1, text2); hm != nil {
		diffs := diffMain(hm[0], hm[2], deadline)
		diffs = append(diffs, edit{opEqual, hm[4]})
		return append(diffs, diffMain(hm[1], hm[3], deadline)...)
	}
	return bisect(text1, text2, deadline)
}

// bisect finds the middle snake of a diff (Myers 1986), splits the
// problem in two and diffs each half.
func bisect(runes1, runes2 []rune, deadline time.Time) []edit {
	len1, len2 := len(runes1), len(runes2)
	maxD := (len1 + len2 + 1) / 2
	vOffset := maxD
	vLength := 2 * maxD
	v := make([]int, 2*vLength)
	v1, v2 := v[:vLength], v[vLength:]
	for i := range v {
		v[i] = -1
	}
	v1[vOffset+1] = 0
	v2[vOffset+1] = 0
	delta := len1 - len2
	front := delta%2 != 0
	k1start, k1end, k2start, k2end := 0, 0, 0, 0
	for d := 0; d < maxD; d++ {
		if d%16 == 0 && time.Now().After(deadline) {
			break
		}
		for k1 := -d + k1start; k1 <= d-k1end; k1 += 2 {
			k1Offset := vOffset + k1
			var x1 int
			if k1 == -d || (k1 != d && v1[k1Offset-1] < v1[k1Offset+1]) {
				x1 = v1[k1Offset+1]
			} else {
				x1 = v1[k1Offset-1] + 1
			}
			y1 := x1 - k1
			for x1 < len1 && y1 < len2 && runes1[x1] == runes2[y1] {
				x1++
				y1++
			}
			v1[k1Offset] = x1
			if x1 > len1 {
				k1end += 2
			} else if y1 > len2 {
				k1start += 2
			} else if front {
				k2Offset := vOffset + delta - k1
				if k2Offset >= 0 && k2Offset < vLength && v2[k2Offset] != -1 {
					if x1 >= len1-v2[k2Offset] {
						return bisectSplit(runes1, runes2, x1, y1, deadline)
					}
				}
			}
		}
		for k2 := -d + k2start; k2 <= d-k2end; k2 += 2 {
			k2Offset := vOffset + k2
			var x2 int
			if k2 == -d || (k2 != d && v2[k2Offset-1] < v2[k2Offset+1]) {
				x2 = v2[k2Offset+1]
			} else {
				x2 = v2[k2Offset-1] + 1
			}
			y2 := x2 - k2
			for x2 < len1 && y2 < len2 && runes1[len1-x2-1] == runes2[len2-y2-1] {
				x2++
				y2++
			}
			v2[k2Offset] = x2
			if x2 > len1 {
				k2end += 2
			} else if y2 > len2 {
				k2start += 2
			} else if !front {
				k1Offset := vOffset + delta - k2
				if k1Offset >= 0 && k1Offset < vLength && v1[k1Offset] != -1 {
					x1 := v1[k1Offset]
					y1 := vOffset + x1 - k1Offset
					if x1 >= len1-x2 {
						return bisectSplit(runes1, runes2, x1, y1, deadline)
					}
				}
			}
		}
	}
	return []edit{{opDelete, runes1}, {opInsert, runes2}}
}

func bisectSplit(runes1, runes2 []rune, x, y int, deadline time.Time) []edit {
	diffs := diffMain(runes1[:x], runes2[:y], deadline)
	return append(diffs, diffMain(runes1[x:], runes2[y:], deadline)...)
}

func commonPrefixRunes(a, b []rune) int {
	n := 0
	for ; n < len(a) && n < len(b); n++ {
		if a[n] != b[n] {
			return n
		}
	}
	return n
}

func commonSuffixRunes(a, b []rune) int {
	i1, i2 := len(a), len(b)
	for n := 0; ; n++ {
		i1--
		i2--
		if i1 < 0 || i2 < 0 || a[i1] != b[i2] {
			return n
		}
	}
}

// runesIndex is the index of the first occurrence of b in a, -1 if none.
func runesIndex(a, b []rune) int {
	for i := 0; i <= len(a)-len(b); i++ {
		if slices.Equal(a[i:i+len(b)], b) {
			return i
		}
	}
	return -1
}

// runesIndexFrom is runesIndex of b in a from position i.
func runesIndexFrom(a, b []rune, i int) int {
	if i > len(a)-1 {
		return -1
	}
	if i <= 0 {
		return runesIndex(a, b)
	}
	if j := runesIndex(a[i:], b); j != -1 {
		return j + i
	}
	return -1
}

// halfMatch looks for a run common to both texts at least half as long
// as the longer one; nil when there is none. It returns the prefix and
// suffix of text1 around it, those of text2, and the run.
func halfMatch(text1, text2 []rune) [][]rune {
	longtext, shorttext := text2, text1
	if len(text1) > len(text2) {
		longtext, shorttext = text1, text2
	}
	if len(longtext) < 4 || len(shorttext)*2 < len(longtext) {
		return nil
	}
	hm1 := halfMatchAt(longtext, shorttext, int(float64(len(longtext)+3)/4))
	hm2 := halfMatchAt(longtext, shorttext, int(float64(len(longtext)+1)/2))
	var hm [][]rune
	switch {
	case hm1 == nil && hm2 == nil:
		return nil
	case hm2 == nil:
		hm = hm1
	case hm1 == nil:
		hm = hm2
	case len(hm1[4]) > len(hm2[4]):
		hm = hm1
	default:
		hm = hm2
	}
	if len(text1) > len(text2) {
		return hm
	}
	return [][]rune{hm[2], hm[3], hm[0], hm[1], hm[4]}
}

// halfMatchAt looks for the longest run of s around a copy of the quarter
// of l that starts at i; nil unless it is at least half as long as l.
func halfMatchAt(l, s []rune, i int) [][]rune {
	var commonA, commonB, longA, longB, shortA, shortB []rune
	best := 0
	seed := l[i : i+len(l)/4]
	for j := runesIndexFrom(s, seed, 0); j != -1; j = runesIndexFrom(s, seed, j+1) {
		prefixLength := commonPrefixRunes(l[i:], s[j:])
		suffixLength := commonSuffixRunes(l[:i], s[:j])
		if best < suffixLength+prefixLength {
			commonA, commonB = s[j-suffixLength:j], s[j:j+prefixLength]
			best = len(commonA) + len(commonB)
			longA, longB = l[:i-suffixLength], l[i+prefixLength:]
			shortA, shortB = s[:j-suffixLength], s[j+prefixLength:]
		}
	}
	if best*2 < len(l) {
		return nil
	}
	return [][]rune{longA, longB, shortA, shortB, concat(commonA, commonB)}
}

// splice removes amount edits at index and puts elements in their
// place, in place where it can (as go-diff's does).
func splice(diffs []edit, index, amount int, elements ...edit) []edit {
	if len(elements) == amount {
		copy(diffs[index:], elements)
		return diffs
	}
	if len(elements) < amount {
		copy(diffs[index:], elements)
		copy(diffs[index+len(elements):], diffs[index+amount:])
		end := len(diffs) - amount + len(elements)
		clear(diffs[end:])
		return diffs[:end]
	}
	need := len(diffs) - amount + len(elements)
	for len(diffs) < need {
		diffs = append(diffs, edit{})
	}
	copy(diffs[index+len(elements):], diffs[index+amount:])
	copy(diffs[index:], elements)
	return diffs
}

// cleanupMerge merges adjacent edits of a kind and equalities, factors
// the common start and end of a deletion and an insertion out into the
// equalities around them, and shifts single edits over an equality when
// that removes one, as go-diff's DiffCleanupMerge does.
func cleanupMerge(diffs []edit) []edit {
	diffs = append(diffs, edit{opEqual, nil}) // a dummy at the end
	pointer, countDelete, countInsert := 0, 0, 0
	var textDelete, textInsert []rune
	for pointer < len(diffs) {
		switch diffs[pointer].op {
		case opInsert:
			countInsert++
			textInsert = concat(textInsert, diffs[pointer].text)
			pointer++
		case opDelete:
			countDelete++
			textDelete = concat(textDelete, diffs[pointer].text)
			pointer++
		case opEqual:
			if countDelete+countInsert > 1 {
				if countDelete != 0 && countInsert != 0 {
					if n := commonPrefixRunes(textInsert, textDelete); n != 0 {
						x := pointer - countDelete - countInsert
						if x > 0 && diffs[x-1].op == opEqual {
							diffs[x-1].text = concat(diffs[x-1].text, textInsert[:n])
						} else {
							diffs = append([]edit{{opEqual, textInsert[:n]}}, diffs...)
							pointer++
						}
						textInsert, textDelete = textInsert[n:], textDelete[n:]
					}
					if n := commonSuffixRunes(textInsert, textDelete); n != 0 {
						ii, di := len(textInsert)-n, len(textDelete)-n
						diffs[pointer].text = concat(textInsert[ii:], diffs[pointer].text)
						textInsert, textDelete = textInsert[:ii], textDelete[:di]
					}
				}
				switch {
				case countDelete == 0:
					diffs = splice(diffs, pointer-countInsert, countDelete+countInsert, edit{opInsert, textInsert})
				case countInsert == 0:
					diffs = splice(diffs, pointer-countDelete, countDelete+countInsert, edit{opDelete, textDelete})
				default:
					diffs = splice(diffs, pointer-countDelete-countInsert, countDelete+countInsert,
						edit{opDelete, textDelete}, edit{opInsert, textInsert})
				}
				pointer = pointer - countDelete - countInsert + 1
				if countDelete != 0 {
					pointer++
				}
				if countInsert != 0 {
					pointer++
				}
			} else if pointer != 0 && diffs[pointer-1].op == opEqual {
				diffs[pointer-1].text = concat(diffs[pointer-1].text, diffs[pointer].text)
				diffs = append(diffs[:pointer], diffs[pointer+1:]...)
			} else {
				pointer++
			}
			countInsert, countDelete = 0, 0
			textDelete, textInsert = nil, nil
		}
	}
	if len(diffs[len(diffs)-1].text) == 0 {
		diffs = diffs[:len(diffs)-1]
	}
	if diffs, changed := shiftEdits(diffs); changed {
		return cleanupMerge(diffs)
	}
	return diffs
}

// shiftEdits shifts single edits between equalities over one of them
// when the edit ends with the equality before it or starts with the one
// after (A<ins>BA</ins>C becomes <ins>AB</ins>AC); it reports whether it
// shifted any.
func shiftEdits(diffs []edit) ([]edit, bool) {
	changes := false
	for pointer := 1; pointer < len(diffs)-1; pointer++ {
		prev, cur, next := diffs[pointer-1].text, diffs[pointer].text, diffs[pointer+1].text
		if diffs[pointer-1].op != opEqual || diffs[pointer+1].op != opEqual {
			continue
		}
		if hasSuffixRunes(cur, prev) {
			diffs[pointer].text = concat(prev, cur[:len(cur)-len(prev)])
			diffs[pointer+1].text = concat(prev, next)
			diffs = splice(diffs, pointer-1, 1)
			changes = true
		} else if hasPrefixRunes(cur, next) {
			diffs[pointer-1].text = concat(prev, next)
			diffs[pointer].text = concat(cur[len(next):], next)
			diffs = splice(diffs, pointer+1, 1)
			changes = true
		}
	}
	return diffs, changes
}

func hasPrefixRunes(s, p []rune) bool { return len(s) >= len(p) && slices.Equal(s[:len(p)], p) }

func hasSuffixRunes(s, p []rune) bool {
	return len(s) >= len(p) && slices.Equal(s[len(s)-len(p):], p)
}

package keymaterial

import (
	"fmt"

	"github.com/repoguard/repoguard/guard"
)

// kmMnemonicMaxFreeRun is the longest run of consecutive list words in
// which every window is tried. Longer runs (word lists, long prose) only
// try windows that start and end on line boundaries.
const kmMnemonicMaxFreeRun = 30

// kmMnemonicMaxGap is how many separator bytes other than blanks may stand
// between two words of one mnemonic ("1. ", `", "`, `" +` and the like).
const kmMnemonicMaxGap = 8

// The casings of a word; a mnemonic uses one throughout.
const (
	kmLower uint8 = iota + 1
	kmUpper
	kmTitle
	kmMixed
)

// kmWord is one word of the list found in an added line, with the
// separator before it.
type kmWord struct {
	idx    uint16
	line   int
	casing uint8
	first  bool   // first list word of its line
	last   bool   // last list word of its line
	cross  bool   // the separator before it spans a line break
	sep    uint32 // normalized separator before it: blanks and digits collapsed
}

// kmMnemonicScanner finds BIP-39 mnemonics in a stream of added lines. It
// keeps the current run of consecutive list words; a word outside the list,
// a long separator or a gap in line numbers ends the run, which is then
// searched for windows of 12 to 24 words with a valid checksum that look
// like a mnemonic rather than prose (see kmMnemonicShape).
type kmMnemonicScanner struct {
	run      []kmWord
	gap      int // non-blank separator bytes carried over from earlier lines
	lastLine int
	hits     []kmHit
}

// feed scans one added line. Only letters are looked at byte by byte; the
// separator between two words is measured when the second is found.
func (m *kmMnemonicScanner) feed(s string, num int) {
	if len(m.run) > 0 && num != m.lastLine+1 {
		m.flush()
	}
	m.lastLine = num
	prev := -1 // end of the previous list word on this line
	for i := 0; i < len(s); {
		if !kmLetter[s[i]] {
			i++
			continue
		}
		j := i + 1
		for j < len(s) && kmLetter[s[j]] {
			j++
		}
		idx, ok := kmLookupWord(s[i:j])
		if !ok {
			if len(m.run) > 0 {
				m.flush()
			}
			prev, i = -1, j
			continue
		}
		w := kmWord{idx: idx, line: num, casing: kmCasing(s[i:j]), first: prev < 0, cross: prev < 0}
		if len(m.run) > 0 { // the separator matters only inside a run
			gap := m.gap
			if prev >= 0 {
				gap, w.sep = kmSeparator(s[prev:i])
			} else {
				g, _ := kmSeparator(s[:i])
				gap += g
			}
			if gap > kmMnemonicMaxGap {
				m.flush()
			}
		}
		m.run = append(m.run, w)
		m.gap = 0
		prev, i = j, j
	}
	if n := len(m.run); n > 0 {
		if m.run[n-1].line == num {
			m.run[n-1].last = true
			m.gap, _ = kmSeparator(s[prev:])
		} else {
			g, _ := kmSeparator(s)
			m.gap += g
		}
	}
}

// kmLetter marks the ASCII letters.
var kmLetter = func() (t [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	return t
}()

// kmSeparator measures the text between two words: how many bytes are not
// blanks, and a hash of it with runs of blanks and of digits collapsed, so
// that " 2. " and "  10. " are the same separator.
func kmSeparator(s string) (nonBlank int, sig uint32) {
	var last byte
	for i := 0; i < len(s); i++ {
		class := s[i]
		switch {
		case class == ' ' || class == '\t':
			class = ' '
		case class >= '0' && class <= '9':
			class = 'N'
			nonBlank++
		default:
			nonBlank++
		}
		if class != last || (class != ' ' && class != 'N') {
			sig = sig*31 + uint32(class)
		}
		last = class
	}
	return nonBlank, sig
}

// kmCasing classifies the letters of a word.
func kmCasing(w string) uint8 {
	upper := 0
	for i := 0; i < len(w); i++ {
		if w[i] <= 'Z' {
			upper++
		}
	}
	switch {
	case upper == 0:
		return kmLower
	case upper == len(w):
		return kmUpper
	case upper == 1 && w[0] <= 'Z':
		return kmTitle
	}
	return kmMixed
}

// kmLookupWord returns the list index of a word of ASCII letters, in any
// case, without allocating: the first three letters pick the few list
// words that share them (13 at most), which are then compared.
func kmLookupWord(w string) (uint16, bool) {
	if len(w) < 3 || len(w) > 8 {
		return 0, false
	}
	b := bip39Prefixes[kmPrefix3(w[0]|0x20, w[1]|0x20, w[2]|0x20)]
	if b.n == 0 {
		return 0, false
	}
	var buf [8]byte
	for k := 0; k < len(w); k++ {
		buf[k] = w[k] | 0x20
	}
	lw := string(buf[:len(w)])
	for k := b.start; k < b.start+b.n; k++ {
		if bip39List[k] == lw {
			return k, true
		}
	}
	return 0, false
}

// kmPrefix3 numbers a three-lowercase-letter prefix.
func kmPrefix3(a, b, c byte) int {
	return (int(a-'a')*26+int(b-'a'))*26 + int(c-'a')
}

// bip39Prefixes maps each three-letter prefix to the range of list words
// that start with it (the list is sorted).
var bip39Prefixes = func() *[26 * 26 * 26]struct{ start, n uint16 } {
	var t [26 * 26 * 26]struct{ start, n uint16 }
	for i, w := range bip39List {
		p := &t[kmPrefix3(w[0], w[1], w[2])]
		if p.n == 0 {
			p.start = uint16(i)
		}
		p.n++
	}
	return &t
}()

// flush searches the current run and starts a new one.
func (m *kmMnemonicScanner) flush() {
	if len(m.run) >= 12 {
		m.search(m.run)
	}
	m.run = m.run[:0]
	m.gap = 0
}

// search looks for valid mnemonics in a run, longest first at each start.
func (m *kmMnemonicScanner) search(run []kmWord) {
	aligned := len(run) > kmMnemonicMaxFreeRun
	for i := 0; i+12 <= len(run); {
		size := 0
		if !aligned || run[i].first {
			size = kmMnemonicAt(run, i, aligned)
		}
		if size == 0 {
			i++
			continue
		}
		m.hits = append(m.hits, kmMnemonicHit(run[i:i+size]))
		i += size
	}
}

// kmMnemonicAt returns the length of the longest valid mnemonic starting at
// run[i], or 0.
func kmMnemonicAt(run []kmWord, i int, aligned bool) int {
	var idx [24]uint16
	for _, size := range [...]int{24, 21, 18, 15, 12} {
		if i+size > len(run) || (aligned && !run[i+size-1].last) {
			continue
		}
		if !kmMnemonicShape(run, i, i+size) {
			continue
		}
		for k := 0; k < size; k++ {
			idx[k] = run[i+k].idx
		}
		if kmNotRandom(idx[:size]) {
			continue
		}
		if _, ok := bip39Entropy(idx[:size]); ok {
			return size
		}
	}
	return 0
}

// kmMnemonicShape reports whether run[lo:hi] is written like a mnemonic
// rather than like prose: one casing throughout, the same separator
// between the words of a line (" ", ", ", `", "`, " 7. "), a different one
// (or a line break) where the window meets further list words, and few of
// the list's English function words (about, before, you, this, ...).
func kmMnemonicShape(run []kmWord, lo, hi int) bool {
	casing := run[lo].casing
	if casing == kmMixed {
		return false
	}
	var sep uint32
	haveSep, stop := false, 0
	for k := lo; k < hi; k++ {
		w := &run[k]
		if w.casing != casing {
			return false
		}
		if kmStopIdx[w.idx%2048] {
			stop++
		}
		if k == lo || w.cross {
			continue
		}
		if haveSep && w.sep != sep {
			return false
		}
		sep, haveSep = w.sep, true
	}
	if stop*3 >= hi-lo {
		return false
	}
	delimited := func(w *kmWord) bool { return w.cross || !haveSep || w.sep != sep }
	return (lo == 0 || delimited(&run[lo])) && (hi == len(run) || delimited(&run[hi]))
}

// kmStopIdx marks the stop words by list index: the shape of every
// window of a long run of list words is checked, and a map lookup per
// word made that the most of the cost of a file of list words.
var kmStopIdx = func() (t [2048]bool) {
	for w := range kmStopWords {
		if i, ok := bip39Words[w]; ok {
			t[i] = true
		}
	}
	return t
}()

// kmMnemonicHit describes a mnemonic found in the given words.
func kmMnemonicHit(w []kmWord) kmHit {
	idx := make([]uint16, len(w))
	for k := range w {
		idx[k] = w[k].idx
	}
	phrase := kmPhrase(idx)
	h := kmHit{
		kind:     fmt.Sprintf("%d-word BIP-39 mnemonic (checksum verified)", len(w)),
		line:     w[0].line,
		end:      w[len(w)-1].line,
		secret:   phrase,
		noPrefix: true, // four letters name a whole word of the list
		severity: guard.Critical,
		score:    0.95,
	}
	if len(w) >= 18 {
		h.score = 0.99
	}
	if what, ok := kmWellKnownMnemonics[phrase]; ok {
		h.wellKnown = what
	}
	return h
}

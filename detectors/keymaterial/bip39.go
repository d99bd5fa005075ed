package keymaterial

import (
	"crypto/sha256"
	_ "embed"
	"slices"
	"strings"
)

// bip39EnglishText is the official English BIP-39 word list, 2048 words in
// index order, one a line (bitcoin/bips bip-0039/english.txt, SHA-256
// 2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda).
//
//go:embed bip39_english.txt
var bip39EnglishText string

// bip39List is the word list in index order; bip39Words maps each word to
// its 11-bit index.
var (
	bip39List  = strings.Fields(bip39EnglishText)
	bip39Words = bip39Index(bip39List)
)

// bip39Index maps each word to its index.
func bip39Index(words []string) map[string]uint16 {
	m := make(map[string]uint16, len(words))
	for i, w := range words {
		m[w] = uint16(i)
	}
	return m
}

// bip39Entropy returns the entropy that the word indices encode and whether
// they form a valid mnemonic: 12, 15, 18, 21 or 24 words whose last bits
// equal the first bits of the SHA-256 of the entropy.
func bip39Entropy(idx []uint16) ([]byte, bool) {
	n := len(idx)
	if n < 12 || n > 24 || n%3 != 0 {
		return nil, false
	}
	var buf [33]byte // 24 words * 11 bits = 264 bits
	bit := 0
	for _, v := range idx {
		for b := 10; b >= 0; b-- {
			if v>>b&1 == 1 {
				buf[bit/8] |= 0x80 >> (bit % 8)
			}
			bit++
		}
	}
	csBits := n * 11 / 33 // 4 to 8
	entBytes := (n*11 - csBits) / 8
	sum := sha256.Sum256(buf[:entBytes])
	if sum[0]>>(8-csBits) != buf[entBytes]>>(8-csBits) {
		return nil, false
	}
	return append([]byte(nil), buf[:entBytes]...), true
}

// kmWellKnownMnemonics are public mnemonics: development-chain defaults and
// the first BIP-39 test vectors. They are reported at low severity.
var kmWellKnownMnemonics = map[string]string{
	"test test test test test test test test test test test junk":                                   "the Hardhat/Anvil/Foundry default mnemonic",
	"abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about": "a BIP-39 test vector (all-zero entropy)",
	"abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon " +
		"abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art": "a BIP-39 test vector (all-zero entropy)",
	"zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong":                               "a BIP-39 test vector (all-ones entropy)",
	"legal winner thank year wave sausage worth useful legal winner thank yellow":     "a BIP-39 test vector",
	"letter advice cage absurd amount doctor acoustic avoid letter advice cage above": "a BIP-39 test vector",
	"candy maple cake sugar pudding cream honey rich smooth crumble sweet treat":      "the Ganache default mnemonic",
	"myth like bonus scare over problem client lizard pioneer submit female collect":  "the ganache-cli deterministic mnemonic",
	"bottom drive obey lake curtain smoke basket hold race lonely fit walk":           "the Substrate/Polkadot development mnemonic",
	"seed sock milk update focus rotate barely fade car face mechanic mercy":          "the example in the bip39 npm package's README",
}

// kmStopWords are the English function words of the list. A random
// mnemonic has about one in 37 words from here; prose has many.
var kmStopWords = map[string]bool{
	"myself": true, "you": true, "they": true, "what": true, "this": true, "that": true,
	"have": true, "because": true, "until": true, "about": true, "between": true,
	"into": true, "during": true, "before": true, "above": true, "below": true, "off": true,
	"over": true, "under": true, "again": true, "then": true, "once": true, "there": true,
	"when": true, "where": true, "all": true, "any": true, "few": true, "more": true,
	"other": true, "such": true, "only": true, "own": true, "same": true, "very": true,
	"can": true, "will": true, "just": true, "now": true, "also": true, "always": true,
	"among": true, "around": true, "behind": true, "beyond": true, "either": true,
	"else": true, "enough": true, "never": true, "next": true, "since": true,
	"toward": true, "upon": true, "must": true, "still": true, "already": true,
	"almost": true, "alone": true, "across": true,
}

// kmNotRandom reports whether a window of word indices is too ordered or
// too repetitive to be a generated mnemonic: a slice of the sorted list, or
// fewer than two thirds distinct words (repeated code keywords such as
// "true false true ..."). Well-known public mnemonics are exempt so they
// can be reported as such.
func kmNotRandom(idx []uint16) bool {
	increasing := true
	distinct := 0
	var seen [2048 / 64]uint64 // the list's 2048 words, one bit each
	for k, v := range idx {
		if k > 0 && v <= idx[k-1] {
			increasing = false
		}
		if w, bit := v/64%32, uint64(1)<<(v%64); seen[w]&bit == 0 {
			seen[w] |= bit
			distinct++
		}
	}
	if increasing {
		return true
	}
	if distinct*3 >= len(idx)*2 {
		return false
	}
	return !kmWellKnownIdx(idx)
}

// kmWellKnownIndices are the well-known mnemonics as word indices, so that
// a window is compared with them without being rendered as a phrase.
var kmWellKnownIndices = func() [][]uint16 {
	var out [][]uint16
	for phrase := range kmWellKnownMnemonics {
		var idx []uint16
		for _, w := range strings.Fields(phrase) {
			i, ok := bip39Words[w]
			if !ok {
				panic("detectors: well-known mnemonic with a word not in the list: " + w)
			}
			idx = append(idx, i)
		}
		out = append(out, idx)
	}
	return out
}()

// kmWellKnownIdx reports whether word indices are a well-known mnemonic.
func kmWellKnownIdx(idx []uint16) bool {
	for _, k := range kmWellKnownIndices {
		if slices.Equal(k, idx) {
			return true
		}
	}
	return false
}

// kmPhrase renders word indices as the canonical phrase: lowercase words
// joined by single spaces.
func kmPhrase(idx []uint16) string {
	parts := make([]string, len(idx))
	for k, v := range idx {
		parts[k] = bip39List[v]
	}
	return strings.Join(parts, " ")
}

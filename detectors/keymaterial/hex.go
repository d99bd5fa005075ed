package keymaterial

import (
	"strconv"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/textscan"
	"github.com/repoguard/repoguard/guard"
)

// kmHardhatKeys are the private keys of the 20 default accounts of
// Hardhat and Anvil (the "test test ... junk" mnemonic, m/44'/60'/0'/0/i).
var kmHardhatKeys = map[string]int{
	"ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80": 0,
	"59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d": 1,
	"5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a": 2,
	"7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6": 3,
	"47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a": 4,
	"8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba": 5,
	"92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e": 6,
	"4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356": 7,
	"dbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97": 8,
	"2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6": 9,
	"f214f2b2cd398c806f84e317254e0f0b801d0643303237d97a22a48e01628897": 10,
	"701b615bbdfb9de65240bc28bd21bbc0d996645a3dd57e7b12bc2bdf6f192c82": 11,
	"a267530f49f8280200edf313ee7af6b827f2a8bce2897751d06a843f644967b1": 12,
	"47c99abed3324a2707c28affff1267e45918ec8c3f20b8aa892e8b065d2942dd": 13,
	"c526ee95bf44d8fc405a158bb884d9d1238d99f0612e9f33d006bb0789009aaa": 14,
	"8166f546bab6da521a8369cab06c5d2b9e46670292d85c875ee9ec20e84ffb61": 15,
	"ea6c44ac03bff858b476bba40716402b03e41b8e97e276d1baec7c37d42484a0": 16,
	"689af8efa8c651a91ad287602527f3af2fe9f6501a7ac4b061667b5a93e037fd": 17,
	"de9be858da4a475276426320d5e9262ecfc3ba460bfac56360bfa6c4c28b4ee0": 18,
	"df57089febbacf7ba0bc227dafbffa9fc08a93fdc68e1e42411a14efcf23656e": 19,
}

// kmSecp256k1Order is n, the order of the secp256k1 group, in lowercase hex.
const kmSecp256k1Order = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"

// kmHexKeys appends the raw hex private keys of lines[j]: runs of exactly 64
// hex digits (optionally 0x-prefixed) that are valid secp256k1 scalars,
// look random, and are assigned to or passed as a key-like name.
func kmHexKeys(hits []kmHit, lines []guard.Line, j int, cfg *kmConfig) []kmHit {
	s := lines[j].Text
	for i := 0; i+64 <= len(s); {
		start, end, ok := kmNextHexRun(s, i)
		if !ok {
			break
		}
		i = end + 1
		if end-start != 64 || !kmHexBounded(s, start, end) {
			continue
		}
		val := strings.ToLower(s[start:end])
		if !kmValidScalar(val) || kmPlaceholderHex(val) {
			continue
		}
		name, ok := kmKeyName(lines, j, kmValueStart(s, start), cfg)
		if !ok {
			continue
		}
		h := kmHit{
			kind: "raw secp256k1 private key (64 hex digits)", line: lines[j].Number,
			secret: val, severity: guard.Critical, score: 0.95, name: name,
		}
		if n, known := kmHardhatKeys[val]; known {
			h.wellKnown = "Hardhat/Anvil default account #" + strconv.Itoa(n)
		}
		hits = append(hits, h)
	}
	return hits
}

// kmNextHexRun finds the next run of at least 64 hex digits at or after
// i, where s[i-1] is not a hex digit. It looks at the last byte of each
// 64-byte window first, so most lines cost len/64 probes.
func kmNextHexRun(s string, i int) (start, end int, ok bool) {
	for i+64 <= len(s) {
		j := i + 63
		if !textscan.IsHex(s[j]) {
			i = j + 1
			continue
		}
		start = j
		for start > i && textscan.IsHex(s[start-1]) {
			start--
		}
		end = j + 1
		for end < len(s) && textscan.IsHex(s[end]) {
			end++
		}
		if end-start >= 64 {
			return start, end, true
		}
		i = end + 1
	}
	return 0, 0, false
}

// kmHexBounded reports whether s[start:end] stands alone: not part of a
// longer identifier or number, allowing a 0x prefix.
func kmHexBounded(s string, start, end int) bool {
	if end < len(s) && textscan.IsIdent(s[end]) {
		return false
	}
	b := kmValueStart(s, start)
	return b == 0 || !textscan.IsIdent(s[b-1])
}

// kmValueStart returns where the value starting with the hex digits at
// start begins, counting a 0x prefix.
func kmValueStart(s string, start int) int {
	if start >= 2 && s[start-1]|0x20 == 'x' && s[start-2] == '0' {
		return start - 2
	}
	return start
}

// kmValidScalar reports whether 64 lowercase hex digits are a valid
// secp256k1 private key: nonzero and below the group order. Equal-length
// lowercase hex compares like the numbers.
func kmValidScalar(h string) bool {
	return h < kmSecp256k1Order && strings.Trim(h, "0") != ""
}

// kmPlaceholderHex reports whether a value is obviously made up: fewer than
// ten distinct digits (a random key has all sixteen with overwhelming
// probability) or a short repeated pattern such as 0123456789abcdef x4.
func kmPlaceholderHex(h string) bool {
	var seen [16]bool
	distinct := 0
	for i := 0; i < len(h); i++ {
		d := h[i] - '0'
		if h[i] >= 'a' {
			d = h[i] - 'a' + 10
		}
		if !seen[d] {
			seen[d] = true
			distinct++
		}
	}
	if distinct < 10 {
		return true
	}
	for p := 1; p <= 32; p++ {
		if h[p:] == h[:len(h)-p] {
			return true
		}
	}
	return false
}

package keymaterial

import (
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/detectors/internal/textscan"
	"github.com/repoguard/repoguard/guard"
)

// kmDefaultKeyNames are the words that mark a name as holding a private key.
var kmDefaultKeyNames = []string{
	"private", "privatekey", "priv", "privkey", "prv", "pk", "sk", "secretkey",
	"signer", "signing", "signingkey", "wallet", "ecdsa", "deployer", "accounts",
}

// kmKeyQualifiers turn a plain "key" into a private key name: ownerKey,
// RELAYER_KEY, eth_key.
var kmKeyQualifiers = map[string]bool{
	"owner": true, "admin": true, "operator": true, "relayer": true, "keeper": true,
	"validator": true, "eth": true, "hot": true, "master": true, "funding": true,
	"treasury": true, "bot": true, "executor": true, "sequencer": true, "proposer": true,
	"batcher": true, "minter": true, "user": true, "account": true, "sender": true,
	"deployer": true, "wallet": true, "signer": true, "evm": true,
}

// kmNotKeyWords mark a name as holding something public or derived
// (txHash, storageSlot, pubKey, addressSalt) even next to a key word.
var kmNotKeyWords = map[string]bool{
	"hash": true, "digest": true, "address": true, "addr": true, "pub": true, "public": true,
	"pubkey": true, "publickey": true, "slot": true, "salt": true, "root": true, "tx": true,
	"txid": true, "txn": true, "transaction": true, "block": true, "blockhash": true,
	"nonce": true, "commit": true, "checksum": true, "sha": true, "sha256": true,
	"keccak": true, "keccak256": true, "id": true, "topic": true, "selector": true,
	"iv": true, "signature": true, "sig": true, "mac": true, "merkle": true, "proof": true,
	"leaf": true, "codehash": true, "genesis": true, "storage": true, "role": true,
	"domain": true, "typehash": true, "event": true, "uuid": true, "fingerprint": true,
	"cid": true, "ciphertext": true, "commitment": true, "expected": true, "want": true,
	"message": true, "msg": true, "sign": true, "verify": true, "recover": true,
	"data": true, "payload": true, "shared": true, "traffic": true, "client": true,
}

// kmModifiers are declaration keywords (Solidity, Java, C#, Rust, Swift,
// TypeScript): before a declared name they say nothing of what it holds.
var kmModifiers = map[string]bool{
	"private": true, "public": true, "internal": true, "external": true, "constant": true,
	"immutable": true, "static": true, "final": true, "const": true, "readonly": true,
	"let": true, "var": true, "mut": true, "pub": true, "protected": true,
}

// kmAllKey reports whether every token is the bare word key or keys, as
// in "private key: ..." where private does name what follows.
func kmAllKey(toks []string) bool {
	for _, t := range toks {
		if w := strings.ToLower(t); w != "key" && w != "keys" {
			return false
		}
	}
	return true
}

// kmKeyName finds the name the value at s[:at] is assigned to: the nearest
// identifiers before it on its line or, when the value starts the line,
// on up to three consecutive lines above. It returns the name and whether
// it marks a private key. A declaration keyword (private, const) counts
// only when it is the name itself or stands before a bare "key".
func kmKeyName(lines []guard.Line, j, at int, cfg *kmConfig) (string, bool) {
	prefix := lines[j].Text[:at]
	for back := 0; back <= 3 && j-back >= 0; back++ {
		if back > 0 {
			if lines[j-back].Number != lines[j-back+1].Number-1 {
				return "", false
			}
			prefix = lines[j-back].Text
		}
		toks := kmNameTokens(prefix, 3)
		for k, t := range toks {
			if k > 0 && kmModifiers[t] && !kmAllKey(toks[:k]) {
				continue // uint256 private constant HALF_N: private is no name here
			}
			switch kmClassifyName(t, cfg) {
			case 1:
				return kmShowName(t), true
			case -1:
				return "", false
			}
		}
		if len(toks) > 0 {
			return "", false
		}
	}
	return "", false
}

// kmShowName returns a name fit to show: "" when it holds a long run of
// hex digits (it might embed a secret), clipped to 40 bytes otherwise.
func kmShowName(name string) string {
	run := 0
	for i := 0; i < len(name); i++ {
		if run = run + 1; !textscan.IsHex(name[i]) {
			run = 0
		}
		if run >= 16 {
			return ""
		}
	}
	return explain.Clip(name, 40)
}

// kmNameTokens returns up to max identifiers (letters, digits, _ - . $)
// nearest the end of s, nearest first, within 80 bytes, skipping hex-like
// tokens such as other keys of the same list.
func kmNameTokens(s string, max int) []string {
	if len(s) > 80 {
		s = s[len(s)-80:]
	}
	var out []string
	for i := len(s); i > 0 && len(out) < max; {
		if !kmIsNameByte(s[i-1]) {
			i--
			continue
		}
		k := i
		for k > 0 && kmIsNameByte(s[k-1]) {
			k--
		}
		tok := strings.Trim(s[k:i], "-.$_")
		if k > 0 && (s[k-1] == '+' || s[k-1] == '/') || i < len(s) && (s[i] == '+' || s[i] == '/') {
			tok = "+/" // a piece of base64 or a path: not a name
		}
		i = k
		if tok != "" && !kmHexLike(tok) {
			out = append(out, tok)
		}
	}
	return out
}

// kmIsNameByte reports the bytes of names: identifiers and - . $.
func kmIsNameByte(c byte) bool {
	return textscan.IsIdent(c) || c == '-' || c == '.' || c == '$'
}

// kmHexLike reports whether a token is a number or a hex value.
func kmHexLike(t string) bool {
	t = strings.TrimPrefix(strings.TrimPrefix(t, "0x"), "0X")
	for i := 0; i < len(t); i++ {
		if !textscan.IsHex(t[i]) {
			return false
		}
	}
	return len(t) >= 16 || strings.Trim(t, "0123456789") == ""
}

// kmClassifyName returns 1 when a name marks a private key, -1 when it
// marks something public or derived, or is no name at all (a piece of
// base64), and 0 when it says neither (const, string, bytes32). "key"
// needs a qualifier (ownerKey) and "secret" a "key" (SECRET_KEY) or
// nothing else: a TLS traffic secret is not a private key.
func kmClassifyName(name string, cfg *kmConfig) int {
	words := kmSplitName(name)
	if name == "+/" || !kmPlausibleName(words) {
		return -1
	}
	hasKey, qualified, keyish, secret := false, false, false, false
	for _, w := range words {
		switch {
		case kmNotKeyWords[w]:
			return -1
		case cfg.keyNames[w]:
			keyish = true
		case w == "key":
			hasKey = true
		case w == "secret":
			secret = true
		case kmKeyQualifiers[w]:
			qualified = true
		}
	}
	if keyish || hasKey && (qualified || secret) || secret && len(words) == 1 {
		return 1
	}
	return 0
}

// kmPlausibleName reports whether the words of a token make an identifier
// rather than a slice of encoded data such as "5fYRRTq1edjf": at most six
// words, no more than two of them a single character.
func kmPlausibleName(words []string) bool {
	single := 0
	for _, w := range words {
		if len(w) == 1 {
			single++
		}
	}
	return len(words) <= 6 && single <= 2
}

// kmSplitName splits an identifier into lowercase words at _ - . $, digit
// boundaries and camelCase humps: HexToECDSA -> hex to ecdsa, bytes32 ->
// bytes 32.
func kmSplitName(name string) []string {
	var words []string
	for _, w := range textscan.Words(strings.ReplaceAll(name, "$", "_")) {
		start := 0
		for i := 1; i < len(w); i++ {
			if kmIsDigit(w[i]) != kmIsDigit(w[i-1]) {
				words = append(words, w[start:i])
				start = i
			}
		}
		words = append(words, w[start:])
	}
	return words
}

// kmIsDigit reports an ASCII digit.
func kmIsDigit(c byte) bool { return c >= '0' && c <= '9' }

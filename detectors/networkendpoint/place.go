package networkendpoint

import (
	"path"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/testpath"
	"github.com/repoguard/repoguard/detectors/internal/textscan"
	"github.com/repoguard/repoguard/detectors/internal/vendorpath"
	"github.com/repoguard/repoguard/guard"
)

// netDefaultKeyCodeWords are words of folder and file names that mark code
// handling keys, signatures and wallets beyond the keys category: the
// sources of a crypto library (src/ecdsa_impl.h, secp256k1.c) and of a
// tool's wallet and signing commands. A word matches whole, or two
// adjacent words joined (private_key.go, PrivateKey.ts).
var netDefaultKeyCodeWords = []string{
	"crypto", "cryptography", "secp256k1", "secp256r1", "ecdsa", "eddsa", "ed25519", "x25519", "schnorr",
	"musig", "ecdh", "bls", "signer", "signers", "signing", "wallet", "wallets", "keystore", "keyring",
	"keychain", "mnemonic", "bip32", "bip39", "bip44", "hdwallet", "privkey", "privatekey", "seckey",
	"secretkey", "keypair", "keygen", "kms", "hsm", "pkcs11",
}

// netRole returns the role of file i: the first of the categories it is
// in, with the keys category also taking code whose path words say it
// handles keys; "" when it has none.
func netRole(pass *guard.Pass, i int, cats []string, keyWords map[string]bool) string {
	for _, c := range cats {
		if pass.InCategory(i, c) || c == guard.CategoryKeys && netKeyCodePath(pass.Files[i].Path, keyWords) {
			return c
		}
	}
	return ""
}

// netKeyCodePath reports a source file whose path has a key-code word.
func netKeyCodePath(p string, keyWords map[string]bool) bool {
	if netDocFile(p) {
		return false
	}
	var prev string
	for _, seg := range strings.Split(strings.TrimSuffix(p, path.Ext(p)), "/") {
		prev = ""
		for _, w := range textscan.Words(seg) {
			if keyWords[w] || keyWords[prev+w] {
				return true
			}
			prev = w
		}
	}
	return false
}

// netLowered says why the endpoints of a file are low whatever its role:
// a test, documentation, an example, a vendored package or a declared
// asset folder (bundles, generated pages). "" when they are not.
func netLowered(pass *guard.Pass, i int) string {
	p := pass.Files[i].Path
	switch {
	case testpath.MatchIn(p, pass.InCategory(i, guard.CategoryDeploy) || pass.InCategory(i, guard.CategoryCI)):
		return "a test file"
	case netDocFile(p):
		return "documentation"
	case netInDir(p, "examples", "example", "samples", "sample") || strings.HasSuffix(p, ".example") ||
		strings.HasSuffix(p, ".sample"):
		return "an example"
	case vendorpath.Match(p):
		return "vendored third-party code"
	case pass.Classifier != nil && pass.Classifier.Asset(p):
		return "an asset folder"
	}
	return ""
}

// netDocFile reports documentation: Markdown, reStructuredText, AsciiDoc
// and plain text, and files under docs/.
func netDocFile(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".md", ".markdown", ".rst", ".adoc", ".txt":
		return true
	}
	return netInDir(p, "docs", "doc")
}

// netInDir reports whether a folder of p, at any depth, has one of names.
func netInDir(p string, names ...string) bool {
	for _, n := range names {
		if strings.HasPrefix(p, n+"/") || strings.Contains(p, "/"+n+"/") {
			return true
		}
	}
	return false
}

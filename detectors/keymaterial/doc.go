// Package keymaterial is the key-material detector: it reports private keys
// in added lines: PEM and OpenSSH private key blocks, PuTTY key files, raw
// 64-hex secp256k1 keys assigned to a key-like name, Solana keypair arrays,
// Ethereum keystores and BIP-39 mnemonics with a valid checksum. Evidence
// keeps only a redacted fingerprint. Well-known curve parameters and hash
// constants are no keys; well-known development keys, fragments of keys
// (scanners' samples), and keys in tests, test vectors and vendored
// packages are low, unless the change also adds the same key where it
// ships.
//
// Its cases are testdata/*.txtar (see package detectortest).
package keymaterial

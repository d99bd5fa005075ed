// Package keymaterial is the key-material detector: it reports private keys
// in added lines: PEM and OpenSSH private key blocks, PuTTY key files, raw
// 64-hex secp256k1 keys assigned to a key-like name, Solana keypair arrays,
// Ethereum keystores and BIP-39 mnemonics with a valid checksum. Evidence
// keeps only a redacted fingerprint; well-known public development keys are
// reported at low severity.
//
// Its cases are testdata/*.txtar (see package detectortest).
package keymaterial

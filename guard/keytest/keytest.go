// Package keytest makes private keys for tests when they run, so that no
// key material is ever committed to this repository: keys a commit adds
// for the key-material detector to find, and keys of GitHub Apps.
package keytest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"testing"
)

// EC returns a new P-256 private key.
func EC(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("keytest: generate an EC key: %v", err)
	}
	return k
}

// ECPEM returns a new P-256 private key in SEC 1 PEM ("EC PRIVATE KEY"),
// as OpenSSL writes one.
func ECPEM(t testing.TB) string {
	t.Helper()
	der, err := x509.MarshalECPrivateKey(EC(t))
	if err != nil {
		t.Fatalf("keytest: encode an EC key: %v", err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}))
}

// PKCS8PEM returns k, an *ecdsa.PrivateKey, *rsa.PrivateKey or
// ed25519.PrivateKey, in PKCS #8 PEM ("PRIVATE KEY").
func PKCS8PEM(t testing.TB, k any) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatalf("keytest: encode a PKCS #8 key: %v", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// RSA returns a new RSA private key of bits.
func RSA(t testing.TB, bits int) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatalf("keytest: generate an RSA key: %v", err)
	}
	return k
}

// RSAPEM returns k in PKCS #1 PEM ("RSA PRIVATE KEY"), as GitHub hands
// out the private key of an App.
func RSAPEM(k *rsa.PrivateKey) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
}

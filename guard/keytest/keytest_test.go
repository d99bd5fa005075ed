package keytest_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/pem"
	"testing"

	"github.com/repoguard/repoguard/guard/keytest"
)

// decode returns the one PEM block of text, with its type.
func decode(t *testing.T, text []byte) *pem.Block {
	t.Helper()
	b, rest := pem.Decode(text)
	if b == nil || len(rest) != 0 {
		t.Fatalf("not one PEM block: %q", text)
	}
	return b
}

func TestKeys(t *testing.T) {
	b := decode(t, []byte(keytest.ECPEM(t)))
	ec, err := x509.ParseECPrivateKey(b.Bytes)
	if b.Type != "EC PRIVATE KEY" || err != nil || ec.Curve != elliptic.P256() {
		t.Errorf("ECPEM: %s block, %v", b.Type, err)
	}
	if keytest.ECPEM(t) == keytest.ECPEM(t) {
		t.Error("ECPEM returned the same key twice")
	}

	k := keytest.RSA(t, 1024)
	b = decode(t, keytest.RSAPEM(k))
	back, err := x509.ParsePKCS1PrivateKey(b.Bytes)
	if b.Type != "RSA PRIVATE KEY" || err != nil || !back.Equal(k) || k.N.BitLen() != 1024 {
		t.Errorf("RSAPEM: %s block, %v", b.Type, err)
	}

	ecKey := keytest.EC(t)
	b = decode(t, keytest.PKCS8PEM(t, ecKey))
	parsed, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if got, ok := parsed.(*ecdsa.PrivateKey); b.Type != "PRIVATE KEY" || err != nil || !ok || !got.Equal(ecKey) {
		t.Errorf("PKCS8PEM: %s block, %T, %v", b.Type, parsed, err)
	}
}

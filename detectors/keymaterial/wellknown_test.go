package keymaterial

import (
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/sha3"
	"fmt"
	"math/big"
	"testing"

	"github.com/repoguard/repoguard/detectors/internal/textscan"
)

// kmHexOf is a number as 64 lowercase hex digits.
func kmHexOf(n *big.Int) string { return fmt.Sprintf("%064x", n) }

// kmBig parses hex or fails the test.
func kmBig(t *testing.T, h string) *big.Int {
	t.Helper()
	n, ok := new(big.Int).SetString(h, 16)
	if !ok {
		t.Fatalf("bad hex %q", h)
	}
	return n
}

// TestKmConstantsAreTheCurves recomputes the constants from their
// definitions, so that a typo in the table cannot hide a key or miss one.
func TestKmConstantsAreTheCurves(t *testing.T) {
	p256 := elliptic.P256().Params()
	one, two := big.NewInt(1), big.NewInt(2)
	half := func(n *big.Int) *big.Int { return new(big.Int).Rsh(n, 1) }
	halfUp := func(n *big.Int) *big.Int { return new(big.Int).Add(half(n), one) }
	secpN := kmBig(t, kmSecp256k1Order)
	edP := new(big.Int).Sub(new(big.Int).Lsh(one, 255), big.NewInt(19))
	edL := kmBig(t, "1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed")
	// d = -121665/121666 mod p, and sqrt(-1) = 2^((p-1)/4) mod p.
	edD := new(big.Int).Mul(big.NewInt(-121665), new(big.Int).ModInverse(big.NewInt(121666), edP))
	edD.Mod(edD, edP)
	sqrtM1 := new(big.Int).Exp(two, new(big.Int).Rsh(new(big.Int).Sub(edP, one), 2), edP)
	bnR := kmBig(t, "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001")
	bnP := kmBig(t, "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47")
	blsR := kmBig(t, "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001")
	for _, n := range []*big.Int{
		half(secpN), halfUp(secpN),
		p256.P, new(big.Int).Sub(p256.P, big.NewInt(3)), p256.B, p256.N, half(p256.N), halfUp(p256.N), p256.Gx, p256.Gy,
		edP, edL, half(edL), edD, new(big.Int).Mod(new(big.Int).Mul(two, edD), edP), sqrtM1,
		bnP, bnR, half(bnR), half(bnP), blsR, half(blsR),
	} {
		if h := kmHexOf(n); kmConstants[h] == "" {
			t.Errorf("%s is missing from kmConstants", h)
		}
	}
	if new(big.Int).Exp(sqrtM1, two, edP).Cmp(new(big.Int).Sub(edP, one)) != 0 {
		t.Error("sqrt(-1) squared is not -1")
	}
	for _, d := range [][32]byte{sha256.Sum256(nil), sha3.Sum256(nil)} {
		if h := fmt.Sprintf("%x", d); kmConstants[h] == "" {
			t.Errorf("empty digest %s is missing from kmConstants", h)
		}
	}
}

// TestKmSecp256k1Constants checks the generator and the endomorphism:
// y^2 = x^3 + 7 (mod p), lambda^3 = 1 (mod n) and beta^3 = 1 (mod p).
func TestKmSecp256k1Constants(t *testing.T) {
	p := kmBig(t, "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f")
	n := kmBig(t, kmSecp256k1Order)
	gx := kmBig(t, "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")
	gy := kmBig(t, "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8")
	lhs := new(big.Int).Exp(gy, big.NewInt(2), p)
	rhs := new(big.Int).Add(new(big.Int).Exp(gx, big.NewInt(3), p), big.NewInt(7))
	if lhs.Cmp(rhs.Mod(rhs, p)) != 0 {
		t.Error("G is not on secp256k1")
	}
	lambda := kmBig(t, "5363ad4cc05c30e0a5261c028812645a122e22ea20816678df02967c1b23bd72")
	beta := kmBig(t, "7ae96a2b657c07106e64479eac3434e99cf0497512f58995c1396c28719501ee")
	if new(big.Int).Exp(lambda, big.NewInt(3), n).Cmp(big.NewInt(1)) != 0 ||
		new(big.Int).Exp(beta, big.NewInt(3), p).Cmp(big.NewInt(1)) != 0 {
		t.Error("lambda or beta is not a cube root of one")
	}
	for _, v := range []*big.Int{gx, gy, lambda, beta} {
		if kmConstants[kmHexOf(v)] == "" {
			t.Errorf("%s is missing from kmConstants", kmHexOf(v))
		}
	}
}

// TestKmTablesAreHex checks that every entry is 64 lowercase hex digits, so
// that it can match what kmHexKeys compares, and that no value is both a
// constant and a development key.
func TestKmTablesAreHex(t *testing.T) {
	for _, table := range []map[string]string{kmConstants, kmDevKeys} {
		for h, what := range table {
			if len(h) != 64 || !textscan.AllHex(h) || h != fmt.Sprintf("%064x", kmBig(t, h)) || what == "" {
				t.Errorf("bad entry %q: %q", h, what)
			}
		}
	}
	for h := range kmDevKeys {
		if kmConstants[h] != "" {
			t.Errorf("%s is both a constant and a development key", h)
		}
	}
	if len(kmDevKeys) != 51 {
		t.Errorf("%d development keys, want 20 Hardhat, 10 ganache-cli, 10 Truffle, 10 zkSync and Anvil's executor", len(kmDevKeys))
	}
}

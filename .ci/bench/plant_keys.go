package main

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/rand/v2"
	"strings"
)

// Private keys are generated here at run time from the run's seed (so a
// seed gives the same copy); none is ever written in this tool's source.

func randBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// scalar returns 32 random bytes that are a valid secp256k1 and P-256
// private key (non-zero, below both group orders).
func scalar(rng *rand.Rand) []byte {
	for {
		d := randBytes(rng, 32)
		if d[0] != 0 && d[0] < 0xf0 {
			return d
		}
	}
}

// ethKeyHex is an Ethereum private key as 0x-prefixed hex.
func ethKeyHex(rng *rand.Rand) string { return "0x" + hex.EncodeToString(scalar(rng)) }

// p256PEM is a P-256 key in SEC 1 PEM ("EC PRIVATE KEY").
func p256PEM(rng *rand.Rand) (string, error) {
	k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), scalar(rng))
	if err != nil {
		return "", err
	}
	der, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})), nil
}

// secp256k1PEM is a secp256k1 key in SEC 1 PEM, as openssl ecparam
// -name secp256k1 -genkey writes it (without the optional public key).
func secp256k1PEM(rng *rand.Rand) (string, error) {
	der, err := asn1.Marshal(struct {
		Version    int
		PrivateKey []byte
		Curve      asn1.ObjectIdentifier `asn1:"optional,explicit,tag:0"`
	}{1, scalar(rng), asn1.ObjectIdentifier{1, 3, 132, 0, 10}})
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})), nil
}

// ed25519PKCS8 is an Ed25519 key in PKCS #8 PEM ("PRIVATE KEY").
func ed25519PKCS8(rng *rand.Rand) (string, error) {
	der, err := x509.MarshalPKCS8PrivateKey(ed25519.NewKeyFromSeed(randBytes(rng, 32)))
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), nil
}

// opensshEd25519 is an unencrypted Ed25519 key in OpenSSH's format, as
// ssh-keygen -t ed25519 -N "" writes it.
func opensshEd25519(rng *rand.Rand, comment string) string {
	priv := ed25519.NewKeyFromSeed(randBytes(rng, 32))
	pub := priv.Public().(ed25519.PublicKey)
	str := func(b []byte) []byte { return append(binary.BigEndian.AppendUint32(nil, uint32(len(b))), b...) }
	pubBlob := append(str([]byte("ssh-ed25519")), str(pub)...)
	check := rng.Uint32()
	var sec []byte
	sec = binary.BigEndian.AppendUint32(sec, check)
	sec = binary.BigEndian.AppendUint32(sec, check)
	sec = append(sec, pubBlob...)
	sec = append(sec, str(priv)...)
	sec = append(sec, str([]byte(comment))...)
	for i := byte(1); len(sec)%8 != 0; i++ {
		sec = append(sec, i)
	}
	var blob []byte
	blob = append(blob, "openssh-key-v1\x00"...)
	blob = append(blob, str([]byte("none"))...)
	blob = append(blob, str([]byte("none"))...)
	blob = append(blob, str(nil)...)
	blob = binary.BigEndian.AppendUint32(blob, 1)
	blob = append(blob, str(pubBlob)...)
	blob = append(blob, str(sec)...)
	return "-----BEGIN OPENSSH PRIVATE KEY-----\n" + strings.Join(chunks(base64.StdEncoding.EncodeToString(blob), 70), "\n") +
		"\n-----END OPENSSH PRIVATE KEY-----\n"
}

// keyFile is a made-up key file: its name, content and what it is.
type keyFile struct{ name, data, what string }

// makeKeyFile makes a key file of a kind that fits the repository.
func makeKeyFile(rng *rand.Rand, env string, crypto bool) (keyFile, error) {
	kinds := []int{0, 1, 2}
	if crypto {
		kinds = append(kinds, 3, 3)
	}
	switch pick(rng, kinds) {
	case 0:
		name := pick(rng, []string{"deploy_key", "id_ed25519", env + "_deploy_key"})
		return keyFile{name, opensshEd25519(rng, "deploy@"+env), "OpenSSH Ed25519 private key"}, nil
	case 1:
		s, err := p256PEM(rng)
		return keyFile{env + "-signing.pem", s, "EC P-256 private key (PEM)"}, err
	case 2:
		s, err := ed25519PKCS8(rng)
		return keyFile{pick(rng, []string{"release.key", env + ".key"}), s, "Ed25519 private key (PKCS #8 PEM)"}, err
	}
	s, err := secp256k1PEM(rng)
	return keyFile{env + "-hot-wallet.pem", s, "secp256k1 private key (PEM)"}, err
}

// envKeyLines are the lines of a dotenv file holding a deployer key.
func envKeyLines(rng *rand.Rand, env string) string {
	name := pick(rng, []string{"PRIVATE_KEY", "DEPLOYER_PRIVATE_KEY", strings.ToUpper(env) + "_PRIVATE_KEY"})
	return fmt.Sprintf("%s=%s\n", name, ethKeyHex(rng))
}

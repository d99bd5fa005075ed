package textscan

import (
	"fmt"
	"testing"
)

func TestWords(t *testing.T) {
	for in, want := range map[string]string{
		"raw_wallet":               "[raw wallet]",
		"PrivateKey":               "[private key]",
		"E2ETests":                 "[e2e tests]",
		"fooBAR":                   "[foo bar]",
		"ECDSAKey":                 "[ecdsa key]",
		"secp256k1":                "[secp256k1]",
		"test-vectors.v2 x":        "[test vectors v2 x]",
		"__init__":                 "[init]",
		"":                         "[]",
		"bip352_send_test_vectors": "[bip352 send test vectors]",
		"HTTPServer2Go":            "[http server2 go]",
	} {
		if got := fmt.Sprint(Words(in)); got != want {
			t.Errorf("Words(%q) = %s, want %s", in, got, want)
		}
	}
}

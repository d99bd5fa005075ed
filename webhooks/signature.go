package webhooks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// SignatureHeader is the header GitHub signs deliveries in.
const SignatureHeader = "X-Hub-Signature-256"

const signaturePrefix = "sha256="

// Sign returns the X-Hub-Signature-256 value GitHub sends for body under
// secret: "sha256=" and the hex HMAC-SHA256. Tests and tools use it to
// sign deliveries.
func Sign(secret, body []byte) string {
	return signaturePrefix + hex.EncodeToString(mac(secret, body))
}

// VerifySignature reports whether header is a valid X-Hub-Signature-256
// of body under one of secrets. Empty secrets never match. The MAC is
// compared in constant time against every secret, whether or not an
// earlier one matched.
func VerifySignature(header string, body []byte, secrets [][]byte) bool {
	hexSum, ok := strings.CutPrefix(header, signaturePrefix)
	if !ok || len(hexSum) != 2*sha256.Size {
		return false
	}
	got, err := hex.DecodeString(hexSum)
	if err != nil {
		return false
	}
	match := false
	for _, s := range secrets {
		if len(s) > 0 && hmac.Equal(got, mac(s, body)) {
			match = true
		}
	}
	return match
}

func mac(secret, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return m.Sum(nil)
}

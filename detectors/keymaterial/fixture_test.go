package keymaterial

import "testing"

func TestKmFixtureFile(t *testing.T) {
	for path, want := range map[string]string{
		"src/wycheproof/ecdh_secp256k1_test.json": kmInTestFile,
		"tests_deprecated/utils/general.js":       kmInTestFile,
		"testdata/cheats/Derive.t.sol":            kmInTestFile,
		"vendor/google.golang.org/api/sa.json":    kmInVendorCode,
		"web/node_modules/x/key.pem":              kmInVendorCode,
		"deploy/.env.prod":                        "",
		"src/attestation/signer.ts":               "",
	} {
		if got := kmFixtureFile(path, false); got != want {
			t.Errorf("kmFixtureFile(%q) = %q, want %q", path, got, want)
		}
	}
	if got := kmFixtureFile(".github/workflows/test.yml", true); got != "" {
		t.Errorf("a CI workflow named test.yml is a test file: %q", got)
	}
	if got := kmFixtureFile("deploy/vendor/x/key.pem", true); got != kmInVendorCode {
		t.Errorf("a vendored package in the deploy area: %q", got)
	}
}

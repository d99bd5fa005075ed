package testpath

import "testing"

func TestMatchWords(t *testing.T) {
	for path, want := range map[string]bool{
		"detect/detect_test.go":                     true,
		"tests_deprecated/utils/general.js":         true,
		"src/test_utils.rs":                         true,
		"src/FooTest.java":                          true,
		"src/E2ETests/run.ts":                       true,
		"bip352_send_and_receive_test_vectors.json": true,
		"src/wycheproof/ecdh.json":                  true,
		"contracts/mocks/Token.sol":                 true,
		"test/Counter.t.sol":                        true,
		"src/Counter.t.sol":                         true,
		"crates/testing/lib.rs":                     true,
		"src/attest.go":                             false,
		"src/latest/main.go":                        false,
		"src/contest.rs":                            false,
		"src/AttestationTest":                       true,
		"src/Attestation.ts":                        false,
		"deploy/prod.env":                           false,
	} {
		if got := MatchWords(path); got != want {
			t.Errorf("MatchWords(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestMatchIn(t *testing.T) {
	for _, tt := range []struct {
		path   string
		deploy bool
		want   bool
	}{
		{".github/workflows/test.yml", true, false},
		{"deploy/testnet/test.env", true, false},
		{"discovery/kubernetes/pod_test.go", true, true},
		{"deploy/test/values.yaml", true, true},
		{"src/test_vectors.json", false, true},
	} {
		if got := MatchIn(tt.path, tt.deploy); got != tt.want {
			t.Errorf("MatchIn(%q, %v) = %v, want %v", tt.path, tt.deploy, got, tt.want)
		}
	}
}

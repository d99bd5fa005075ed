package testpath

import (
	"path"
	"strings"
)

// testWords are the words that, in a folder's or a file's name, mark tests,
// test data, fixtures and published test vectors.
var testWords = map[string]bool{
	"test": true, "tests": true, "testing": true, "testdata": true, "testutil": true, "testutils": true,
	"testcases": true, "testvectors": true, "fixture": true, "fixtures": true, "mock": true, "mocks": true,
	"e2e": true, "wycheproof": true,
}

// MatchWords reports what Match reports and also paths where a folder's or
// the file's name has a test word among its words (split at _ - . and
// camelCase humps): tests_deprecated/, src/test_utils.rs, FooTest.java,
// bip352_send_and_receive_test_vectors.json, wycheproof/ecdh_test.json,
// and Foundry tests (*.t.sol). "attest" or "latest" are not test words.
func MatchWords(p string) bool {
	if Match(p) || strings.HasSuffix(p, ".t.sol") {
		return true
	}
	for _, seg := range strings.Split(strings.TrimSuffix(p, path.Ext(p)), "/") {
		for _, w := range splitWords(seg) {
			if testWords[strings.ToLower(w)] {
				return true
			}
		}
	}
	return false
}

// splitWords splits a name at _ - . and spaces and before each
// capitalized hump: "FooTest" gives Foo and Test, "E2ETests" gives E2E and
// Tests.
func splitWords(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		switch {
		case i == len(s) || s[i] == '_' || s[i] == '-' || s[i] == '.' || s[i] == ' ':
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		case i > start && isUpper(s[i]) && i+1 < len(s) && isLower(s[i+1]):
			out = append(out, s[start:i])
			start = i
		}
	}
	return out
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isLower(c byte) bool { return c >= 'a' && c <= 'z' }

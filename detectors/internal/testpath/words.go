package testpath

import (
	"path"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/textscan"
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
		for _, w := range textscan.Words(seg) {
			if testWords[w] {
				return true
			}
		}
	}
	return false
}

// MatchIn is MatchWords, except for files of the deploy and CI areas
// (deployOrCI), where only Match counts: there a test word in a name
// names a test deployment or a workflow that runs the tests
// (.github/workflows/test.yml, deploy/testnet/test.env), whose keys and
// endpoints are real.
func MatchIn(p string, deployOrCI bool) bool {
	if deployOrCI {
		return Match(p)
	}
	return MatchWords(p)
}

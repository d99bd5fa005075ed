package dependencychange

import (
	"slices"
	"strings"
	"testing"
)

func TestDepSourceKeys(t *testing.T) {
	tests := []struct {
		line string
		want []string
	}{
		{`source = "git+https://github.com/alloy-rs/alloy?rev=5b6a1d0#5b6a1d00"`, []string{"github.com/alloy-rs/alloy"}},
		{`resolved "https://codeload.github.com/web3-js/WebSocket-Node/tar.gz/905deb48"`, []string{"github.com/web3-js/websocket-node"}},
		{`"ethereumjs-abi@git+https://github.com/ethereumjs/ethereumjs-abi.git":`, []string{"github.com/ethereumjs/ethereumjs-abi"}},
		{`"resolved": "git+ssh://git@github.com/matter-labs/zksync-telemetry-js.git#2fd9edbe"`, []string{"github.com/matter-labs/zksync-telemetry-js"}},
		{`url = git@gitlab.com:acme/vault.git`, []string{"gitlab.com/acme/vault"}},
		{`"helper": "github:some-dev/helper#main"`, []string{"github.com/some-dev/helper"}},
		{`eth-keys @ git+https://github.com/some-dev/eth-keys@4f2a1c9`, []string{"github.com/some-dev/eth-keys"}},
		{`"resolved": "https://npm.attacker.example.net/@acme/keys/-/keys-2.0.0.tgz"`, []string{"npm.attacker.example.net"}},
		{`a http://x.example.org/a and git+https://bitbucket.org/o/r.git`, []string{"x.example.org", "bitbucket.org/o/r"}},
		{`"version": "^1.2.3"`, nil},
		{`see a://b`, nil},
	}
	for _, tt := range tests {
		if got := depSourceKeys(tt.line); !slices.Equal(got, tt.want) {
			t.Errorf("depSourceKeys(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}

func TestDepUpstream(t *testing.T) {
	tests := []struct {
		name, key string
		want      bool
	}{
		{"alloy-transport-http", "github.com/alloy-rs/alloy", true},
		{"tempo-primitives", "github.com/tempoxyz/tempo", true},
		{"@openzeppelin/contracts", "github.com/openzeppelin/openzeppelin-contracts", true},
		{"github.com/golang/lint", "golang.org", true},
		{"sourcegraph.com/sourcegraph/go-diff", "github.com/sourcegraph/go-diff", true},
		{"k8s.io/klog", "github.com/simonpasquier/klog-gokit", false},
		{"github.com/uber/jaeger-client-go", "github.com/ssantos/jaeger-client-go", false},
		{"revm", "github.com/jsmith42/revm", false},
		{"alloy-provider", "github.com/alloy-rs-fork/alloy", false},
		{"go-utils", "github.com/go/utils", false},
	}
	for _, tt := range tests {
		if got := depUpstream(tt.name, tt.key); got != tt.want {
			t.Errorf("depUpstream(%q, %q) = %v, want %v", tt.name, tt.key, got, tt.want)
		}
	}
}

func TestDepTyposquat(t *testing.T) {
	known := newDepTypoIndex(depNPM, []string{"acme-signer"})
	tests := []struct {
		eco        depEco
		name, near string
	}{
		{depNPM, "crossenv", "cross-env"},      // a deletion
		{depNPM, "electorn", "electron"},       // two neighbours swapped
		{depNPM, "expresss", "express"},        // an insertion
		{depNPM, "lodahs", "lodash"},           // swapped at the end
		{depNPM, "acme-signor", "acme-signer"}, // a known package of the setting
		{depPip, "jeIlyfish", "jellyfish"},     // a substitution, across case
		{depPip, "python_dateutil", ""},        // the same name to PyPI
		{depCargo, "rustdecimal", "rust-decimal"},
		{depNPM, "preact", ""}, // popular itself
		{depNPM, "ms", ""},     // too short to tell
		{depGoMod, "github.com/stretchr/testifi", "github.com/stretchr/testify"},
		{depGoMod, "github.com/stretchr/testify/v2", ""},
	}
	for _, tt := range tests {
		near, ok := depTyposquat(tt.eco, tt.name, known)
		if ok != (tt.near != "") || near != tt.near {
			t.Errorf("depTyposquat(%q) = %q, %v; want %q", tt.name, near, ok, tt.near)
		}
	}
}

func TestDepUsedBefore(t *testing.T) {
	ch := &depChange{oldKeys: map[string]bool{"github.com/bluealloy/revm": true}, lockEcos: map[depEco]bool{depNPM: true},
		lockNew: map[string]bool{"github.com/new/pkg": true}}
	tests := []struct {
		eco  depEco
		key  string
		used bool
	}{
		{depCargo, "github.com/bluealloy/revm", true},            // named before
		{depCargo, "github.com/bluealloy/revm-inspectors", true}, // its owner was
		{depCargo, "github.com/jsmith42/revm", false},            // new, and no lock edited
		{depNPM, "github.com/someone/helper", true},              // the edited lock does not start to use it
		{depNPM, "github.com/new/pkg", false},                    // the edited lock starts to use it
		{depCargo, "", false},
	}
	for _, tt := range tests {
		if got := ch.usedBefore(tt.eco, tt.key) != ""; got != tt.used {
			t.Errorf("usedBefore(%q) = %v, want %v", tt.key, got, tt.used)
		}
	}
}

// FuzzDepSources feeds arbitrary lines to the source-key reader and the
// typosquat index: they must not panic, a key must be lowercase with a
// dotted host, and a name is never a typo of itself.
func FuzzDepSources(f *testing.F) {
	f.Add(`source = "git+https://github.com/alloy-rs/alloy?rev=5b6a1d0#5b6a1d00"`)
	f.Add(`git@gitlab.com:acme/vault.git github:o/r#x https://codeload.github.com/a/b/tar.gz/c`)
	f.Add("a://b:// git@ github: ://x")
	f.Fuzz(func(t *testing.T, line string) {
		for _, k := range depSourceKeys(line) {
			host, _, _ := strings.Cut(k, "/")
			if !strings.Contains(host, ".") || strings.ToLower(host) != host {
				t.Fatalf("key %q of %q has no lowercase dotted host", k, line)
			}
		}
		for eco := depNPM; eco < depLock; eco++ {
			x := newDepTypoIndex(eco, []string{line})
			if near, ok := depTyposquat(eco, line, x); ok {
				t.Fatalf("%q is a typo of %q, which is itself", line, near)
			}
		}
	})
}

package networkendpoint

import (
	"strings"
	"testing"

	"github.com/repoguard/repoguard/detectors/detectortest"
	"github.com/repoguard/repoguard/guard"
)

func TestNetCode(t *testing.T) {
	tests := []struct {
		path  string
		lines []string
		want  []string // the code of each line
	}{
		{"a.sol", []string{"/**", "   @dev see https://x.io/a", "*/", "f(); // https://x.io/b", `s = "https://x.io/c"; /* x`, "y */ g();"},
			[]string{"", "", "", "f(); ", `s = "https://x.io/c"; `, " g();"}},
		{"a.go", []string{`u := "http://a//b" // c`, "#define X 1"}, []string{`u := "http://a//b" `, "#define X 1"}},
		{"a.c", []string{`#define URL "https://x.io"`}, []string{`#define URL "https://x.io"`}},
		{"Dockerfile", []string{"    --url https://x.io", "# https://y.io", "RUN a # b"}, []string{"    --url https://x.io", "", "RUN a "}},
		{"a.py", []string{`"""`, "https://x.io", `"""`, `u = "a#b"  # c`}, []string{"", "", "", `u = "a#b"  `}},
		{"a.xml", []string{"<!--", "https://x.io", "-->", "<a/>"}, []string{"", "", "", "<a/>"}},
		{"a.sql", []string{"-- https://x.io", "select 1"}, []string{"", "select 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			c := netCode{syn: netSyntaxOf(tt.path), last: -1}
			for i, s := range tt.lines {
				if got := c.code(guard.Line{Number: i + 1, Text: s}); got != tt.want[i] {
					t.Errorf("line %d %q: code %q, want %q", i+1, s, got, tt.want[i])
				}
			}
		})
	}
}

func TestNetCodeGapEndsBlock(t *testing.T) {
	c := netCode{syn: netSyntaxOf("a.go"), last: -1}
	c.code(guard.Line{Number: 1, Text: "/* open"})
	if got := c.code(guard.Line{Number: 9, Text: `u := "https://x.io"`}); got == "" {
		t.Error("a line after a gap was read as still inside the block comment")
	}
}

func TestNetKeyCodePath(t *testing.T) {
	words := map[string]bool{}
	for _, w := range netDefaultKeyCodeWords {
		words[w] = true
	}
	for p, want := range map[string]bool{
		"src/ecdsa_impl.h":                        true,
		"src/secp256k1.c":                         true,
		"cmd/generate/config/rules/privatekey.go": true,
		"src/PrivateKey.ts":                       true,
		"crates/cheatcodes/src/crypto.rs":         true,
		"crates/wallets/src/raw_wallet.rs":        true,
		"src/signature_db.rs":                     false,
		"src/keyvalue/store.go":                   false,
		"docs/wallet.md":                          false,
		"src/tables.go":                           false,
	} {
		if got := netKeyCodePath(p, words); got != want {
			t.Errorf("netKeyCodePath(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestNetDocLink(t *testing.T) {
	for u, want := range map[string]bool{
		"https://github.com/ethereum/EIPs/issues/20":                    true,
		"https://gitlab.com/o/r/-/merge_requests/3":                     true,
		"https://github.com/o/r/releases/download/v1/x.tar.gz":          false,
		"https://github.com/o/r.git":                                    false,
		"http://www.apache.org/licenses/LICENSE-2.0":                    true,
		"https://opensource.org/license/mit/":                           true,
		"http://www.w3.org/2000/svg":                                    true,
		"https://eips.ethereum.org/EIPS/eip-2681":                       true,
		"https://prometheus.io/docs":                                    true,
		"http://releases.k8s.io/HEAD/docs/devel/api-conventions.md#abc": true,
		"https://collector.io/v1/usage":                                 false,
		"https://collector.io/doctor":                                   false,
	} {
		es := netFind(u)
		if len(es) != 1 {
			t.Fatalf("netFind(%q) = %+v", u, es)
		}
		if got := netDocLink(es[0]); got != want {
			t.Errorf("netDocLink(%q) = %v, want %v", u, got, want)
		}
	}
}

func TestNetCallIn(t *testing.T) {
	for line, want := range map[string]string{
		`_, _ = http.Post(u, "application/json", b)`: "http.Post(",
		`await prefetch(url)`:                        "",
		`window.fetch(url)`:                          "fetch(",
		`s.send_to(buf, "1.2.3.4:53")`:               "",
		`int s = socket(AF_INET, SOCK_DGRAM, 0);`:    "socket(AF_INET",
		`curl -d @- https://x.io`:                    "",
		`my_sendto(buf)`:                             "",
	} {
		if got := netCallIn(line, false); got != want {
			t.Errorf("netCallIn(%q) = %q, want %q", line, got, want)
		}
	}
	if got := netCallIn("curl -d @- https://x.io", true); got != "curl " {
		t.Errorf("a shell file's curl: %q", got)
	}
}

// FuzzNetworkEndpoint runs the detector over any text in a key-handling
// source file, a Dockerfile and a Python file: no panic, every finding on
// an added line, no credentials of a URL in a message.
func FuzzNetworkEndpoint(f *testing.F) {
	f.Add("/* a\n  https://x.io\n*/ b(); fetch(`https://${h}`) // c\n\"\"\"\nhttp.Post(u)\n")
	f.Add("RUN curl -u user:s3cr3t@x https://user:s3cr3t@h.io/x # y\n    --url 45.76.12.9\n")
	f.Add("#[cfg(test)]\nlet _ = UdpSocket::bind(\"0.0.0.0:0\"); key\n<!-- https://a.io -->")
	cls := detectortest.PrefixClassifier{ByPrefix: map[string]string{"deploy/": guard.CategoryDeploy}}
	f.Fuzz(func(t *testing.T, text string) {
		lines := detectortest.Lines(text)
		for _, p := range []string{"src/wallet/send.ts", "deploy/Dockerfile", "src/signer/keys.py"} {
			fc := guard.FileChange{Path: p, Status: guard.Modified, AddedLines: lines}
			for _, fd := range detectortest.JudgeFiles(t, Detector, cls, fc) {
				if fd.Line < 1 || fd.Line > len(lines) {
					t.Fatalf("%s: finding at line %d of %d", p, fd.Line, len(lines))
				}
				if out := fd.Message + strings.Join(fd.Evidence, " "); strings.Contains(out, ":s3cr3t@") {
					t.Fatalf("%s: credentials in %q %q", p, fd.Message, fd.Evidence)
				}
			}
		}
	})
}

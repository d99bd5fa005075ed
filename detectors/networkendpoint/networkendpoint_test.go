package networkendpoint

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/detectors/detectortest"
	"github.com/repoguard/repoguard/detectors/internal/textscan"
	"github.com/repoguard/repoguard/guard"
)

func TestNetFind(t *testing.T) {
	tests := []struct {
		line string
		want []string // hosts
	}{
		{`rpc: "https://user:pw@rpc.x.io:8545/v1?k=1"`, []string{"rpc.x.io"}},
		{`peer = "[2a01:4f8::1]:30303"`, []string{"2a01:4f8::1"}},
		{`ws://[2a01:4f8::2]:8546/ and 8.8.8.8:53`, []string{"2a01:4f8::2", "8.8.8.8"}},
		{`allow 91.198.174.0/24;`, []string{"91.198.174.0"}},
		{`version: 1.2.3.4`, nil},
		{`image: node:1.2.3.4`, nil},
		{`v1.2.3.4 and 1.2.3.4.5 and 1.2.3.256 and 01.2.3.4`, nil},
		{`oid 1.3.6.1.4.1.311`, nil},
		{`pkg-1.2.3.4-beta`, nil},
		{`use std::io; Foo::bar(); 0x1::coin::transfer; 12:30:45; aa:bb:cc:dd:ee:ff`, nil},
		{`fingerprint: 93:6c:9e:29:8d:37:7b:66`, nil},
		{`peer 2a01:4f8:c17:1234:0:0:0:1`, []string{"2a01:4f8:c17:1234::1"}},
		{`see (https://docs.x.io/a).`, []string{"docs.x.io"}},
		{`url: https://${HOST}/x and https://{{ .Values.h }}/`, nil},
	}
	for _, tt := range tests {
		var got []string
		for _, e := range netFind(tt.line) {
			got = append(got, e.host)
		}
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("netFind(%q) = %v, want %v", tt.line, got, tt.want)
		}
	}
}

func TestNetFindRedactsCredentials(t *testing.T) {
	es := netFind("https://deploy:s3cr3t-token@git.x.io/repo.git")
	if len(es) != 1 || strings.Contains(es[0].text, "s3cr3t") || !es[0].cred {
		t.Fatalf("got %+v", es)
	}
}

func TestNetworkEndpointNeedsCategory(t *testing.T) {
	f := guard.FileChange{Path: "relay/send.go", Status: guard.Modified,
		AddedLines: detectortest.Lines(`const u = "https://drain.x.io/collect"`)}
	if fs := detectortest.JudgeFiles(t, Detector, nil, f); len(fs) != 0 {
		t.Errorf("without a classifier nothing is in a category: %+v", fs)
	}
	cls := detectortest.PrefixClassifier{ByPrefix: map[string]string{"relay/": guard.CategoryKeys}}
	fs := detectortest.JudgeFiles(t, Detector, cls, f)
	if len(fs) != 1 || fs[0].Severity != guard.High || !strings.Contains(fs[0].Message, "drain.x.io") {
		t.Fatalf("want one high finding naming the host, got %+v", fs)
	}
}

func TestNetworkEndpointFoldsFlood(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 15; i++ {
		fmt.Fprintf(&b, "peer%d: 45.76.12.%d\n", i, i+1)
	}
	cls := detectortest.PrefixClassifier{ByPrefix: map[string]string{"deploy/": guard.CategoryDeploy}}
	f := guard.FileChange{Path: "deploy/peers.yml", Status: guard.Added, AddedLines: detectortest.Lines(b.String())}
	fs := detectortest.JudgeFiles(t, Detector, cls, f)
	if len(fs) != 11 {
		t.Fatalf("want 10 findings and a summary, got %d", len(fs))
	}
}

func FuzzNetFind(f *testing.F) {
	for _, s := range []string{"https://a:b@[::1]:80/x", "1.2.3.4/32", "fe80::1%eth0", "x://", "::", "1.1.1.1.", "[::ffff:1.2.3.4]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, e := range netFind(s) {
			if e.host == "" || !strings.Contains(s, e.raw) {
				t.Fatalf("netFind(%q): bad endpoint %+v", s, e)
			}
		}
	})
}

// BenchmarkNetworkEndpoint scans a large deploy file, most of whose lines
// have dots or colons but no endpoint.
func BenchmarkNetworkEndpoint(b *testing.B) {
	var text strings.Builder
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&text, "  image: ghcr.io/acme/svc-%d:1.2.%d\n  replicas: %d # a.b.c.d\n", i, i, i)
		fmt.Fprintf(&text, "  url: https://svc-%d.acme.internal:8080/health\n", i)
	}
	cls := detectortest.PrefixClassifier{ByPrefix: map[string]string{"deploy/": guard.CategoryDeploy}}
	f := guard.FileChange{Path: "deploy/values.yaml", Status: guard.Modified, AddedLines: detectortest.Lines(text.String())}
	b.ReportAllocs()
	for b.Loop() {
		detectortest.JudgeFiles(b, Detector, cls, f)
	}
}

// TestNetSpansMatchNaive: the URL spans' cursor answers as a check of
// every span would, on lines of URLs, addresses and both.
func TestNetSpansMatchNaive(t *testing.T) {
	naive := func(i int, spans [][2]int) bool {
		for _, sp := range spans {
			if i >= sp[0] && i < sp[1] {
				return true
			}
		}
		return false
	}
	pieces := []string{"https://a.io/x ", "1.2.3.4 ", "http://9.9.9.9:80/ ", "ftp://[2001:4860::1]/ ", "2001:4860::8 ",
		"x://", "...", " ", "\"", "a", "::", "https://h.io/1.2.3.4 ", "s3://b.c/d. ", "10.0.0.1/8 "}
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 7))
		var b strings.Builder
		for range 1 + rng.IntN(30) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		var spans [][2]int
		for off := 0; ; {
			i := strings.Index(s[off:], "://")
			if i < 0 {
				break
			}
			start, end := textscan.URLBounds(s, off+i)
			if start < off+i {
				spans = append(spans, [2]int{start, end})
			}
			off = end
		}
		cur := netSpans{spans: spans}
		for i := range len(s) {
			if got, want := cur.covers(i), naive(i, spans); got != want {
				t.Fatalf("%q: covers(%d) = %v, want %v (spans %v)", s, i, got, want, spans)
			}
		}
	}
}

package main

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"
)

func testRand() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }

func TestRewriter(t *testing.T) {
	stream := "reset refs/heads/main\n" +
		"commit refs/heads/main\nmark :1\noriginal-oid aaaa\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\ndata 4\none\nM 100644 1111 f.txt\n\n" +
		"commit refs/heads/main\nmark :2\noriginal-oid bbbb\nauthor A <a@x> 2 +0000\ncommitter A <a@x> 2 +0000\ndata 9\ncommit\nxyfrom :1\nM 100644 2222 big.bin\n\n" +
		"commit refs/heads/main\nmark :3\noriginal-oid cccc\nauthor A <a@x> 3 +0000\ncommitter A <a@x> 3 +0000\ndata 6\nthree\nfrom :2\nD f.txt\n\n" +
		"tag v1\nfrom :3\noriginal-oid dddd\ntagger A <a@x> 4 +0000\ndata 3\nv1\n"
	p := &plantedCommit{parent: "bbbb", child: "cccc", mark: markBase,
		author: person{"Eve", "eve@x", time.Unix(100, 0).UTC()}, committer: person{"Eve", "eve@x", time.Unix(100, 0).UTC()},
		message: "bad\n", att: &attack{changes: []change{{path: "k.pem", mode: "100644", data: []byte("KEY")}, {path: "lib/dep", mode: "160000", data: []byte("eeee")}}}}
	tests := []struct {
		name    string
		plants  []*plantedCommit
		replace map[string]string
		want    []string // in this order
		wantErr string
	}{
		{name: "copy", want: []string{"from :1\n", "M 100644 2222 big.bin", "from :2\n", "tag v1\n"}},
		{name: "materialise", replace: map[string]string{"2222": "9999"}, want: []string{"M 100644 9999 big.bin\n"}},
		{name: "insert", plants: []*plantedCommit{p}, want: []string{
			"mark :2\n", "commit refs/heads/main\nmark :1500000000\nauthor Eve <eve@x> 100 +0000\n", "data 4\nbad\n\nfrom :2\n",
			"M 100644 inline k.pem\ndata 3\nKEY\n", "M 160000 eeee lib/dep\n", "mark :3\n", "from :1500000000\nD f.txt\n", "tag v1\n"}},
		{name: "child before parent", plants: []*plantedCommit{{parent: "cccc", child: "bbbb", mark: 7, att: &attack{}}}, wantErr: "came before its parent"},
		{name: "child of another parent", plants: []*plantedCommit{{parent: "aaaa", child: "cccc", mark: 7, att: &attack{}}}, wantErr: "does not have"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := newRewriter(strings.NewReader(stream), &out, tc.replace, tc.plants).run()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			rest := out.String()
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("output lacks %q (in order) in:\n%s", w, out.String())
				}
				rest = rest[i+len(w):]
			}
			if tc.plants == nil && tc.replace == nil && out.String() != stream {
				t.Errorf("a copy without plants changed the stream:\n%s", out.String())
			}
		})
	}
}

func FuzzRewriter(f *testing.F) {
	f.Add("commit refs/heads/m\nmark :1\noriginal-oid aa\ndata 2\nhi\nM 100644 11 f\n\n")
	f.Add("data 99\nshort")
	f.Fuzz(func(t *testing.T, s string) {
		var out bytes.Buffer
		if err := newRewriter(strings.NewReader(s), &out, map[string]string{"11": "22"}, nil).run(); err == nil &&
			!strings.Contains(s, " 11 ") && out.String() != s {
			t.Errorf("stream without replaced blobs changed:\n%q\n%q", s, out.String())
		}
	})
}

func TestPrTarget(t *testing.T) {
	tests := []struct {
		name, in, headOf string
		want             []string
		skip             bool
	}{
		{name: "list trigger, bare checkout", in: "on: [push, pull_request]\njobs:\n  t:\n    steps:\n      - uses: actions/checkout@v4\n      - run: make\n",
			want: []string{"on: [push, pull_request_target]", "      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n      - run: make"}},
		{name: "map trigger, checkout with inputs", in: "on:\n  pull_request:\n    branches: [main]\njobs:\n  t:\n    steps:\n    - name: co\n      uses: actions/checkout@v3\n      with:\n        fetch-depth: 0\n",
			want: []string{"  pull_request_target:\n    branches", "      with:\n        ref: ${{ github.event.pull_request.head.sha }}\n        fetch-depth: 0"}},
		{name: "already pull_request_target", in: "on: pull_request_target\njobs:\n  t:\n    steps:\n      - uses: actions/checkout@v4\n", skip: true},
		{name: "no pull_request trigger", in: "on: push\njobs:\n  t:\n    steps:\n      - uses: actions/checkout@v4\n", skip: true},
		{name: "no checkout", in: "on: pull_request\njobs:\n  t:\n    steps:\n      - run: make\n", skip: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := prTarget(tc.in, false)
			if tc.skip {
				if !isSkip(err) {
					t.Fatalf("err = %v, want a skip", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("result lacks %q:\n%s", w, got)
				}
			}
		})
	}
}

func TestNpmAdd(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"middle", "{\n  \"dependencies\": {\n    \"alpha\": \"1.0.0\",\n    \"zeta\": \"2.0.0\"\n  }\n}\n", "    \"alpha\": \"1.0.0\",\n    \"mid\": \"^1.2.3\",\n    \"zeta\""},
		{"last", "{\n  \"dependencies\": {\n    \"alpha\": \"1.0.0\"\n  }\n}\n", "    \"alpha\": \"1.0.0\",\n    \"mid\": \"^1.2.3\"\n  }"},
		{"no section", "{\n  \"name\": \"x\"\n}\n", "\"name\": \"x\",\n  \"dependencies\": {\n    \"mid\": \"^1.2.3\"\n  }"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := npmAdd(tc.in, "mid", "^1.2.3")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(got, tc.want) || !json.Valid([]byte(got)) {
				t.Errorf("got (valid JSON: %v):\n%s\nwant it to contain:\n%s", json.Valid([]byte(got)), got, tc.want)
			}
		})
	}
}

func TestGoModAndSum(t *testing.T) {
	mod := "module m\n\nrequire (\n\ta.io/x v1.0.0\n\tz.io/y v1.0.0\n)\n"
	got, err := goRequire(mod, "m.io/new", "v0.1.0")
	if err != nil || !strings.Contains(got, "\ta.io/x v1.0.0\n\tm.io/new v0.1.0\n\tz.io/y v1.0.0\n)") {
		t.Errorf("goRequire = %q, %v", got, err)
	}
	sum := "a.io/x v1.0.0 h1:1=\na.io/x v1.0.0/go.mod h1:2=\nz.io/y v1.0.0 h1:3=\n"
	if got := sortedLineAdd(sum, "m.io/new v0.1.0 h1:4="); !strings.Contains(got, "go.mod h1:2=\nm.io/new v0.1.0 h1:4=\nz.io/y") {
		t.Errorf("sortedLineAdd = %q", got)
	}
}

func TestEnsureGoImports(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"std group", "package p\n\nimport (\n\t\"fmt\"\n\t\"strings\"\n\n\t\"example.com/x\"\n)\n", "import (\n\t\"fmt\"\n\t\"os\"\n\t\"strings\"\n\n\t\"example.com/x\"\n)"},
		{"third-party first", "package p\n\nimport (\n\t\"example.com/x\"\n)\n", "import (\n\t\"os\"\n\n\t\"example.com/x\"\n)"},
		{"no imports", "package p\n\nfunc f() {}\n", "package p\n\nimport (\n\t\"os\"\n)\n"},
		{"already there", "package p\n\nimport \"os\"\n", "package p\n\nimport \"os\"\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ensureGoImports(tc.in, "os"); !strings.Contains(got, tc.want) || strings.Count(got, "\"os\"") != 1 {
				t.Errorf("got:\n%s\nwant it to contain:\n%s", got, tc.want)
			}
		})
	}
}

func TestMutateComparison(t *testing.T) {
	b := &buildCtx{rng: testRand()}
	src := "// if a < b we stop\nx := \"if a < b\"\nif n >= limit {\n\treturn\n}\n"
	got, what, ok := b.mutateComparison(src)
	if !ok || !strings.Contains(got, "if n > limit {") || strings.Count(got, "<") != 2 || what != "line 3: >= became >" {
		t.Errorf("mutateComparison = %q, %q, %v", got, what, ok)
	}
	if _, _, ok := b.mutateComparison("// only a comment: if a < b\n"); ok {
		t.Error("a comment was mutated")
	}
}

func TestHardeningProbes(t *testing.T) {
	src := "# EnableCompilerFlag(\"-fstack-protector\")\nEnableCompilerFlag(\"-Wall\" true true false)\nEnableCompilerFlag(\"-Wa,--noexecstack\" true true false)\ncheck_c_source_compiles(\"\n#include <linux/landlock.h>\nint main(void) { return 0; }\n\" HAVE_LANDLOCK)\n"
	spots := hardeningProbes(src)
	if len(spots) != 3 || spots[0].line != 2 || spots[1].line != 4 || spots[2].line != 6 {
		t.Fatalf("spots = %+v, want lines 2, 4 and 6: the flag, the header and the result (not the comment, -Wall or main)", spots)
	}
	b := &buildCtx{rng: testRand()}
	l := strings.Split(src, "\n")[2]
	got, what := b.breakToken(l, spots[0].token)
	if got == l || strings.Contains(got, "noexecstack") || !strings.Contains(what, "noexecstack") {
		t.Errorf("breakToken(%q) = %q, %q", l, got, what)
	}
}

func TestPickTime(t *testing.T) {
	loc := time.FixedZone("", 8*3600)
	lo := time.Date(2023, 5, 1, 12, 0, 0, 0, time.UTC)
	rng := testRand()
	for _, hi := range []time.Time{lo.Add(72 * time.Hour), lo.Add(2 * time.Hour)} {
		got := pickTime(loc, 3, lo, hi, rng)
		if got.In(loc).Hour() != 3 || !got.Before(hi) {
			t.Errorf("pickTime(03, %v..%v) = %v", lo, hi, got)
		}
		if hi.Sub(lo) > 24*time.Hour && !got.After(lo) {
			t.Errorf("pickTime = %v, want it inside the window", got)
		}
	}
}

func TestCommitTimes(t *testing.T) {
	loc := time.FixedZone("", 3600)
	lo := time.Date(2022, 3, 1, 10, 0, 0, 0, time.UTC)
	rng := testRand()
	for _, hi := range []time.Time{lo, lo.Add(90 * time.Second), lo.Add(30 * 24 * time.Hour)} {
		for _, other := range []bool{false, true} {
			ta, tc := commitTimes(ident{Loc: loc, Hour: 14}, lo, hi, other, rng)
			if tc.Before(lo) || tc.After(hi) || ta.After(tc) || ta.In(loc).Hour() != 14 {
				t.Errorf("window %v..%v, other committer %v: author %v, committer %v", lo, hi, other, ta, tc)
			}
		}
	}
}

func TestCommitterOf(t *testing.T) {
	gh := person{"GitHub", "noreply@github.com", time.Time{}}
	mk := func(viaGitHub bool) commitRec {
		a := person{"A", "a@x", time.Time{}}
		if viaGitHub {
			return commitRec{Author: a, Committer: gh}
		}
		return commitRec{Author: a, Committer: a}
	}
	who := ident{Name: "Eve", Email: "eve@x"}
	web := []commitRec{mk(true), mk(true), mk(false), mk(true)}
	if n, e, other := committerOf(web, 3, who); n != "GitHub" || e != gh.Email || !other {
		t.Errorf("web-flow history: committer %s <%s>, %v", n, e, other)
	}
	direct := []commitRec{mk(false), mk(false), mk(true), mk(false)}
	if n, _, other := committerOf(direct, 3, who); n != "Eve" || other {
		t.Errorf("direct history: committer %s, %v", n, other)
	}
}

func TestUnusedHour(t *testing.T) {
	var h [24]int
	for _, u := range []int{8, 9, 10, 11, 12, 13, 14, 15, 16, 17} {
		h[u] = 3
	}
	if got := unusedHour(h, testRand()); got != 0 && got != 1 {
		t.Errorf("unusedHour = %d, want 0 or 1 (farthest from 08-17)", got)
	}
}

func TestKeys(t *testing.T) {
	rng := testRand()
	p256, err := p256PEM(rng)
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode([]byte(p256))
	if _, err := x509.ParseECPrivateKey(blk.Bytes); err != nil || blk.Type != "EC PRIVATE KEY" {
		t.Errorf("P-256 key: %v (%s)", err, blk.Type)
	}
	k1, _ := secp256k1PEM(rng)
	blk, _ = pem.Decode([]byte(k1))
	var sec1 struct {
		Version int
		Key     []byte
		Curve   asn1.ObjectIdentifier `asn1:"optional,explicit,tag:0"`
	}
	if _, err := asn1.Unmarshal(blk.Bytes, &sec1); err != nil || len(sec1.Key) != 32 || !sec1.Curve.Equal(asn1.ObjectIdentifier{1, 3, 132, 0, 10}) {
		t.Errorf("secp256k1 key: %v %+v", err, sec1)
	}
	ed, _ := ed25519PKCS8(rng)
	blk, _ = pem.Decode([]byte(ed))
	if _, err := x509.ParsePKCS8PrivateKey(blk.Bytes); err != nil {
		t.Errorf("Ed25519 key: %v", err)
	}
	ssh := opensshEd25519(rng, "deploy@x")
	body := strings.TrimSuffix(strings.TrimPrefix(ssh, "-----BEGIN OPENSSH PRIVATE KEY-----\n"), "-----END OPENSSH PRIVATE KEY-----\n")
	raw, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(body, "\n", ""))
	if err != nil || !bytes.HasPrefix(raw, []byte("openssh-key-v1\x00")) || !bytes.Contains(raw, []byte("deploy@x")) {
		t.Errorf("OpenSSH key: %v %q", err, raw[:min(20, len(raw))])
	}
	if k := ethKeyHex(rng); len(k) != 66 || !strings.HasPrefix(k, "0x") {
		t.Errorf("Ethereum key %q", k)
	}
}

func TestMakePerson(t *testing.T) {
	rng := testRand()
	tests := []struct{ model, want string }{
		{"123+bob@users.noreply.github.com", "+"},
		{"bob@users.noreply.github.com", "@users.noreply.github.com"},
		{"bob.smith@corp.example", "@corp.example"},
	}
	for _, tc := range tests {
		_, email := makePerson(person{Email: tc.model}, false, 5_000_000, rng)
		if !strings.Contains(email, tc.want) || email == tc.model {
			t.Errorf("makePerson(%s) = %s", tc.model, email)
		}
		if strings.Contains(tc.model, ".smith") && !strings.Contains(strings.Split(email, "@")[0], ".") {
			t.Errorf("makePerson(%s) = %s, want first.last", tc.model, email)
		}
	}
}

func TestKeyParam(t *testing.T) {
	tests := []struct{ lang, header, want string }{
		{"c", "static int sign(const unsigned char *sig, const unsigned char *seckey) {", "seckey"},
		{"c", "int verify(const secp256k1_ecdsa_sig_t *sig, const secp256k1_ge_t *pubkey) {", "pubkey"},
		{"go", "func Sign(pub []byte, privKey []byte) error {", "privKey"},
		{"rust", "    fn from_key(&self, private_key: &str) -> Result<W> {", "private_key"},
		{"js", "function send(a, b) {", ""},
	}
	for _, tc := range tests {
		if got, _ := keyParam(tc.lang, tc.header); got != tc.want {
			t.Errorf("keyParam(%s, %q) = %q, want %q", tc.lang, tc.header, got, tc.want)
		}
	}
}

func TestFuncNameAndThing(t *testing.T) {
	for header, want := range map[string]string{
		"export const loadSolc = async (version: string): Promise<Solc> => {": "loadSolc",
		"func (s *Server) Handle(w http.ResponseWriter) {":                    "Handle",
		"static int secp256k1_der_parse(const unsigned char **sig)":           "secp256k1_der_parse",
		"    pub async fn run(self) -> eyre::Result<()> {":                    "run",
	} {
		if got := funcName(header); got != want {
			t.Errorf("funcName(%q) = %q, want %q", header, got, want)
		}
	}
	for p, want := range map[string]string{"crates/cast/src/cmd/wallet/mod.rs": "wallet", "lib/TickMath.sol": "TickMath", "src/index.ts": "index"} {
		if got := thingOf(p); got != want {
			t.Errorf("thingOf(%s) = %q, want %q", p, got, want)
		}
	}
}

func TestAppendTopLevel(t *testing.T) {
	tests := []struct{ lang, src, want string }{
		{"c", "#ifndef X_H\n#define X_H\nint x;\n#endif /* X_H */\n", "int x;\n\nstatic int y;\n\n#endif /* X_H */\n"},
		{"c", "int x;\n", "int x;\n\nstatic int y;\n"},
		{"solidity", "contract C {\n    uint x;\n}\n", "    uint x;\n\n    static int y;\n}\n"},
	}
	for _, tc := range tests {
		got, ok := appendTopLevel(tc.lang, tc.src, "static int y;\n")
		if !ok || !strings.HasSuffix(got, tc.want) {
			t.Errorf("appendTopLevel(%s, %q) = %q, want it to end with %q", tc.lang, tc.src, got, tc.want)
		}
	}
}

func TestNewPersonNeverReusesAnAuthor(t *testing.T) {
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	zone := time.FixedZone("", 2*3600)
	mk := func(name, email string, i int) commitRec {
		p := person{name, email, at.Add(-time.Duration(i+1) * time.Hour).In(zone)}
		return commitRec{Author: p, Committer: p}
	}
	few := &history{all: []commitRec{mk("Ann Lee", "ann.lee@corp.example", 0), mk("Bo Kim", "bo.kim@corp.example", 1)}}
	id, err := newPerson(few, at, testRand())
	if err != nil || id.Email == "ann.lee@corp.example" || id.Email == "bo.kim@corp.example" || !strings.HasSuffix(id.Email, "@corp.example") {
		t.Errorf("newPerson = %+v, %v: want someone new at corp.example", id, err)
	}
	if _, off := time.Now().In(id.Loc).Zone(); off != 2*3600 {
		t.Errorf("zone %d, want the repository's +02:00", off)
	}
	// Every name the tool can make up is taken: it must give up rather
	// than plant a commit as a real person.
	var all []commitRec
	for _, f := range firstNames {
		for _, l := range lastNames {
			all = append(all, mk(f+" "+l, strings.ToLower(f+"."+l)+"@corp.example", len(all)))
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Committer.When.Before(all[j].Committer.When) })
	if id, err := newPerson(&history{all: all}, at, testRand()); err == nil {
		t.Errorf("newPerson = %s <%s>, an existing author", id.Name, id.Email)
	}
}

// TestReturningAuthorNotPlantedNearby: an author another planted commit
// makes active within 180 days is not returning, whichever was planted
// first.
func TestReturningAuthorNotPlantedNearby(t *testing.T) {
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var all []commitRec
	for i := range 12 {
		p := person{"Zed Rice", "zed@corp.example", at.AddDate(-3, 0, i)}
		all = append(all, commitRec{Author: p, Committer: p})
	}
	h := &history{all: all}
	if id, err := returningAuthor(h, at, true, nil, testRand()); err != nil || id.Email != "zed@corp.example" {
		t.Fatalf("returningAuthor = %+v, %v: want Zed, silent for years", id, err)
	}
	for _, d := range []int{-60, 60} {
		other := &plantedCommit{author: person{"Zed Rice", "zed@corp.example", at.AddDate(0, 0, d)}}
		if id, err := returningAuthor(h, at, true, []*plantedCommit{other}, testRand()); err == nil {
			t.Errorf("planted %d days away: returningAuthor = %+v, want none", d, id)
		}
	}
	far := &plantedCommit{author: person{"Zed Rice", "zed@corp.example", at.AddDate(0, 0, -400)}}
	if _, err := returningAuthor(h, at, true, []*plantedCommit{far}, testRand()); err != nil {
		t.Errorf("planted 400 days before: %v, want Zed", err)
	}
}

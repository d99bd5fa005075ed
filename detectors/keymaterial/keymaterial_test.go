package keymaterial

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/detectors/detectortest"
	"github.com/repoguard/repoguard/detectors/internal/textscan"
	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/keytest"
)

// kmTestMnemonic encodes entropy as a mnemonic (the inverse of bip39Entropy).
func kmTestMnemonic(ent []byte) string {
	sum := sha256.Sum256(ent)
	bits := append(append([]byte{}, ent...), sum[0])
	n := (len(ent)*8 + len(ent)/4) / 11
	words := make([]string, n)
	for i := range words {
		v := 0
		for b := 0; b < 11; b++ {
			bit := i*11 + b
			v = v<<1 | int(bits[bit/8]>>(7-bit%8)&1)
		}
		words[i] = bip39List[v]
	}
	return strings.Join(words, " ")
}

func TestBIP39WordList(t *testing.T) {
	sum := sha256.Sum256([]byte(bip39EnglishText))
	if got := hex.EncodeToString(sum[:]); got != "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda" {
		t.Errorf("bip39_english.txt sha256 = %s, want the official list's", got)
	}
	if len(bip39List) != 2048 || len(bip39Words) != 2048 {
		t.Errorf("word list has %d words (%d distinct), want 2048", len(bip39List), len(bip39Words))
	}
}

func TestBIP39Checksum(t *testing.T) {
	for _, size := range []int{16, 20, 24, 28, 32} {
		ent := make([]byte, size)
		for i := range ent {
			ent[i] = byte(i*37 + size)
		}
		phrase := kmTestMnemonic(ent)
		idx := kmTestIndices(t, phrase)
		got, ok := bip39Entropy(idx)
		if !ok || hex.EncodeToString(got) != hex.EncodeToString(ent) {
			t.Errorf("%d bytes: bip39Entropy(%q) = %x, %v", size, phrase, got, ok)
		}
		idx[len(idx)-1] ^= 1 // flips a checksum bit
		if _, ok := bip39Entropy(idx); ok {
			t.Errorf("%d bytes: a flipped checksum bit still validates", size)
		}
	}
	for phrase := range kmWellKnownMnemonics {
		if _, ok := bip39Entropy(kmTestIndices(t, phrase)); !ok {
			t.Errorf("well-known mnemonic %q has a bad checksum", phrase)
		}
	}
}

func kmTestIndices(t testing.TB, phrase string) []uint16 {
	t.Helper()
	var idx []uint16
	for _, w := range strings.Fields(phrase) {
		v, ok := bip39Words[w]
		if !ok {
			t.Fatalf("%q is not a BIP-39 word", w)
		}
		idx = append(idx, v)
	}
	return idx
}

// kmTestSecrets returns one file per kind of key material, with the secret
// text that must never appear in a finding.
func kmTestSecrets(t testing.TB) []struct{ path, text, secret string } {
	t.Helper()
	ec, err := ecdsa.GenerateKey(elliptic.P256(), kmZeroReader{})
	if err != nil {
		t.Fatal(err)
	}
	pemText := string(keytest.PKCS8PEM(t, ec))
	seed := sha256.Sum256([]byte("solana"))
	pair := ed25519.NewKeyFromSeed(seed[:])
	nums := make([]string, len(pair))
	for i, b := range pair {
		nums[i] = fmt.Sprint(b)
	}
	ent := sha256.Sum256([]byte("mnemonic"))
	phrase := kmTestMnemonic(ent[:])
	hexKey := "6b5687312e721f4b201cced0b27fb75c8d55a371f128c2c5f139edc87f09b983"
	return []struct{ path, text, secret string }{
		{"certs/key.pem", pemText, strings.Join(strings.Split(pemText, "\n")[1:4], "")},
		{".env", "PRIVATE_KEY=0x" + hexKey, hexKey},
		{".env.upper", "SIGNER_PRIVATE_KEY=0x" + strings.ToUpper(hexKey), hexKey},
		{"id.json", "[" + strings.Join(nums, ",") + "]", strings.Join(nums[:32], ",")},
		{"seed.txt", phrase, phrase},
		{"keystore.json", `{"crypto":{"ciphertext":"5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46",` +
			`"kdf":"scrypt","mac":"517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"}}`,
			"5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46"},
		{"id_rsa.ppk", kmTestPuTTY, "AAAAgQC7Zx8dZ2u0V2p1y9c0rT9kq3x2Vb1mE8wYtFh5cZpKj2L6uN3oR4s"},
	}
}

// kmTestPuTTY is a made-up PuTTY key file (the body is random base64).
const kmTestPuTTY = `PuTTY-User-Key-File-2: ssh-rsa
Encryption: none
Comment: rsa-key-20240101
Public-Lines: 1
AAAAB3NzaC1yc2EAAAABJQAAAIEAhZ7z0s1Y
Private-Lines: 2
AAAAgQC7Zx8dZ2u0V2p1y9c0rT9kq3x2Vb1mE8wYtFh5cZpKj2L6uN3oR4s
Q9wXe7TgY1aB3cD5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5bC7dE9fG1hJ3
Private-MAC: 8f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6`

// kmZeroReader is a deterministic randomness source for key generation.
type kmZeroReader struct{}

func (kmZeroReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(i*7 + 1)
	}
	return len(p), nil
}

// TestKeyMaterialNeverLeaks checks, for every kind, that the key is found
// and that no message or evidence holds the secret or a long piece of it.
func TestKeyMaterialNeverLeaks(t *testing.T) {
	for _, tc := range kmTestSecrets(t) {
		t.Run(tc.path, func(t *testing.T) {
			fs := detectortest.Judge(t, Detector, nil, detectortest.Commit(tc.path, tc.text))
			if len(fs) != 1 {
				t.Fatalf("got %d findings, want 1: %+v", len(fs), fs)
			}
			if fs[0].Score < 0.8 {
				t.Errorf("score %.2f, want near 1 for a real key", fs[0].Score)
			}
			out := fs[0].Message + "\n" + strings.Join(fs[0].Evidence, "\n")
			if leak := kmTestLeak(out, tc.secret); leak != "" {
				t.Errorf("finding contains %q of the secret:\n%s", leak, out)
			}
		})
	}
}

// kmTestLeak returns a piece of the secret found in out: eight characters
// in a row ignoring case, or two consecutive words of a phrase.
func kmTestLeak(out, secret string) string {
	lo, ls := strings.ToLower(out), strings.ToLower(secret)
	if words := strings.Fields(ls); len(words) > 1 {
		for i := 0; i+1 < len(words); i++ {
			if bi := words[i] + " " + words[i+1]; strings.Contains(lo, bi) {
				return bi
			}
		}
		return ""
	}
	for i := 0; i+8 <= len(ls); i++ {
		if strings.Contains(lo, ls[i:i+8]) {
			return ls[i : i+8]
		}
	}
	return ""
}

func TestKeyMaterialMaxPerFile(t *testing.T) {
	var lines []string
	for i := 0; i < 5; i++ {
		s := sha256.Sum256([]byte{byte(i)})
		lines = append(lines, fmt.Sprintf("PRIVATE_KEY_%d=%x", i, s))
	}
	pol := &guard.Policy{Detectors: map[string]guard.DetectorPolicy{
		"key-material": {Settings: map[string]any{"max_per_file": 2}},
	}}
	fs := detectortest.Judge(t, Detector, pol, detectortest.Commit(".env", strings.Join(lines, "\n")))
	if len(fs) != 3 || !strings.Contains(fs[2].Message, "3 more") {
		for _, f := range fs {
			t.Log(f.Message)
		}
		t.Fatalf("got %d findings, want 2 and a summary of 3 more", len(fs))
	}
}

func TestKeyMaterialNames(t *testing.T) {
	cfg := kmConfig{keyNames: map[string]bool{}}
	for _, n := range kmDefaultKeyNames {
		cfg.keyNames[n] = true
	}
	for name, want := range map[string]int{
		"PRIVATE_KEY": 1, "privateKey": 1, "--private-key": 1, "ethers.Wallet": 1, "HexToECDSA": 1,
		"DEPLOYER_PK": 1, "ownerKey": 1, "RELAYER_KEY": 1, "accounts": 1,
		"txHash": -1, "privateKeyHash": -1, "IMPLEMENTATION_SLOT": -1, "publicKey": -1,
		"signer.signMessage": -1, "const": 0, "bytes32": 0, "key": 0, "apiKey": 0,
		"SECRET_KEY": 1, "secret": 1, "clientHandshakeTrafficSecret": -1, "SharedSecret": -1, "seed": 0,
		"5fYRRTq1edjfIrQGvdkcd22pkYUrHZ5YC": -1, "1sL9950m4R9Pk": -1, "skRm": 1,
	} {
		if got := kmClassifyName(name, &cfg); got != want {
			t.Errorf("kmClassifyName(%q) = %d, want %d (words %q)", name, got, want, kmSplitName(name))
		}
	}
}

func TestKmBase58(t *testing.T) {
	for in, want := range map[string]string{"Hello World!": "2NEpo7TZRRrLZSi2U", "\x00\x00\x01": "112", "": ""} {
		if got := kmBase58([]byte(in)); got != want {
			t.Errorf("kmBase58(%q) = %q, want %q", in, got, want)
		}
	}
}

var kmHex64 = regexp.MustCompile(`[0-9a-fA-F]{64}`)

// kmFuzzCheck runs the detector over text and checks its invariants: no
// panic, and no 64-hex run of the input or mnemonic found in any finding.
func kmFuzzCheck(t *testing.T, text string) {
	fs := detectortest.Judge(t, Detector, nil, detectortest.Commit("fuzz.txt", text))
	for _, f := range fs {
		out := f.Message + "\n" + strings.Join(f.Evidence, "\n")
		for _, h := range kmHex64.FindAllString(out, -1) {
			if strings.Contains(strings.ToLower(text), strings.ToLower(h)) {
				t.Fatalf("finding repeats 64 hex digits of the input: %s", out)
			}
		}
		if f.Line < 1 || (f.EndLine != 0 && f.EndLine < f.Line) {
			t.Fatalf("bad location %d-%d", f.Line, f.EndLine)
		}
	}
}

func FuzzKeyMaterial(f *testing.F) {
	for _, tc := range kmTestSecrets(f) {
		f.Add(tc.text)
	}
	f.Add("PRIVATE_KEY=0x6b5687312e721f4b201cced0b27fb75c8d55a371f128c2c5f139edc87f09b983\n")
	f.Add("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----")
	f.Fuzz(kmFuzzCheck)
}

func FuzzMnemonic(f *testing.F) {
	f.Add("test test test test test test test test test test test junk")
	f.Add("1. dash 2. muscle 3. cage\n4. thought 5. medal 6. rabbit\n7. census 8. neglect 9. auto\n10. okay 11. menu 12. dumb")
	f.Add(`["abandon", "abandon", "abandon", "abandon", "abandon", "abandon", "abandon", "abandon", "abandon", "abandon", "abandon", "about"]`)
	f.Fuzz(func(t *testing.T, text string) {
		var m kmMnemonicScanner
		for i, l := range strings.Split(text, "\n") {
			m.feed(l, i+1)
		}
		m.flush()
		for _, h := range m.hits {
			if _, ok := bip39Entropy(kmTestIndices(t, h.secret)); !ok {
				t.Fatalf("reported mnemonic %q has a bad checksum", h.secret)
			}
			if h.line < 1 || h.end < h.line {
				t.Fatalf("bad lines %d-%d", h.line, h.end)
			}
		}
		kmFuzzCheck(t, text)
	})
}

func BenchmarkKeyMaterial(b *testing.B) {
	detectortest.BenchmarkSource(b, Detector, "keymaterial", "obfuscation")
}

func TestKmNextHexRun(t *testing.T) {
	naive := func(s string) (runs [][2]int) {
		for i := 0; i < len(s); {
			if !textscan.IsHex(s[i]) {
				i++
				continue
			}
			k := i
			for k < len(s) && textscan.IsHex(s[k]) {
				k++
			}
			if k-i >= 64 {
				runs = append(runs, [2]int{i, k})
			}
			i = k
		}
		return runs
	}
	seed := uint32(1)
	for n := 0; n < 2000; n++ {
		b := make([]byte, 50+n%300)
		for i := range b {
			seed = seed*1664525 + 1013904223
			if seed>>28 == 0 {
				b[i] = ' '
			} else {
				b[i] = "0123456789abcdef"[seed>>24&15]
			}
		}
		s := string(b)
		var got [][2]int
		for i := 0; ; {
			start, end, ok := kmNextHexRun(s, i)
			if !ok {
				break
			}
			got = append(got, [2]int{start, end})
			i = end + 1
		}
		if fmt.Sprint(got) != fmt.Sprint(naive(s)) {
			t.Fatalf("%q: got %v, want %v", s, got, naive(s))
		}
	}
}

// TestKmBlockStopsAtNextMarker: a key block ends where another key's
// BEGIN marker starts, so that a file of markers is read once (issue 8);
// the key after a run of header-like marker lines is still found.
func TestKmBlockStopsAtNextMarker(t *testing.T) {
	key := kmTestSecrets(t)[0].text // certs/key.pem, a PKCS#8 block
	fs := detectortest.Judge(t, Detector, nil, detectortest.Commit("deploy/k.pem",
		strings.Repeat("x: -----BEGIN PRIVATE KEY-----\n", 500)+key))
	if len(fs) != 1 || fs[0].Line != 501 {
		t.Fatalf("findings %+v, want one key at line 501", fs)
	}
}

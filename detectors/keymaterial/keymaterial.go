package keymaterial

import (
	"fmt"
	"sort"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/guard"
)

// Settings are the detector's tunable parameters, with their defaults in
// Detector; a policy overrides them under detectors.key-material.settings.
type Settings struct {
	// key_names are words that, in the name a 64-hex value is
	// assigned to or passed as, mark it as a private key. A
	// policy's list replaces this one: repeat the defaults.
	KeyNames []string `setting:"key_names"`
	// max_per_file caps the findings reported for one file; the
	// rest are counted in one summary finding.
	MaxPerFile int `setting:"max_per_file"`
}

// Detector is the key-material detector.
var Detector = &guard.Detector{
	Name: "key-material",
	Doc: "Reports private keys in added lines: PEM and OpenSSH private key blocks, PuTTY key files, " +
		"raw 64-hex secp256k1 keys assigned to a key-like name, Solana keypair arrays, Ethereum " +
		"keystores and BIP-39 mnemonics with a valid checksum. Evidence keeps only a redacted " +
		"fingerprint. Curve parameters and hash constants are no keys; well-known development keys, " +
		"fragments of keys, and keys in tests, test vectors and vendored packages are low unless the " +
		"change also adds the same key where it ships.",
	Severity: guard.Critical,
	Settings: &Settings{
		KeyNames:   kmDefaultKeyNames,
		MaxPerFile: 10,
	},
	NoContext: true,
	Run:       run,
}

// kmHit is one piece of key material found in a file.
type kmHit struct {
	kind      string // "unencrypted RSA private key (PEM block)"
	line, end int
	secret    string // canonical form, only ever reported redacted
	noPrefix  bool   // redact without Redact's four-character prefix
	severity  guard.Severity
	score     float64
	name      string   // the name the key is assigned to, when known
	wellKnown string   // what public key this is, when it is one
	fixture   string   // where in tests it sits (kmInTestFile...), "" in shipped code
	partial   string   // why the encoding is a fragment of a key, when it is one
	extra     []string // further evidence, none of it secret
}

// kmConfig holds the settings of one run.
type kmConfig struct {
	keyNames map[string]bool
	max      int // findings per file, at least 1
	setting  int // max_per_file as set, which the summary quotes
}

// kmFileHits are the hits of one file.
type kmFileHits struct {
	path string
	hits []kmHit
}

// run scans the added lines of every diffed file, then reports, knowing
// which keys the change also adds outside tests.
func run(pass *guard.Pass) {
	set := pass.Settings().(*Settings)
	cfg := kmConfig{keyNames: map[string]bool{}, max: set.MaxPerFile, setting: set.MaxPerFile}
	for _, n := range set.KeyNames {
		cfg.keyNames[strings.ToLower(n)] = true
	}
	if cfg.max < 1 {
		cfg.max = 1
	}
	var files []kmFileHits
	shipped := map[string]bool{} // secrets added outside tests
	for i := range pass.Files {
		f := &pass.Files[i]
		if !f.Diffed() || len(f.AddedLines) == 0 {
			continue
		}
		hits := kmScanLines(f.AddedLines, &cfg)
		kmPlace(f.Path, pass.InCategory(i, guard.CategoryDeploy) || pass.InCategory(i, guard.CategoryCI), f.AddedLines, hits)
		for k := range hits {
			if hits[k].fixture == "" {
				shipped[hits[k].secret] = true
			}
		}
		files = append(files, kmFileHits{f.Path, hits})
	}
	for _, fh := range files {
		kmReport(pass, fh.path, fh.hits, &cfg, shipped)
	}
}

// kmScanLines finds key material in the added lines of one file.
func kmScanLines(lines []guard.Line, cfg *kmConfig) []kmHit {
	var (
		hits []kmHit
		mn   kmMnemonicScanner
		arr  kmByteArray
		done = -1 // index of the last line consumed by a block
	)
	for j, l := range lines {
		if j <= done {
			continue
		}
		if h, last, ok := kmBlockAt(lines, j); ok {
			hits = append(hits, h)
			done = last
			mn.flush()
			arr.reset()
			continue
		}
		if len(l.Text) >= 64 {
			hits = kmHexKeys(hits, lines, j, cfg)
		}
		hits = arr.feed(hits, l.Text, l.Number)
		mn.feed(l.Text, l.Number)
	}
	mn.flush()
	hits = append(hits, mn.hits...)
	hits = append(hits, kmKeystores(lines)...)
	sort.SliceStable(hits, func(a, b int) bool { return hits[a].line < hits[b].line })
	return hits
}

// kmBlockAt recognizes a multi-line key block (PEM, PuTTY) starting at
// lines[j] and returns the index of its last line.
func kmBlockAt(lines []guard.Line, j int) (kmHit, int, bool) {
	s := lines[j].Text
	if strings.Contains(s, "PRIVATE KEY") {
		return kmPEMAt(lines, j)
	}
	if strings.Contains(s, "PuTTY-User-Key-File-") {
		return kmPuTTYAt(lines, j)
	}
	return kmHit{}, j, false
}

// kmReport turns the hits of one file into findings, at most cfg.max of
// them plus one that counts the rest.
func kmReport(pass *guard.Pass, path string, hits []kmHit, cfg *kmConfig, shipped map[string]bool) {
	for k := range hits {
		h := &hits[k]
		if k == cfg.max {
			kmReportRest(pass, cfg.setting, path, hits[k:], shipped)
			return
		}
		sev, score, note := kmSeverity(h, shipped)
		ev := []string{"kind: " + h.kind, "secret: " + kmRedact(h.secret, h.noPrefix)}
		if h.wellKnown != "" {
			ev = append(ev, "well-known: "+h.wellKnown)
		}
		pass.Report(guard.Finding{
			Severity: sev,
			Score:    score,
			Path:     path,
			Line:     h.line,
			EndLine:  kmEnd(h),
			Message:  strings.TrimSuffix(kmMessage(h, path), ".") + note + ".",
			Evidence: append(ev, h.extra...),
		})
	}
}

// kmSeverity returns the severity and score of a hit, with a note for the
// message when they were lowered. A well-known public key is low, and so is
// a fragment of a key (a scanner's sample). In tests (test files, test
// vectors, Rust test code) and vendored packages a key is low: tests are
// full of keys made for them. It is high when the change also adds the same
// key outside tests: then it is no key made for a test. Whether a key was
// once added outside tests earlier in the history is not known here: a
// commit's content findings depend on the commit alone, and that earlier
// commit was reported then.
func kmSeverity(h *kmHit, shipped map[string]bool) (guard.Severity, float64, string) {
	switch {
	case h.wellKnown != "":
		return guard.Low, 0.2, ""
	case h.partial != "":
		return guard.Low, 0.2, ", " + h.partial
	case h.fixture != "" && shipped[h.secret]:
		return min(h.severity, guard.High), h.score * 0.8, ", " + h.fixture + ", but this change also adds it where it ships"
	case h.fixture == kmInVendorCode:
		return guard.Low, 0.25, ", " + h.fixture + ": low, as its upstream publishes it"
	case h.fixture != "":
		return guard.Low, 0.25, ", " + h.fixture + ": low, as keys made for tests are"
	}
	return h.severity, h.score, ""
}

// kmReportRest reports the hits beyond the per-file cap as one finding.
func kmReportRest(pass *guard.Pass, limit int, path string, rest []kmHit, shipped map[string]bool) {
	sev := guard.Low
	lines := make([]string, 0, len(rest))
	for k := range rest {
		if s, _, _ := kmSeverity(&rest[k], shipped); s > sev {
			sev = s
		}
		lines = append(lines, fmt.Sprint(rest[k].line))
	}
	pass.Report(guard.Finding{
		Severity: sev,
		Score:    0.9,
		Path:     path,
		Line:     rest[0].line,
		Message: fmt.Sprintf("Adds %d more private keys or mnemonics to %s beyond the %d reported above.",
			len(rest), path, limit),
		Evidence: []string{"lines: " + explain.List(lines, 10)},
	})
}

// kmMessage says what was found and where, with the well-known caveat.
func kmMessage(h *kmHit, path string) string {
	what := kmArticle(h.kind) + " " + h.kind
	if h.name != "" {
		what += " labelled " + h.name
	}
	where := fmt.Sprintf("%s at line %d", path, h.line)
	if kmEnd(h) > h.line {
		where = fmt.Sprintf("%s at lines %d-%d", path, h.line, h.end)
	}
	if h.wellKnown != "" {
		return fmt.Sprintf("Adds %s to %s; it is %s, a well-known public key: not a secret, "+
			"but anything it controls on a live network can be taken by anyone.", what, where, h.wellKnown)
	}
	return fmt.Sprintf("Adds %s to %s.", what, where)
}

// kmEnd returns the EndLine of a hit: 0 when it is on one line.
func kmEnd(h *kmHit) int {
	if h.end > h.line {
		return h.end
	}
	return 0
}

// kmArticle returns "a" or "an" for a phrase.
func kmArticle(phrase string) string {
	if phrase == "" {
		return "a"
	}
	switch {
	case strings.HasPrefix(phrase, "18"), strings.HasPrefix(phrase, "8"), strings.HasPrefix(phrase, "11"):
		return "an"
	case strings.ContainsRune("aeiouAEIO", rune(phrase[0])):
		return "an"
	}
	return "a"
}

// kmRedact redacts a secret; without prefix it keeps only the length and
// fingerprint, so that it can still be matched with guard.Redact output.
func kmRedact(secret string, noPrefix bool) string {
	r := guard.Redact(secret)
	if noPrefix {
		if i := strings.Index(r, "…"); i > 0 {
			r = r[i:]
		}
	}
	return r
}

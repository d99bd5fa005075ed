package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	hashA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	hashB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	hashC = "cccccccccccccccccccccccccccccccccccccccc"
	hashD = "dddddddddddddddddddddddddddddddddddddddd"
	hashE = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
)

// scanDoc is a repoguard scan --format json document: A and B are
// planted, A caught at high, B only at low; D is ordinary and flagged at
// medium, E ordinary at low; C (planted) has no finding at all.
const scanDoc = `{
  "repository": "x.git",
  "policy": "built-in",
  "results": [
    {"hash": "` + hashA + `", "parents": [], "findings": [
      {"detector": "key-material", "severity": "critical", "score": 1, "message": "m"},
      {"detector": "sensitive-path", "severity": "low", "score": 1, "message": "m"}]},
    {"hash": "` + hashB + `", "findings": [{"detector": "sensitive-path", "severity": "low", "message": "m"}]},
    {"hash": "` + hashD + `", "findings": [{"detector": "unusual-time", "severity": "medium", "message": "m"}]},
    {"hash": "` + hashE + `", "findings": [{"detector": "size-outlier", "severity": "low", "message": "m"}]}
  ],
  "commits_scanned": 10,
  "files_changed": 40,
  "findings": 5,
  "findings_by_severity": {"critical": 1, "low": 3, "medium": 1}
}
`

func TestScoreScan(t *testing.T) {
	labels := []label{{hashA, "key-in-deploy", "a"}, {hashB, "key-in-deploy", "b"}, {hashC, "dormant-core", "c"}}
	rep, err := scoreScan(strings.NewReader(scanDoc), labels)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Commits != 10 || rep.Planted != 3 || rep.Ordinary != 7 || rep.OrdinaryFlagged != 1 {
		t.Errorf("commits %d planted %d ordinary %d flagged %d, want 10 3 7 1", rep.Commits, rep.Planted, rep.Ordinary, rep.OrdinaryFlagged)
	}
	if len(rep.Classes) != 2 || rep.Classes[0].Class != "key-in-deploy" || rep.Classes[1].Class != "dormant-core" {
		t.Fatalf("classes %+v, want key-in-deploy then dormant-core", rep.Classes)
	}
	k := rep.Classes[0]
	if k.Planted != 2 || k.Caught != 1 || k.Detectors["key-material"] != 1 || k.Detectors["sensitive-path"] != 0 {
		t.Errorf("key-in-deploy: %+v", k)
	}
	if d := rep.Classes[1]; d.Planted != 1 || d.Caught != 0 || len(d.Commits) != 1 || d.Commits[0].Caught {
		t.Errorf("dormant-core: %+v", d)
	}
	if c := rep.Detectors["sensitive-path"]; c.Findings != 2 || c.MediumPlus != 0 {
		t.Errorf("sensitive-path counts %+v, want 2 / 0", c)
	}
	var out bytes.Buffer
	printRecall(&out, rep)
	for _, w := range []string{"flagged at medium or above: 1 of 7 (14%)", "key-in-deploy", "50%  key-material ×1", "missed " + hashC[:10]} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("report lacks %q:\n%s", w, out.String())
		}
	}
}

func TestParseLabels(t *testing.T) {
	good := "# comment\n" + hashA + " key-in-deploy a key in deploy/\n\n" + hashB + " dormant-core\n# skipped probe-sabotage (0 of 1 planted): no CMake\n"
	ls, skipped, err := parseLabels(strings.NewReader(good), "x.labels")
	if err != nil || len(ls) != 2 || ls[0].desc != "a key in deploy/" || ls[1].class != "dormant-core" || skipped["probe-sabotage"] != "(0 of 1 planted) no CMake" {
		t.Errorf("parseLabels = %+v, %v, %v", ls, skipped, err)
	}
	for _, bad := range []string{"abc key-in-deploy x\n", hashA + "\n", strings.ToUpper(hashA) + " c\n"} {
		if _, _, err := parseLabels(strings.NewReader(bad), "x.labels"); err == nil || !strings.HasPrefix(err.Error(), "x.labels:1: ") {
			t.Errorf("parseLabels(%q) err = %v, want x.labels:1: ...", bad, err)
		}
	}
}

func TestWalkScanRejects(t *testing.T) {
	for _, doc := range []string{"", "[]", `{"results": 3}`, `{"results": [{"hash": 1}]}`, `{"results": [`} {
		var n int
		if err := walkScan(json.NewDecoder(strings.NewReader(doc)), &n, func(scanCommit) {}); err == nil {
			t.Errorf("walkScan(%q) accepted it", doc)
		}
	}
}

func TestPrintTables(t *testing.T) {
	labels := []label{{hashA, "key-in-deploy", "a"}, {hashB, "key-in-deploy", "b"}}
	rep, err := scoreScan(strings.NewReader(scanDoc), labels)
	if err != nil {
		t.Fatal(err)
	}
	rep.Repository, rep.Skipped = "zstd", map[string]string{"dep-new-author": "(0 of 1 planted) no manifest"}
	b, _ := json.Marshal(rep)
	file := filepath.Join(t.TempDir(), "zstd.json")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := printTables(&out, []string{file, file}); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"| zstd | 10 | 2 | 1 | 1 (12.5%) |", "| key-material | 1 / 1 | 1 / 1 |", "| key-in-deploy | 1/2 | 1/2 | 2/4 | 50% | key-material ×2 |", "- zstd, dep-new-author: (0 of 1 planted) no manifest"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("tables lack %q:\n%s", w, out.String())
		}
	}
}

func FuzzParseLabels(f *testing.F) {
	f.Add("# c\n" + hashA + " key-in-deploy a b c\n# skipped x (0 of 1 planted): why\n")
	f.Add(hashA + " \n")
	f.Fuzz(func(t *testing.T, s string) {
		ls, _, err := parseLabels(strings.NewReader(s), "f")
		for _, l := range ls {
			if err == nil && (!hashRE.MatchString(l.hash) || l.class == "" || strings.ContainsAny(l.class, " \n")) {
				t.Errorf("accepted a bad label %+v", l)
			}
		}
	})
}

func FuzzWalkScan(f *testing.F) {
	f.Add(scanDoc)
	f.Add(`{"results": [], "commits_scanned": 0}`)
	f.Fuzz(func(t *testing.T, s string) {
		var n int
		_ = walkScan(json.NewDecoder(strings.NewReader(s)), &n, func(scanCommit) {})
	})
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

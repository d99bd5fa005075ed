package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/guard/sqlite"
)

var hash64 = strings.Repeat("ab", 32)

func TestParseMarkLine(t *testing.T) {
	for _, tc := range []struct {
		line string
		want auditMark
		ok   bool
		err  string
	}{
		{"12:" + hash64, auditMark{12, hash64}, true, ""},
		{"  12:" + strings.ToUpper(hash64) + "  ", auditMark{12, hash64}, true, ""},
		{`{"time":"2026-03-02T12:00:00Z","level":"INFO","msg":"audit.head","seq":340,"hash":"` + hash64 + `"}`, auditMark{340, hash64}, true, ""},
		{`{"event":"audit.head","seq":7,"hash":"` + hash64 + `","at":"2026-03-02T12:00:00Z"}`, auditMark{7, hash64}, true, ""},
		{"", auditMark{}, false, ""},
		{"# anchors of March", auditMark{}, false, ""},
		{`{"level":"INFO","msg":"serving","addr":"127.0.0.1:8080"}`, auditMark{}, false, ""},
		{"12", auditMark{}, false, "want SEQ:HASH"},
		{"0:" + hash64, auditMark{}, false, "not a positive number"},
		{"-3:" + hash64, auditMark{}, false, "not a positive number"},
		{"x:" + hash64, auditMark{}, false, "not a positive number"},
		{"12:abc", auditMark{}, false, "not 64 hex digits"},
		{"12:" + strings.Repeat("g", 64), auditMark{}, false, "not 64 hex digits"},
		{`{"msg":"audit.head","seq":"12","hash":"` + hash64 + `"}`, auditMark{}, false, "not a positive number"},
		{`{"msg":"audit.head","seq":12}`, auditMark{}, false, "not 64 hex digits"},
		{`{"msg":`, auditMark{}, false, "not SEQ:HASH nor a JSON line"},
	} {
		got, ok, err := parseMarkLine(tc.line)
		if got != tc.want || ok != tc.ok || (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("parseMarkLine(%q) = %v %v %v, want %v %v %q", tc.line, got, ok, err, tc.want, tc.ok, tc.err)
		}
	}
}

// FuzzParseMarkLine: any line either anchors a positive seq with 64
// lowercase hex digits, or is skipped, or fails with one line.
func FuzzParseMarkLine(f *testing.F) {
	for _, s := range []string{"12:" + hash64, `{"msg":"audit.head","seq":3,"hash":"` + hash64 + `"}`, "# c", "{}", "1:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		m, ok, err := parseMarkLine(line)
		switch {
		case err != nil:
			if ok || strings.Contains(err.Error(), "\n") {
				t.Fatalf("%q: ok %v with error %q", line, ok, err)
			}
		case ok:
			if m.Seq < 1 || len(m.Hash) != 64 || strings.Trim(m.Hash, "0123456789abcdef") != "" {
				t.Fatalf("%q: anchor %v", line, m)
			}
			if again, err := parseMark(m.String()); err != nil || again != m {
				t.Fatalf("%q: %v does not read back: %v %v", line, m, again, err)
			}
		case m != (auditMark{}):
			t.Fatalf("%q: skipped but returned %v", line, m)
		}
	})
}

// TestAuditVerifyExpect: deleting the newest entries, or all of them,
// passes the chain check alone and fails against an anchored head; so
// does an anchored entry whose hash changed.
func TestAuditVerifyExpect(t *testing.T) {
	t.Setenv("REPOGUARD_AUDIT_KEY_FILE", "")
	path := seedQueueDB(t, nil)
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	head, err := db.AuditHead(context.Background())
	db.Close()
	if err != nil || head.Seq != 4 {
		t.Fatalf("head %+v %v", head, err)
	}
	expect := "--expect=" + auditMark{head.Seq, head.Hash}.String()
	out, _ := mustRun(t, exitOK, "audit", "verify", "--db", path, expect)
	wantContains(t, "intact", out, "entries 1 to 4 verified; 1 anchored heads match")

	// A file of anchors: the server's log, with other lines around.
	file := filepath.Join(t.TempDir(), "serve.log")
	os.WriteFile(file, []byte(`{"level":"INFO","msg":"serving"}`+"\n"+
		`{"level":"INFO","msg":"audit.head","seq":4,"hash":"`+head.Hash+`"}`+"\n"), 0o600)

	tamper(t, path, `DELETE FROM audit WHERE seq = 4`)
	out, _ = mustRun(t, exitOK, "audit", "verify", "--db", path)
	wantContains(t, "tail cut, no anchor", out, "entries 1 to 3 verified")
	for _, args := range [][]string{{expect}, {"--expect-file", file}} {
		out, _ = mustRun(t, exitFindings, append([]string{"audit", "verify", "--db", path}, args...)...)
		wantContains(t, "tail cut", out, "audit log BROKEN: entry 4 was anchored", "the log ends at entry 3: its newest entries were deleted")
	}
	out, _ = mustRun(t, exitFindings, "audit", "verify", "--db", path, "--expect=2:"+hash64)
	wantContains(t, "other hash", out, "audit log BROKEN: entry 2 has hash", "was anchored with ababababab")

	for _, seq := range []string{"3", "2", "1"} {
		tamper(t, path, `DELETE FROM audit WHERE seq = `+seq)
	}
	out, _ = mustRun(t, exitOK, "audit", "verify", "--db", path)
	wantContains(t, "everything deleted, no anchor", out, "audit log ok: it is empty")
	out, _ = mustRun(t, exitFindings, "audit", "verify", "--db", path, expect)
	wantContains(t, "everything deleted", out, "entry 4 was anchored", "the log ends at entry 0")

	bad := filepath.Join(t.TempDir(), "bad")
	os.WriteFile(bad, []byte("# heads\n4:nothex\n"), 0o600)
	_, errOut := mustRun(t, exitError, "audit", "verify", "--db", path, "--expect-file", bad)
	wantContains(t, "bad file", errOut, bad+":2: anchor of entry 4: hash")
	_, errOut = mustRun(t, exitError, "audit", "verify", "--db", path, "--expect", "four")
	wantContains(t, "bad flag", errOut, "want SEQ:HASH")
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/guard/keytest"
	"github.com/repoguard/repoguard/guard/notify"
	"github.com/repoguard/repoguard/guard/sqlite"
)

// TestServeAuditAnchor: the server anchors the audit log's head in its
// JSON log and in a signed notification; deleting the newest entries
// afterwards still passes the chain check alone, and fails `audit verify`
// against the server's log or the notified head.
func TestServeAuditAnchor(t *testing.T) {
	e := newE2E(t)
	heads := make(chan notify.AuditHeadPayload, 16)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var p notify.AuditHeadPayload
		if r.Header.Get(notify.EventHeader) == notify.EventAuditHead && r.Header.Get(notify.SignatureHeader) == notify.Sign("anchor-s3cret", b) &&
			json.Unmarshal(b, &p) == nil {
			heads <- p
		}
	}))
	defer hook.Close()
	secretFile := filepath.Join(t.TempDir(), "notify-secret")
	os.WriteFile(secretFile, []byte("anchor-s3cret\n"), 0o600)
	ls := e.start("REPOGUARD_NOTIFY_URL="+hook.URL, "REPOGUARD_NOTIFY_SECRET_FILE="+secretFile,
		"REPOGUARD_AUDIT_ANCHOR_EVERY=2", "REPOGUARD_AUDIT_ANCHOR_INTERVAL=1h")
	if !strings.Contains(ls.logs.String(), `"msg":"no audit key`) {
		t.Errorf("no warning about the missing audit key in the log:\n%s", ls.logs)
	}
	e.branch("feature-9", "alice", map[string]string{"deploy/keys/deploy.pem": keytest.ECPEM(t), "deploy/keys/backup.pem": keytest.ECPEM(t)})
	head, base := e.OpenPR(9, "alice", "feature-9")
	ls.deliver(e.pullRequest("opened", 9, "alice", head, base, "alice"))
	e.waitCheck(head, "failure", completed("failure", 2))
	if err := ls.stop(); err != nil { // the final head is anchored at shutdown
		t.Fatal(err)
	}
	dbPath := filepath.Join(e.dataDir, "repoguard.db")
	db, err := sqlite.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	last, err := db.AuditHead(context.Background())
	db.Close()
	if err != nil || last.Seq < 3 {
		t.Fatalf("audit head %+v %v, want 3 entries or more", last, err)
	}
	logFile := filepath.Join(t.TempDir(), "serve.log")
	os.WriteFile(logFile, []byte(ls.logs.String()), 0o600)
	marks, err := readMarks(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if got := marks[len(marks)-1]; got != (auditMark{last.Seq, last.Hash}) {
		t.Errorf("last audit.head logged %v, want the head %d:%s", got, last.Seq, last.Hash)
	}
	var notified notify.AuditHeadPayload
	for len(heads) > 0 {
		notified = <-heads
	}
	if notified.Seq != last.Seq || notified.Hash != last.Hash {
		t.Errorf("last audit.head notified %+v, want %d:%s", notified, last.Seq, last.Hash)
	}

	// The insider deletes the newest entry: the chain alone still holds.
	tamper(t, dbPath, fmt.Sprintf(`DELETE FROM audit WHERE seq = %d`, last.Seq))
	mustRun(t, exitOK, "audit", "verify", "--db", dbPath)
	out, _ := mustRun(t, exitFindings, "audit", "verify", "--db", dbPath, "--expect-file", logFile)
	wantContains(t, "verify against the log", out, fmt.Sprintf("entry %d was anchored", last.Seq), "its newest entries were deleted")
	out, _ = mustRun(t, exitFindings, "audit", "verify", "--db", dbPath, fmt.Sprintf("--expect=%d:%s", notified.Seq, notified.Hash))
	wantContains(t, "verify against the notification", out, "its newest entries were deleted")
}

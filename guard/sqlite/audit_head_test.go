package sqlite_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// TestAuditHeadAndOnAudit: AuditHead is the newest entry, and OnAudit
// hears the head of each committed transaction that appended, once per
// transaction, never of one rolled back.
func TestAuditHeadAndOnAudit(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	var heard []int64
	db.OnAudit = func(e guard.AuditEntry) { heard = append(heard, e.Seq) }
	if err := db.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if h, err := db.AuditHead(ctx); err != nil || h.Seq != 0 {
		t.Fatalf("head of the empty log: %+v %v", h, err)
	}
	appendEntries(t, db, 3)
	// One transaction appending three entries (the anomalies it
	// creates) reports its last.
	if _, err := db.RecordFindings(ctx, sqliteRecord("acme/vault", 3)); err != nil {
		t.Fatal(err)
	}
	// A failed transaction reports nothing.
	if _, err := db.Triage(ctx, 999, "carol", guard.TriageAction{Kind: "ack"}); err == nil {
		t.Fatal("triage of a missing anomaly succeeded")
	}
	h, err := db.AuditHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all, _ := db.AuditEntries(ctx, 1, 100)
	if last := all[len(all)-1]; h.Seq != 6 || h != last {
		t.Errorf("head %+v, want the last entry %+v", h, last)
	}
	if want := []int64{1, 2, 3, 6}; !slices.Equal(heard, want) {
		t.Errorf("OnAudit heard %v, want %v", heard, want)
	}
}

// sqliteRecord is a pull request of repo with n medium findings.
func sqliteRecord(repo string, n int) guard.FindingRecord {
	rec := guard.FindingRecord{Repo: repo, Commit: "c0ffee", PullRequest: 1, Author: "alice", Queue: guard.Medium}
	for i := range n {
		rec.Findings = append(rec.Findings, finding("unusual-time", guard.Medium, "", time.Duration(i).String()))
	}
	return rec
}

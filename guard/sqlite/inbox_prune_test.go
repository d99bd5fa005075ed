package sqlite_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard/sqlite"
	"github.com/repoguard/repoguard/webhooks"
	"github.com/repoguard/repoguard/webhooks/inboxtest"
)

// fileBytes is the size of a database on disk: its file and its WAL.
func fileBytes(t testing.TB, path string) int64 {
	t.Helper()
	var n int64
	for _, p := range []string{path, path + "-wal"} {
		fi, err := os.Stat(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		n += fi.Size()
	}
	return n
}

// autoVacuum returns the database's auto_vacuum mode (0 none, 2
// incremental).
func autoVacuum(t testing.TB, db *sqlite.DB) int {
	t.Helper()
	var mode int
	if err := db.SQL().QueryRow(`PRAGMA auto_vacuum`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	return mode
}

// fillFinished stores n deliveries of bodyBytes each, numbered from
// first, over 200 repositories, and runs them to done, on clock.
func fillFinished(t testing.TB, in *sqlite.Inbox, clock *inboxtest.Clock, n, bodyBytes, first int) {
	t.Helper()
	ctx := context.Background()
	pad := bytes.Repeat([]byte("x"), bodyBytes)
	for i := first; i < first+n; i++ {
		d := testDelivery(fmt.Sprintf("d%d", i), int64(i%200), clock.Now())
		d.Body = fmt.Appendf(nil, `{"delivery":%d,"pad":%q}`, i, pad)
		d.BodySHA256 = sha256.Sum256(d.Body)
		if dup, err := in.Enqueue(ctx, d); err != nil || dup {
			t.Fatalf("Enqueue(%s) = %v, %v", d.ID, dup, err)
		}
	}
	for range n {
		j, err := in.Claim(ctx, "w", time.Minute)
		if err != nil || j == nil {
			t.Fatalf("Claim = %v, %v", j, err)
		}
		if err := in.Complete(ctx, j.ID, "w"); err != nil {
			t.Fatal(err)
		}
	}
}

// TestInboxPruneShrinksFile is issue 8's growth: 6,000 finished
// deliveries, then a prune past the retention. The file shrinks to the
// rows kept for deduplication and replay refusal (the database is
// converted to incremental auto_vacuum on the way), and both still work.
func TestInboxPruneShrinksFile(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 6,000 deliveries")
	}
	ctx := context.Background()
	clock := inboxtest.NewClock(inboxtest.Start)
	db := openDB(t)
	in := db.Inbox(sqlite.InboxOptions{Now: clock.Now})
	const n, body = 6000, 4 << 10
	fillFinished(t, in, clock, n, body, 0)
	if _, err := db.SQL().Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	before := fileBytes(t, db.Path)
	if mode := autoVacuum(t, db); mode != 0 {
		t.Fatalf("new database in auto_vacuum mode %d, want 0 (none) until the first prune", mode)
	}

	clock.Advance(8 * 24 * time.Hour)
	pruned, err := in.Prune(ctx, clock.Now().Add(-7*24*time.Hour))
	if err != nil || pruned != n {
		t.Fatalf("Prune = %d, %v; want %d", pruned, err, n)
	}
	after := fileBytes(t, db.Path)
	t.Logf("%d deliveries of %d bytes: %d bytes on disk, %d after the prune (%d per delivery kept)",
		n, body, before, after, after/n)
	if after > before/5 {
		t.Errorf("database of %d bytes after the prune, want under a fifth of the %d before", after, before)
	}
	if mode := autoVacuum(t, db); mode != 2 {
		t.Errorf("auto_vacuum mode %d after the prune, want 2 (incremental)", mode)
	}
	if again, err := in.Prune(ctx, clock.Now()); err != nil || again != 0 {
		t.Errorf("second Prune = %d, %v; want 0", again, err)
	}
	// Incremental from now on: the next prune shrinks the file without a
	// VACUUM.
	fillFinished(t, in, clock, 1000, body, n)
	grown := fileBytes(t, db.Path)
	clock.Advance(8 * 24 * time.Hour)
	if pruned, err := in.Prune(ctx, clock.Now().Add(-7*24*time.Hour)); err != nil || pruned != 1000 {
		t.Fatalf("third Prune = %d, %v; want 1000", pruned, err)
	}
	if shrunk := fileBytes(t, db.Path); shrunk > after+after/2 {
		t.Errorf("database of %d bytes after 1,000 more deliveries and a prune, want about the %d of the first prune (%d before)",
			shrunk, after, grown)
	}

	d := testDelivery("d17", 17, clock.Now())
	d.Body = fmt.Appendf(nil, `{"delivery":%d,"pad":%q}`, 17, bytes.Repeat([]byte("x"), body))
	d.BodySHA256 = sha256.Sum256(d.Body)
	if dup, err := in.Enqueue(ctx, d); err != nil || !dup {
		t.Errorf("GitHub's redelivery of a pruned delivery = %v, %v; want a duplicate", dup, err)
	}
	d.ID = "fresh-id"
	if _, err := in.Enqueue(ctx, d); !errors.Is(err, webhooks.ErrReplay) {
		t.Errorf("replay of a pruned delivery's body: %v, want ErrReplay", err)
	}
}

// TestInboxMigrationHashesStoredBodies opens a database of the first
// inbox shape: its deliveries get their hashes, so that replays of what
// was received before the upgrade are refused too; of two stored with
// one body (a replay then), the first keeps it.
func TestInboxMigrationHashesStoredBodies(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	if err := sqlite.OpenUpTo(ctx, db, 8); err != nil {
		t.Fatal(err)
	}
	body := func(s string) []byte { return []byte(`{"delivery":"` + s + `"}`) }
	for _, r := range []struct {
		id, state string
		body      []byte
	}{{"d1", "done", body("a")}, {"d2", "done", body("a")}, {"d3", "dead", body("b")}} {
		if _, err := db.SQL().Exec(`INSERT INTO inbox (delivery_id, serial_key, state, head, finished,
			event, action, installation_id, repo, repo_id, sender, received_at, body)
			VALUES ($1, 'repo:1', $2, 0, 1, 'push', '', 7, 'org/repo-1', 1, 'alice', 1, $3)`, r.id, r.state, r.body); err != nil {
			t.Fatal(err)
		}
	}
	db = reopenDB(t, db)
	in := db.Inbox(sqlite.InboxOptions{})

	tests := []struct {
		id, body string
		dup      bool
		replayOf string
	}{
		{"x1", "a", false, "d1"}, // a replay of what was stored before the upgrade
		{"d2", "a", false, "d1"}, // d2 was one then
		{"d1", "a", true, ""},    // GitHub's redelivery
		{"d3", "b", false, ""},   // GitHub's redelivery of a dead job revives it
	}
	for _, tt := range tests {
		d := testDelivery(tt.id, 1, time.Now())
		d.Body = body(tt.body)
		d.BodySHA256 = sha256.Sum256(d.Body)
		dup, err := in.Enqueue(ctx, d)
		var re *webhooks.ReplayError
		if tt.replayOf != "" {
			if !errors.As(err, &re) || re.Original != tt.replayOf {
				t.Errorf("Enqueue(%s, body %s) = %v, %v; want a replay of %s", tt.id, tt.body, dup, err, tt.replayOf)
			}
			continue
		}
		if err != nil || dup != tt.dup {
			t.Errorf("Enqueue(%s, body %s) = %v, %v; want duplicate %v", tt.id, tt.body, dup, err, tt.dup)
		}
	}
	if st, err := in.Status(ctx, "d3"); err != nil || st.State != webhooks.StateReady {
		t.Errorf("d3 after its redelivery: %+v, %v; want ready", st, err)
	}
}

// BenchmarkPrune measures issue 8's case: 6,000 finished deliveries of
// 20 KB (124 MB in the report), then one prune past the retention. It
// reports the database's size on disk before and after, and the bytes
// each delivery still takes (its row, kept for deduplication and replay
// refusal). Run it with -benchtime=1x.
func BenchmarkPrune(b *testing.B) {
	const n, body = 6000, 20 << 10
	var before, after int64
	for range b.N {
		b.StopTimer()
		clock := inboxtest.NewClock(inboxtest.Start)
		db := openDB(b)
		in := db.Inbox(sqlite.InboxOptions{Now: clock.Now})
		fillFinished(b, in, clock, n, body, 0)
		if _, err := db.SQL().Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			b.Fatal(err)
		}
		before = fileBytes(b, db.Path)
		clock.Advance(8 * 24 * time.Hour)
		b.StartTimer()
		if pruned, err := in.Prune(context.Background(), clock.Now().Add(-7*24*time.Hour)); err != nil || pruned != n {
			b.Fatalf("Prune = %d, %v; want %d", pruned, err, n)
		}
		b.StopTimer()
		after = fileBytes(b, db.Path)
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(before)/1e6, "MB-before")
	b.ReportMetric(float64(after)/1e6, "MB-after")
	b.ReportMetric(float64(after)/n, "B/delivery-kept")
}

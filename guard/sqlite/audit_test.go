package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/sqlite"
)

// appendEntries appends n verdicts to the audit log.
func appendEntries(t testing.TB, db *sqlite.DB, n int) {
	t.Helper()
	for i := range n {
		if _, err := db.AppendAudit(context.Background(), "repoguard", "verdict.posted",
			fmt.Sprintf("pr/acme/vault#%d", i+1), fmt.Sprintf("failure %040x", i)); err != nil {
			t.Fatal(err)
		}
	}
}

func verify(t testing.TB, db *sqlite.DB) (bool, int64, string) {
	t.Helper()
	ok, first, why, err := db.VerifyAudit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return ok, first, why
}

// forge does what an insider with write access to the database can:
// edit entry seq and recompute the plain SHA-256 chain from there to the
// end, so that every link and hash is consistent again.
func forge(t testing.TB, db *sqlite.DB, seq int64) {
	t.Helper()
	es, err := db.AuditEntries(context.Background(), 1, 1000)
	if err != nil {
		t.Fatal(err)
	}
	prev := ""
	for _, e := range es {
		if e.Seq == seq {
			e.Detail = "success " + strings.Repeat("0", 40)
		}
		if e.Seq >= seq {
			e.PrevHash = prev
			e.Hash = e.ComputeHash()
			if _, err := db.SQL().Exec(`UPDATE audit SET detail = $1, prev_hash = $2, hash = $3 WHERE seq = $4`,
				e.Detail, e.PrevHash, e.Hash, e.Seq); err != nil {
				t.Fatal(err)
			}
		}
		prev = e.Hash
	}
}

func TestAuditChain(t *testing.T) {
	ctx := context.Background()
	db, _ := openQueue(t)
	if ok, first, why := verify(t, db); !ok || first != 0 || why != "" {
		t.Fatalf("empty log: %v %d %q", ok, first, why)
	}
	appendEntries(t, db, 5)
	es, err := db.AuditEntries(ctx, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 3 || es[0].Seq != 2 || es[2].Seq != 4 {
		t.Fatalf("entries from 2: %+v", es)
	}
	all, _ := db.AuditEntries(ctx, 0, 0)
	for i, e := range all {
		if e.Seq != int64(i+1) || e.Hash != e.ComputeHash() || !e.At.Equal(epoch) ||
			(i > 0 && e.PrevHash != all[i-1].Hash) || (i == 0 && e.PrevHash != "") {
			t.Fatalf("entry %d: %+v", i, e)
		}
	}
	if i, why := guard.VerifyChain("", all); i != -1 {
		t.Fatalf("guard.VerifyChain: %d %s", i, why)
	}
	if ok, _, why := verify(t, db); !ok {
		t.Fatalf("VerifyAudit: %s", why)
	}
	if _, err := db.AppendAudit(ctx, "", "verdict.posted", "pr/acme/vault#1", ""); !errors.Is(err, guard.ErrInvalid) {
		t.Fatalf("an entry without actor: %v", err)
	}
}

func TestVerifyAuditDetectsTampering(t *testing.T) {
	for _, c := range []struct {
		name   string
		tamper string // SQL, or "forge" for forge(3)
		first  int64
		why    string
	}{
		{"edited", `UPDATE audit SET detail = 'success' WHERE seq = 3`, 3, "entry 3 was altered"},
		{"actor edited", `UPDATE audit SET actor = 'mallory' WHERE seq = 5`, 5, "entry 5 was altered"},
		{"hash edited", `UPDATE audit SET hash = 'ff' WHERE seq = 6`, 6, "entry 6 was altered"},
		{"deleted", `DELETE FROM audit WHERE seq = 3`, 3, "entry 3 is missing: entry 4 follows entry 2"},
		{"two deleted", `DELETE FROM audit WHERE seq IN (3, 4)`, 3, "entries 3 to 4 are missing"},
		{"first deleted", `DELETE FROM audit WHERE seq = 1`, 1, "entry 1 is missing: the log starts at entry 2"},
		{"deleted and renumbered", `DELETE FROM audit WHERE seq = 3;
			UPDATE audit SET seq = seq + 100 WHERE seq > 3; UPDATE audit SET seq = seq - 101 WHERE seq > 100`, 3, "entry 3 does not point at the hash of entry 2"},
		{"edited and rehashed", "rehash", 4, "entry 4 does not point at the hash of entry 3"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db, _ := openQueue(t)
			appendEntries(t, db, 6)
			if c.tamper == "rehash" {
				// Entry 3 edited and its hash recomputed; the rest left.
				es, _ := db.AuditEntries(context.Background(), 3, 1)
				e := es[0]
				e.Detail = "success"
				if _, err := db.SQL().Exec(`UPDATE audit SET detail = $1, hash = $2 WHERE seq = 3`, e.Detail, e.ComputeHash()); err != nil {
					t.Fatal(err)
				}
			} else if _, err := db.SQL().Exec(c.tamper); err != nil {
				t.Fatal(err)
			}
			ok, first, why := verify(t, db)
			if ok || first != c.first || !strings.Contains(why, c.why) {
				t.Fatalf("VerifyAudit = %v, %d, %q; want false, %d, %q", ok, first, why, c.first, c.why)
			}
		})
	}
}

func TestVerifyAuditKeyed(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "keyed.db")
	open := func(key string) *sqlite.DB {
		db := sqlite.NewDB(path)
		db.Now = func() time.Time { return epoch }
		if key != "" {
			db.AuditKey = []byte(key)
		}
		if err := db.Open(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	db := open("the key")
	appendEntries(t, db, 6)
	es, _ := db.AuditEntries(ctx, 1, 10)
	if es[0].Hash == es[0].ComputeHash() {
		t.Fatal("a keyed entry carries the plain SHA-256")
	}
	if ok, _, why := verify(t, db); !ok {
		t.Fatalf("keyed log: %s", why)
	}
	if ok, first, _ := verify(t, open("another key")); ok || first != 1 {
		t.Fatalf("verified under another key: %v %d", ok, first)
	}
	if ok, first, _ := verify(t, open("")); ok || first != 1 {
		t.Fatalf("verified without the key: %v %d", ok, first)
	}

	// A forger without the key recomputes the chain from the edit on:
	// the keyed log names the edited entry.
	forge(t, db, 3)
	if ok, first, why := verify(t, db); ok || first != 3 || !strings.Contains(why, "altered") {
		t.Fatalf("forged keyed log: %v %d %q", ok, first, why)
	}

	// Without a key the same forgery goes unnoticed: that is what the
	// key is for.
	plain, _ := openQueue(t)
	appendEntries(t, plain, 6)
	forge(t, plain, 3)
	if ok, _, _ := verify(t, plain); !ok {
		t.Fatal("expected an unkeyed forged chain to verify")
	}
}

func TestAppendAuditConcurrently(t *testing.T) {
	ctx := context.Background()
	db, _ := openQueue(t)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		wg.Go(func() {
			for i := range 25 {
				if _, err := db.AppendAudit(ctx, fmt.Sprintf("worker%d", w), "verdict.posted", "pr/acme/vault#1",
					fmt.Sprint(i)); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	es, _ := db.AuditEntries(ctx, 1, 1000)
	if len(es) != 100 || es[99].Seq != 100 {
		t.Fatalf("%d entries, last %d", len(es), es[len(es)-1].Seq)
	}
	if ok, _, why := verify(t, db); !ok {
		t.Fatal(why)
	}
}

package sqlite_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/sqlite"
)

func TestOpenMemory(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	l := sqlite.NewLearner(db)
	c, cats, login := synthCommit(0)
	if err := l.Learn(ctx, "acme/api", c, cats, login, nil); err != nil {
		t.Fatal(err)
	}
	if err := l.Commit(ctx, guard.Cursor{Repo: "acme/api", Ref: "main", Hash: c.Hash}); err != nil {
		t.Fatal(err)
	}
	// Reads go through the pool: they must see the same in-memory database.
	if h, err := db.Cursor(ctx, "acme/api", "main"); err != nil || h.Hash != c.Hash {
		t.Fatalf("Cursor = %q, %v", h.Hash, err)
	}
}

func TestOpenUpgradesOldSchema(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	if err := sqlite.OpenUpTo(ctx, db, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec(`INSERT INTO identities (key, login, created) VALUES ('alice', 'alice', 1)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec(`SELECT 1 FROM profiles`); err == nil {
		t.Fatal("profiles exists after migration 1 alone")
	}
	db.Close()

	db2 := sqlite.NewDB(db.Path)
	if err := db2.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	var n, max int
	if err := db2.SQL().QueryRow(`SELECT count(*), max(version) FROM schema_migrations`).Scan(&n, &max); err != nil {
		t.Fatal(err)
	}
	if want := sqlite.MigrationCount(); n != want || max != want {
		t.Errorf("schema_migrations has %d rows up to %d, want %d", n, max, want)
	}
	id, err := db2.Identity(ctx, "alice")
	if err != nil || id == nil || id.Login != "alice" {
		t.Errorf("identity after upgrade = %+v, %v", id, err)
	}
	var mode string
	if err := db2.SQL().QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v", mode, err)
	}
	var fk int
	if err := db2.SQL().QueryRow(`PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v", fk, err)
	}
}

func TestOpenNewerSchema(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	future := sqlite.MigrationCount() + 1
	if _, err := db.SQL().Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES ($1, 0)`, future); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, err := os.ReadFile(db.Path)
	if err != nil {
		t.Fatal(err)
	}

	err = sqlite.NewDB(db.Path).Open(ctx)
	if !errors.Is(err, sqlite.ErrNewerSchema) {
		t.Fatalf("Open = %v, want ErrNewerSchema", err)
	}
	checkMessage(t, err, db.Path)
	after, _ := os.ReadFile(db.Path)
	if string(before) != string(after) {
		t.Error("newer-schema database was modified")
	}
}

func TestOpenCorrupt(t *testing.T) {
	db := newDB(t)
	junk := []byte(strings.Repeat("this is not a database, just junk bytes\n", 200))
	if err := os.WriteFile(db.Path, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	err := db.Open(context.Background())
	if !errors.Is(err, sqlite.ErrCorrupt) {
		t.Fatalf("Open = %v, want ErrCorrupt", err)
	}
	checkMessage(t, err, db.Path)
	after, err := os.ReadFile(db.Path)
	if err != nil || string(after) != string(junk) {
		t.Errorf("corrupt file changed or removed: %v", err)
	}
}

func TestLocked(t *testing.T) {
	ctx := context.Background()
	old := newDB(t)
	if err := sqlite.OpenUpTo(ctx, old, 1); err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	// Another connection holds the write lock.
	conn, err := old.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN EXCLUSIVE`); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, `ROLLBACK`)

	t.Run("open needing migrations", func(t *testing.T) {
		db := sqlite.NewDB(old.Path)
		db.BusyTimeout = 100 * time.Millisecond
		start := time.Now()
		err := db.Open(ctx)
		if !errors.Is(err, sqlite.ErrLocked) {
			t.Fatalf("Open = %v, want ErrLocked", err)
		}
		checkMessage(t, err, db.Path)
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("Open took %s with a 100ms timeout", d)
		}
	})
	t.Run("commit", func(t *testing.T) {
		if _, err := conn.ExecContext(ctx, `ROLLBACK`); err != nil {
			t.Fatal(err)
		}
		db := sqlite.NewDB(old.Path)
		db.BusyTimeout = 100 * time.Millisecond
		if err := db.Open(ctx); err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := conn.ExecContext(ctx, `BEGIN EXCLUSIVE`); err != nil {
			t.Fatal(err)
		}
		l := sqlite.NewLearner(db)
		c, cats, login := synthCommit(1)
		if err := l.Learn(ctx, "acme/api", c, cats, login, nil); err != nil {
			t.Fatal(err)
		}
		err := l.Commit(ctx, guard.Cursor{Repo: "acme/api", Ref: "main", Hash: c.Hash})
		if !errors.Is(err, sqlite.ErrLocked) {
			t.Fatalf("Commit = %v, want ErrLocked", err)
		}
		checkMessage(t, err, db.Path)
		// Once the lock is gone, the same Learner commits what it holds.
		if _, err := conn.ExecContext(ctx, `ROLLBACK`); err != nil {
			t.Fatal(err)
		}
		if err := l.Commit(ctx, guard.Cursor{Repo: "acme/api", Ref: "main", Hash: c.Hash}); err != nil {
			t.Fatal(err)
		}
		if p, err := db.LoadProfile(ctx, "acme/api", "*"); err != nil || p.Commits != 1 {
			t.Errorf("after retry: %d commits, %v", p.Commits, err)
		}
	})
}

// checkMessage checks that err is one line naming the file.
func checkMessage(t *testing.T, err error, path string) {
	t.Helper()
	msg := err.Error()
	if strings.Contains(msg, "\n") || !strings.Contains(msg, path) {
		t.Errorf("error %q: want one line naming %s", msg, path)
	}
	t.Log(msg)
}

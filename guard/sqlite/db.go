package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// DefaultBusyTimeout is how long a connection waits for a lock held by
// another connection before failing with ErrLocked.
const DefaultBusyTimeout = 5 * time.Second

// DB is the store: one SQLite database file holding identities, profiles
// and learning cursors. Create it with NewDB, set the fields, then Open.
// A DB is safe for concurrent use once open.
type DB struct {
	// Path is the database file, ":memory:" for a private in-memory
	// database, or a postgres:// URL of a PostgreSQL database (see the
	// package doc).
	Path string
	// BusyTimeout is how long to wait for a lock; DefaultBusyTimeout
	// when zero.
	BusyTimeout time.Duration
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
	// AuditKey, when set, keys the audit log's hash chain: each entry's
	// hash is an HMAC-SHA256 under this key instead of a plain SHA-256,
	// so that someone who can write the database but does not hold the
	// key cannot forge a valid chain after editing it. Keep it outside
	// the database, and set it before the first entry: entries written
	// under one mode do not verify under the other.
	AuditKey []byte

	// Checkpoint, when positive, moves WAL checkpoints out of the
	// writers: automatic checkpoints are turned off and a goroutine runs a
	// passive checkpoint at this interval (the server uses it so that a
	// webhook's insert never pays for one). Zero keeps SQLite's automatic
	// checkpoints.
	Checkpoint time.Duration

	// OnAudit, when set, is called after each transaction that appended
	// to the audit log commits, with the last entry it appended: the head
	// of the log as that transaction left it. It runs on the committing
	// goroutine and must not block. Set it before Open.
	OnAudit func(head guard.AuditEntry)

	db      *sql.DB
	dialect dialect
	// appended holds the last audit entry each open transaction
	// appended (*sql.Tx to guard.AuditEntry), while OnAudit is set.
	appended sync.Map
	stopCkpt chan struct{}
	ckptDone chan struct{}
	// upto limits the migrations applied at Open (tests); 0 means all.
	upto int
}

// NewDB returns a DB for the file at path; it is not opened yet.
func NewDB(path string) *DB {
	return &DB{Path: path}
}

// Open opens the database at path with the default settings.
func Open(ctx context.Context, path string) (*DB, error) {
	db := NewDB(path)
	if err := db.Open(ctx); err != nil {
		return nil, err
	}
	return db, nil
}

// Open opens the database, creating the file when it does not exist, and
// brings its schema up to date. It fails with ErrCorrupt when the file is
// not a database, ErrLocked when another process holds it too long, and
// ErrNewerSchema, without touching the file, when a newer repoguard wrote
// it.
func (db *DB) Open(ctx context.Context) error {
	if db.Path == "" {
		return errors.New("open: database path required")
	}
	db.dialect = dialectOf(db.Path)
	background := db.Checkpoint > 0 && db.Path != memoryPath && !db.dialect.postgres
	sdb, err := db.dialect.open(db, background)
	if err != nil {
		return db.wrap("open "+Redact(db.Path), err)
	}
	configurePool(sdb, db.Path)
	db.db = sdb
	if err := sdb.PingContext(ctx); err != nil {
		sdb.Close()
		return db.wrap("open", err)
	}
	if err := db.migrate(ctx); err != nil {
		sdb.Close()
		return err
	}
	if background {
		db.stopCkpt, db.ckptDone = make(chan struct{}), make(chan struct{})
		go db.checkpointLoop()
	}
	return nil
}

// checkpointLoop runs passive WAL checkpoints until Close.
func (db *DB) checkpointLoop() {
	defer close(db.ckptDone)
	t := time.NewTicker(db.Checkpoint)
	defer t.Stop()
	for {
		select {
		case <-db.stopCkpt:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			_, _ = db.db.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`)
			cancel()
		}
	}
}

// Close closes the database.
func (db *DB) Close() error {
	if db.db == nil {
		return nil
	}
	if db.stopCkpt != nil {
		close(db.stopCkpt)
		<-db.ckptDone
		db.stopCkpt = nil
		_, _ = db.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	return db.wrap("close", db.db.Close())
}

func (db *DB) busyTimeout() time.Duration {
	if db.BusyTimeout > 0 {
		return db.BusyTimeout
	}
	return DefaultBusyTimeout
}

func (db *DB) now() time.Time {
	if db.Now != nil {
		return db.Now()
	}
	return time.Now()
}

// Cursor returns the learning cursor of a ref of a repository; its Hash
// is "" when nothing has been learned from it.
func (db *DB) Cursor(ctx context.Context, repo, ref string) (guard.Cursor, error) {
	c := guard.Cursor{Repo: repo, Ref: ref}
	err := db.db.QueryRowContext(ctx,
		`SELECT hash, target, done FROM cursors WHERE repo = $1 AND ref = $2`, repo, ref).Scan(&c.Hash, &c.Target, &c.Done)
	if errors.Is(err, sql.ErrNoRows) {
		return c, nil
	}
	return c, db.wrap(fmt.Sprintf("cursor %s %s", repo, ref), err)
}

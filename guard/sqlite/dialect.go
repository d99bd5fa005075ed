package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// This file holds what is specific to SQLite and the modernc driver. The
// queries elsewhere are portable: $N placeholders, INSERT ... ON CONFLICT
// DO UPDATE, TEXT and BIGINT columns, times as unix seconds.

// driverName is the database/sql driver registered by modernc.org/sqlite.
const driverName = "sqlite"

// memoryPath is the path of a private in-memory database.
const memoryPath = ":memory:"

// uriEscaper escapes the characters that end or escape the path of an
// SQLite URI filename.
var uriEscaper = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")

// dsn returns the data source name for path. The pragmas are in the DSN
// so that every connection of the pool gets them; transactions begin
// IMMEDIATE so a writer waits for the lock up front instead of failing
// when it upgrades a read. synchronous=NORMAL does not sync a commit (see
// inbox_sync.go for the inbox's own sync).
func dsn(path string, busy time.Duration, backgroundCheckpoint bool) string {
	name := path
	if path != memoryPath {
		name = uriEscaper.Replace(path)
	}
	s := fmt.Sprintf("file:%s?_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)"+
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate",
		name, busy.Milliseconds())
	if backgroundCheckpoint {
		s += "&_pragma=wal_autocheckpoint(0)"
	}
	return s
}

// configurePool adapts the pool to the database: every connection to
// ":memory:" opens a database of its own, so that one gets one
// connection, kept open for the life of the pool.
func configurePool(db *sql.DB, path string) {
	if path == memoryPath {
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
	}
}

// classify returns the kind of a driver error: ErrLocked, ErrCorrupt or
// nil.
func classify(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return classifyPG(err)
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return ErrLocked
	case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
		return ErrCorrupt
	}
	return nil
}

// containsSQL is the condition that col matches the LIKE pattern of the
// next argument (see likePattern), ignoring case: SQLite's LIKE ignores
// the case of ASCII letters (on PostgreSQL, ILIKE).
func containsSQL(col string) string { return col + ` LIKE ? ESCAPE '\'` }

// tableExists reports whether the database has a table of that name.
func (d dialect) tableExists(ctx context.Context, db *sql.DB, name string) (bool, error) {
	q := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $1`
	if d.postgres {
		q = pgTableExistsSQL
	}
	var n int
	err := db.QueryRowContext(ctx, q, name).Scan(&n)
	return n > 0, err
}

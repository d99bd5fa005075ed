package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql migrations/postgres/*.sql
var migrationFS embed.FS

// migration is one embedded schema change, named NNNN_description.sql.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in order. Their versions
// must run 1, 2, 3, ... without gaps.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []migration
	for i, name := range names {
		base := path.Base(name)
		prefix, _, _ := strings.Cut(base, "_")
		v, err := strconv.Atoi(prefix)
		if err != nil || v != i+1 {
			return nil, fmt.Errorf("migration %s: want version %d", base, i+1)
		}
		text, err := migrationFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: base, sql: string(text)})
	}
	return out, nil
}

// migrate applies the migrations the database lacks, each in its own
// transaction together with its schema_migrations row. A database that
// records a version above the last embedded one is left untouched.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return fmt.Errorf("open %s: %w", Redact(db.Path), err)
	}
	if db.upto > 0 && db.upto < len(ms) {
		ms = ms[:db.upto]
	}
	exists, err := db.dialect.tableExists(ctx, db.db, "schema_migrations")
	if err != nil {
		return db.wrap("open", err)
	}
	current := 0
	if exists {
		if current, err = db.schemaVersion(ctx, db.db); err != nil {
			return err
		}
	}
	if known := len(ms); current > known {
		return &kindError{op: "open", path: Redact(db.Path), kind: ErrNewerSchema,
			detail: fmt.Sprintf("version %d, this binary knows up to %d; upgrade repoguard", current, known)}
	}
	for _, m := range ms[current:] {
		if err := db.apply(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// schemaVersion returns the highest applied migration.
func (db *DB) schemaVersion(ctx context.Context, q querier) (int, error) {
	var v sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v)
	return int(v.Int64), db.wrap("open", err)
}

// apply runs one migration unless another process applied it meanwhile.
func (db *DB) apply(ctx context.Context, m migration) error {
	fail := func(err error) error {
		return db.wrap("open", fmt.Errorf("migration %s: %w", m.name, err))
	}
	text, err := db.dialect.migrationSQL(m)
	if err != nil {
		return fail(err)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return db.wrap("open", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    BIGINT PRIMARY KEY,
		applied_at BIGINT NOT NULL
	)`); err != nil {
		return fail(err)
	}
	current, err := db.schemaVersion(ctx, tx)
	if err != nil {
		return err
	}
	if current >= m.version {
		return nil
	}
	if _, err := tx.ExecContext(ctx, text); err != nil {
		return fail(err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`,
		m.version, db.now().Unix()); err != nil {
		return fail(err)
	}
	if err := tx.Commit(); err != nil {
		return fail(err)
	}
	return nil
}

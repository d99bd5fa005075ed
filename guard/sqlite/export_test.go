package sqlite

import (
	"context"
	"database/sql"
	"strings"
)

// OpenUpTo opens db applying only the first n migrations, to make
// databases of an older schema.
func OpenUpTo(ctx context.Context, db *DB, n int) error {
	db.upto = n
	return db.Open(ctx)
}

// MigrationCount is the number of embedded migrations.
func MigrationCount() int {
	ms, err := migrations()
	if err != nil {
		panic(err)
	}
	return len(ms)
}

// SQL returns the underlying database handle.
func (db *DB) SQL() *sql.DB { return db.db }

// CasesMigration is the version of the migration that adds cases.
func CasesMigration() int {
	ms, err := migrations()
	if err != nil {
		panic(err)
	}
	for _, m := range ms {
		if strings.HasSuffix(m.name, "_cases.sql") {
			return m.version
		}
	}
	panic("no cases migration")
}

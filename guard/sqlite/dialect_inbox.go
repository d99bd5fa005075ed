package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql/driver"
	"fmt"

	"modernc.org/sqlite"
)

// This file, like dialect.go, holds what is SQLite's own, here for the
// inbox: the sha256() SQL function that PostgreSQL has built in, and how
// the pages freed by Prune go back to the file system.

func init() {
	sqlite.MustRegisterDeterministicScalarFunction("sha256", 1, sqlSHA256)
}

// sqlSHA256 is sha256(X): the SHA-256 of a BLOB or TEXT as a BLOB, NULL
// for NULL, as in PostgreSQL.
func sqlSHA256(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	switch v := args[0].(type) {
	case nil:
		return nil, nil
	case []byte:
		sum := sha256.Sum256(v)
		return sum[:], nil
	case string:
		sum := sha256.Sum256([]byte(v))
		return sum[:], nil
	}
	return nil, fmt.Errorf("sha256: want a BLOB or TEXT, not %T", args[0])
}

// reclaimBatch is how many free pages one step of reclaim gives back
// (4 MiB of 4 KiB pages), so that deliveries are stored in between.
const reclaimBatch = 1024

// reclaim gives the database's free pages back to the file system:
// SQLite keeps the pages of deleted data for reuse and never shrinks the
// file by itself. A database in auto_vacuum mode NONE (any made before
// this function existed) is first converted to INCREMENTAL with a
// VACUUM, once; it rewrites the whole file, so it runs when the file is
// smallest, after a prune. Then PRAGMA incremental_vacuum moves pages
// from the end of the file into the free ones and truncates it, in
// steps taken between the inbox's writes, and a TRUNCATE checkpoint
// empties the WAL the moves went through.
//
// PostgreSQL needs none of it: its autovacuum makes the space of deleted
// rows reusable.
func (in *Inbox) reclaim(ctx context.Context) error {
	if in.db.dialect.postgres {
		return nil
	}
	var mode int64
	if err := in.db.db.QueryRowContext(ctx, `PRAGMA auto_vacuum`).Scan(&mode); err != nil {
		return err
	}
	moved := mode != 2 // VACUUM moves every page
	if moved {
		if err := in.convertIncremental(ctx); err != nil {
			return fmt.Errorf("convert to incremental auto_vacuum: %w", err)
		}
	}
	for {
		var free int64
		err := in.writing(ctx, func() error {
			if err := in.db.db.QueryRowContext(ctx, `PRAGMA freelist_count`).Scan(&free); err != nil || free == 0 {
				return err
			}
			_, err := in.db.db.ExecContext(ctx, fmt.Sprintf(`PRAGMA incremental_vacuum(%d)`, reclaimBatch))
			return err
		})
		if err != nil {
			return err
		}
		if free == 0 {
			break
		}
		moved = true
	}
	if !moved {
		return nil
	}
	return in.writing(ctx, func() error {
		_, err := in.db.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
		return err
	})
}

// convertIncremental sets auto_vacuum to INCREMENTAL and, from NONE,
// rewrites the file with VACUUM, which the change needs; both on one
// connection, since the setting waits on it for the VACUUM.
func (in *Inbox) convertIncremental(ctx context.Context) error {
	return in.writing(ctx, func() error {
		conn, err := in.db.db.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `PRAGMA auto_vacuum = INCREMENTAL`); err != nil {
			return err
		}
		_, err = conn.ExecContext(ctx, `VACUUM`)
		return err
	})
}

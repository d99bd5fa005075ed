// Package pgtest gives tests a PostgreSQL database of their own: a fresh
// schema in the server named by REPOGUARD_TEST_DATABASE_URL, dropped at
// the end of the test. Without the variable a test that needs one skips
// with a message; with it set and the server unreachable, it fails.
// .ci/run starts a throwaway server and sets the variable.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
)

// EnvVar names the server the tests use, as a postgres:// URL.
const EnvVar = "REPOGUARD_TEST_DATABASE_URL"

// Available reports whether a server is configured (not whether it
// answers: URL fails the test when it does not).
func Available() bool { return os.Getenv(EnvVar) != "" }

// URL returns the URL of a new, empty schema (search_path set to it) in
// the test server, dropped when the test ends. It skips the test when
// EnvVar is unset and fails it when the server cannot be reached.
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvVar)
	if base == "" {
		t.Skipf("no PostgreSQL: set %s to a postgres:// URL (.ci/run does) to run this test", EnvVar)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("%s: %v", EnvVar, err)
	}
	t.Cleanup(func() { admin.Close() })
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("PostgreSQL at %s: create schema: %v", EnvVar, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvVar, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

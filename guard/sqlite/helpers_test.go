package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/sqlite"
	"github.com/repoguard/repoguard/guard/sqlite/pgtest"
)

// epoch is the fixed clock of test databases.
var epoch = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

// newDB returns a DB for a new file in a temporary directory, unopened.
// Under TestPostgres it is a new schema of the test server instead (see
// onPostgres).
func newDB(t testing.TB) *sqlite.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "repoguard.db")
	if onPostgres(t) {
		path = pgtest.URL(t)
	}
	db := sqlite.NewDB(path)
	db.Now = func() time.Time { return epoch }
	return db
}

// openDB returns an open DB on a new file, closed at the end of the test.
func openDB(t testing.TB) *sqlite.DB {
	t.Helper()
	db := newDB(t)
	if err := db.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// reopenDB closes db and opens its file again with every migration,
// closed at the end of the test.
func reopenDB(t testing.TB, db *sqlite.DB) *sqlite.DB {
	t.Helper()
	db.Close()
	db = sqlite.NewDB(db.Path)
	if err := db.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// authors are the synthetic committers: one with a noreply address, one
// with a login across two emails, one whose email is linked to a login
// part way.
var authors = []struct{ name, email, login string }{
	{"Alice", "alice@example.com", "alice"},
	{"Alice B.", "alice@home.example", "alice"},
	{"Bob", "bob@example.com", ""},
	{"Carol", "1234+carol@users.noreply.github.com", ""},
	{"Dave", "dave@example.com", ""},
	{"Eve", "eve@example.org", "eve"},
	{"Frank", "frank@example.com", ""}, // GitHub names his login from commit 520 on
}

var zones = []*time.Location{time.UTC, time.FixedZone("CET", 3600), time.FixedZone("PST", -8*3600)}

// synthCommit returns the i-th synthetic commit, deterministic in i.
func synthCommit(i int) (*guard.Commit, [][]string, string) {
	a := authors[(i*7+i/5)%len(authors)]
	at := epoch.Add(time.Duration(i) * 37 * time.Minute).In(zones[i%len(zones)])
	files := []guard.FileChange{
		{Path: fmt.Sprintf("dir%d/file%d.go", i%4, i%9), Added: i % 50, Deleted: i % 7},
		{Path: "README.md", Added: 1},
	}
	cats := [][]string{nil, nil}
	if i%10 == 0 {
		files = append(files, guard.FileChange{Path: ".github/workflows/ci.yml", Added: 3})
		cats = append(cats, []string{"ci"})
	}
	c := &guard.Commit{
		Hash:      fmt.Sprintf("%040x", i+1),
		Author:    guard.Person{Name: a.name, Email: a.email, When: at},
		Committer: guard.Person{Name: a.name, Email: a.email, When: at.Add(time.Duration(i%3) * time.Hour)},
		Signed:    i%4 == 0,
		Files:     files,
	}
	login := a.login
	if a.name == "Frank" && i >= 520 {
		login = "frank"
	}
	return c, cats, login
}

// dump returns every row of the learned tables, as text, in order.
func dump(t testing.TB, db *sqlite.DB) []string {
	t.Helper()
	var out []string
	for _, q := range []string{
		`SELECT key, coalesce(login, ''), created FROM identities ORDER BY key`,
		`SELECT identity_key, email, commits, first_seen, last_seen FROM identity_emails ORDER BY 1, 2`,
		`SELECT identity_key, name, commits, first_seen, last_seen FROM identity_names ORDER BY 1, 2`,
		`SELECT repo, key, commits, first_seen, last_seen, data FROM profiles ORDER BY 1, 2`,
		`SELECT repo, ref, hash, commits, updated FROM cursors ORDER BY 1, 2`,
	} {
		rows, err := db.SQL().Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%#v", vals))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return out
}

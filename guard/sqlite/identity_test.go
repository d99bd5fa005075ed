package sqlite_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/sqlite"
)

// commitBy returns a one-file commit by name <email> at epoch + h hours.
func commitBy(name, email string, h int) *guard.Commit {
	at := epoch.Add(time.Duration(h) * time.Hour)
	return &guard.Commit{
		Hash:      "h",
		Author:    guard.Person{Name: name, Email: email, When: at},
		Committer: guard.Person{Name: name, Email: email, When: at},
		Files:     []guard.FileChange{{Path: "main.go", Added: 1}},
	}
}

func TestResolveIdentity(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	l := sqlite.NewLearner(db)
	learn := func(name, email, login string) {
		t.Helper()
		if err := l.Learn(ctx, "acme/api", commitBy(name, email, 1), nil, login, nil); err != nil {
			t.Fatal(err)
		}
	}
	learn("Alice", "Alice@Example.com", "Alice")
	learn("Carol", "99+Carol@users.noreply.github.com", "")
	learn("Bob", " <bob@example.com>", "")
	learn("root", "root", "")

	tests := []struct {
		login, email, want string
	}{
		{"ALICE", "x@y", "alice"},                          // logins are case-insensitive
		{"", "alice@example.com", "alice"},                 // the email is the login's
		{"", "99+carol@users.noreply.github.com", "carol"}, // noreply encodes the login
		{"", "carol@users.noreply.github.com", "carol"},    // old noreply form
		{"", "BOB@example.com", "bob@example.com"},         // no login: normalized email
		{"", "root", "root@"},                              // never collides with a login
		{"", "new@example.com", "new@example.com"},         // unknown
		{"mallory", "alice@example.com", "mallory"},        // a known login wins
	}
	for _, tt := range tests {
		got, err := l.ResolveIdentity(ctx, tt.login, tt.email)
		if err != nil || got != tt.want {
			t.Errorf("ResolveIdentity(%q, %q) = %q, %v; want %q", tt.login, tt.email, got, err, tt.want)
		}
	}
	if err := l.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	id, err := db.Identity(ctx, "carol")
	if err != nil {
		t.Fatal(err)
	}
	want := &guard.Identity{Key: "carol", Login: "carol",
		Emails: []string{"99+carol@users.noreply.github.com"}, Names: []string{"Carol"}}
	if !reflect.DeepEqual(id, want) {
		t.Errorf("Identity(carol) = %+v, want %+v", id, want)
	}
	if id, err := db.Identity(ctx, "nobody"); id != nil || err != nil {
		t.Errorf("Identity(nobody) = %+v, %v; want nil", id, err)
	}
}

func TestLinkLoginMergesEmailIdentity(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	l := sqlite.NewLearner(db)
	for i, c := range []struct{ repo, name, email, login string }{
		{"acme/api", "Dan", "dan@laptop.local", ""},
		{"acme/web", "Daniel", "dan@laptop.local", ""},
		{"acme/api", "Dan", "dan@example.com", "dan"},
		{"acme/api", "Dan", "dan@example.com", ""},
	} {
		if err := l.Learn(ctx, c.repo, commitBy(c.name, c.email, i), nil, c.login, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if keys, _ := db.EmailKeys(ctx, "dan@laptop.local"); !reflect.DeepEqual(keys, []string{"dan@laptop.local"}) {
		t.Fatalf("EmailKeys before link = %v", keys)
	}

	if err := db.LinkLogin(ctx, "Dan", "DAN@laptop.local"); err != nil {
		t.Fatal(err)
	}
	id, err := db.Identity(ctx, "dan")
	if err != nil {
		t.Fatal(err)
	}
	want := &guard.Identity{Key: "dan", Login: "dan",
		Emails: []string{"dan@example.com", "dan@laptop.local"}, Names: []string{"Dan", "Daniel"}}
	if !reflect.DeepEqual(id, want) {
		t.Errorf("Identity(dan) = %+v, want %+v", id, want)
	}
	if gone, _ := db.Identity(ctx, "dan@laptop.local"); gone != nil {
		t.Errorf("email identity survives the merge: %+v", gone)
	}
	for _, tc := range []struct {
		repo    string
		commits int
	}{{"acme/api", 3}, {"acme/web", 1}, {"", 4}} {
		p, err := db.LoadProfile(ctx, tc.repo, "dan")
		if err != nil || p.Commits != tc.commits {
			t.Errorf("profile %q dan: %d commits, %v; want %d", tc.repo, p.Commits, err, tc.commits)
		}
		if p, _ := db.LoadProfile(ctx, tc.repo, "dan@laptop.local"); p.Commits != 0 {
			t.Errorf("profile %q of the email survives the merge", tc.repo)
		}
	}
	if keys, _ := db.EmailKeys(ctx, "dan@laptop.local"); !reflect.DeepEqual(keys, []string{"dan"}) {
		t.Errorf("EmailKeys after link = %v", keys)
	}
	// Later commits under the email alone go to the login.
	if key, _ := sqlite.NewLearner(db).ResolveIdentity(ctx, "", "dan@laptop.local"); key != "dan" {
		t.Errorf("resolve after link = %q", key)
	}
	// Org profiles are untouched by a merge.
	org, _ := db.LoadProfile(ctx, "", guard.OrgKey)
	if org.Commits != 4 {
		t.Errorf("org profile: %d commits", org.Commits)
	}
}

func TestLinkInLearnerServesMergedBaseline(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	l := sqlite.NewLearner(db)
	for i := range 3 {
		if err := l.Learn(ctx, "acme/api", commitBy("Fay", "fay@corp", i), nil, "", nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	// The App sees a commit by fay@corp that GitHub attributes to "fay":
	// the baseline before it already holds the email's history.
	key, err := l.ResolveIdentity(ctx, "fay", "fay@corp")
	if err != nil || key != "fay" {
		t.Fatalf("resolve = %q, %v", key, err)
	}
	b, err := l.Baseline(ctx, "acme/api", key, "fay@corp")
	if err != nil {
		t.Fatal(err)
	}
	if b.Author.Commits != 3 || b.AuthorAll.Commits != 3 || b.Identity == nil || len(b.EmailKeys) != 0 {
		t.Errorf("baseline = %d/%d commits, identity %+v, email keys %v",
			b.Author.Commits, b.AuthorAll.Commits, b.Identity, b.EmailKeys)
	}
	// Another login using the same email shows in EmailKeys.
	if err := l.Learn(ctx, "acme/api", commitBy("Fay", "fay@corp", 9), nil, "mallory", nil); err != nil {
		t.Fatal(err)
	}
	b, _ = l.Baseline(ctx, "acme/api", "fay", "fay@corp")
	if !reflect.DeepEqual(b.EmailKeys, []string{"mallory"}) {
		t.Errorf("EmailKeys = %v, want [mallory]", b.EmailKeys)
	}
	if err := l.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if keys, _ := db.EmailKeys(ctx, "fay@corp"); !reflect.DeepEqual(keys, []string{"fay", "mallory"}) {
		t.Errorf("stored EmailKeys = %v", keys)
	}
}

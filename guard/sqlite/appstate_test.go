package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/repoguard/repoguard/guard/sqlite"
)

func TestAppState(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "rg.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := db.PullStateJSON(ctx, "acme/vault", 7); err != nil || b != nil {
		t.Fatalf("absent state: %q %v", b, err)
	}
	if err := db.SavePullStateJSON(ctx, "acme/vault", 7, "head1", "", []byte(`{"n":1}`)); err != nil {
		t.Fatal(err)
	}
	if err := db.SavePullStateJSON(ctx, "acme/vault", 7, "head2", "merge2", []byte(`{"n":2}`)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err = sqlite.Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if b, _ := db.PullStateJSON(ctx, "acme/vault", 7); string(b) != `{"n":2}` {
		t.Errorf("state after reopen: %s", b)
	}
	for sha, want := range map[string]bool{"head2": true, "merge2": true, "head1": false} {
		n, ok, err := db.PullForCommit(ctx, "acme/vault", sha)
		if err != nil || ok != want || (ok && n != 7) {
			t.Errorf("PullForCommit(%s) = %d %v %v", sha, n, ok, err)
		}
	}
	db.SavePullStateJSON(ctx, "acme/vault", 9, "head2", "", []byte(`{"n":9}`))
	db.SavePullStateJSON(ctx, "acme/vault", 3, "head2", "", []byte(`{"n":3}`))
	db.SavePullStateJSON(ctx, "acme/other", 1, "head2", "", []byte(`{"n":1}`))
	if ns, err := db.PullsWithHead(ctx, "acme/vault", "head2"); err != nil || fmt.Sprint(ns) != "[3 7 9]" {
		t.Errorf("PullsWithHead(head2) = %v %v, want [3 7 9]", ns, err)
	}
	if ns, err := db.PullsWithHead(ctx, "acme/vault", "head1"); err != nil || len(ns) != 0 {
		t.Errorf("PullsWithHead(head1) = %v %v, want none", ns, err)
	}
	if h, _ := db.RefHead(ctx, "acme/vault", "refs/tags/v1"); h != "" {
		t.Errorf("unknown ref head %q", h)
	}
	db.SetRefHead(ctx, "acme/vault", "refs/tags/v1", "aaa")
	db.SetRefHead(ctx, "acme/vault", "refs/tags/v1", "bbb")
	if h, _ := db.RefHead(ctx, "acme/vault", "refs/tags/v1"); h != "bbb" {
		t.Errorf("ref head %q, want bbb", h)
	}
}

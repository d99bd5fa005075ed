package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard/sqlite"
	"github.com/repoguard/repoguard/webhooks"
)

func TestBackgroundCheckpoint(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "rg.db")
	db := sqlite.NewDB(path)
	db.Checkpoint = 5 * time.Millisecond
	if err := db.Open(ctx); err != nil {
		t.Fatal(err)
	}
	in := db.Inbox(sqlite.InboxOptions{})
	for i := 0; i < 300; i++ {
		d := webhooks.Delivery{ID: fmt.Sprintf("d%d", i), Event: "push", Repo: "acme/vault", Body: make([]byte, 4096), ReceivedAt: time.Now()}
		if _, err := in.Enqueue(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		t.Errorf("WAL holds %d bytes after close; the final checkpoint should truncate it", fi.Size())
	}
	db2, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	ready, _, _, err := db2.Inbox(sqlite.InboxOptions{}).Depth(ctx)
	if err != nil || ready != 300 {
		t.Errorf("after reopen: %d ready, %v; want 300", ready, err)
	}
}

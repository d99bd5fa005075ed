//go:build unix

package sqlite_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard/sqlite"
	"github.com/repoguard/repoguard/webhooks"
)

var errDisk = errors.New("input/output error")

// post sends a signed pull_request delivery to h and returns the status.
func post(t *testing.T, h http.Handler, id string) int {
	t.Helper()
	body := fmt.Appendf(nil, `{"action":"opened","number":1,"installation":{"id":7},`+
		`"repository":{"id":1,"full_name":"org/repo"},"sender":{"login":"alice"},"seq":%q}`, id)
	req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", "pull_request")
	req.Header.Set("X-GitHub-Delivery", id)
	req.Header.Set(webhooks.SignatureHeader, webhooks.Sign([]byte("s3cret"), body))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

// TestFailedSyncNeverAcknowledged runs the webhook handler on the inbox
// with a disk whose sync fails: no delivery is answered 2xx, each is
// answered 503 so that it can be redelivered, also GitHub's redelivery
// of one whose commit reached the log but not the disk.
func TestFailedSyncNeverAcknowledged(t *testing.T) {
	tests := []struct {
		name string
		sync func() error
		want []int // the answers to d1, d2 and d1 again
	}{
		{"sync succeeds", func() error { return nil }, []int{http.StatusAccepted, http.StatusAccepted, http.StatusOK}},
		{"sync fails", func() error { return errDisk }, []int{503, 503, 503}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := openDB(t).Inbox(sqlite.InboxOptions{})
			in.SetSyncer(tt.sync)
			h, err := webhooks.NewHandler(webhooks.HandlerConfig{Secrets: [][]byte{[]byte("s3cret")}, Inbox: in,
				Events: webhooks.Events{"pull_request": nil}})
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, id := range []string{"d1", "d2", "d1"} {
				got = append(got, post(t, h, id))
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("answers = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestFailedSyncError: the error of a delivery whose sync failed names
// the write-ahead log's failure, later deliveries are refused too, and
// Depth (the server's readiness check) fails with it.
func TestFailedSyncError(t *testing.T) {
	ctx := context.Background()
	in := openDB(t).Inbox(sqlite.InboxOptions{})
	if _, _, _, err := in.Depth(ctx); err != nil {
		t.Fatalf("Depth before any sync: %v", err)
	}
	in.SetSyncer(func() error { return fmt.Errorf("sync write-ahead log: %w", errDisk) })
	for _, id := range []string{"d1", "d2"} {
		_, err := in.Enqueue(ctx, benchDelivery(id, 1, []byte("{}")))
		if !errors.Is(err, errDisk) || !strings.Contains(err.Error(), "inbox enqueue "+id) {
			t.Errorf("Enqueue(%s) = %v, want the sync's failure", id, err)
		}
	}
	if _, _, _, err := in.Depth(ctx); !errors.Is(err, errDisk) {
		t.Errorf("Depth after a failed sync = %v, want the sync's failure", err)
	}
}

// TestGroupCommit holds the sync of a first delivery while others
// arrive: that delivery is not answered before its sync ends, the others
// wait and are written in batches of at most 256, a sync each, and every
// one answered is stored.
func TestGroupCommit(t *testing.T) {
	tests := []struct{ n, syncs int }{{20, 2}, {256, 2}, {300, 3}, {600, 4}}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.n), func(t *testing.T) { groupCommit(t, tt.n, tt.syncs) })
	}
}

func groupCommit(t *testing.T, n, wantSyncs int) {
	ctx := context.Background()
	in := openDB(t).Inbox(sqlite.InboxOptions{})
	entered, release := make(chan struct{}, n), make(chan struct{})
	var syncs int
	in.SetSyncer(func() error {
		syncs++
		entered <- struct{}{}
		<-release
		return nil
	})
	var wg sync.WaitGroup
	answered := make(chan string, n)
	enqueue := func(id string) {
		defer wg.Done()
		if dup, err := in.Enqueue(ctx, benchDelivery(id, 1, []byte("{}"))); err != nil || dup {
			t.Errorf("Enqueue(%s) = %v, %v", id, dup, err)
		}
		answered <- id
	}
	wg.Add(1)
	go enqueue("first")
	<-entered
	for i := range n - 1 {
		wg.Add(1)
		go enqueue(fmt.Sprint(i))
	}
	for deadline := time.Now().Add(10 * time.Second); in.Waiting() < n-1; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d deliveries waiting, want %d", in.Waiting(), n-1)
		}
	}
	select {
	case id := <-answered:
		t.Fatalf("%s answered while the first sync has not ended", id)
	case <-time.After(20 * time.Millisecond):
	}
	close(release)
	wg.Wait()
	if syncs != wantSyncs || in.Syncs() != int64(wantSyncs) {
		t.Errorf("%d deliveries took %d syncs (counted %d), want %d", n, syncs, in.Syncs(), wantSyncs)
	}
	if r, _, _, err := in.Depth(ctx); err != nil || r != n {
		t.Errorf("Depth = %d, %v; want %d ready", r, err, n)
	}
}

// TestEnqueueWithdrawn: a delivery whose context ends while it waits
// for a batch is withdrawn and not stored.
func TestEnqueueWithdrawn(t *testing.T) {
	in := openDB(t).Inbox(sqlite.InboxOptions{})
	entered, release := make(chan struct{}), make(chan struct{})
	first := true // the syncer runs in the inbox's turn to write, one call at a time
	in.SetSyncer(func() error {
		if first {
			first = false
			close(entered)
			<-release
		}
		return nil
	})
	done := make(chan error)
	go func() {
		_, err := in.Enqueue(context.Background(), benchDelivery("first", 1, []byte("{}")))
		done <- err
	}()
	<-entered
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := in.Enqueue(ctx, benchDelivery("late", 1, []byte("{}")))
	close(release)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Enqueue(late) = %v, want the deadline", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := in.Status(context.Background(), "late"); !errors.Is(err, webhooks.ErrNotFound) {
		t.Errorf("withdrawn delivery stored (Status: %v)", err)
	}
}

// TestWALSyncer syncs the log of an open database, and fails with a
// clear error on a database that has none.
func TestWALSyncer(t *testing.T) {
	db := openDB(t)
	if _, err := db.Inbox(sqlite.InboxOptions{}).Enqueue(context.Background(), benchDelivery("d1", 1, []byte("{}"))); err != nil {
		t.Fatal(err)
	}
	if err := sqlite.WALSyncer(db.Path).Sync(); err != nil {
		t.Errorf("Sync of %s: %v", db.Path, err)
	}
	missing := filepath.Join(t.TempDir(), "none.db")
	if err := sqlite.WALSyncer(missing).Sync(); err == nil || !strings.Contains(err.Error(), "write-ahead log") {
		t.Errorf("Sync of %s = %v, want an error naming the write-ahead log", missing, err)
	}
}

// TestLeaderAfterFullBatches: the delivery that leads a group commit
// behind more than a batch of waiting ones is answered only once its own
// batch is stored.
func TestLeaderAfterFullBatches(t *testing.T) {
	ctx := context.Background()
	in := openDB(t).Inbox(sqlite.InboxOptions{})
	var waiting []webhooks.Delivery
	for i := range 300 {
		waiting = append(waiting, benchDelivery(fmt.Sprintf("w%d", i), 1, []byte("{}")))
	}
	in.Preload(waiting...)
	if dup, err := in.Enqueue(ctx, benchDelivery("late", 1, []byte("{}"))); err != nil || dup {
		t.Fatalf("Enqueue(late) = %v, %v", dup, err)
	}
	if _, err := in.Status(ctx, "late"); err != nil {
		t.Errorf("answered delivery not stored: %v", err)
	}
	if r, _, _, err := in.Depth(ctx); err != nil || r != 301 || in.Syncs() != 2 {
		t.Errorf("Depth = %d, %v after %d syncs; want 301 ready after 2", r, err, in.Syncs())
	}
}

// TestPanickingSync: a disk layer that panics fails the batch's
// deliveries with an error; none hangs, and the inbox goes on.
func TestPanickingSync(t *testing.T) {
	ctx := context.Background()
	in := openDB(t).Inbox(sqlite.InboxOptions{})
	in.SetSyncer(func() error { panic("disk driver bug") })
	if _, err := in.Enqueue(ctx, benchDelivery("d1", 1, []byte("{}"))); err == nil || !strings.Contains(err.Error(), "disk driver bug") {
		t.Errorf("Enqueue with a panicking sync = %v, want an error naming the panic", err)
	}
	in.SetSyncer(func() error { return nil })
	if _, err := in.Enqueue(ctx, benchDelivery("d2", 1, []byte("{}"))); err != nil {
		t.Errorf("Enqueue after the panic: %v", err)
	}
}

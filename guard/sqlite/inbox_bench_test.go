//go:build unix

package sqlite_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard/costtest"
	"github.com/repoguard/repoguard/guard/sqlite"
	"github.com/repoguard/repoguard/webhooks"
)

// The benchmarks run on a file database, as the server does, and report
// besides ns/op the process CPU time per operation (user+system, all
// threads: a loaded machine inflates the wall clock, less the CPU time)
// and, for Enqueue, the latency percentiles a webhook sender would see.

// benchBody is the size of a typical payload (a push or pull_request
// event is 5-30 KB).
const benchBody = 12 << 10

// benchDelivery returns a delivery with a body hash of its own, as the
// Handler gives every delivery (the hash of its id: hashing the body is
// the Handler's work, not the Inbox's).
func benchDelivery(id string, repo int64, body []byte) webhooks.Delivery {
	return webhooks.Delivery{ID: id, Event: "pull_request", Action: "synchronize", InstallationID: 7,
		Repo: fmt.Sprintf("org/repo-%d", repo), RepoID: repo, Sender: "alice", Body: body,
		BodySHA256: sha256.Sum256([]byte(id)), ReceivedAt: time.Now()}
}

// meter reports CPU time per operation and latency percentiles.
type meter struct {
	b     *testing.B
	cpu   time.Duration
	mu    sync.Mutex
	lat   []time.Duration
	start time.Time
}

func startMeter(b *testing.B) *meter {
	b.ResetTimer()
	return &meter{b: b, cpu: costtest.ProcessCPU(), start: time.Now()}
}

func (m *meter) record(lat []time.Duration) {
	m.mu.Lock()
	m.lat = append(m.lat, lat...)
	m.mu.Unlock()
}

func (m *meter) stop() {
	m.b.StopTimer()
	n := float64(m.b.N)
	m.b.ReportMetric(float64((costtest.ProcessCPU()-m.cpu).Microseconds())/n, "cpu-us/op")
	m.b.ReportMetric(n/time.Since(m.start).Seconds(), "ops/s")
	if len(m.lat) > 0 {
		slices.Sort(m.lat)
		pct := func(p float64) float64 {
			return float64(m.lat[int(p*float64(len(m.lat)-1))].Microseconds()) / 1000
		}
		m.b.ReportMetric(pct(0.50), "p50-ms")
		m.b.ReportMetric(pct(0.99), "p99-ms")
		m.b.ReportMetric(float64(m.lat[len(m.lat)-1].Microseconds())/1000, "max-ms")
	}
}

// BenchmarkEnqueue stores new deliveries of 200 repositories, from one
// goroutine and from 16 and 32 at once (concurrent webhook requests),
// and reports the syncs of the write-ahead log per delivery: one each
// from a single goroutine, a fraction when they join group commits.
func BenchmarkEnqueue(b *testing.B) {
	body := bytes.Repeat([]byte("x"), benchBody)
	for _, par := range []int{1, 16, 32} {
		b.Run(fmt.Sprintf("goroutines=%d", par), func(b *testing.B) {
			ctx := context.Background()
			in := openDB(b).Inbox(sqlite.InboxOptions{})
			var next atomic.Int64
			m := startMeter(b)
			var wg sync.WaitGroup
			for range par {
				wg.Add(1)
				go func() {
					defer wg.Done()
					var lat []time.Duration
					for {
						i := next.Add(1)
						if i > int64(b.N) {
							break
						}
						t0 := time.Now()
						if dup, err := in.Enqueue(ctx, benchDelivery(fmt.Sprintf("d%d", i), i%200, body)); err != nil || dup {
							b.Errorf("Enqueue = %v, %v", dup, err)
							return
						}
						lat = append(lat, time.Since(t0))
					}
					m.record(lat)
				}()
			}
			wg.Wait()
			m.stop()
			b.ReportMetric(float64(in.Syncs())/float64(b.N), "fsyncs/op")
		})
	}
}

// BenchmarkEnqueueRate is the ingest target: deliveries arrive at a
// fixed rate, each stored by a goroutine of its own (as net/http serves
// requests), and the latency counts from the arrival, so time spent
// waiting for a busy store is included.
func BenchmarkEnqueueRate(b *testing.B) {
	for _, rate := range []int{1000, 2000, 5000} {
		b.Run(fmt.Sprintf("per_s=%d", rate), func(b *testing.B) {
			ctx := context.Background()
			in := openDB(b).Inbox(sqlite.InboxOptions{})
			body := bytes.Repeat([]byte("x"), benchBody)
			interval := time.Second / time.Duration(rate)
			m := startMeter(b)
			lat := make([]time.Duration, b.N)
			var wg sync.WaitGroup
			for i := range b.N {
				at := m.start.Add(time.Duration(i) * interval)
				time.Sleep(time.Until(at))
				wg.Add(1)
				go func() {
					defer wg.Done()
					if dup, err := in.Enqueue(ctx, benchDelivery(fmt.Sprintf("d%d", i), int64(i%200), body)); err != nil || dup {
						b.Errorf("Enqueue = %v, %v", dup, err)
					}
					lat[i] = time.Since(at)
				}()
			}
			wg.Wait()
			m.record(lat)
			m.stop()
			b.ReportMetric(float64(in.Syncs())/float64(b.N), "fsyncs/op")
		})
	}
}

// BenchmarkEnqueueDuplicate answers redeliveries of stored deliveries.
func BenchmarkEnqueueDuplicate(b *testing.B) {
	ctx := context.Background()
	in := openDB(b).Inbox(sqlite.InboxOptions{})
	body := bytes.Repeat([]byte("x"), benchBody)
	for i := range 1000 {
		if _, err := in.Enqueue(ctx, benchDelivery(fmt.Sprintf("d%d", i), int64(i%200), body)); err != nil {
			b.Fatal(err)
		}
	}
	m := startMeter(b)
	for i := range b.N {
		if dup, err := in.Enqueue(ctx, benchDelivery(fmt.Sprintf("d%d", i%1000), int64(i%1000%200), body)); err != nil || !dup {
			b.Fatalf("Enqueue = %v, %v", dup, err)
		}
	}
	m.stop()
}

// BenchmarkClaimComplete claims and completes jobs of 200 repositories
// from a backlog, one worker, with 100,000 done jobs kept for dedup.
func BenchmarkClaimComplete(b *testing.B) {
	ctx := context.Background()
	db := openDB(b)
	in := db.Inbox(sqlite.InboxOptions{})
	body := bytes.Repeat([]byte("x"), benchBody)
	fillDone(b, db, 100_000)
	for i := range b.N {
		if _, err := in.Enqueue(ctx, benchDelivery(fmt.Sprintf("d%d", i), int64(i%200), body)); err != nil {
			b.Fatal(err)
		}
	}
	m := startMeter(b)
	for range b.N {
		j, err := in.Claim(ctx, "w", time.Minute)
		if err != nil || j == nil {
			b.Fatalf("Claim = %v, %v", j, err)
		}
		if err := in.Complete(ctx, j.ID, "w"); err != nil {
			b.Fatal(err)
		}
	}
	m.stop()
}

// BenchmarkClaimBusy is the worst case of a claim: every pending job is
// queued behind a running one, so Claim finds nothing. Its cost must not
// grow with the length of those queues.
func BenchmarkClaimBusy(b *testing.B) {
	for _, c := range []struct{ repos, perRepo int }{{1, 100}, {1, 20_000}, {50, 400}} {
		b.Run(fmt.Sprintf("repos=%d/queued=%d", c.repos, c.repos*c.perRepo), func(b *testing.B) {
			ctx := context.Background()
			in := openDB(b).Inbox(sqlite.InboxOptions{})
			fillReady(b, in, c.repos, c.perRepo)
			for r := range c.repos {
				if j, err := in.Claim(ctx, fmt.Sprintf("w%d", r), time.Hour); err != nil || j == nil {
					b.Fatalf("Claim = %v, %v", j, err)
				}
			}
			m := startMeter(b)
			for range b.N {
				if j, err := in.Claim(ctx, "idle", time.Minute); err != nil || j != nil {
					b.Fatalf("Claim = %v, %v; want nothing", j, err)
				}
			}
			m.stop()
		})
	}
}

// fillReady enqueues perRepo jobs of small payloads for each of repos
// repositories, round-robin.
func fillReady(b *testing.B, in *sqlite.Inbox, repos, perRepo int) {
	b.Helper()
	for i := range repos * perRepo {
		d := benchDelivery(fmt.Sprintf("q%d", i), int64(i%repos), []byte("{}"))
		if _, err := in.Enqueue(context.Background(), d); err != nil {
			b.Fatal(err)
		}
	}
}

// fillDone inserts n done jobs of small payloads, finished long ago.
func fillDone(b *testing.B, db *sqlite.DB, n int) {
	b.Helper()
	ctx := context.Background()
	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	for i := range n {
		if _, err := tx.ExecContext(ctx, `INSERT INTO inbox (delivery_id, serial_key, state, head, finished,
			event, action, installation_id, repo, repo_id, sender, received_at, body)
			VALUES ($1, $2, 'done', 0, 1, 'push', '', 7, 'org/old', 1, 'alice', 1, $3)`,
			fmt.Sprintf("old%d", i), fmt.Sprintf("repo:%d", i%500), []byte("{}")); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/repoguard/repoguard/configs"
	"github.com/repoguard/repoguard/guard/github/githubtest"
	"github.com/repoguard/repoguard/guard/sqlite/pgtest"
)

// BenchmarkWebhookIngestPostgres is BenchmarkWebhookIngest on
// PostgreSQL (pgtest: skipped without REPOGUARD_TEST_DATABASE_URL), with
// one replica and with two sharing the database, the deliveries spread
// over them in turn as a load balancer would. rate=1000 is the open
// loop at 1,000 deliveries a second, saturate 16 senders back to back.
func BenchmarkWebhookIngestPostgres(b *testing.B) {
	for _, replicas := range []int{1, 2} {
		b.Run(fmt.Sprintf("replicas=%d/rate=1000", replicas), func(b *testing.B) {
			benchIngestReplicas(b, replicas, 64, time.Millisecond)
		})
		b.Run(fmt.Sprintf("replicas=%d/saturate", replicas), func(b *testing.B) {
			benchIngestReplicas(b, replicas, 16, 0)
		})
	}
}

// benchIngestReplicas starts replicas servers on one new schema and
// posts b.N deliveries over them from senders goroutines, one due every
// interval (0: as fast as they go).
func benchIngestReplicas(b *testing.B, replicas, senders int, interval time.Duration) {
	url := pgtest.URL(b)
	gh := githubtest.NewServer(b)
	keyFile := filepath.Join(b.TempDir(), "app.pem")
	if err := os.WriteFile(keyFile, gh.AppKeyPEM(), 0o600); err != nil {
		b.Fatal(err)
	}
	var bases []string
	for range replicas {
		env := map[string]string{
			"REPOGUARD_LISTEN": "127.0.0.1:0", "REPOGUARD_DATA_DIR": b.TempDir(), "REPOGUARD_DATABASE_URL": url,
			"REPOGUARD_PUBLIC_URL": e2ePublicURL, "REPOGUARD_GITHUB_API_URL": gh.BaseURL(),
			"REPOGUARD_APP_ID": strconv.FormatInt(gh.AppID, 10), "REPOGUARD_PRIVATE_KEY_FILE": keyFile,
			"REPOGUARD_WEBHOOK_SECRET": e2eSecret, "REPOGUARD_LOG_LEVEL": "info",
		}
		cfg, err := configs.LoadServer("", func(k string) string { return env[k] })
		if err != nil {
			b.Fatal(err)
		}
		bases = append(bases, startServer(b, cfg, io.Discard).url)
	}
	runID := time.Now().UnixNano()
	b.ResetTimer()
	lat, elapsed, err := sendSpread(b.N, senders, interval, func(client *http.Client, i int) error {
		body := bytes.Replace(benchPayload(i%50), []byte(benchSeq), fmt.Appendf(nil, "%010d", i), 1)
		return postTo(client, bases[i%len(bases)], delivery{id: fmt.Sprintf("pgbench-%d-%d", runID, i), event: "pull_request", body: body})
	})
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	slices.Sort(lat)
	at := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "deliveries/s")
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// sendSpread calls send for 0..n-1 from senders goroutines, each call
// due interval after the one before (0: at once), and returns each
// call's time from when it was due to its end, the total time, and the
// first error (which stops the sending).
func sendSpread(n, senders int, interval time.Duration, send func(*http.Client, int) error) ([]time.Duration, time.Duration, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: senders}}
	defer client.CloseIdleConnections()
	type item struct {
		i   int
		due time.Time
	}
	work := make(chan item, senders)
	stop := make(chan struct{})
	var (
		mu      sync.Mutex
		lat     = make([]time.Duration, 0, n)
		first   error
		once    sync.Once
		senderG sync.WaitGroup
	)
	for range senders {
		senderG.Go(func() {
			for it := range work {
				if it.due.IsZero() { // back to back: due when taken
					it.due = time.Now()
				}
				time.Sleep(time.Until(it.due))
				if err := send(client, it.i); err != nil {
					once.Do(func() { first = err; close(stop) })
					continue
				}
				d := time.Since(it.due)
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		})
	}
	start := time.Now()
feed:
	for i := range n {
		select {
		case work <- item{i: i, due: dueAt(start, i, interval)}:
		case <-stop:
			break feed
		}
	}
	close(work)
	senderG.Wait()
	return lat, time.Since(start), first
}

// postTo posts d, signed, with client and wants it stored (202).
func postTo(client *http.Client, base string, d delivery) error {
	req, err := http.NewRequest(http.MethodPost, base+"/webhook", bytes.NewReader(d.body))
	if err != nil {
		return err
	}
	setDeliveryHeaders(req, d, e2eSecret)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		return fmt.Errorf("delivery %s: status %d", d.id, resp.StatusCode)
	}
	return nil
}

// dueAt is when call i is due: interval after call i-1, from start; the
// zero time (due when a sender takes it) when interval is 0.
func dueAt(start time.Time, i int, interval time.Duration) time.Time {
	if interval == 0 {
		return time.Time{}
	}
	return start.Add(time.Duration(i) * interval)
}

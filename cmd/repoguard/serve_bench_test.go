package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/repoguard/repoguard/configs"
	"github.com/repoguard/repoguard/guard/app/apptest"
	"github.com/repoguard/repoguard/guard/github/githubtest"
)

// BenchmarkWebhookIngest posts signed deliveries over loopback HTTP to a
// running `repoguard serve` (its real handler, the SQLite inbox on disk,
// the log at info level) and measures the time GitHub waits for each
// answer. The workers run meanwhile, claiming and completing the jobs
// (pull_request "edited" on the title, which the App stores but has
// nothing to do for, so that they contend for the inbox without calling
// GitHub). The deliveries are about 12 KB, over 50 repositories.
//
// rate=1000 sends 1,000 deliveries a second on a fixed schedule (open
// loop: a late send counts its wait in its latency) and reports the
// rate achieved and the latency percentiles: the target is 1,000/s with
// p99 < 50 ms. senders=N has N senders post back to back and reports
// the deliveries per second: the target at 32 is 5,000/s with p99 ≤ 20
// ms. Each reports the fsyncs of the inbox's write-ahead log per
// delivery (a delivery is answered only once synced; see docs/benchmarks.md
// for the strace count that shows these are the process's only ones).
func BenchmarkWebhookIngest(b *testing.B) {
	b.Run("rate=1000", func(b *testing.B) { benchIngest(b, 64, time.Millisecond) })
	for _, n := range []int{16, 32} {
		b.Run(fmt.Sprintf("senders=%d", n), func(b *testing.B) { benchIngest(b, n, 0) })
	}
}

// benchIngest sends b.N deliveries from senders goroutines, one every
// interval (0: as fast as they can).
func benchIngest(b *testing.B, senders int, interval time.Duration) {
	const repos = 50
	gh := githubtest.NewServer(b)
	dir := b.TempDir()
	keyFile := filepath.Join(dir, "app.pem")
	if err := os.WriteFile(keyFile, gh.AppKeyPEM(), 0o600); err != nil {
		b.Fatal(err)
	}
	env := map[string]string{
		"REPOGUARD_LISTEN": "127.0.0.1:0", "REPOGUARD_DATA_DIR": filepath.Join(dir, "data"),
		"REPOGUARD_PUBLIC_URL": e2ePublicURL, "REPOGUARD_GITHUB_API_URL": gh.BaseURL(),
		"REPOGUARD_APP_ID": strconv.FormatInt(gh.AppID, 10), "REPOGUARD_PRIVATE_KEY_FILE": keyFile,
		"REPOGUARD_WEBHOOK_SECRET": e2eSecret, "REPOGUARD_LOG_LEVEL": "info",
	}
	cfg, err := configs.LoadServer("", func(k string) string { return env[k] })
	if err != nil {
		b.Fatal(err)
	}
	ls := startServer(b, cfg, io.Discard)

	bodies := make([][]byte, repos)
	for i := range bodies {
		bodies[i] = benchPayload(i)
	}
	b.SetBytes(int64(len(bodies[0])))
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: senders}}
	defer client.CloseIdleConnections()
	var (
		next     atomic.Int64
		mu       sync.Mutex
		lat      []time.Duration
		wg       sync.WaitGroup
		runID    = time.Now().UnixNano()
		firstErr atomic.Value
	)
	syncs := ls.inbox.Syncs()
	b.ResetTimer()
	start := time.Now()
	for range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			defer func() {
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			}()
			for {
				i := next.Add(1)
				if i > int64(b.N) || firstErr.Load() != nil {
					return
				}
				due := time.Now()
				if interval > 0 {
					due = start.Add(time.Duration(i-1) * interval)
					time.Sleep(time.Until(due))
				}
				// Every delivery has a body of its own, as GitHub's do:
				// one seen before under another id is refused as a replay.
				body := bytes.Replace(bodies[i%repos], []byte(benchSeq), fmt.Appendf(nil, "%010d", i), 1)
				d := delivery{id: fmt.Sprintf("bench-%d-%d", runID, i), event: "pull_request", body: body}
				req, _ := http.NewRequest(http.MethodPost, ls.url+"/webhook", bytes.NewReader(body))
				setDeliveryHeaders(req, d, e2eSecret)
				resp, err := client.Do(req)
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusAccepted {
						err = fmt.Errorf("delivery %d: status %d", i, resp.StatusCode)
					}
				}
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				mine = append(mine, time.Since(due))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if err, _ := firstErr.Load().(error); err != nil {
		b.Fatal(err)
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "deliveries/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(ls.inbox.Syncs()-syncs)/float64(b.N), "fsyncs/delivery")
	if st := ls.status(fmt.Sprintf("bench-%d-%d", runID, b.N)); st.ID == 0 {
		b.Errorf("delivery %d not in the inbox", b.N)
	}
}

// benchSeq is the placeholder of a delivery's sequence number in a
// benchPayload.
const benchSeq = "##########"

// benchPayload is a pull_request "edited" delivery (its title) of about
// 12 KB, the size of a typical one, on repository acme/widgets-i, with
// benchSeq in place of a sequence number.
func benchPayload(i int) []byte {
	repo := map[string]any{"id": 1000 + i, "name": fmt.Sprintf("widgets-%d", i),
		"full_name": fmt.Sprintf("acme/widgets-%d", i), "private": true,
		"owner": map[string]any{"login": "acme", "type": "Organization"}, "default_branch": "main",
		"description": strings.Repeat("A repository of widgets. ", 40)}
	pr := pullJSON(7, "alice", strings.Repeat("a", 40), strings.Repeat("b", 40))
	pr["body"] = strings.Repeat("This change adds a widget and its tests. ", 200)
	pr["labels"] = []map[string]any{{"name": "enhancement"}}
	body, err := json.Marshal(map[string]any{
		"action": "edited", "number": 7, "pull_request": pr, "changes": map[string]any{"title": map[string]any{"from": "Widgets"}}, "seq": benchSeq,
		"repository": repo, "installation": map[string]any{"id": apptest.Installation}, "sender": userJSON("alice"),
	})
	if err != nil {
		panic(err)
	}
	return body
}

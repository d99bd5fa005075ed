package webhooks_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/repoguard/repoguard/webhooks"
	"github.com/repoguard/repoguard/webhooks/inboxtest"
)

// BenchmarkIngest measures one delivery end to end in the Handler: GitHub
// signs, the handler verifies, indexes and stores it in a MemInbox, 202.
func BenchmarkIngest(b *testing.B) {
	in := inboxtest.NewMemInbox(inboxtest.MemInboxOptions{})
	h := newHandler(b, webhooks.HandlerConfig{Inbox: in, Logger: quietLogger(b)})
	body := []byte(pushBody)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		// Each delivery has a body of its own, as GitHub's do: one seen
		// before under another id is refused as a replay.
		body := fmt.Appendf(body[:0:0], `{"seq":"%09d",%s`, i, pushBody[1:])
		r := delivery("push", fmt.Sprintf("d-%d", i), body, testSecret)
		if w := serve(h, r); w.Code != http.StatusAccepted {
			b.Fatalf("status %d", w.Code)
		}
		i++
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "deliveries/s")
}

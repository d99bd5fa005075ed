package notify_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/notify"
)

// TestAuditHead: the audit head goes, signed, to every JSON endpoint
// whatever its minimum severity, and to no Slack channel.
func TestAuditHead(t *testing.T) {
	js, slack := newEndpoint(t), newEndpoint(t)
	const secret = "anchor-s3cret"
	n, _ := newNotifier(t, []notify.Endpoint{{URL: js.URL, Secret: secret, MinSeverity: guard.Critical},
		{URL: slack.URL, Format: notify.FormatSlack}}, notify.Options{})
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	n.NotifyAuditHead(context.Background(), guard.AuditEntry{Seq: 340, Hash: "9f86d081884c7d65", At: at, Actor: "carol"})
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	got := js.requests()
	if len(got) != 1 || len(slack.requests()) != 0 {
		t.Fatalf("%d JSON and %d Slack requests, want 1 and 0", len(got), len(slack.requests()))
	}
	r := got[0]
	if r.header.Get(notify.EventHeader) != notify.EventAuditHead || r.header.Get(notify.SignatureHeader) != notify.Sign(secret, r.body) {
		t.Errorf("headers %v", r.header)
	}
	var p notify.AuditHeadPayload
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatal(err)
	}
	if p != (notify.AuditHeadPayload{Event: notify.EventAuditHead, Seq: 340, Hash: "9f86d081884c7d65", At: at}) {
		t.Errorf("payload %+v", p)
	}
}

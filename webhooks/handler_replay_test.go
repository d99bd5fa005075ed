package webhooks_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/webhooks"
	"github.com/repoguard/repoguard/webhooks/inboxtest"
)

// TestHandlerReplay sends a delivery, then the same signed body again in
// the ways an attacker who captured it could: GitHub's signature covers
// neither the delivery id nor the event name.
func TestHandlerReplay(t *testing.T) {
	form := []byte(url.Values{"payload": {pushBody}}.Encode())
	formReq := func(id string) *http.Request {
		r := delivery("push", id, form, testSecret)
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r
	}
	signed := func(event, id string) func() *http.Request {
		return func() *http.Request { return delivery(event, id, []byte(pushBody), testSecret) }
	}
	tests := []struct {
		name          string
		first, second func() *http.Request
		code          int
		answer        string
		outcome       string
	}{
		{"new delivery id", signed("push", "d-1"), signed("push", "d-2"), 409, "replay", "push/replay"},
		{"new id and event name", signed("push", "d-1"), signed("pull_request", "d-2"), 409, "replay", "pull_request/replay"},
		{"form body under a new id", func() *http.Request { return formReq("f-1") }, func() *http.Request { return formReq("f-2") },
			409, "replay", "push/replay"},
		{"GitHub's redelivery (same id)", signed("push", "d-1"), signed("push", "d-1"), 200, "duplicate", "push/duplicate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := inboxtest.NewMemInbox(inboxtest.MemInboxOptions{})
			obs := &countingObserver{}
			var logs bytes.Buffer
			notified := 0
			h := newHandler(t, webhooks.HandlerConfig{Inbox: in, Observer: obs, Notify: func() { notified++ },
				Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			first, second := tt.first(), tt.second()
			if w := serve(h, first); w.Code != http.StatusAccepted {
				t.Fatalf("first delivery: %d %q, want 202", w.Code, w.Body)
			}
			w := serve(h, second)
			if w.Code != tt.code || !strings.Contains(w.Body.String(), tt.answer) {
				t.Errorf("second delivery: %d %q, want %d %s", w.Code, w.Body, tt.code, tt.answer)
			}
			if ready, _, _, _ := in.Depth(context.Background()); ready != 1 || notified != 1 {
				t.Errorf("%d jobs ready, workers woken %d times; want 1 and 1", ready, notified)
			}
			if obs.count(tt.outcome) != 1 {
				t.Errorf("observer saw %v, want %s", obs.seen, tt.outcome)
			}
			if tt.code != http.StatusConflict {
				return
			}
			newID, oldID := second.Header.Get("X-GitHub-Delivery"), first.Header.Get("X-GitHub-Delivery")
			want := "level=WARN msg=\"webhook replay refused\" delivery=" + newID
			if !strings.Contains(logs.String(), want) || !strings.Contains(logs.String(), "original="+oldID) {
				t.Errorf("log lacks a warning naming %s and %s:\n%s", newID, oldID, logs.String())
			}
		})
	}
}

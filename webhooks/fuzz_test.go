package webhooks_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/webhooks"
)

// FuzzHandler posts signed arbitrary bodies: the handler answers 202 (and
// stores a delivery Decode can handle without panicking) or 400, never
// anything else, never a panic.
func FuzzHandler(f *testing.F) {
	for _, s := range []string{pushBody, `{}`, `null`, `[]`, `{"installation":null}`,
		`{"repository":{"id":1.5}}`, `{"action":7}`, "{\"sender\":{\"login\":\"\xff\"}}", ` {"a":1} `} {
		f.Add("push", s)
		f.Add("check_run", s)
	}
	f.Fuzz(func(t *testing.T, event, body string) {
		rec := &recorder{}
		h := newHandler(t, webhooks.HandlerConfig{Inbox: rec, Events: webhooks.Events{"push": nil, "check_run": {"rerequested"}, event: nil}})
		w := serve(h, delivery(event, "fuzz", []byte(body), testSecret))
		switch w.Code {
		case http.StatusAccepted, http.StatusBadRequest:
		case http.StatusOK:
			if event != "ping" {
				t.Fatalf("status 200 for event %q", event)
			}
		default:
			t.Fatalf("status %d for event %q body %q", w.Code, event, body)
		}
		for _, d := range rec.got {
			webhooks.Decode(d)
		}
	})
}

// FuzzVerifySignature checks that only the right MAC verifies.
func FuzzVerifySignature(f *testing.F) {
	f.Add([]byte("body"), "sha256=00")
	f.Fuzz(func(t *testing.T, body []byte, header string) {
		secrets := [][]byte{testSecret}
		if webhooks.VerifySignature(header, body, secrets) && !strings.EqualFold(header, webhooks.Sign(testSecret, body)) {
			t.Fatalf("header %q verified for body %q", header, body)
		}
		if !webhooks.VerifySignature(webhooks.Sign(testSecret, body), body, secrets) {
			t.Fatal("correct signature rejected")
		}
	})
}

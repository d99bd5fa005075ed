package webhooks_test

import (
	"context"
	"crypto/sha256"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/webhooks"
	"github.com/repoguard/repoguard/webhooks/inboxtest"
)

func TestHandlerStoresVerifiedDelivery(t *testing.T) {
	in := inboxtest.NewMemInbox(inboxtest.MemInboxOptions{})
	obs := &countingObserver{}
	notified := 0
	now := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	h := newHandler(t, webhooks.HandlerConfig{Inbox: in, Observer: obs,
		Notify: func() { notified++ }, Now: func() time.Time { return now }})

	w := serve(h, delivery("push", "d-1", []byte(pushBody), testSecret))
	if w.Code != http.StatusAccepted {
		t.Fatalf("status = %d %q, want 202", w.Code, w.Body)
	}
	j, err := in.Claim(context.Background(), "w", time.Minute)
	if err != nil || j == nil {
		t.Fatalf("Claim = %v, %v; want the stored delivery", j, err)
	}
	want := webhooks.Delivery{ID: "d-1", Event: "push", InstallationID: 42,
		Repo: "octo/hello", RepoID: 1296269, Sender: "mallory", ReceivedAt: now,
		BodySHA256: sha256.Sum256([]byte(pushBody))}
	got := j.Delivery
	if string(got.Body) != pushBody {
		t.Errorf("stored body = %q, want the raw payload", got.Body)
	}
	got.Body = nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stored delivery = %+v\nwant %+v", got, want)
	}
	if notified != 1 || obs.count("push/stored") != 1 {
		t.Errorf("notified %d times, observer %v; want 1 and push/stored", notified, obs.seen)
	}
}

func TestHandlerRejects(t *testing.T) {
	body := []byte(pushBody)
	other := []byte("not the secret")
	tests := []struct {
		name    string
		req     func() *http.Request
		code    int
		outcome string
	}{
		{"missing signature", func() *http.Request { return delivery("push", "d", body, nil) }, 401, "/bad_signature"},
		{"wrong secret", func() *http.Request { return delivery("push", "d", body, other) }, 401, "/bad_signature"},
		{"tampered body", func() *http.Request {
			r := delivery("push", "d", body, testSecret)
			r.Body = io.NopCloser(strings.NewReader(strings.Replace(pushBody, "mallory", "alice__", 1)))
			return r
		}, 401, "/bad_signature"},
		{"not hex", func() *http.Request {
			r := delivery("push", "d", body, nil)
			r.Header.Set(webhooks.SignatureHeader, "sha256="+strings.Repeat("zz", 32))
			return r
		}, 401, "/bad_signature"},
		{"sha1 only", func() *http.Request {
			r := delivery("push", "d", body, nil)
			r.Header.Set("X-Hub-Signature", "sha1=0000000000000000000000000000000000000000")
			return r
		}, 401, "/bad_signature"},
		{"GET", func() *http.Request {
			r := delivery("push", "d", body, testSecret)
			r.Method = http.MethodGet
			return r
		}, 405, "/bad_method"},
		{"no delivery id", func() *http.Request { return delivery("push", "", body, testSecret) }, 400, "/bad_request"},
		{"no event", func() *http.Request { return delivery("", "d", body, testSecret) }, 400, "/bad_request"},
		{"bad delivery id", func() *http.Request { return delivery("push", "d\n1", body, testSecret) }, 400, "/bad_request"},
		{"malformed JSON", func() *http.Request { return delivery("push", "d", []byte(`{"ref":`), testSecret) }, 400, "push/bad_request"},
		{"JSON array", func() *http.Request { return delivery("push", "d", []byte(`[1]`), testSecret) }, 400, "push/bad_request"},
		{"wrong field type", func() *http.Request {
			return delivery("push", "d", []byte(`{"installation":{"id":"42"}}`), testSecret)
		}, 400, "push/bad_request"},
		{"unsupported content type", func() *http.Request {
			r := delivery("push", "d", body, testSecret)
			r.Header.Set("Content-Type", "text/xml")
			return r
		}, 400, "push/bad_request"},
		{"unknown event", func() *http.Request { return delivery("star", "d", body, testSecret) }, 202, "star/dropped"},
		{"ping", func() *http.Request {
			return delivery("ping", "d", []byte(`{"zen":"Keep it logically awesome."}`), testSecret)
		}, 200, "ping/ping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := inboxtest.NewMemInbox(inboxtest.MemInboxOptions{})
			obs := &countingObserver{}
			w := serve(newHandler(t, webhooks.HandlerConfig{Inbox: in, Observer: obs}), tt.req())
			if w.Code != tt.code {
				t.Errorf("status = %d %q, want %d", w.Code, w.Body, tt.code)
			}
			if ready, running, dead, _ := in.Depth(context.Background()); ready+running+dead != 0 {
				t.Errorf("inbox holds %d jobs, want none", ready+running+dead)
			}
			if obs.count(tt.outcome) != 1 {
				t.Errorf("observer saw %v, want %s", obs.seen, tt.outcome)
			}
			if tt.code == 405 && w.Header().Get("Allow") != "POST" {
				t.Errorf("405 without Allow: POST")
			}
			if tt.code == 200 && strings.TrimSpace(w.Body.String()) != "pong" {
				t.Errorf("ping answered %q, want pong", w.Body)
			}
		})
	}
}

func TestHandlerBodyTooLarge(t *testing.T) {
	for _, declared := range []bool{false, true} {
		rec := &recorder{}
		h := newHandler(t, webhooks.HandlerConfig{Inbox: rec})
		body := io.LimitReader(repeatReader('a'), webhooks.MaxBodyBytes+1)
		r := httptest.NewRequest(http.MethodPost, "/", body) // streamed: ContentLength -1
		if declared {
			r.ContentLength = webhooks.MaxBodyBytes + 1
		}
		r.Header.Set("X-GitHub-Event", "push")
		r.Header.Set("X-GitHub-Delivery", "big")
		r.Header.Set(webhooks.SignatureHeader, webhooks.Sign(testSecret, []byte("whatever")))
		if w := serve(h, r); w.Code != http.StatusRequestEntityTooLarge {
			t.Errorf("declared length %v: status = %d, want 413", declared, w.Code)
		}
		if len(rec.got) != 0 {
			t.Errorf("declared length %v: %d deliveries stored", declared, len(rec.got))
		}
	}
}

func TestHandlerRedelivery(t *testing.T) {
	in := inboxtest.NewMemInbox(inboxtest.MemInboxOptions{})
	notified := 0
	h := newHandler(t, webhooks.HandlerConfig{Inbox: in, Notify: func() { notified++ }})
	first := serve(h, delivery("push", "same", []byte(pushBody), testSecret))
	again := serve(h, delivery("push", "same", []byte(pushBody), testSecret))
	if first.Code != 202 || again.Code != 200 || strings.TrimSpace(again.Body.String()) != "duplicate" {
		t.Fatalf("first %d, redelivery %d %q; want 202 then 200 duplicate", first.Code, again.Code, again.Body)
	}
	if ready, _, _, _ := in.Depth(context.Background()); ready != 1 || notified != 1 {
		t.Fatalf("ready jobs %d, notified %d; want 1 and 1", ready, notified)
	}
}

func TestHandlerStorageFailure(t *testing.T) {
	rec := &recorder{fail: errStore}
	h := newHandler(t, webhooks.HandlerConfig{Inbox: rec})
	if w := serve(h, delivery("push", "d", []byte(pushBody), testSecret)); w.Code != http.StatusServiceUnavailable {
		t.Fatalf("status = %d, want 503", w.Code)
	}
}

func TestHandlerSecretRotation(t *testing.T) {
	old, cur := []byte("old secret"), []byte("new secret")
	rec := &recorder{}
	h := newHandler(t, webhooks.HandlerConfig{Inbox: rec, Secrets: [][]byte{cur, old}})
	for i, s := range [][]byte{cur, old, []byte("neither")} {
		w := serve(h, delivery("push", "d"+string(rune('0'+i)), []byte(pushBody), s))
		if want := []int{202, 202, 401}[i]; w.Code != want {
			t.Errorf("secret %q: status %d, want %d", s, w.Code, want)
		}
	}
}

func TestHandlerFormPayload(t *testing.T) {
	rec := &recorder{}
	h := newHandler(t, webhooks.HandlerConfig{Inbox: rec})
	form := []byte(url.Values{"payload": {pushBody}}.Encode())
	r := delivery("push", "form", form, testSecret)
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if w := serve(h, r); w.Code != 202 {
		t.Fatalf("status = %d %q, want 202", w.Code, w.Body)
	}
	if len(rec.got) != 1 || string(rec.got[0].Body) != pushBody || rec.got[0].Repo != "octo/hello" {
		t.Fatalf("stored %+v, want the JSON payload", rec.got)
	}
}

func TestHandlerMissingInstallation(t *testing.T) {
	rec := &recorder{}
	h := newHandler(t, webhooks.HandlerConfig{Inbox: rec})
	body := []byte(`{"action":"created","installation":null,"repository":{"id":5,"full_name":"o/r"}}`)
	if w := serve(h, delivery("check_run", "d", body, testSecret)); w.Code != 202 {
		t.Fatalf("status = %d, want 202", w.Code)
	}
	if d := rec.got[0]; d.InstallationID != 0 || d.Action != "created" || d.RepoID != 5 {
		t.Fatalf("stored %+v, want installation 0", d)
	}
}

func TestNewHandlerValidates(t *testing.T) {
	rec := &recorder{}
	for name, cfg := range map[string]webhooks.HandlerConfig{
		"no secret":    {Inbox: rec},
		"empty secret": {Inbox: rec, Secrets: [][]byte{testSecret, {}}},
		"no inbox":     {Secrets: [][]byte{testSecret}, Events: fixtureEvents()},
		"no events":    {Secrets: [][]byte{testSecret}, Inbox: rec},
	} {
		if _, err := webhooks.NewHandler(cfg); err == nil {
			t.Errorf("%s: NewHandler succeeded", name)
		}
	}
	var zero webhooks.Handler
	if w := serve(&zero, delivery("push", "d", []byte(pushBody), nil)); w.Code != 500 {
		t.Errorf("zero Handler answered %d, want 500", w.Code)
	}
}

// TestHandlerStoresOnlyHandledActions: of an event stored for some
// actions, a delivery of another action is answered 202 and dropped, as
// one of an event not stored is; an event listed without actions is
// stored whatever its action.
func TestHandlerStoresOnlyHandledActions(t *testing.T) {
	events := webhooks.Events{"pull_request": {"opened", "synchronize"}, "push": nil}
	for _, tc := range []struct {
		event, body string
		stored      bool
	}{
		{"pull_request", `{"action":"opened","installation":{"id":1}}`, true},
		{"pull_request", `{"action":"synchronize","installation":{"id":1}}`, true},
		{"pull_request", `{"action":"labeled","installation":{"id":1}}`, false},
		{"pull_request", `{"installation":{"id":1}}`, false},
		{"push", pushBody, true},
		{"push", `{"action":"anything","installation":{"id":1}}`, true},
		{"check_run", `{"action":"rerequested","installation":{"id":1}}`, false},
	} {
		rec, obs := &recorder{}, &countingObserver{}
		h := newHandler(t, webhooks.HandlerConfig{Inbox: rec, Observer: obs, Events: events})
		w := serve(h, delivery(tc.event, "d", []byte(tc.body), testSecret))
		outcome := tc.event + "/dropped"
		if tc.stored {
			outcome = tc.event + "/stored"
		}
		if w.Code != http.StatusAccepted || (len(rec.got) == 1) != tc.stored || obs.count(outcome) != 1 {
			t.Errorf("%s %s: status %d %q, %d stored, observer %v; want 202, stored %v, %s",
				tc.event, tc.body, w.Code, w.Body, len(rec.got), obs.seen, tc.stored, outcome)
		}
	}
}

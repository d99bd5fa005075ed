package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/repoguard/repoguard/guard/app/apptest"
	"github.com/repoguard/repoguard/webhooks"
	"github.com/repoguard/repoguard/webhooks/inboxtest"
)

var testSecret = []byte("webhook-secret")

// deliver sends a payload the way GitHub does, through a webhooks
// Handler into an inbox, claims the job and runs it through App.Handle.
func (e *env) deliver(event string, payload map[string]any) error {
	e.T.Helper()
	body, err := json.Marshal(payload)
	if err != nil {
		e.T.Fatal(err)
	}
	return e.deliverBody(event, body)
}

func (e *env) deliverBody(event string, body []byte) error {
	e.T.Helper()
	job := e.job(event, body)
	return e.app.Handle(context.Background(), job)
}

// job turns a body into a claimed job through the webhooks Handler.
func (e *env) job(event string, body []byte) *webhooks.Job {
	e.T.Helper()
	inbox := inboxtest.NewMemInbox(inboxtest.MemInboxOptions{})
	events := e.events
	if events == nil {
		events = Events()
	}
	h, err := webhooks.NewHandler(webhooks.HandlerConfig{Secrets: [][]byte{testSecret}, Inbox: inbox, Events: events,
		Logger: testLogger(e.T)})
	if err != nil {
		e.T.Fatal(err)
	}
	e.seq++
	req := httptest.NewRequest(http.MethodPost, "/webhooks", strings.NewReader(string(body)))
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", fmt.Sprintf("delivery-%d", e.seq))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(webhooks.SignatureHeader, webhooks.Sign(testSecret, body))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusAccepted {
		e.T.Fatalf("webhook handler answered %d: %s", rec.Code, rec.Body)
	}
	job, err := inbox.Claim(context.Background(), "test", time.Minute)
	if err != nil || job == nil {
		e.T.Fatalf("claim: %v %v", job, err)
	}
	return job
}

func repoJSON() map[string]any {
	return map[string]any{"id": 1296269, "name": apptest.Name, "full_name": apptest.FullName,
		"owner": map[string]any{"login": apptest.Owner, "type": "Organization"}, "default_branch": "main"}
}

func installation() map[string]any { return map[string]any{"id": apptest.Installation} }

func user(login string) map[string]any { return map[string]any{"login": login, "type": "User"} }

// prJSON is a pull_request object.
func prJSON(number int, author, head, base string) map[string]any {
	return map[string]any{
		"number": number, "state": "open", "user": user(author),
		"head": map[string]any{"sha": head, "ref": "feature"},
		"base": map[string]any{"sha": base, "ref": "main"},
	}
}

func (e *env) pullRequestEvent(action string, number int, author, head, base, sender string) error {
	e.T.Helper()
	return e.deliver("pull_request", map[string]any{
		"action": action, "number": number, "pull_request": prJSON(number, author, head, base),
		"repository": repoJSON(), "installation": installation(), "sender": user(sender),
	})
}

func (e *env) reviewEvent(number int, author, head, base, reviewer string) error {
	e.T.Helper()
	return e.deliver("pull_request_review", map[string]any{
		"action": "submitted", "pull_request": prJSON(number, author, head, base),
		"review":     map[string]any{"id": 1, "state": "approved", "user": user(reviewer), "commit_id": head},
		"repository": repoJSON(), "installation": installation(), "sender": user(reviewer),
	})
}

// pushEvent sends a push of ref from before to after by pusher.
func (e *env) pushEvent(ref, before, after, pusher string, extra map[string]any) error {
	e.T.Helper()
	p := map[string]any{
		"ref": ref, "before": before, "after": after, "created": before == zeroSHA, "deleted": after == zeroSHA,
		"forced": false, "repository": repoJSON(), "installation": installation(),
		"pusher": map[string]any{"name": pusher, "email": pusher + "@acme.test"}, "sender": user(pusher),
	}
	for k, v := range extra {
		p[k] = v
	}
	return e.deliver("push", p)
}

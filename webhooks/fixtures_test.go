package webhooks_test

import (
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"path"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v62/github"
	"github.com/repoguard/repoguard/webhooks"
	"github.com/repoguard/repoguard/webhooks/webhookstest"
)

// wantType is the go-github type Decode returns per event of the
// fixtures.
var wantType = map[string]any{
	"push":                      (*github.PushEvent)(nil),
	"pull_request":              (*github.PullRequestEvent)(nil),
	"pull_request_review":       (*github.PullRequestReviewEvent)(nil),
	"check_run":                 (*github.CheckRunEvent)(nil),
	"check_suite":               (*github.CheckSuiteEvent)(nil),
	"merge_group":               (*github.MergeGroupEvent)(nil),
	"installation":              (*github.InstallationEvent)(nil),
	"installation_repositories": (*github.InstallationRepositoriesEvent)(nil),
	"member":                    (*github.MemberEvent)(nil),
	"membership":                (*github.MembershipEvent)(nil),
	"repository":                (*github.RepositoryEvent)(nil),
}

// fixtureEvents stores every action of the events of the fixtures: what
// the handlers of these tests store unless a test says otherwise.
func fixtureEvents() webhooks.Events {
	e := webhooks.Events{}
	for name := range wantType {
		e[name] = nil
	}
	return e
}

// TestFixturesThroughHandler posts every fixture of the events handled
// (and ping) through the real handler, signed like GitHub, storing every
// action, then decodes what was stored and checks the envelope against
// the typed event.
func TestFixturesThroughHandler(t *testing.T) {
	root := webhookstest.Payloads()
	if got, want := fixtureEvents().Names(), slices.Sorted(maps.Keys(wantType)); !slices.Equal(got, want) {
		t.Fatalf("fixture events %v, test expects %v", got, want)
	}
	events := append(fixtureEvents().Names(), "ping")
	for _, event := range events {
		files, _ := fs.Glob(root, path.Join(event, "*.json"))
		if len(files) == 0 {
			t.Errorf("no fixtures for handled event %s", event)
		}
		for _, file := range files {
			t.Run(event+"/"+path.Base(file), func(t *testing.T) {
				body, err := fs.ReadFile(root, file)
				if err != nil {
					t.Fatal(err)
				}
				checkFixture(t, event, body)
			})
		}
	}
}

func checkFixture(t *testing.T, event string, body []byte) {
	rec := &recorder{}
	h := newHandler(t, webhooks.HandlerConfig{Inbox: rec})
	w := serve(h, delivery(event, "72d3162e-cc78-11e3-81ab-4c9367dc0958", body, testSecret))
	if event == "ping" {
		if w.Code != http.StatusOK || len(rec.got) != 0 {
			t.Fatalf("ping: status %d, %d stored; want 200 and nothing stored", w.Code, len(rec.got))
		}
		return
	}
	if w.Code != http.StatusAccepted || len(rec.got) != 1 {
		t.Fatalf("status %d %q, %d stored; want 202 and one delivery", w.Code, w.Body, len(rec.got))
	}
	d := rec.got[0]
	ev, err := webhooks.Decode(d)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if reflect.TypeOf(ev) != reflect.TypeOf(wantType[event]) {
		t.Fatalf("Decode returned %T, want %T", ev, wantType[event])
	}
	if err := checkEnvelope(d, ev); err != nil {
		t.Error(err)
	}
}

// checkEnvelope compares the fields the handler extracted with the typed
// event's.
func checkEnvelope(d webhooks.Delivery, ev any) error {
	var errs []string
	if e, ok := ev.(interface{ GetAction() string }); ok && e.GetAction() != d.Action {
		errs = append(errs, fmt.Sprintf("action %q, typed %q", d.Action, e.GetAction()))
	}
	if e, ok := ev.(interface{ GetInstallation() *github.Installation }); ok {
		if id := e.GetInstallation().GetID(); id != d.InstallationID {
			errs = append(errs, fmt.Sprintf("installation %d, typed %d", d.InstallationID, id))
		}
	}
	if e, ok := ev.(interface{ GetSender() *github.User }); ok && e.GetSender().GetLogin() != d.Sender {
		errs = append(errs, fmt.Sprintf("sender %q, typed %q", d.Sender, e.GetSender().GetLogin()))
	}
	repo, id := "", int64(0)
	switch e := ev.(type) {
	case interface{ GetRepo() *github.Repository }:
		repo, id = e.GetRepo().GetFullName(), e.GetRepo().GetID()
	case *github.PushEvent:
		repo, id = e.GetRepo().GetFullName(), e.GetRepo().GetID()
	}
	if repo != d.Repo || id != d.RepoID {
		errs = append(errs, fmt.Sprintf("repository %q (%d), typed %q (%d)", d.Repo, d.RepoID, repo, id))
	}
	if errs != nil {
		return fmt.Errorf("envelope differs from the typed event: %s", strings.Join(errs, "; "))
	}
	return nil
}

func TestDecodeErrors(t *testing.T) {
	_, err := webhooks.Decode(webhooks.Delivery{ID: "abc", Event: "push", Body: []byte(`{"ref":1}`)})
	if err == nil || !strings.Contains(err.Error(), "abc") || !strings.Contains(err.Error(), "push") {
		t.Fatalf("Decode error = %v, want one naming delivery abc and event push", err)
	}
	if _, err := webhooks.Decode(webhooks.Delivery{ID: "x", Event: "no_such_event", Body: []byte(`{}`)}); err == nil {
		t.Fatal("Decode of an unknown event succeeded")
	}
}

func TestDecodeZonelessTimestamp(t *testing.T) {
	body := `{"action":"rerequested","check_run":{"id":1,"app":{"id":2,"created_at":"2018-04-25 20:42:10"},` +
		`"output":{"title":"2018-04-25 20:42:10 \"2018-04-25 20:42:10\""}}}`
	ev, err := webhooks.Decode(webhooks.Delivery{ID: "d", Event: "check_run", Body: []byte(body)})
	if err != nil {
		t.Fatal(err)
	}
	cr := ev.(*github.CheckRunEvent).GetCheckRun()
	if got := cr.GetApp().GetCreatedAt().UTC().Format(time.RFC3339); got != "2018-04-25T20:42:10Z" {
		t.Errorf("app.created_at = %s", got)
	}
	if got := cr.GetOutput().GetTitle(); got != `2018-04-25 20:42:10 "2018-04-25 20:42:10"` {
		t.Errorf("a string that merely contains a timestamp was changed: %q", got)
	}
}

package app

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	gh "github.com/google/go-github/v62/github"

	"github.com/repoguard/repoguard/guard/app/apptest"
	"github.com/repoguard/repoguard/webhooks"
)

// TestEvents: the App declares the events and actions it handles, which
// the webhook handler stores and the manifest subscribes to.
func TestEvents(t *testing.T) {
	want := webhooks.Events{
		"pull_request":              {"opened", "synchronize", "reopened", "ready_for_review", "edited", "closed"},
		"pull_request_review":       {"submitted", "edited", "dismissed"},
		"push":                      nil,
		"installation":              {"created", "deleted", "suspend"},
		"installation_repositories": {"added", "removed"},
		"check_run":                 {"rerequested"},
		"check_suite":               {"rerequested"},
		"merge_group":               {"checks_requested"},
	}
	if got := Events(); !reflect.DeepEqual(got, want) {
		t.Errorf("Events() = %v\nwant %v", got, want)
	}
	Events()["push"] = []string{"changed"}
	if Events()["push"] != nil {
		t.Error("Events returned the App's own list: a caller changed it")
	}
}

// TestEventsDecodeToTheirHandlers: every event the App handles decodes,
// as a worker decodes it, to the type its handler takes, for each of its
// actions; a delivery decoded otherwise is refused for good.
func TestEventsDecodeToTheirHandlers(t *testing.T) {
	for name, h := range handlers {
		actions := h.actions
		if len(actions) == 0 {
			actions = []string{""}
		}
		for _, action := range actions {
			body, _ := json.Marshal(map[string]any{"action": action})
			ev, err := webhooks.Decode(webhooks.Delivery{ID: "d", Event: name, Action: action, Body: body})
			if err != nil || reflect.TypeOf(ev) != h.event {
				t.Errorf("%s %s decodes to %T (%v), its handler takes %v", name, action, ev, err, h.event)
			}
		}
	}
	d := &webhooks.Delivery{ID: "d", Event: "push"}
	if err := handlers["push"].handle(&App{}, context.Background(), d, &gh.PullRequestEvent{}); !errors.Is(err, webhooks.ErrPermanent) {
		t.Errorf("push handler given a pull request event: %v, want a permanent error", err)
	}
}

// TestHandleSkipsWhatItDoesNotHandle: a job of an event or action the App
// does not handle is done without touching Git, GitHub or the store.
func TestHandleSkipsWhatItDoesNotHandle(t *testing.T) {
	a := &App{Repos: failingRepos{t}, Store: NewMemStore(), Profiles: NewMemProfiles(), Logger: testLogger(t),
		Clients: func(int64) GitHubClient { t.Error("GitHub called"); return nil }}
	defer a.Close()
	for _, d := range []webhooks.Delivery{
		{ID: "1", Event: "pull_request", Action: "labeled", InstallationID: apptest.Installation, Body: []byte(`{"action":"labeled"}`)},
		{ID: "2", Event: "check_run", Action: "created", InstallationID: apptest.Installation, Body: []byte(`{"action":"created"}`)},
		{ID: "3", Event: "member", Action: "added", InstallationID: apptest.Installation, Body: []byte(`{"action":"added"}`)},
	} {
		if err := a.Handle(context.Background(), &webhooks.Job{Delivery: d}); err != nil {
			t.Errorf("%s %s: %v", d.Event, d.Action, err)
		}
	}
}

// failingRepos fails the test when a repository is fetched.
type failingRepos struct{ t *testing.T }

func (r failingRepos) Fetch(ctx context.Context, inst int64, url string, refs []string) (Repository, func(), error) {
	r.t.Errorf("fetched %s", url)
	return nil, nil, errors.New("no fetching here")
}

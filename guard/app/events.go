package app

import (
	"context"
	"fmt"
	"reflect"
	"slices"

	"github.com/repoguard/repoguard/webhooks"
)

// handlers are the events the App handles, by name, each with the
// actions it acts on (none listed: every action) and its handler, one
// file per event. It is the one list: Events (what the webhook handler
// stores and the App manifest subscribes to) and Handle follow it.
var handlers = map[string]handler{
	"pull_request":              on((*App).onPullRequest, "opened", "synchronize", "reopened", "ready_for_review", "edited", "closed"),
	"pull_request_review":       on((*App).onPullRequestReview, "submitted", "edited", "dismissed"),
	"push":                      on((*App).onPush),
	"installation":              on((*App).onInstallation, "created", "deleted", "suspend"),
	"installation_repositories": on((*App).onInstallationRepositories, "added", "removed"),
	"check_run":                 on((*App).onCheckRun, "rerequested"),
	"check_suite":               on((*App).onCheckSuite, "rerequested"),
	"merge_group":               on((*App).onMergeGroup, "checks_requested"),
}

// handler handles the deliveries of one event.
type handler struct {
	actions []string
	// event is the go-github type webhooks.Decode gives the event.
	event  reflect.Type
	handle func(a *App, ctx context.Context, d *webhooks.Delivery, ev any) error
}

// on makes the handler of an event decoded as E that acts on actions.
func on[E any](f func(*App, context.Context, *webhooks.Delivery, E) error, actions ...string) handler {
	return handler{actions: actions, event: reflect.TypeFor[E](),
		handle: func(a *App, ctx context.Context, d *webhooks.Delivery, ev any) error {
			e, ok := ev.(E)
			if !ok {
				return webhooks.Permanent(fmt.Errorf("%s delivery decoded as %T", d.Event, ev))
			}
			return f(a, ctx, d, e)
		}}
}

// Events returns the events and actions the App handles: those the
// webhook handler stores (webhooks.HandlerConfig.Events) and the App
// manifest subscribes to.
func Events() webhooks.Events {
	out := make(webhooks.Events, len(handlers))
	for name, h := range handlers {
		out[name] = slices.Clone(h.actions)
	}
	return out
}

// handled is Events, once.
var handled = Events()

// handlerOf returns the handler of a delivery, or false when the App
// does not act on its event and action.
func handlerOf(d *webhooks.Delivery) (handler, bool) {
	return handlers[d.Event], handled.Has(d.Event, d.Action)
}

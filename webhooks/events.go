package webhooks

import (
	"maps"
	"slices"
)

// Events names the deliveries a Handler stores: each event, with the
// actions of it that are stored (none listed: every action; push has
// none). The job handler declares them (app.Events), so that nothing is
// stored only to be dropped by a worker.
type Events map[string][]string

// Names returns the event names, sorted.
func (e Events) Names() []string { return slices.Sorted(maps.Keys(e)) }

// Has reports whether deliveries of event with action are in e.
func (e Events) Has(event, action string) bool {
	actions, ok := e[event]
	return ok && (len(actions) == 0 || slices.Contains(actions, action))
}

package webhooks

import (
	"maps"
	"slices"
)

// DefaultEvents are the events the Handler stores unless configured
// otherwise, with the go-github type Decode returns for each:
//
//	push                       *github.PushEvent
//	pull_request               *github.PullRequestEvent
//	pull_request_review        *github.PullRequestReviewEvent
//	check_run                  *github.CheckRunEvent (re-run of one check)
//	check_suite                *github.CheckSuiteEvent (requested on push, "Re-run all")
//	merge_group                *github.MergeGroupEvent
//	installation               *github.InstallationEvent
//	installation_repositories  *github.InstallationRepositoriesEvent
//	member                     *github.MemberEvent (collaborator added or changed)
//	membership                 *github.MembershipEvent (team membership: who may approve)
//	repository                 *github.RepositoryEvent (created, renamed, transferred)
//
// ping is answered by the Handler and never stored.
func DefaultEvents() []string {
	return slices.Sorted(maps.Keys(defaultEvents))
}

var defaultEvents = map[string]bool{
	"push":                      true,
	"pull_request":              true,
	"pull_request_review":       true,
	"check_run":                 true,
	"check_suite":               true,
	"merge_group":               true,
	"installation":              true,
	"installation_repositories": true,
	"member":                    true,
	"membership":                true,
	"repository":                true,
}

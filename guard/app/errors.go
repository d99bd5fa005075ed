package app

import (
	"errors"

	"github.com/repoguard/repoguard/guard/github"
	"github.com/repoguard/repoguard/guard/gitrepo"
	"github.com/repoguard/repoguard/webhooks"
)

// transient returns err as it is when retrying may help (server errors,
// rate limits, the network) and marks it permanent when the adapter that
// returned it says it cannot (github.Permanent: GitHub refusing the
// request itself; gitrepo.Permanent: a repository that does not exist).
func transient(err error) error {
	if err == nil || errors.Is(err, webhooks.ErrPermanent) {
		return err
	}
	if github.Permanent(err) || gitrepo.Permanent(err) {
		return webhooks.Permanent(err)
	}
	return err
}

// permanent reports whether err cannot be retried.
func permanent(err error) bool { return errors.Is(err, webhooks.ErrPermanent) }

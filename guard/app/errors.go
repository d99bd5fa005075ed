package app

import (
	"errors"
	"net/http"

	"github.com/go-git/go-git/v5/plumbing/transport"
	gh "github.com/google/go-github/v62/github"

	"github.com/repoguard/repoguard/webhooks"
)

// transient returns err as it is when retrying may help (server errors,
// rate limits, the network) and marks it permanent when it cannot: GitHub
// refusing the request itself (4xx other than 408, 409 and 429) or a
// repository that does not exist.
func transient(err error) error {
	if err == nil || errors.Is(err, webhooks.ErrPermanent) {
		return err
	}
	var er *gh.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		switch s := er.Response.StatusCode; {
		case s == http.StatusRequestTimeout, s == http.StatusConflict, s == http.StatusTooManyRequests:
			return err
		case s >= 400 && s < 500:
			return webhooks.Permanent(err)
		}
	}
	if errors.Is(err, transport.ErrRepositoryNotFound) {
		return webhooks.Permanent(err)
	}
	return err
}

// permanent reports whether err cannot be retried.
func permanent(err error) bool { return errors.Is(err, webhooks.ErrPermanent) }

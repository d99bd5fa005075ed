package github

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	gh "github.com/google/go-github/v62/github"
)

// Client calls the API as one installation of the App. It is safe for
// concurrent use; get one from App.Installation.
type Client struct {
	api          *gh.Client
	tokens       *ghinstallation.Transport
	installation int64
	appID        int64
	retry        RetryConfig
	log          *slog.Logger
}

// InstallationID returns the installation the client acts for.
func (c *Client) InstallationID() int64 { return c.installation }

// Token returns the installation access token, refreshing it when it is
// about to expire. Use it as the password of user "x-access-token" to
// clone over HTTPS; never log it.
func (c *Client) Token(ctx context.Context) (string, error) {
	tok, err := c.tokens.Token(ctx)
	if err != nil {
		return "", fmt.Errorf("installation %d token: %w", c.installation, cleanErr(err))
	}
	return tok, nil
}

// call runs one go-github call. go-github refuses to send a request while
// a rate limit it has seen exhausted is in force (the retrying transport
// handles the limits GitHub answers with); then call waits for the reset
// when it is near enough and tries once more.
func call[T any](ctx context.Context, c *Client, f func() (T, *gh.Response, error)) (T, *gh.Response, error) {
	v, resp, err := f()
	var rle *gh.RateLimitError
	if errors.As(err, &rle) {
		until := rle.Rate.Reset.Time.Add(primaryBuffer)
		if wait := time.Until(until); wait > c.retry.MaxWait {
			return v, resp, &RateLimitError{Until: until, MaxWait: c.retry.MaxWait}
		}
		c.log.Info("github: waiting for rate limit reset", "until", until)
		if err := sleep(ctx, time.Until(until)); err != nil {
			return v, resp, fmt.Errorf("waiting for rate limit reset: %w", err)
		}
		v, resp, err = f()
	}
	return v, resp, cleanErr(err)
}

// cleanErr unwraps a *RateLimitError from the *url.Error that net/http
// wraps transport errors in, whose long URL adds nothing.
func cleanErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		var rl *RateLimitError
		if errors.As(ue.Err, &rl) {
			return rl
		}
	}
	return err
}

// perPage is the page size of every list call.
const perPage = 100

// maxPages bounds pagination, against a server that always answers with
// a next page.
const maxPages = 100

// paginate calls list for every page and returns all items. It fails
// rather than return a partial list beyond maxPages: a missing review or
// commit could change who may approve.
func paginate[T any](ctx context.Context, c *Client, list func(*gh.ListOptions) ([]T, *gh.Response, error)) ([]T, error) {
	lo := &gh.ListOptions{PerPage: perPage}
	var out []T
	for page := 0; page < maxPages; page++ {
		items, resp, err := call(ctx, c, func() ([]T, *gh.Response, error) { return list(lo) })
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if resp.NextPage == 0 {
			return out, nil
		}
		lo.Page = resp.NextPage
	}
	return nil, fmt.Errorf("more than %d pages of %d", maxPages, perPage)
}

package github

import (
	"errors"
	"net/http"

	gh "github.com/google/go-github/v62/github"
)

// IsNotFound reports whether err is GitHub's 404. GitHub also answers 404
// when the installation cannot see the resource.
func IsNotFound(err error) bool {
	s, ok := status(err)
	return ok && s == http.StatusNotFound
}

// Permanent reports whether retrying cannot cure err: GitHub refused the
// request itself, with a 4xx status other than 408 (request timeout), 409
// (conflict) and 429 (too many requests). Server errors, rate limits
// (RateLimitError) and network errors are not permanent.
func Permanent(err error) bool {
	s, ok := status(err)
	switch {
	case !ok, s == http.StatusRequestTimeout, s == http.StatusConflict, s == http.StatusTooManyRequests:
		return false
	}
	return s >= 400 && s < 500
}

// status returns the HTTP status of GitHub's answer that err reports.
func status(err error) (int, bool) {
	var er *gh.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response.StatusCode, true
	}
	return 0, false
}

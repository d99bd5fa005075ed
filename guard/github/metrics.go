package github

import (
	"net/http"
	"strconv"
	"strings"
)

// Metrics observes the client's traffic. Implementations must be safe for
// concurrent use; the lead wiring exports them (e.g. to Prometheus).
type Metrics interface {
	// APICall is called once per HTTP attempt, retries included, with a
	// low-cardinality endpoint label such as
	// "PATCH /repos/:owner/:repo/check-runs/:id" and the response status
	// (0 when no response arrived).
	APICall(endpoint string, status int)
	// RateLimitRemaining reports the installation's X-RateLimit-Remaining
	// after a response that carries it (App-level /app/ calls, which have
	// their own limit, are left out).
	RateLimitRemaining(remaining int)
	// Retry is called before each retry with the endpoint label and the
	// reason: "server_error", "network", "rate_limit" or
	// "secondary_rate_limit".
	Retry(endpoint, reason string)
}

// MetricsFuncs adapts optional functions to Metrics; nil fields are
// skipped. The zero value observes nothing.
type MetricsFuncs struct {
	OnAPICall            func(endpoint string, status int)
	OnRateLimitRemaining func(remaining int)
	OnRetry              func(endpoint, reason string)
}

// APICall calls OnAPICall when set.
func (m MetricsFuncs) APICall(endpoint string, status int) {
	if m.OnAPICall != nil {
		m.OnAPICall(endpoint, status)
	}
}

// RateLimitRemaining calls OnRateLimitRemaining when set.
func (m MetricsFuncs) RateLimitRemaining(n int) {
	if m.OnRateLimitRemaining != nil {
		m.OnRateLimitRemaining(n)
	}
}

// Retry calls OnRetry when set.
func (m MetricsFuncs) Retry(endpoint, reason string) {
	if m.OnRetry != nil {
		m.OnRetry(endpoint, reason)
	}
}

// observer reports every attempt to Metrics. It sits under the retrying
// transport so that each attempt counts.
type observer struct {
	next     http.RoundTripper
	metrics  Metrics
	basePath string
}

func (o *observer) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := o.next.RoundTrip(req)
	ep := endpointLabel(req.Method, req.URL.Path, o.basePath)
	status := 0
	if resp != nil {
		status = resp.StatusCode
		n, err := strconv.Atoi(resp.Header.Get(headerRemaining))
		if err == nil && !strings.HasPrefix(ep, req.Method+" /app/") {
			o.metrics.RateLimitRemaining(n)
		}
	}
	o.metrics.APICall(ep, status)
	return resp, err
}

// paramAfter names the path parameter that follows a fixed segment.
var paramAfter = map[string]string{
	"orgs":          ":org",
	"users":         ":user",
	"teams":         ":team",
	"memberships":   ":user",
	"members":       ":user",
	"commits":       ":ref",
	"branches":      ":branch",
	"installations": ":id",
}

// endpointLabel turns a request path into a label of bounded cardinality:
// owners, repositories, refs, logins and numbers become placeholders, and
// everything after /contents/ becomes ":path".
func endpointLabel(method, path, basePath string) string {
	path = strings.TrimPrefix(path, strings.TrimSuffix(basePath, "/"))
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i := 0; i < len(segs); i++ {
		s := segs[i]
		switch {
		case s == "repos" && i+2 < len(segs):
			segs[i+1], segs[i+2] = ":owner", ":repo"
			i += 2
		case s == "contents" && i+1 < len(segs):
			segs = append(segs[:i+1], ":path")
			i = len(segs)
		case paramAfter[s] != "" && i+1 < len(segs):
			segs[i+1] = paramAfter[s]
			i++
		case isNumber(s):
			segs[i] = ":id"
		}
	}
	return method + " /" + strings.Join(segs, "/")
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

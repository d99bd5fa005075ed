package githubtest

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Fault is an injected answer that replaces the next Times matching
// requests, before authentication.
type Fault struct {
	// Method matches the request method; "" matches any.
	Method string
	// PathPrefix matches the start of the path (without /api/v3).
	PathPrefix string
	Status     int
	// Times is how many requests the fault answers; 1 when zero.
	Times  int
	Header http.Header
	// Body is the JSON body; when empty a GitHub-like message is made up
	// from the status and headers.
	Body string
}

// FailNext answers the next n requests matching method and pathPrefix
// with status and the given headers, e.g. 502, or 403 with
// X-RateLimit-Remaining: 0, or 429 with Retry-After.
func (s *Server) FailNext(method, pathPrefix string, status, n int, header http.Header) {
	s.Inject(Fault{Method: method, PathPrefix: pathPrefix, Status: status, Times: n, Header: header})
}

// Inject queues a fault. Faults are matched in the order they were
// injected.
func (s *Server) Inject(f Fault) {
	if f.Times <= 0 {
		f.Times = 1
	}
	s.mu.Lock()
	s.faults = append(s.faults, &f)
	s.mu.Unlock()
}

// PrimaryRateLimit returns the headers of an exhausted primary rate limit
// that resets after d (rounded up to whole seconds, as GitHub sends Unix
// seconds).
func PrimaryRateLimit(d time.Duration) http.Header {
	reset := time.Now().Add(d + time.Second - 1).Unix()
	return http.Header{
		"X-Ratelimit-Limit":     {"5000"},
		"X-Ratelimit-Remaining": {"0"},
		"X-Ratelimit-Reset":     {strconv.FormatInt(reset, 10)},
		"X-Ratelimit-Resource":  {"core"},
	}
}

// RetryAfter returns a Retry-After header of whole seconds.
func RetryAfter(seconds int) http.Header {
	return http.Header{"Retry-After": {strconv.Itoa(seconds)}}
}

func (s *Server) takeFault(method, path string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if (f.Method == "" || f.Method == method) && strings.HasPrefix(path, f.PathPrefix) {
			f.Times--
			if f.Times == 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			c := *f
			return &c
		}
	}
	return nil
}

func (f *Fault) write(w http.ResponseWriter) {
	for k, vs := range f.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if f.Body != "" {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte(f.Body))
		return
	}
	writeError(w, f.Status, f.message(w.Header()))
}

func (f *Fault) message(h http.Header) string {
	switch {
	case (f.Status == 403 || f.Status == 429) && h.Get("X-RateLimit-Remaining") == "0":
		return "API rate limit exceeded for installation."
	case f.Status == 403 || f.Status == 429:
		return "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
	case f.Status >= 500:
		return "Server Error"
	}
	return http.StatusText(f.Status)
}

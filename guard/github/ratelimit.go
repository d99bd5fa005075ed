package github

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const (
	headerRemaining  = "X-RateLimit-Remaining"
	headerReset      = "X-RateLimit-Reset"
	headerRetryAfter = "Retry-After"
)

// RateLimitError reports a rate limit that lasts longer than the client
// is willing to wait (RetryConfig.MaxWait). No request was retried.
type RateLimitError struct {
	// Secondary is true for a secondary (abuse) rate limit.
	Secondary bool
	// Until is when GitHub allows requests again.
	Until time.Time
	// MaxWait is the longest wait the client was configured to accept.
	MaxWait time.Duration
}

// Error implements error.
func (e *RateLimitError) Error() string {
	kind := "rate limit"
	if e.Secondary {
		kind = "secondary rate limit"
	}
	wait := time.Until(e.Until).Round(time.Second)
	return fmt.Sprintf("github %s exceeded until %s (%s away, beyond the %s retry limit)",
		kind, e.Until.UTC().Format(time.RFC3339), wait, e.MaxWait)
}

// limit is what a response says about rate limiting.
type limit struct {
	kind  string // "", "rate_limit" or "secondary_rate_limit"
	until time.Time
}

// rateLimited classifies a 403 or 429 response. For other statuses it
// returns the zero limit. When it has to read the body (to find GitHub's
// "secondary rate limit" message) it puts back a replayable copy.
func rateLimited(resp *http.Response, now time.Time, secondaryWait time.Duration) limit {
	if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusTooManyRequests {
		return limit{}
	}
	if ra := resp.Header.Get(headerRetryAfter); ra != "" {
		if d, ok := parseRetryAfter(ra, now); ok {
			return limit{kind: "secondary_rate_limit", until: now.Add(d)}
		}
	}
	if resp.Header.Get(headerRemaining) == "0" {
		if reset, err := strconv.ParseInt(resp.Header.Get(headerReset), 10, 64); err == nil {
			return limit{kind: "rate_limit", until: time.Unix(reset, 0)}
		}
	}
	if resp.StatusCode == http.StatusTooManyRequests || secondaryMessage(resp) {
		return limit{kind: "secondary_rate_limit", until: now.Add(secondaryWait)}
	}
	return limit{}
}

// secondaryMessage reports whether the body mentions a secondary rate
// limit, leaving the body readable.
func secondaryMessage(resp *http.Response) bool {
	if resp.Body == nil {
		return false
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	msg := strings.ToLower(string(b))
	return strings.Contains(msg, "secondary rate limit") || strings.Contains(msg, "abuse detection")
}

// parseRetryAfter reads delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

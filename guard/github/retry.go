package github

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// RetryConfig tunes retries. Zero fields take the defaults in brackets.
type RetryConfig struct {
	// MaxAttempts is the number of attempts per request, the first
	// included [4].
	MaxAttempts int
	// BaseDelay is the first backoff after a server error; it doubles on
	// each retry, with jitter [200ms].
	BaseDelay time.Duration
	// MaxWait is the longest the client waits before one retry. A rate
	// limit that lasts longer fails at once with *RateLimitError [60s].
	MaxWait time.Duration
	// SecondaryWait is the wait after a secondary rate limit that names
	// no Retry-After; GitHub asks for at least a minute [60s].
	SecondaryWait time.Duration
	// AttemptTimeout bounds each attempt, body read included [30s].
	AttemptTimeout time.Duration
}

func (c RetryConfig) withDefaults() RetryConfig {
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 4
	}
	if c.BaseDelay <= 0 {
		c.BaseDelay = 200 * time.Millisecond
	}
	if c.MaxWait <= 0 {
		c.MaxWait = 60 * time.Second
	}
	if c.SecondaryWait <= 0 {
		c.SecondaryWait = 60 * time.Second
	}
	if c.AttemptTimeout <= 0 {
		c.AttemptTimeout = 30 * time.Second
	}
	return c
}

// primaryBuffer is added to X-RateLimit-Reset, as clocks differ.
const primaryBuffer = time.Second

// retryTransport retries server errors and waits out rate limits. It
// remembers a rate limit in force and holds (or fails) further requests
// of the installation until it ends.
type retryTransport struct {
	next    http.RoundTripper
	cfg     RetryConfig
	log     *slog.Logger
	metrics Metrics

	// basePath is the path of the API base URL, left out of labels.
	basePath string

	mu      sync.Mutex
	blocked limit
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	getBody, err := replayable(req)
	if err != nil {
		return nil, fmt.Errorf("github: buffer request body: %w", err)
	}
	ep := endpointLabel(req.Method, req.URL.Path, t.basePath)
	for attempt := 1; ; attempt++ {
		if err := t.waitBlocked(ctx, ep); err != nil {
			return nil, err
		}
		resp, err := t.send(req, getBody)
		var lim limit
		if err == nil {
			lim = t.noteLimit(resp)
		}
		var wait time.Duration
		var reason string
		switch {
		case err != nil:
			if ctx.Err() != nil || !safeToRepeat(req) || attempt >= t.cfg.MaxAttempts {
				return nil, err
			}
			reason, wait = "network", t.backoff(attempt)
		case lim.kind != "":
			if time.Until(lim.until) > t.cfg.MaxWait {
				drain(resp)
				t.log.Warn("github: rate limited beyond the retry limit", "endpoint", ep, "kind", lim.kind, "until", lim.until)
				return nil, t.limitError(lim)
			}
			if attempt >= t.cfg.MaxAttempts {
				return resp, nil
			}
			reason = lim.kind // waitBlocked waits at the top of the loop
		case retryableStatus(resp.StatusCode, attempt) && safeToRepeat(req) && attempt < t.cfg.MaxAttempts:
			reason, wait = "server_error", t.backoff(attempt)
		default:
			return resp, nil
		}
		status := 0
		if resp != nil {
			status = resp.StatusCode
			drain(resp)
		}
		t.metrics.Retry(ep, reason)
		t.log.Warn("github: retrying request", "endpoint", ep, "attempt", attempt,
			"status", status, "reason", reason, "backoff", wait, "error", errString(err))
		if err := sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("github: waiting to retry %s: %w", ep, err)
		}
	}
}

// send makes one attempt with a fresh copy of the body and its own
// timeout, which ends when the response body is closed.
func (t *retryTransport) send(req *http.Request, getBody func() (io.ReadCloser, error)) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(req.Context(), t.cfg.AttemptTimeout)
	r := req.Clone(ctx)
	if getBody != nil {
		b, err := getBody()
		if err != nil {
			cancel()
			return nil, err
		}
		r.Body = b
	}
	resp, err := t.next.RoundTrip(r)
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// noteLimit records and returns the rate limit the response reports, if
// any.
func (t *retryTransport) noteLimit(resp *http.Response) limit {
	lim := rateLimited(resp, time.Now(), t.cfg.SecondaryWait)
	if lim.kind == "" {
		return lim
	}
	if lim.kind == "rate_limit" {
		lim.until = lim.until.Add(primaryBuffer)
	}
	t.mu.Lock()
	if lim.until.After(t.blocked.until) {
		t.blocked = lim
	}
	t.mu.Unlock()
	return lim
}

func (t *retryTransport) limitError(lim limit) *RateLimitError {
	return &RateLimitError{Secondary: lim.kind == "secondary_rate_limit", Until: lim.until, MaxWait: t.cfg.MaxWait}
}

// waitBlocked waits for a rate limit in force to end, or fails at once
// when it ends later than MaxWait from now.
func (t *retryTransport) waitBlocked(ctx context.Context, ep string) error {
	t.mu.Lock()
	lim := t.blocked
	t.mu.Unlock()
	wait := time.Until(lim.until)
	if wait <= 0 {
		return nil
	}
	if wait > t.cfg.MaxWait {
		return t.limitError(lim)
	}
	t.log.Info("github: waiting for rate limit", "endpoint", ep, "kind", lim.kind, "wait", wait)
	if err := sleep(ctx, wait); err != nil {
		return fmt.Errorf("github: waiting for %s on %s: %w", strings.ReplaceAll(lim.kind, "_", " "), ep, err)
	}
	return nil
}

// backoff is BaseDelay doubled per attempt, with jitter in [d/2, d],
// capped at MaxWait.
func (t *retryTransport) backoff(attempt int) time.Duration {
	d := min(t.cfg.BaseDelay<<min(attempt-1, 20), t.cfg.MaxWait)
	return d/2 + rand.N(d/2+1)
}

// retryableStatus: 502, 503 and 504 always; 500 once.
func retryableStatus(status, attempt int) bool {
	switch status {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	case http.StatusInternalServerError:
		return attempt == 1
	}
	return false
}

// safeToRepeat reports whether a request may be sent again after a server
// or network error, when GitHub may have acted on it. Reads and idempotent
// writes may. Of the non-idempotent ones, only token exchanges (harmless)
// and check-run writes are: a repeated create can leave a duplicate check
// run (callers can use FindCheckRun), a repeated update can duplicate
// annotations. Both are better than a check that never reports.
func safeToRepeat(req *http.Request) bool {
	switch req.Method {
	case http.MethodPost, http.MethodPatch:
		p := req.URL.Path
		return strings.HasSuffix(p, "/access_tokens") || strings.Contains(p, "/check-runs")
	}
	return true
}

// replayable returns a function that yields a fresh copy of the request
// body for each attempt, and closes the original; nil when there is no
// body.
func replayable(req *http.Request) (func() (io.ReadCloser, error), error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer req.Body.Close()
	if req.GetBody != nil {
		return req.GetBody, nil
	}
	b, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }, nil
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
		return nil
	}
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

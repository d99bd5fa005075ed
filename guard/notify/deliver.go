package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// The formats of an endpoint.
const (
	// FormatJSON posts a Payload.
	FormatJSON = "json"
	// FormatSlack posts a Slack incoming-webhook message.
	FormatSlack = "slack"
)

// Endpoint is where notifications go.
type Endpoint struct {
	// URL receives a POST per notification. A Slack webhook URL is a
	// secret itself: only its scheme and host are ever logged.
	URL string
	// Secret keys the signature header; "" sends deliveries unsigned.
	Secret string
	// MinSeverity is the lowest severity notified; zero notifies all.
	MinSeverity guard.Severity
	// Format is FormatJSON (the default when "") or FormatSlack.
	Format string
}

// Validate checks the URL (absolute http or https) and the format.
func (e Endpoint) Validate() error {
	u, err := url.Parse(e.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return errors.New("notify endpoint: want an absolute http(s) URL")
	}
	if e.Format != "" && e.Format != FormatJSON && e.Format != FormatSlack {
		return fmt.Errorf("notify endpoint: unknown format %q (want json or slack)", e.Format)
	}
	return nil
}

// String names the endpoint without its secret or URL path.
func (e Endpoint) String() string {
	f := e.Format
	if f == "" {
		f = FormatJSON
	}
	return f + " " + redactURL(e.URL)
}

// GoString keeps %#v from printing the secret.
func (e Endpoint) GoString() string { return "notify.Endpoint(" + e.String() + ")" }

// LogValue logs the endpoint as String does.
func (e Endpoint) LogValue() slog.Value { return slog.StringValue(e.String()) }

// redactURL keeps the scheme and host of a URL.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(invalid URL)"
	}
	if u.Path == "" || u.Path == "/" {
		return u.Scheme + "://" + u.Host
	}
	return u.Scheme + "://" + u.Host + "/…"
}

// Sign returns the signature header's value for body under secret:
// "sha256=" and the hex HMAC-SHA256.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// deliver posts d until the endpoint accepts it, the attempts run out,
// an answer says retrying is pointless, or ctx ends.
func (n *Notifier) deliver(ctx context.Context, d delivery) {
	ep := n.endpoints[d.ep]
	for attempt := 1; ; attempt++ {
		retry, wait, err := n.post(ctx, ep, d)
		if err == nil {
			n.delivered.Add(1)
			n.log.Debug("notify: delivered", slog.String("subject", d.subject), slog.Any("endpoint", ep),
				slog.Int("attempt", attempt))
			return
		}
		if ctx.Err() != nil {
			n.abandon(d)
			return
		}
		if !retry || attempt >= n.opts.MaxAttempts {
			n.failed.Add(1)
			n.log.Error("notify: delivery failed", slog.String("subject", d.subject), slog.Any("endpoint", ep),
				slog.Int("attempts", attempt), slog.String("error", err.Error()))
			return
		}
		wait = max(wait, n.backoff(attempt))
		n.log.Warn("notify: delivery attempt failed, retrying", slog.String("subject", d.subject),
			slog.Any("endpoint", ep), slog.Int("attempt", attempt), slog.Duration("wait", wait),
			slog.String("error", err.Error()))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			n.abandon(d)
			return
		case <-t.C:
		}
	}
}

// backoff is the wait after failed attempt n (1 on): BaseDelay doubled
// n-1 times, at most MaxDelay.
func (n *Notifier) backoff(attempt int) time.Duration {
	d := n.opts.BaseDelay
	for i := 1; i < attempt && d < n.opts.MaxDelay; i++ {
		d *= 2
	}
	return min(d, n.opts.MaxDelay)
}

// post makes one attempt. retry says whether another may succeed, and
// wait how long the endpoint asked to wait first (Retry-After). Errors
// never carry the URL.
func (n *Notifier) post(ctx context.Context, ep Endpoint, d delivery) (retry bool, wait time.Duration, err error) {
	ctx, cancel := context.WithTimeout(ctx, n.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(d.body))
	if err != nil {
		return false, 0, errors.New("cannot build the request")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "repoguard-notify")
	req.Header.Set(EventHeader, d.event)
	req.Header.Set(DeliveryHeader, d.id)
	if ep.Secret != "" {
		req.Header.Set(SignatureHeader, Sign(ep.Secret, d.body))
	}
	resp, err := n.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the url.Error's message holds the URL
		}
		return true, 0, fmt.Errorf("post: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	code := resp.StatusCode
	switch {
	case code >= 200 && code < 300:
		return false, 0, nil
	case code == http.StatusTooManyRequests || code == http.StatusRequestTimeout || code >= 500:
		return true, min(retryAfter(resp.Header.Get("Retry-After")), n.opts.MaxDelay),
			fmt.Errorf("endpoint answered %d %s", code, http.StatusText(code))
	case code >= 300 && code < 400:
		return false, 0, fmt.Errorf("endpoint answered %d: redirects are not followed", code)
	}
	return false, 0, fmt.Errorf("endpoint answered %d %s", code, http.StatusText(code))
}

// retryAfter reads a Retry-After header in seconds; 0 when absent or in
// another form.
func retryAfter(v string) time.Duration {
	s, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || s <= 0 {
		return 0
	}
	return time.Duration(min(s, 86400)) * time.Second
}

// Package notify sends outgoing webhooks about new anomalies: a JSON
// payload signed with HMAC-SHA256 under each endpoint's secret, or a
// Slack incoming-webhook message. JSON endpoints also receive the head
// of the audit log (EventAuditHead), which anchors the log outside the
// database. Notify never blocks its caller: the
// deliveries wait in a bounded queue that one goroutine drains, retrying
// each with exponential backoff.
//
// Receivers of the JSON format should check the signature header,
// "sha256=" and the hex HMAC-SHA256 of the raw body, in constant time,
// and may de-duplicate on the delivery header, which stays the same
// across the retries of one delivery.
package notify

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// The headers of a delivery.
const (
	// SignatureHeader is "sha256=" and the hex HMAC-SHA256 of the raw
	// body under the endpoint's secret; absent when it has none.
	SignatureHeader = "X-Repoguard-Signature-256"
	// EventHeader names the event: EventAnomalyCreated or
	// EventAuditHead.
	EventHeader = "X-Repoguard-Event"
	// DeliveryHeader identifies a delivery across its retries.
	DeliveryHeader = "X-Repoguard-Delivery"
)

// The events.
const (
	// EventAnomalyCreated is the event of a new anomaly in the queue.
	EventAnomalyCreated = "anomaly.created"
	// EventAuditHead reports the newest entry of the audit log (its seq
	// and hash): a receiver that keeps them can later prove that entries
	// up to there existed, with `repoguard audit verify --expect`.
	EventAuditHead = "audit.head"
)

// The defaults of Options.
const (
	DefaultMaxAttempts  = 5
	DefaultBaseDelay    = time.Second
	DefaultMaxDelay     = time.Minute
	DefaultTimeout      = 10 * time.Second
	DefaultQueueSize    = 1000
	DefaultFlushTimeout = 10 * time.Second
)

// Options tune a Notifier; the zero value of each field means its default.
type Options struct {
	// Client sends the requests; nil means a client that does not follow
	// redirects (a 3xx answer fails the delivery).
	Client *http.Client
	// Logger receives delivery failures and drops; nil means
	// slog.Default(). Secrets and endpoint URL paths are never logged.
	Logger *slog.Logger
	// MaxAttempts bounds the attempts of one delivery.
	MaxAttempts int
	// BaseDelay is the wait after the first failed attempt; it doubles
	// after each further one, up to MaxDelay. A Retry-After answer may
	// lengthen it, up to MaxDelay.
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// Timeout bounds each attempt.
	Timeout time.Duration
	// QueueSize bounds the deliveries waiting; beyond it Notify drops
	// them with a warning.
	QueueSize int
	// FlushTimeout is how long Close waits for the queue to drain.
	FlushTimeout time.Duration
	// BaseURL is the external URL of the web UI, for links to anomalies
	// ("https://guard.example.com"); without it payloads link only to
	// GitHub.
	BaseURL string
}

// Stats count deliveries since New.
type Stats struct {
	Delivered int64 // accepted by the endpoint (2xx)
	Failed    int64 // given up after the last attempt or a permanent error
	Dropped   int64 // not queued (queue full or Notifier closed) or abandoned at Close
}

// Notifier delivers notifications to endpoints. Its methods are safe for
// concurrent use.
type Notifier struct {
	endpoints []Endpoint
	opts      Options
	client    *http.Client
	log       *slog.Logger
	linkBase  string

	mu     sync.Mutex // guards closed and sending on queue
	closed bool
	queue  chan delivery

	ctx    context.Context // canceled when Close gives up waiting
	cancel context.CancelFunc
	done   chan struct{}

	delivered, failed, dropped atomic.Int64
	abandoned                  atomic.Int64 // by Close, counted in dropped too
}

// delivery is one payload for one endpoint.
type delivery struct {
	ep    int
	id    string
	event string
	// subject names what the payload is about in logs: "anomaly/12",
	// "audit/340".
	subject string
	body    []byte
}

// New returns a Notifier for the endpoints and starts its goroutine;
// Close stops it. Endpoints that fail Validate are left out, with an
// error logged.
func New(endpoints []Endpoint, opts Options) *Notifier {
	setDefaults(&opts)
	n := &Notifier{opts: opts, client: opts.Client, log: opts.Logger, linkBase: trimSlash(opts.BaseURL),
		queue: make(chan delivery, opts.QueueSize), done: make(chan struct{})}
	if n.client == nil {
		n.client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	for _, ep := range endpoints {
		if err := ep.Validate(); err != nil {
			n.log.Error("notify: endpoint left out", slog.Any("endpoint", ep), slog.String("error", err.Error()))
			continue
		}
		if ep.Format == "" {
			ep.Format = FormatJSON
		}
		if ep.Secret == "" && ep.Format == FormatJSON {
			n.log.Warn("notify: endpoint has no secret: its deliveries are unsigned", slog.Any("endpoint", ep))
		}
		n.endpoints = append(n.endpoints, ep)
	}
	n.ctx, n.cancel = context.WithCancel(context.Background())
	go n.run()
	return n
}

func setDefaults(o *Options) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.BaseDelay <= 0 {
		o.BaseDelay = DefaultBaseDelay
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = DefaultMaxDelay
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.QueueSize <= 0 {
		o.QueueSize = DefaultQueueSize
	}
	if o.FlushTimeout <= 0 {
		o.FlushTimeout = DefaultFlushTimeout
	}
}

// Notify queues a notification of each anomaly to each endpoint whose
// MinSeverity it reaches; suppressed anomalies are skipped. It does not
// block: when the queue is full the notification is dropped with a
// warning. ctx is used for logging only: its cancellation (the end of
// the request that recorded the anomalies) does not cancel deliveries.
func (n *Notifier) Notify(ctx context.Context, anomalies []guard.Anomaly) {
	for i := range anomalies {
		a := &anomalies[i]
		if a.Suppressed {
			continue
		}
		for k, ep := range n.endpoints {
			if a.Severity < ep.MinSeverity {
				continue
			}
			body, err := n.payload(ep.Format, a)
			if err != nil {
				n.log.ErrorContext(ctx, "notify: encode payload", slog.Int64("anomaly", a.ID), slog.String("error", err.Error()))
				continue
			}
			n.enqueue(ctx, delivery{ep: k, id: rand.Text(), event: EventAnomalyCreated,
				subject: "anomaly/" + strconv.FormatInt(a.ID, 10), body: body})
		}
	}
}

// NotifyAuditHead queues the audit log's head to each JSON endpoint,
// whatever its MinSeverity (a Slack channel gets none: its messages are
// not signed). Like Notify it does not block.
func (n *Notifier) NotifyAuditHead(ctx context.Context, head guard.AuditEntry) {
	body, err := json.Marshal(AuditHeadPayload{Event: EventAuditHead, Seq: head.Seq, Hash: head.Hash, At: head.At})
	if err != nil {
		n.log.ErrorContext(ctx, "notify: encode payload", slog.Int64("seq", head.Seq), slog.String("error", err.Error()))
		return
	}
	for k, ep := range n.endpoints {
		if ep.Format == FormatJSON {
			n.enqueue(ctx, delivery{ep: k, id: rand.Text(), event: EventAuditHead,
				subject: "audit/" + strconv.FormatInt(head.Seq, 10), body: body})
		}
	}
}

// enqueue adds d to the queue, or drops it with a warning.
func (n *Notifier) enqueue(ctx context.Context, d delivery) {
	n.mu.Lock()
	why := ""
	if n.closed {
		why = "notifier closed"
	} else {
		select {
		case n.queue <- d:
		default:
			why = "queue full"
		}
	}
	n.mu.Unlock()
	if why != "" {
		n.dropped.Add(1)
		n.log.WarnContext(ctx, "notify: notification dropped", slog.String("reason", why),
			slog.String("subject", d.subject), slog.Any("endpoint", n.endpoints[d.ep]))
	}
}

// run delivers the queue until it is closed.
func (n *Notifier) run() {
	defer close(n.done)
	for d := range n.queue {
		if n.ctx.Err() != nil {
			n.abandon(d)
			continue
		}
		n.deliver(n.ctx, d)
	}
}

// abandon counts and logs a delivery Close gave up on.
func (n *Notifier) abandon(d delivery) {
	n.dropped.Add(1)
	n.abandoned.Add(1)
	n.log.Warn("notify: notification abandoned at shutdown", slog.String("subject", d.subject),
		slog.Any("endpoint", n.endpoints[d.ep]))
}

// Close stops accepting notifications and waits for the queue to drain,
// for at most Options.FlushTimeout; then it abandons what is left. It
// returns an error saying how many notifications were abandoned.
func (n *Notifier) Close() error {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return nil
	}
	n.closed = true
	close(n.queue)
	n.mu.Unlock()
	t := time.NewTimer(n.opts.FlushTimeout)
	defer t.Stop()
	select {
	case <-n.done:
	case <-t.C:
		n.cancel()
		<-n.done
	}
	n.cancel()
	if k := n.abandoned.Load(); k > 0 {
		return fmt.Errorf("notify: %d notifications abandoned at close after %s", k, n.opts.FlushTimeout)
	}
	return nil
}

// Stats returns the delivery counts so far.
func (n *Notifier) Stats() Stats {
	return Stats{Delivered: n.delivered.Load(), Failed: n.failed.Load(), Dropped: n.dropped.Load()}
}

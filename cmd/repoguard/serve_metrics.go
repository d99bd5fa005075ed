package main

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/repoguard/repoguard/guard/app"
	"github.com/repoguard/repoguard/webhooks"
)

// serverMetrics are the Prometheus metrics of `repoguard serve`.
type serverMetrics struct {
	reg        *prometheus.Registry
	deliveries *prometheus.CounterVec
	jobs       *prometheus.HistogramVec
	apiCalls   *prometheus.CounterVec
	rateLimit  prometheus.Gauge
	apiRetries *prometheus.CounterVec
	findings   *prometheus.CounterVec
	evaluated  *prometheus.HistogramVec
	backfill   *prometheus.GaugeVec
}

func newServerMetrics(inbox webhooks.Inbox) *serverMetrics {
	m := &serverMetrics{reg: prometheus.NewRegistry()}
	m.deliveries = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "repoguard_webhook_deliveries_total",
		Help: "Webhook deliveries by event and outcome."}, []string{"event", "outcome"})
	m.jobs = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "repoguard_job_duration_seconds",
		Help: "Time to process an inbox job, by event and result.", Buckets: prometheus.ExponentialBuckets(0.005, 2.5, 12)},
		[]string{"event", "result"})
	m.apiCalls = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "repoguard_github_api_calls_total",
		Help: "GitHub API calls by endpoint and status."}, []string{"endpoint", "status"})
	m.rateLimit = prometheus.NewGauge(prometheus.GaugeOpts{Name: "repoguard_github_rate_limit_remaining",
		Help: "X-RateLimit-Remaining of the last GitHub API response."})
	m.apiRetries = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "repoguard_github_api_retries_total",
		Help: "GitHub API retries by endpoint and reason."}, []string{"endpoint", "reason"})
	m.findings = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "repoguard_findings_total",
		Help: "Findings recorded, by detector and severity."}, []string{"detector", "severity"})
	m.evaluated = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "repoguard_evaluation_duration_seconds",
		Help: "Time to evaluate and write a check run, by kind and conclusion.", Buckets: prometheus.ExponentialBuckets(0.005, 2.5, 12)},
		[]string{"kind", "conclusion"})
	m.backfill = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "repoguard_backfill_commits",
		Help: "Commits learned by the running or last backfill of a repository."}, []string{"repo"})
	depth := func(pick func(ready, running, dead int) int) func() float64 {
		return func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			r, run, d, err := inbox.Depth(ctx)
			if err != nil {
				return -1
			}
			return float64(pick(r, run, d))
		}
	}
	m.reg.MustRegister(m.deliveries, m.jobs, m.apiCalls, m.rateLimit, m.apiRetries, m.findings, m.evaluated, m.backfill,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "repoguard_inbox_ready", Help: "Inbox jobs waiting to run."},
			depth(func(r, _, _ int) int { return r })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "repoguard_inbox_running", Help: "Inbox jobs being processed."},
			depth(func(_, r, _ int) int { return r })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "repoguard_inbox_dead", Help: "Inbox jobs moved to the dead letter."},
			depth(func(_, _, d int) int { return d })),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// Delivery implements webhooks.Observer.
func (m *serverMetrics) Delivery(event, outcome string) {
	if event == "" {
		event = "unverified"
	}
	m.deliveries.WithLabelValues(event, outcome).Inc()
}

// JobDone implements webhooks.Observer: result is ok, error, or timeout
// for an attempt that ran past the job deadline.
func (m *serverMetrics) JobDone(kind string, d time.Duration, err error) {
	result := "ok"
	switch {
	case errors.Is(err, webhooks.ErrTimedOut):
		result = "timeout"
	case err != nil:
		result = "error"
	}
	m.jobs.WithLabelValues(kind, result).Observe(d.Seconds())
}

// APICall, RateLimitRemaining and Retry implement github.Metrics.
func (m *serverMetrics) APICall(endpoint string, status int) {
	m.apiCalls.WithLabelValues(endpoint, strconv.Itoa(status)).Inc()
}

// RateLimitRemaining implements github.Metrics.
func (m *serverMetrics) RateLimitRemaining(n int) { m.rateLimit.Set(float64(n)) }

// Retry implements github.Metrics.
func (m *serverMetrics) Retry(endpoint, reason string) {
	m.apiRetries.WithLabelValues(endpoint, reason).Inc()
}

// Backfill implements app.Observer.
func (m *serverMetrics) Backfill(p app.BackfillProgress) {
	m.backfill.WithLabelValues(p.Repo).Set(float64(p.Learned))
}

// Evaluated implements app.Observer.
func (m *serverMetrics) Evaluated(kind, conclusion string, d time.Duration) {
	m.evaluated.WithLabelValues(kind, conclusion).Observe(d.Seconds())
}
